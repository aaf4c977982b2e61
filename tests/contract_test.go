package tests

import (
	"maps"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/mocks"
	"github.com/innovate-inc/platform/internal/offline"
	"github.com/innovate-inc/platform/internal/plan"
	"github.com/innovate-inc/platform/internal/stackref"
)

const orgRef = "innovate-inc/platform/org"

// readOrgAs runs a downstream program (stack reader) that reads the org stack through its typed adapter, with
// the org outputs the plan produced fed into the stack reference.
func readOrgAs(t *testing.T, reader string, orgOutputs map[string]any) (*stackref.Org, *mocks.Monitor, error) {
	t.Helper()
	var got *stackref.Org
	mon, err := fixtures.Run(t, reader, "us-east-1", func(ctx *pulumi.Context) error {
		o, err := stackref.ReadOrg(ctx, "innovate-inc")
		got = o
		return err
	}, mocks.WithStackOutputs(orgRef, orgOutputs))
	return got, mon, err
}

func orgOutputs(t *testing.T) map[string]any {
	s, ok := fullPlan(t).Stack("org")
	require.True(t, ok)
	return maps.Clone(s.Outputs)
}

// The multi-stack wiring: what the org stack exports is what downstream stacks read.
func TestDownstreamStacksReadTheOrgOutputs(t *testing.T) {
	outs := orgOutputs(t)
	got, mon, err := readOrgAs(t, "network", outs)
	require.NoError(t, err)
	assert.Equal(t, []string{orgRef}, mon.References())

	assert.Equal(t, outs[stackref.OrgOrganizationID], got.OrganizationID)
	assert.Equal(t, outs[stackref.OrgRootID], got.RootID)
	assert.Equal(t, outs[stackref.OrgManagementAccountID], got.ManagementAccountID)
	assert.Equal(t, "OrganizationAccountAccessRole", got.AccessRoleName)
	assert.Equal(t, []string{"us-east-1", "us-west-2"}, got.AllowedRegions)
	assert.Equal(t, "us-west-2", got.DRRegion)
	assert.Equal(t, "platform-baseline", got.BackupVaultName)
	byRole := outs[stackref.OrgAccountIDsByRole].(map[string]any)
	for _, role := range stackref.SingletonRoleKeys {
		assert.Equal(t, byRole[role], got.AccountIDsByRole[role], role)
		assert.Len(t, got.AccountIDsByRole[role], 12)
	}
	workloads := outs[stackref.OrgWorkloadAccountIDs].(map[string]any)
	assert.Equal(t, workloads["prod"], got.WorkloadAccountIDs["prod"])
	assert.Len(t, got.WorkloadAccountIDs, 3)
	assert.Equal(t, outs[stackref.OrgOUIDs].(map[string]any)["Prod"], got.OUIDs["Prod"])
	// Account IDs in the org outputs are the ones the mocks gave the accounts, so downstream providers assume
	// roles in the right accounts.
	assert.Equal(t, mocks.AccountID("aws-prod@example.com"), got.WorkloadAccountIDs["prod"])
}

func TestMissingOrgOutputFailsNamingBothStacksAndTheKey(t *testing.T) {
	outs := orgOutputs(t)
	delete(outs, stackref.OrgAccountIDsByRole)
	delete(outs, stackref.OrgHomeRegion)
	_, _, err := readOrgAs(t, "network", outs)
	require.Error(t, err)
	assert.ErrorContains(t, err, `stack "network" reads output "accountIdsByRole" of stack "org", which does not export it`)
	assert.ErrorContains(t, err, `stack "network" reads output "homeRegion" of stack "org"`, "every missing key is reported")
}

func TestMissingAccountRoleFailsNamingTheRole(t *testing.T) {
	outs := orgOutputs(t)
	byRole := maps.Clone(outs[stackref.OrgAccountIDsByRole].(map[string]any))
	delete(byRole, "backup")
	outs[stackref.OrgAccountIDsByRole] = byRole
	_, _, err := readOrgAs(t, "security", outs)
	assert.ErrorContains(t, err, `stack "security" reads accountIdsByRole["backup"] of stack "org"`)
}

func TestWronglyTypedOrgOutputFails(t *testing.T) {
	outs := orgOutputs(t)
	outs[stackref.OrgAllowedRegions] = "us-east-1"
	_, _, err := readOrgAs(t, "network", outs)
	assert.ErrorContains(t, err, `reads output "allowedRegions" of stack "org" as a list of strings, but it is string`)
}

func TestReadingAStackThatWasNotPlannedFails(t *testing.T) {
	_, err := fixtures.Run(t, "network", "us-east-1", func(ctx *pulumi.Context) error {
		_, err := stackref.ReadOrg(ctx, "innovate-inc")
		return err
	})
	assert.ErrorContains(t, err, `stack reference "innovate-inc/platform/org": no such stack has been planned (stack "network" reads it)`)
}

// Every key the adapter requires is exported by the org layer, and the org layer exports nothing unnamed.
func TestOrgExportsEveryKeyTheAdapterNames(t *testing.T) {
	outs := orgOutputs(t)
	for _, key := range []string{
		stackref.OrgOrganizationID, stackref.OrgOrganizationARN, stackref.OrgRootID, stackref.OrgManagementAccountID,
		stackref.OrgOUIDs, stackref.OrgAccountIDs, stackref.OrgAccountIDsByRole, stackref.OrgWorkloadAccountIDs,
		stackref.OrgAccessRoleName, stackref.OrgHomeRegion, stackref.OrgDRRegion, stackref.OrgAllowedRegions,
		stackref.OrgBackupVaultName, stackref.OrgBackupRoleName, stackref.OrgBackupTag, stackref.OrgBillingTopicARN, stackref.OrgGuardrailPolicyIDs, stackref.OrgDenyNewSpendID,
	} {
		assert.NotEmpty(t, outs[key], "org exports %s", key)
		delete(outs, key)
	}
	assert.Empty(t, outs, "org exports keys that have no constant in internal/stackref")
}

// The security stack checks its config against what the org stack built, naming the key.
func TestSecurityConfigIsCheckedAgainstTheOrgStack(t *testing.T) {
	proj := badProject(t, badConfig{stack: "security", security: func(o obj) { assignment(o, 2)["accounts"] = []any{"qa"} },
		estate: func(e obj) { e["allowedRegions"] = []any{"us-east-1", "us-west-2", "eu-west-1"} }})
	_, err := offline.RunProject(proj, "security")
	require.Error(t, err)
	assert.ErrorContains(t, err, `platform:security.identityCenter.assignments[2].accounts[0] "qa" is not an account of the org stack`)
	assert.ErrorContains(t, err, `platform:estate.allowedRegions ["us-east-1" "us-west-2" "eu-west-1"] differ from the org stack's ["us-east-1" "us-west-2"]`)
}

func securityOutputs(t *testing.T) map[string]any {
	s, ok := fullPlan(t).Stack("security")
	require.True(t, ok)
	return maps.Clone(s.Outputs)
}

func readSecurityAs(t *testing.T, reader string, outs map[string]any) (*stackref.Security, error) {
	var got *stackref.Security
	_, err := fixtures.Run(t, reader, "us-east-1", func(ctx *pulumi.Context) error {
		s, err := stackref.ReadSecurity(ctx, "innovate-inc")
		got = s
		return err
	}, mocks.WithStackOutputs("innovate-inc/platform/security", outs))
	return got, err
}

func TestDownstreamStacksReadTheSecurityOutputs(t *testing.T) {
	outs := securityOutputs(t)
	got, err := readSecurityAs(t, "network", outs)
	require.NoError(t, err)
	buckets := outs[stackref.SecLogBuckets].(map[string]any)
	assert.Equal(t, buckets["flow-logs"], got.LogBuckets["flow-logs"])
	assert.Contains(t, got.LogBucketARNs["network-firewall"], "arn:aws:s3:::innovate-security-network-firewall-us-east-1-")
	assert.Contains(t, got.LogKeyARNs["us-east-1"], "arn:aws:kms:us-east-1:"+logArchiveID+":key/")
	assert.Contains(t, got.BackupVaultARNs["us-west-2"], ":backup-vault:platform-baseline")
	assert.Equal(t, "platform-investigation", got.InvestigationRole)
	assert.Contains(t, got.PermissionSetARNs, "DeveloperWrite")
}

func TestMissingSecurityOutputFailsNamingTheKey(t *testing.T) {
	outs := securityOutputs(t)
	buckets := maps.Clone(outs[stackref.SecLogBuckets].(map[string]any))
	delete(buckets, "flow-logs")
	outs[stackref.SecLogBuckets] = buckets
	delete(outs, stackref.SecBackupVaultARNs)
	_, err := readSecurityAs(t, "dev", outs)
	assert.ErrorContains(t, err, `stack "dev" reads logBuckets["flow-logs"] of stack "security", which does not export it`)
	assert.ErrorContains(t, err, `stack "dev" reads output "backupVaultArns" of stack "security"`)
}

func TestDownstreamStacksReadTheNetworkOutputs(t *testing.T) {
	s, ok := fullPlan(t).Stack("network")
	require.True(t, ok)
	outs := maps.Clone(s.Outputs)
	var got *stackref.Network
	read := func(outs map[string]any) error {
		_, err := fixtures.Run(t, "prod", "us-east-1", func(ctx *pulumi.Context) error {
			n, err := stackref.ReadNetwork(ctx, "innovate-inc")
			got = n
			return err
		}, mocks.WithStackOutputs("innovate-inc/platform/network", outs))
		return err
	}
	require.NoError(t, read(outs))
	assert.Equal(t, outs[stackref.NetTransitGatewayID], got.TransitGatewayID)
	assert.Len(t, got.RouteTableIDs, 4)
	assert.Len(t, got.EndpointZoneIDs, 15)
	assert.Equal(t, "example.com", got.PublicZoneName)
	assert.Equal(t, "10.16.0.0/12", got.RouteDomainCIDRs["prod"])
	assert.Equal(t, networkingID, got.NetworkingAccountID)

	rts := maps.Clone(outs[stackref.NetRouteTableIDs].(map[string]any))
	delete(rts, "inspection")
	outs[stackref.NetRouteTableIDs] = rts
	assert.ErrorContains(t, read(outs), `stack "prod" reads tgwRouteTableIds["inspection"] of stack "network", which does not export it`)
}

// The VPN is off in the shipped config; turned on, on-premises traffic gets its own route table through inspection.
func TestVPNWhenConfigured(t *testing.T) {
	proj := badProject(t, badConfig{stack: "network", network: func(o obj) {
		o["vpn"] = obj{"customerGatewayIp": "203.0.113.10", "bgpAsn": 65010, "onPremCidr": "172.16.0.0/16"}
	}})
	res, err := offline.RunProject(proj, "network")
	require.NoError(t, err)
	v := stackView{t, res.Stacks[0]}
	cgw := v.byType("aws:ec2/customerGateway:CustomerGateway")
	require.Len(t, cgw, 1)
	assert.Equal(t, "65010", cgw[0].Inputs["bgpAsn"])
	vpn := v.byType("aws:ec2/vpnConnection:VpnConnection")
	require.Len(t, vpn, 1)
	assert.Equal(t, false, vpn[0].Inputs["staticRoutesOnly"])
	route := v.named("aws:ec2transitgateway/route:Route", "network-vpn-rt-onprem-default-to-inspection")
	assert.Equal(t, v.s.Outputs["inspectionAttachmentId"], route.Inputs["transitGatewayAttachmentId"])
	// Spoke traffic to on-premises reaches the inspection VPC by the default route; after the firewall it goes
	// back to the TGW (and on to the VPN), never out through a NAT gateway.
	toTGW, toFirewall := 0, 0
	for _, r := range v.byType("aws:ec2/route:Route") {
		if r.Inputs["destinationCidrBlock"] != "172.16.0.0/16" {
			continue
		}
		assert.Nil(t, r.Inputs["natGatewayId"], r.Name)
		if r.Inputs["transitGatewayId"] != nil {
			toTGW++
			assert.Equal(t, v.s.Outputs["transitGatewayId"], r.Inputs["transitGatewayId"], r.Name)
		} else {
			toFirewall++
			assert.Contains(t, r.Inputs["vpcEndpointId"], "vpce-", r.Name)
		}
	}
	assert.Equal(t, 3, toTGW, "one route back to the TGW per AZ, from the firewall subnets")
	assert.Equal(t, 3, toFirewall, "and replies from the public subnets through the AZ's firewall endpoint")
	policy := v.byType("aws:networkfirewall/firewallPolicy:FirewallPolicy")[0].Inputs["firewallPolicy"].(map[string]any)
	homeNet := policy["policyVariables"].(map[string]any)["ruleVariables"].([]any)[0].(map[string]any)["ipSet"].(map[string]any)["definitions"]
	assert.Contains(t, homeNet, "172.16.0.0/16", "on-premises is home, not external")
	assert.Empty(t, fullPlanWithoutVPN(t), "the shipped config has no VPN")
}

func fullPlanWithoutVPN(t *testing.T) []plan.Resource {
	v := networkStack(t)
	return v.byType("aws:ec2/vpnConnection:VpnConnection")
}

// A workload VPC outside its route domain is refused at plan time, naming the key.
func TestWorkloadVPCOutsideItsDomainIsRefused(t *testing.T) {
	proj := badProject(t, badConfig{stack: "prod", workload: func(o obj) { o["vpc"].(obj)["cidr"] = "10.48.0.0/16" }})
	_, err := offline.RunProject(proj, "prod")
	assert.ErrorContains(t, err, `platform:workload.vpc.cidr "10.48.0.0/16" is outside the prod route domain 10.16.0.0/12 of the network stack`)
}

// Workload stacks are named after their environment.
func TestWorkloadStackNamedAfterItsEnvironment(t *testing.T) {
	proj := fixtures.Project(t)
	for i := range proj.Stacks {
		if proj.Stacks[i].Name == "dev" {
			proj.Stacks[i].Name = "qa"
		}
	}
	_, err := offline.RunProject(proj, "all")
	assert.ErrorContains(t, err, `stack name "qa" is not a workload environment: platform:estate.environments declares prod, staging, dev`)
}

// The stacks every environment reads by name cannot be environments themselves.
func TestSharedStackNamesAreNotEnvironments(t *testing.T) {
	for _, name := range []string{stackref.OrgStack, stackref.SecurityStack, stackref.NetworkStack} {
		proj := badProject(t, badConfig{estate: func(e obj) { item(e, "environments", 2)["name"] = name }})
		_, err := offline.RunProject(proj, "all")
		assert.ErrorContains(t, err, `platform:estate.environments[2].name "`+name+`" is reserved`)
	}
}

// The backup role the org's backup policy names is the one the security baseline creates and the workload plans use.
func TestBackupRoleNameFlowsFromTheOrgStack(t *testing.T) {
	proj := badProject(t, badConfig{org: func(o obj) { o["backupPolicy"].(obj)["roleName"] = "innovate-backup" }})
	res, err := offline.RunProject(proj, "all")
	require.NoError(t, err)
	sec, _ := res.Stack("security")
	var roles int
	for _, r := range sec.Resources {
		if r.Type == "aws:iam/role:Role" && r.Inputs["name"] == "innovate-backup" {
			roles++
		}
	}
	assert.Equal(t, 3, roles, "one per workload account")
	dev, _ := res.Stack("dev")
	for _, r := range dev.Resources {
		if r.Type == "aws:backup/selection:Selection" {
			assert.Equal(t, "arn:aws:iam::"+workloadAccounts["dev"]+":role/innovate-backup", r.Inputs["iamRoleArn"])
		}
	}
}
