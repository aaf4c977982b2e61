package network

import (
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2transitgateway"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/mocks"
	"github.com/innovate-inc/platform/internal/providers"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/internal/tags"
)

const (
	workloadAccount   = "111111111111"
	networkingAccount = "222222222222"
)

// run runs body under a fresh mock monitor, as fixtures.Run does (this package cannot import fixtures: it runs
// the program, which imports network).
func run(t *testing.T, stack, region string, body pulumi.RunFunc) (*mocks.Monitor, error) {
	t.Helper()
	mon := mocks.New("platform", stack, region)
	return mon, pulumi.RunErr(body, pulumi.WithMocksWithOrganization("innovate-inc", "platform", stack, mon))
}

// stackTags are the mandatory tags of a test stack.
func stackTags(stack string) tags.Set {
	return tags.ForStack(config.Stack{Name: stack, Layer: config.LayerWorkload, Estate: config.Estate{Tags: config.Tags{
		Owner: "platform-team", Team: "platform", CostCenter: "CC-1000", Application: "innovate"}}})
}

// testScope reaches account in us-east-1 for stack, with the stack's tags.
func testScope(ctx *pulumi.Context, stack, key, account string) (scope.Scope, error) {
	p, err := providers.New(ctx, stack, providers.Target{Key: key, Region: "us-east-1", AccountID: account, RoleName: "R"}, nil)
	return scope.Scope{Stack: stack, AccountID: account, Region: "us-east-1", Provider: p, Tags: stackTags(stack)}, err
}

// testParent stands in for a component in tests of its steps.
type testParent struct{ pulumi.ResourceState }

func newTestParent(ctx *pulumi.Context, name string) (*testParent, error) {
	p := &testParent{}
	return p, ctx.RegisterComponentResource("test:network:Parent", name, p)
}

var azs3 = []string{"us-east-1a", "us-east-1b", "us-east-1c"}

var routeTables = map[string]string{"prod": "tgw-rtb-prod", "nonprod": "tgw-rtb-nonprod", "shared": "tgw-rtb-shared", "inspection": "tgw-rtb-inspection"}

func TestPlanSpoke(t *testing.T) {
	p, err := PlanSpoke(netip.MustParsePrefix("10.16.0.0/16"), 3)
	require.NoError(t, err)
	str := func(ps []netip.Prefix) []string {
		var out []string
		for _, x := range ps {
			out = append(out, x.String())
		}
		return out
	}
	assert.Equal(t, []string{"10.16.0.0/18", "10.16.64.0/18", "10.16.128.0/18"}, str(p.Private))
	assert.Equal(t, []string{"10.16.192.0/20", "10.16.208.0/20", "10.16.224.0/20"}, str(p.Public))
	assert.Equal(t, []string{"10.16.240.0/22", "10.16.244.0/22", "10.16.248.0/22"}, str(p.Database))
	assert.Equal(t, []string{"10.16.252.0/24", "10.16.253.0/24", "10.16.254.0/24"}, str(p.TGW))
	// No two subnets overlap.
	all := append(append(append(append([]netip.Prefix{}, p.Private...), p.Public...), p.Database...), p.TGW...)
	for i := range all {
		for j := range i {
			assert.False(t, all[i].Overlaps(all[j]), "%s overlaps %s", all[i], all[j])
		}
	}
	_, err = PlanSpoke(netip.MustParsePrefix("10.16.0.0/22"), 3)
	assert.ErrorContains(t, err, "between /16 and /20")
	_, err = PlanSpoke(netip.MustParsePrefix("10.16.0.0/16"), 4)
	assert.ErrorContains(t, err, "2 or 3 AZs")
}

func TestHubPlans(t *testing.T) {
	p, err := InspectionPlan(netip.MustParsePrefix("10.0.0.0/20"), 3)
	require.NoError(t, err)
	assert.Equal(t, "10.0.0.0/28", p.TGW[0].String())
	assert.Equal(t, "10.0.0.128/28", p.Firewall[0].String())
	assert.Equal(t, "10.0.1.32/28", p.Public[2].String())
	s, err := SharedServicesPlan(netip.MustParsePrefix("10.0.16.0/20"), 2)
	require.NoError(t, err)
	assert.Equal(t, "10.0.16.16/28", s.TGW[1].String())
	assert.Equal(t, "10.0.18.0/24", s.Private[1].String())
	_, err = InspectionPlan(netip.MustParsePrefix("10.0.0.0/24"), 3)
	assert.EqualError(t, err, "inspection VPC 10.0.0.0/24 cannot hold 3 AZs of /28 subnets (at most /23 and 8 AZs)")
	_, err = SharedServicesPlan(netip.MustParsePrefix("10.0.16.0/20"), 4)
	assert.EqualError(t, err, "shared-services VPC 10.0.16.0/20 cannot hold 4 AZs (at most /22 and 3 AZs)")
}

func TestEndpointZoneNames(t *testing.T) {
	assert.Equal(t, "sts.us-east-1.amazonaws.com", EndpointZoneName("sts", "us-east-1"))
	assert.Equal(t, "dkr.ecr.us-west-2.amazonaws.com", EndpointZoneName("ecr.dkr", "us-west-2"))
	assert.Equal(t, "eks-auth.us-east-1.api.aws", EndpointZoneName("eks-auth", "us-east-1"))
	assert.Equal(t, "prod", SpokeDomain(true))
	assert.Equal(t, "nonprod", SpokeDomain(false))
	assert.Equal(t, 200, AllowListCapacity(16))
	assert.Equal(t, 400, AllowListCapacity(80))
}

func runSpoke(t *testing.T, env string, edit ...func(*WorkloadVPCArgs)) (*mocks.Monitor, error) {
	return run(t, env, "us-east-1", func(ctx *pulumi.Context) error {
		args, err := spokeArgs(ctx, env)
		if err != nil {
			return err
		}
		args.CIDR, args.AZs = netip.MustParsePrefix("10.16.0.0/16"), azs3
		args.TransitGatewayID, args.RouteTableIDs = "tgw-hub", routeTables
		args.EndpointZoneIDs, args.FlowLogsBucketARN = map[string]string{"sts": "ZSTS", "ecr.dkr": "ZECR"}, "arn:aws:s3:::flow-logs"
		args.DatabasePort, args.ClusterName = 5432, env+"-eks"
		args.RouteDomain = SpokeDomain(env == "prod") // the shipped estate's tiers
		for _, e := range edit {
			e(&args)
		}
		_, err = NewWorkloadVPC(ctx, env+"-vpc", args)
		return err
	})
}

// spokeArgs are the scope of a workload stack and its hub provider.
func spokeArgs(ctx *pulumi.Context, env string) (WorkloadVPCArgs, error) {
	spoke, err := testScope(ctx, env, env, workloadAccount)
	if err != nil {
		return WorkloadVPCArgs{}, err
	}
	hub, err := testScope(ctx, env, "networking", networkingAccount)
	return WorkloadVPCArgs{Scope: spoke, HubProvider: hub.Provider}, err
}

func in(r mocks.Resource) map[string]any { return mocks.Plain(r.Inputs) }

func TestWorkloadVPCRoutesEgressThroughTheHub(t *testing.T) {
	mon, err := runSpoke(t, "prod")
	require.NoError(t, err)
	assert.Empty(t, mon.ByType("aws:ec2/natGateway:NatGateway"), "no NAT in the spoke: egress is centralized")
	routes := map[string]map[string]any{}
	for _, r := range mon.ByType("aws:ec2/route:Route") {
		routes[r.Name] = in(r)
	}
	assert.Equal(t, "tgw-hub", routes["prod-vpc-private-default-to-tgw"]["transitGatewayId"])
	assert.Contains(t, routes["prod-vpc-public-default-to-igw"]["gatewayId"], "igw-")
	assert.Len(t, routes, 2, "database and TGW subnets have no route out")

	assoc := mon.ByType("aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation")
	require.Len(t, assoc, 1)
	assert.Equal(t, "tgw-rtb-prod", in(assoc[0])["transitGatewayRouteTableId"])
	assert.Equal(t, networkingAccount, assoc[0].Account, "the hub side is created in the networking account")
	var propagated []string
	for _, p := range mon.ByType("aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation") {
		propagated = append(propagated, in(p)["transitGatewayRouteTableId"].(string))
		assert.Equal(t, networkingAccount, p.Account)
	}
	assert.ElementsMatch(t, []string{"tgw-rtb-inspection", "tgw-rtb-shared"}, propagated, "never into the other domain")
	accepter := mon.ByType("aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter")
	require.Len(t, accepter, 1)
	assert.Equal(t, networkingAccount, accepter[0].Account)
}

func TestNonProdSpokeJoinsTheNonProdDomain(t *testing.T) {
	mon, err := runSpoke(t, "dev", func(a *WorkloadVPCArgs) {
		a.CIDR = netip.MustParsePrefix("10.32.0.0/16")
		a.AZs = a.AZs[:2]
	})
	require.NoError(t, err)
	assoc := mon.ByType("aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation")
	require.Len(t, assoc, 1)
	assert.Equal(t, "tgw-rtb-nonprod", in(assoc[0])["transitGatewayRouteTableId"])
	assert.Len(t, mon.ByType("aws:ec2/subnet:Subnet"), 8, "four tiers in two AZs")
}

func TestWorkloadSubnetsAreTaggedAndTheDatabaseIsClosed(t *testing.T) {
	mon, err := runSpoke(t, "prod")
	require.NoError(t, err)
	tiers := map[string]int{}
	for _, s := range mon.ByType("aws:ec2/subnet:Subnet") {
		tags := in(s)["tags"].(map[string]any)
		switch {
		case tags["kubernetes.io/role/elb"] == "1":
			tiers["public"]++
		case tags["kubernetes.io/role/internal-elb"] == "1":
			tiers["private"]++
			assert.Equal(t, "prod-eks", tags["karpenter.sh/discovery"])
		default:
			tiers["other"]++
		}
		assert.Equal(t, workloadAccount, s.Account)
	}
	assert.Equal(t, map[string]int{"public": 3, "private": 3, "other": 6}, tiers)

	acl := mon.ByType("aws:ec2/networkAcl:NetworkAcl")
	require.Len(t, acl, 1)
	rules := in(acl[0])
	var sources []string
	for _, r := range rules["ingress"].([]any) {
		r := r.(map[string]any)
		assert.Equal(t, 5432.0, r["fromPort"])
		assert.Equal(t, 5432.0, r["toPort"])
		assert.Equal(t, "allow", r["action"])
		sources = append(sources, r["cidrBlock"].(string))
	}
	assert.Equal(t, []string{"10.16.0.0/18", "10.16.64.0/18", "10.16.128.0/18"}, sources, "only the private subnets")
	assert.Len(t, rules["subnetIds"], 3)

	gw := map[string]bool{}
	for _, e := range mon.ByType("aws:ec2/vpcEndpoint:VpcEndpoint") {
		gw[in(e)["serviceName"].(string)] = in(e)["vpcEndpointType"] == "Gateway"
	}
	assert.Equal(t, map[string]bool{"com.amazonaws.us-east-1.s3": true, "com.amazonaws.us-east-1.dynamodb": true}, gw)

	auth := mon.ByType("aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization")
	zoneAssoc := mon.ByType("aws:route53/zoneAssociation:ZoneAssociation")
	require.Len(t, auth, 2)
	require.Len(t, zoneAssoc, 2)
	assert.Equal(t, networkingAccount, auth[0].Account, "the zone owner authorizes")
	assert.Equal(t, workloadAccount, zoneAssoc[0].Account, "the VPC owner associates")
	assert.Len(t, mon.ByType("aws:ec2/flowLog:FlowLog"), 1)
	assert.Len(t, mon.ByType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"), 1)
}

func TestWorkloadVPCNeedsTheRouteTablesOfItsDomain(t *testing.T) {
	_, err := runSpoke(t, "staging", func(a *WorkloadVPCArgs) {
		a.RouteTableIDs = map[string]string{"prod": "x", "shared": "y", "inspection": "z"}
	})
	assert.ErrorContains(t, err, `the network stack exports no "nonprod" route table`)
}

func TestEnvironmentZoneDelegatesFromTheHub(t *testing.T) {
	mon, err := run(t, "dev", "us-east-1", func(ctx *pulumi.Context) error {
		spoke, _ := providers.New(ctx, "dev", providers.Target{Key: "dev", Region: "us-east-1", AccountID: workloadAccount, RoleName: "R"}, nil)
		hub, _ := providers.New(ctx, "dev", providers.Target{Key: "networking", Region: "us-east-1", AccountID: networkingAccount, RoleName: "R"}, nil)
		_, err := NewEnvironmentZone(ctx, "dev-zone", EnvironmentZoneArgs{
			Scope: scope.Scope{Stack: "dev", AccountID: workloadAccount, Region: "us-east-1", Provider: spoke}, Domain: "example.com",
			ParentZoneID: pulumi.String("ZPARENT"), HubProvider: hub})
		return err
	})
	require.NoError(t, err)
	zone := mon.ByType("aws:route53/zone:Zone")
	require.Len(t, zone, 1)
	assert.Equal(t, "dev.example.com", in(zone[0])["name"])
	assert.Equal(t, workloadAccount, zone[0].Account)
	ns := mon.ByType("aws:route53/record:Record")
	require.Len(t, ns, 1)
	assert.Equal(t, "NS", in(ns[0])["type"])
	assert.Equal(t, "ZPARENT", in(ns[0])["zoneId"])
	assert.Equal(t, networkingAccount, ns[0].Account)
	assert.Len(t, in(ns[0])["records"], 4)
}

// hubFixture is a hub in the networking account, for the steps that attach to it.
func hubFixture(ctx *pulumi.Context) (scope.Scope, *Hub, error) {
	sc, err := testScope(ctx, "network", "networking", networkingAccount)
	if err != nil {
		return sc, nil, err
	}
	hub, err := NewHub(ctx, "network-hub", HubArgs{Scope: sc, ASN: 64512, ProdCIDR: "10.16.0.0/12", NonProdCIDR: "10.32.0.0/12",
		ShareWithOUARNs: []string{"arn:aws:organizations::333333333333:ou/o-abc/ou-ab12-workload"}})
	return sc, hub, err
}

func TestHubRouteDomainsKeepProdAndNonProdApart(t *testing.T) {
	mon, err := run(t, "network", "us-east-1", func(ctx *pulumi.Context) error {
		_, _, err := hubFixture(ctx)
		return err
	})
	require.NoError(t, err)
	tables := map[string]string{} // ID -> name
	for _, rt := range mon.ByType("aws:ec2transitgateway/routeTable:RouteTable") {
		tables[rt.ID] = rt.Name
	}
	assert.ElementsMatch(t, []string{"network-hub-rt-prod", "network-hub-rt-nonprod", "network-hub-rt-shared", "network-hub-rt-inspection"},
		slices.Collect(maps.Values(tables)))
	blackholes := map[string]string{}
	for _, r := range mon.ByType("aws:ec2transitgateway/route:Route") {
		assert.Equal(t, true, in(r)["blackhole"], r.Name)
		blackholes[tables[in(r)["transitGatewayRouteTableId"].(string)]] = in(r)["destinationCidrBlock"].(string)
	}
	assert.Equal(t, map[string]string{"network-hub-rt-prod": "10.32.0.0/12", "network-hub-rt-nonprod": "10.16.0.0/12"}, blackholes)
}

func TestTransitGatewayIsProtectedAndSharedInTheOrganizationOnly(t *testing.T) {
	mon, err := run(t, "network", "us-east-1", func(ctx *pulumi.Context) error {
		_, _, err := hubFixture(ctx)
		return err
	})
	require.NoError(t, err)
	tgw, ok := mon.Named("aws:ec2transitgateway/transitGateway:TransitGateway", "network-hub-tgw")
	require.True(t, ok)
	assert.True(t, tgw.Protect)
	for _, k := range []string{"defaultRouteTableAssociation", "defaultRouteTablePropagation", "autoAcceptSharedAttachments"} {
		assert.Equal(t, "disable", in(tgw)[k], k)
	}
	share, ok := mon.Named("aws:ram/resourceShare:ResourceShare", "network-hub-share")
	require.True(t, ok)
	assert.Equal(t, false, in(share)["allowExternalPrincipals"])
	principal, ok := mon.Named("aws:ram/principalAssociation:PrincipalAssociation", "network-hub-share-ou-ab12-workload")
	require.True(t, ok, "one principal association per OU, named after the OU")
	assert.Equal(t, "arn:aws:organizations::333333333333:ou/o-abc/ou-ab12-workload", in(principal)["principal"])
	assoc := mon.ByType("aws:ram/resourceAssociation:ResourceAssociation")
	require.Len(t, assoc, 1)
	assert.Equal(t, tgw.Outputs["arn"].StringValue(), in(assoc[0])["resourceArn"])
}

// attachedVPCFixture is a VPC of two tiers in two AZs, attached to a hub in the networking account.
func attachedVPCFixture(hubProvider bool) (*mocks.Monitor, *attachedVPC, error) {
	var out *attachedVPC
	mon := mocks.New("platform", "prod", "us-east-1")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		args, err := spokeArgs(ctx, "prod")
		if err != nil {
			return err
		}
		parent, err := newTestParent(ctx, "prod-vpc")
		if err != nil {
			return err
		}
		a := attachedVPCArgs{Scope: args.Scope, CIDR: netip.MustParsePrefix("10.16.0.0/16"), AZs: azs3[:2],
			FlowLogsBucketARN: "arn:aws:s3:::flow-logs",
			TGW:               tierSpec{Role: "tgw", CIDRs: []netip.Prefix{netip.MustParsePrefix("10.16.0.0/24"), netip.MustParsePrefix("10.16.1.0/24")}},
			Tiers: []tierSpec{{Role: "app", SharedRouteTable: true, Tags: map[string]string{"tier": "app"},
				CIDRs: []netip.Prefix{netip.MustParsePrefix("10.16.2.0/24"), netip.MustParsePrefix("10.16.3.0/24")}}},
			TransitGatewayID: pulumi.String("tgw-hub"), Associate: pulumi.String("tgw-rtb-prod"),
			Propagate: map[string]pulumi.StringInput{"shared": pulumi.String("tgw-rtb-shared")}}
		if hubProvider {
			a.HubProvider = args.HubProvider
		} else {
			a.ApplianceMode = true
		}
		out, err = newAttachedVPC(ctx, "prod-vpc", a, parent)
		return err
	}, pulumi.WithMocksWithOrganization("innovate-inc", "platform", "prod", mon))
	return mon, out, err
}

func TestAttachedVPCIsNamedAfterItsComponent(t *testing.T) {
	mon, out, err := attachedVPCFixture(false)
	require.NoError(t, err)
	require.NotNil(t, out.VPC)
	vpc, ok := mon.Named("aws:ec2/vpc:Vpc", "prod-vpc")
	require.True(t, ok, "the VPC carries the component's name")
	assert.Equal(t, "prod-vpc", in(vpc)["tags"].(map[string]any)["Name"])
	assert.Equal(t, "platform-team", in(vpc)["tags"].(map[string]any)["owner"], "the stack's tags")
	var subnets []string
	for _, s := range mon.ByType("aws:ec2/subnet:Subnet") {
		subnets = append(subnets, s.Name)
		assert.Equal(t, s.Name, in(s)["tags"].(map[string]any)["Name"])
	}
	assert.ElementsMatch(t, []string{"prod-vpc-tgw-us-east-1a", "prod-vpc-tgw-us-east-1b", "prod-vpc-app-us-east-1a", "prod-vpc-app-us-east-1b"}, subnets)
	app, ok := mon.Named("aws:ec2/subnet:Subnet", "prod-vpc-app-us-east-1a")
	require.True(t, ok)
	assert.Equal(t, "app", in(app)["tags"].(map[string]any)["tier"], "a tier's own tags")
	var tables []string
	for _, rt := range mon.ByType("aws:ec2/routeTable:RouteTable") {
		tables = append(tables, rt.Name)
	}
	assert.ElementsMatch(t, []string{"prod-vpc-tgw-us-east-1a", "prod-vpc-tgw-us-east-1b", "prod-vpc-app"}, tables,
		"a table per AZ, or one for the tier")
	assert.Len(t, out.TGW.Subnets, 2)
	assert.Len(t, out.Tiers["app"].RouteTables, 2, "each AZ's subnet has its (shared) table")
	assert.Len(t, mon.ByType("aws:ec2/routeTableAssociation:RouteTableAssociation"), 4)
	assert.Len(t, mon.ByType("aws:ec2/flowLog:FlowLog"), 1)
	assert.Len(t, mon.ByType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"), 1)
}

func TestAttachedVPCInTheHubAccountChoosesItsRouteTables(t *testing.T) {
	mon, out, err := attachedVPCFixture(false)
	require.NoError(t, err)
	att := mon.ByType("aws:ec2transitgateway/vpcAttachment:VpcAttachment")
	require.Len(t, att, 1)
	assert.Equal(t, "prod-vpc-tgw-attachment", att[0].Name)
	assert.Equal(t, "enable", in(att[0])["applianceModeSupport"])
	assert.Equal(t, false, in(att[0])["transitGatewayDefaultRouteTableAssociation"])
	assert.Len(t, in(att[0])["subnetIds"], 2, "in the TGW tier")
	assert.Empty(t, mon.ByType("aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter"))
	assert.IsType(t, &ec2transitgateway.VpcAttachment{}, out.Attached)
	assoc, ok := mon.Named("aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation", "prod-vpc-tgw-association")
	require.True(t, ok)
	assert.Equal(t, att[0].ID, in(assoc)["transitGatewayAttachmentId"])
	assert.Equal(t, "tgw-rtb-prod", in(assoc)["transitGatewayRouteTableId"])
	prop, ok := mon.Named("aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation", "prod-vpc-tgw-propagation-shared")
	require.True(t, ok)
	assert.Equal(t, "tgw-rtb-shared", in(prop)["transitGatewayRouteTableId"])
}

func TestAttachedVPCInAnotherAccountIsAcceptedByTheHub(t *testing.T) {
	mon, out, err := attachedVPCFixture(true)
	require.NoError(t, err)
	att := mon.ByType("aws:ec2transitgateway/vpcAttachment:VpcAttachment")
	require.Len(t, att, 1)
	assert.Equal(t, workloadAccount, att[0].Account)
	assert.Nil(t, in(att[0])["transitGatewayDefaultRouteTableAssociation"], "set by the accepter")
	assert.Nil(t, in(att[0])["applianceModeSupport"])
	accepter, ok := mon.Named("aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter", "prod-vpc-tgw-accepter")
	require.True(t, ok)
	assert.Equal(t, networkingAccount, accepter.Account)
	assert.Equal(t, false, in(accepter)["transitGatewayDefaultRouteTablePropagation"])
	assert.IsType(t, &ec2transitgateway.VpcAttachmentAccepter{}, out.Attached, "routes wait for the acceptance")
	for _, typ := range []string{"aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation",
		"aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation"} {
		r := mon.ByType(typ)
		require.Len(t, r, 1, typ)
		assert.Equal(t, networkingAccount, r[0].Account, "the hub side is in the networking account")
	}
}

// inspectionFixture runs NewInspection on a hub; edit changes its args.
func inspectionFixture(t *testing.T, edit func(*InspectionArgs)) (*mocks.Monitor, error) {
	return run(t, "network", "us-east-1", func(ctx *pulumi.Context) error {
		sc, hub, err := hubFixture(ctx)
		if err != nil {
			return err
		}
		args := InspectionArgs{Scope: sc, CIDR: netip.MustParsePrefix("10.0.0.0/20"), AZs: azs3, NATPerAZ: true, Hub: hub,
			ReturnCIDRs: map[string]string{"prod": "10.16.0.0/12", "shared": "10.0.16.0/20"},
			Policy: FirewallPolicyArgs{AllowedDomains: []string{".amazonaws.com"}, HomeNet: []string{"10.0.0.0/8"},
				ProdNet: []string{"10.16.0.0/12"}, NonProdNet: []string{"10.32.0.0/12"}},
			FlowLogsBucketARN: "arn:aws:s3:::flow-logs", FirewallLogsBucket: "fw-logs"}
		if edit != nil {
			edit(&args)
		}
		_, err = NewInspection(ctx, "network-inspection", args)
		return err
	})
}

func TestEgressHasANATGatewayPerAZOrOne(t *testing.T) {
	for _, perAZ := range []bool{true, false} {
		mon, err := inspectionFixture(t, func(a *InspectionArgs) { a.NATPerAZ = perAZ })
		require.NoError(t, err)
		igw, ok := mon.Named("aws:ec2/internetGateway:InternetGateway", "network-inspection-igw")
		require.True(t, ok)
		nats := mon.ByType("aws:ec2/natGateway:NatGateway")
		want := 1
		if perAZ {
			want = 3
		}
		require.Len(t, nats, want, "natPerAz %v", perAZ)
		assert.Len(t, mon.ByType("aws:ec2/eip:Eip"), want)
		for _, n := range nats {
			assert.Contains(t, n.Dependencies, igw.URN, "a NAT gateway needs the internet gateway")
		}
		defaults := 0
		for _, r := range mon.ByType("aws:ec2/route:Route") {
			if in(r)["natGatewayId"] != nil {
				defaults++
			}
		}
		assert.Equal(t, 3, defaults, "every AZ's firewall subnet has a default route to a NAT gateway")
	}
}

func TestFirewallIsProtectedEncryptedAndLogged(t *testing.T) {
	mon, err := inspectionFixture(t, nil)
	require.NoError(t, err)
	fw, ok := mon.Named("aws:networkfirewall/firewall:Firewall", "network-inspection-firewall")
	require.True(t, ok)
	assert.Equal(t, true, in(fw)["deleteProtection"])
	assert.Equal(t, true, in(fw)["subnetChangeProtection"])
	key, ok := mon.Named("aws:kms/key:Key", "network-inspection-firewall-key")
	require.True(t, ok)
	assert.Equal(t, key.Outputs["arn"].StringValue(), in(fw)["encryptionConfiguration"].(map[string]any)["keyId"])
	assert.Len(t, in(fw)["subnetMappings"], 3)
	logging, ok := mon.Named("aws:networkfirewall/loggingConfiguration:LoggingConfiguration", "network-inspection-firewall-logging")
	require.True(t, ok)
	var kinds []string
	for _, d := range in(logging)["loggingConfiguration"].(map[string]any)["logDestinationConfigs"].([]any) {
		d := d.(map[string]any)
		kinds = append(kinds, d["logType"].(string))
		assert.Equal(t, map[string]any{"bucketName": "fw-logs"}, d["logDestination"], "no prefix")
	}
	assert.Equal(t, []string{"FLOW", "ALERT"}, kinds)
}

func TestFirewallPolicyDropsBeforeTheAllowList(t *testing.T) {
	mon, err := inspectionFixture(t, nil)
	require.NoError(t, err)
	groups := map[string]string{} // ARN -> name
	for _, g := range mon.ByType("aws:networkfirewall/ruleGroup:RuleGroup") {
		groups[g.Outputs["arn"].StringValue()] = g.Name
		assert.Equal(t, g.Name, in(g)["name"])
		assert.Equal(t, "STRICT_ORDER", in(g)["ruleGroup"].(map[string]any)["statefulRuleOptions"].(map[string]any)["ruleOrder"])
	}
	policy, ok := mon.Named("aws:networkfirewall/firewallPolicy:FirewallPolicy", "network-inspection-firewall-policy")
	require.True(t, ok)
	var order []string
	for _, ref := range in(policy)["firewallPolicy"].(map[string]any)["statefulRuleGroupReferences"].([]any) {
		order = append(order, groups[ref.(map[string]any)["resourceArn"].(string)])
	}
	assert.Equal(t, []string{"network-inspection-firewall-drop-rules", "network-inspection-firewall-egress-allow-list"}, order)
	assert.Equal(t, []any{"aws:drop_established", "aws:alert_established"}, in(policy)["firewallPolicy"].(map[string]any)["statefulDefaultActions"])
}

func TestDomainsDefaultToInspection(t *testing.T) {
	mon, err := inspectionFixture(t, nil)
	require.NoError(t, err)
	att, ok := mon.Named("aws:ec2transitgateway/vpcAttachment:VpcAttachment", "network-inspection-tgw-attachment")
	require.True(t, ok)
	for _, d := range []string{DomainProd, DomainNonProd, DomainShared} {
		r, ok := mon.Named("aws:ec2transitgateway/route:Route", "network-inspection-default-from-"+d)
		require.True(t, ok, d)
		rt, _ := mon.Named("aws:ec2transitgateway/routeTable:RouteTable", "network-hub-rt-"+d)
		assert.Equal(t, rt.ID, in(r)["transitGatewayRouteTableId"])
		assert.Equal(t, "0.0.0.0/0", in(r)["destinationCidrBlock"])
		assert.Equal(t, att.ID, in(r)["transitGatewayAttachmentId"])
	}
	_, ok = mon.Named("aws:ec2transitgateway/route:Route", "network-inspection-default-from-inspection")
	assert.False(t, ok, "the inspection domain has no default route to itself")
}

func TestInspectionRoutesStayInTheirAZ(t *testing.T) {
	mon, err := inspectionFixture(t, nil)
	require.NoError(t, err)
	subnetAZ, tableAZ := map[string]string{}, map[string]string{}
	for _, s := range mon.ByType("aws:ec2/subnet:Subnet") {
		subnetAZ[s.ID] = in(s)["availabilityZone"].(string)
	}
	for _, a := range mon.ByType("aws:ec2/routeTableAssociation:RouteTableAssociation") {
		tableAZ[in(a)["routeTableId"].(string)] = subnetAZ[in(a)["subnetId"].(string)]
	}
	natAZ := map[string]string{}
	for _, n := range mon.ByType("aws:ec2/natGateway:NatGateway") {
		natAZ[n.ID] = subnetAZ[in(n)["subnetId"].(string)]
	}
	routes := mon.ByType("aws:ec2/route:Route")
	assert.Len(t, routes, 3*(3+2*2), "per AZ three default routes and two per return range")
	for _, r := range routes {
		az := tableAZ[in(r)["routeTableId"].(string)]
		require.NotEmpty(t, az, r.Name)
		assert.Contains(t, r.Name, az, "named after its AZ")
		if nat, ok := in(r)["natGatewayId"].(string); ok {
			assert.Equal(t, az, natAZ[nat], r.Name)
		}
	}
}

// sharedFixture runs NewSharedServices on a hub.
func sharedFixture(t *testing.T) (*mocks.Monitor, error) {
	return run(t, "network", "us-east-1", func(ctx *pulumi.Context) error {
		sc, hub, err := hubFixture(ctx)
		if err != nil {
			return err
		}
		_, err = NewSharedServices(ctx, "network-shared-services", SharedServicesArgs{Scope: sc,
			CIDR: netip.MustParsePrefix("10.0.16.0/20"), AZs: azs3, EndpointAZs: 2, Services: []string{"sts", "ecr.dkr"}, Hub: hub,
			ClientCIDRs: []string{"10.16.0.0/12", "10.32.0.0/12"}, FlowLogsBucketARN: "arn:aws:s3:::flow-logs"})
		return err
	})
}

func TestSharedServicesDefaultRoutesWaitForTheAttachment(t *testing.T) {
	mon, err := sharedFixture(t)
	require.NoError(t, err)
	att, ok := mon.Named("aws:ec2transitgateway/vpcAttachment:VpcAttachment", "network-shared-services-tgw-attachment")
	require.True(t, ok)
	routes := mon.ByType("aws:ec2/route:Route")
	require.Len(t, routes, 2)
	for _, r := range routes {
		assert.Contains(t, []string{"network-shared-services-tgw-default-to-tgw", "network-shared-services-endpoints-default-to-tgw"}, r.Name)
		assert.Equal(t, "0.0.0.0/0", in(r)["destinationCidrBlock"])
		assert.Contains(t, r.Dependencies, att.URN)
	}
	var propagated []string
	for _, p := range mon.ByType("aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation") {
		propagated = append(propagated, p.Name)
	}
	assert.ElementsMatch(t, []string{"network-shared-services-tgw-propagation-prod", "network-shared-services-tgw-propagation-nonprod",
		"network-shared-services-tgw-propagation-inspection"}, propagated)
}

func TestEndpointSecurityGroupAdmitsHTTPSFromTheClientsOnly(t *testing.T) {
	mon, err := sharedFixture(t)
	require.NoError(t, err)
	sg, ok := mon.Named("aws:ec2/securityGroup:SecurityGroup", "network-shared-services-endpoints-sg")
	require.True(t, ok)
	assert.Equal(t, "network-shared-services-endpoints", in(sg)["name"])
	var sources []any
	for _, rule := range in(sg)["ingress"].([]any) {
		rule := rule.(map[string]any)
		assert.Equal(t, 443.0, rule["fromPort"])
		assert.Equal(t, 443.0, rule["toPort"])
		sources = append(sources, rule["cidrBlocks"].([]any)...)
	}
	assert.Equal(t, []any{"10.16.0.0/12", "10.32.0.0/12"}, sources)
}

func TestCentralEndpointsAnswerThroughTheirZones(t *testing.T) {
	mon, err := sharedFixture(t)
	require.NoError(t, err)
	eps := mon.ByType("aws:ec2/vpcEndpoint:VpcEndpoint")
	require.Len(t, eps, 2)
	for _, e := range eps {
		assert.Equal(t, false, in(e)["privateDnsEnabled"])
		assert.Len(t, in(e)["subnetIds"], 2, "EndpointAZs")
	}
	zone, ok := mon.Named("aws:route53/zone:Zone", "network-shared-services-zone-ecr-dkr")
	require.True(t, ok)
	assert.Equal(t, "dkr.ecr.us-east-1.amazonaws.com", in(zone)["name"])
	assert.Equal(t, []string{"vpcs"}, zone.IgnoreChanges, "spokes manage their associations")
	records := map[string]any{}
	for _, r := range mon.ByType("aws:route53/record:Record") {
		records[r.Name] = in(r)["name"]
	}
	assert.Equal(t, map[string]any{
		"network-shared-services-record-sts-apex":         "sts.us-east-1.amazonaws.com",
		"network-shared-services-record-ecr-dkr-apex":     "dkr.ecr.us-east-1.amazonaws.com",
		"network-shared-services-record-ecr-dkr-wildcard": "*.dkr.ecr.us-east-1.amazonaws.com",
	}, records)
}

func TestSpokeEgressWaitsForTheAcceptedAttachment(t *testing.T) {
	mon, err := runSpoke(t, "prod")
	require.NoError(t, err)
	accepter, ok := mon.Named("aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter", "prod-vpc-tgw-accepter")
	require.True(t, ok)
	private, ok := mon.Named("aws:ec2/route:Route", "prod-vpc-private-default-to-tgw")
	require.True(t, ok)
	assert.Contains(t, private.Dependencies, accepter.URN)
	public, ok := mon.Named("aws:ec2/route:Route", "prod-vpc-public-default-to-igw")
	require.True(t, ok)
	assert.NotContains(t, public.Dependencies, accepter.URN, "inbound load balancers need no attachment")
}

func TestGatewayEndpointsServeThePrivateSubnets(t *testing.T) {
	mon, err := runSpoke(t, "prod")
	require.NoError(t, err)
	private, ok := mon.Named("aws:ec2/routeTable:RouteTable", "prod-vpc-private")
	require.True(t, ok)
	for _, svc := range []string{"s3", "dynamodb"} {
		ep, ok := mon.Named("aws:ec2/vpcEndpoint:VpcEndpoint", "prod-vpc-endpoint-"+svc)
		require.True(t, ok, svc)
		assert.Equal(t, "Gateway", in(ep)["vpcEndpointType"])
		assert.Equal(t, []any{private.ID}, in(ep)["routeTableIds"])
	}
}

func TestEndpointZoneAssociationsAreAuthorizedByTheHub(t *testing.T) {
	mon, err := runSpoke(t, "prod")
	require.NoError(t, err)
	for _, key := range []string{"sts", "ecr-dkr"} {
		auth, ok := mon.Named("aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization", "prod-vpc-zone-authorization-"+key)
		require.True(t, ok, key)
		assert.Equal(t, networkingAccount, auth.Account)
		assoc, ok := mon.Named("aws:route53/zoneAssociation:ZoneAssociation", "prod-vpc-zone-association-"+key)
		require.True(t, ok, key)
		assert.Equal(t, workloadAccount, assoc.Account)
		assert.Equal(t, in(auth)["zoneId"], in(assoc)["zoneId"])
	}
}

func TestPublicDNSZoneIsProtected(t *testing.T) {
	mon, err := run(t, "network", "us-east-1", func(ctx *pulumi.Context) error {
		sc, err := testScope(ctx, "network", "networking", networkingAccount)
		if err != nil {
			return err
		}
		_, err = NewPublicDNS(ctx, "network-public-dns", PublicDNSArgs{Scope: sc, Domain: "example.com"})
		return err
	})
	require.NoError(t, err)
	zone, ok := mon.Named("aws:route53/zone:Zone", "network-public-dns-zone")
	require.True(t, ok)
	assert.Equal(t, "example.com", in(zone)["name"])
	assert.True(t, zone.Protect, "the registrar holds its name servers")
	assert.Equal(t, networkingAccount, zone.Account)
}

func runVPN(t *testing.T) (*mocks.Monitor, error) {
	return run(t, "network", "us-east-1", func(ctx *pulumi.Context) error {
		sc, hub, err := hubFixture(ctx)
		if err != nil {
			return err
		}
		_, err = NewVPN(ctx, "network-vpn", VPNArgs{Scope: sc, CustomerGatewayIP: "203.0.113.10", BGPASN: 65010, Hub: hub,
			InspectionAttachmentID: pulumi.String("tgw-attach-inspection")})
		return err
	})
}

func TestVPNSendsOnPremisesTrafficThroughInspection(t *testing.T) {
	mon, err := runVPN(t)
	require.NoError(t, err)
	cgw := mon.ByType("aws:ec2/customerGateway:CustomerGateway")
	require.Len(t, cgw, 1)
	assert.Equal(t, "65010", in(cgw[0])["bgpAsn"])
	conn := mon.ByType("aws:ec2/vpnConnection:VpnConnection")
	require.Len(t, conn, 1)
	assert.Equal(t, false, in(conn[0])["staticRoutesOnly"])
	tables := map[string]string{} // ID -> name
	for _, rt := range mon.ByType("aws:ec2transitgateway/routeTable:RouteTable") {
		tables[rt.ID] = rt.Name
	}
	var onprem string
	for _, r := range mon.ByType("aws:ec2transitgateway/route:Route") {
		if in(r)["transitGatewayAttachmentId"] == "tgw-attach-inspection" {
			onprem = tables[in(r)["transitGatewayRouteTableId"].(string)]
			assert.Equal(t, "0.0.0.0/0", in(r)["destinationCidrBlock"])
		}
	}
	assoc, ok := mon.Named("aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation", "network-vpn-tgw-association")
	require.True(t, ok)
	assert.Equal(t, onprem, tables[in(assoc)["transitGatewayRouteTableId"].(string)], "the VPN's own table defaults to inspection")
	assert.NotContains(t, tables, onprem, "not one of the hub's route domains")
	prop, ok := mon.Named("aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation", "network-vpn-tgw-propagation-inspection")
	require.True(t, ok)
	assert.Equal(t, "network-hub-rt-inspection", tables[in(prop)["transitGatewayRouteTableId"].(string)],
		"inspection learns the on-premises routes")
}

// Every child of a component carries the component's name (scope.Child): the whole network stack, checked by
// the parent each resource has.
func TestChildrenAreNamedAfterTheirComponent(t *testing.T) {
	for _, fixture := range []func(*testing.T) (*mocks.Monitor, error){sharedFixture, runVPN,
		func(t *testing.T) (*mocks.Monitor, error) { return inspectionFixture(t, nil) },
		func(t *testing.T) (*mocks.Monitor, error) { return runSpoke(t, "staging") }} {
		mon, err := fixture(t)
		require.NoError(t, err)
		components := map[string]string{} // URN -> name
		for _, r := range mon.Resources() {
			if !r.Custom {
				components[r.URN] = r.Name
			}
		}
		for _, r := range mon.Resources() {
			parent, ok := components[r.Parent]
			if !r.Custom || !ok || r.Type == "pulumi:providers:aws" {
				continue
			}
			if r.Name != parent && !strings.HasPrefix(r.Name, parent+"-") {
				t.Errorf("%s %s is not named after its component %s", r.Type, r.Name, parent)
			}
		}
	}
}
