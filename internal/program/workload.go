package program

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/eks"
	"github.com/innovate-inc/platform/internal/cidr"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/providers"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/internal/stackref"
	"github.com/innovate-inc/platform/internal/tags"
	"github.com/innovate-inc/platform/karpenter"
	"github.com/innovate-inc/platform/network"
	"github.com/innovate-inc/platform/rds"
	"github.com/innovate-inc/platform/security"
)

// workloadLayer builds a workload stack (dev, staging, prod) in its account, with the hub side of its network
// attachment in the networking account, and returns its outputs. It reads its upstream stacks, runs its invokes
// and every cross-stack check before it registers any resource (only providers, which the invokes need): a
// failed check leaves no half-built stack.
func workloadLayer(ctx *pulumi.Context, cfg *config.Stack) (pulumi.Map, error) {
	in, err := readWorkloadInputs(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return buildWorkload(ctx, cfg, in)
}

// workloadInputs is everything a workload stack reads before it builds.
type workloadInputs struct {
	org              *stackref.Org
	sec              *stackref.Security
	net              *stackref.Network
	accountID        string
	vpcCIDR          netip.Prefix
	azs              []string
	accessRoles      map[string]string
	backupVaultARN   string
	backupAccountID  string
	deployRunnerCIDR []string
	// home, dr and hub are the workload account's providers in the home and DR regions and the networking
	// account's in the home region.
	home, dr, hub *aws.Provider
}

func readWorkloadInputs(ctx *pulumi.Context, cfg *config.Stack) (*workloadInputs, error) {
	env, e, w := cfg.Name, cfg.Estate, *cfg.Workload
	in := &workloadInputs{}
	var err error
	if in.org, err = stackref.ReadOrg(ctx, e.PulumiOrg); err != nil {
		return nil, err
	}
	if in.sec, err = stackref.ReadSecurity(ctx, e.PulumiOrg); err != nil {
		return nil, err
	}
	if in.net, err = stackref.ReadNetwork(ctx, e.PulumiOrg); err != nil {
		return nil, err
	}
	errs := checkEstate(cfg, in.org)
	var ok bool
	if in.accountID, ok = in.org.WorkloadAccountIDs[env]; !ok {
		errs = append(errs, fmt.Errorf("stack %q: the org stack has no workload account for environment %q", env, env))
	}
	in.vpcCIDR = netip.MustParsePrefix(w.VPC.CIDR)
	domain := network.DomainOf(env)
	if d, err := cidr.Parse(in.net.RouteDomainCIDRs[domain]); err == nil && !cidr.Contains(d, in.vpcCIDR) {
		errs = append(errs, fmt.Errorf("%s.vpc.cidr %q is outside the %s route domain %s of the network stack", config.KeyWorkload, w.VPC.CIDR, domain, d))
	}
	if in.backupVaultARN, ok = in.sec.BackupVaultARNs[e.HomeRegion]; !ok {
		errs = append(errs, fmt.Errorf("stack %q reads %s[%q] of stack %q, which does not export it", env, stackref.SecBackupVaultARNs, e.HomeRegion, stackref.SecurityStack))
	}
	if in.backupAccountID, ok = in.org.AccountIDsByRole[string(config.RoleBackup)]; !ok {
		errs = append(errs, fmt.Errorf("stack %q: the org stack has no Backup account", env))
	}
	in.deployRunnerCIDR = w.EKS.DeployRunnerCIDRs
	if len(in.deployRunnerCIDR) == 0 {
		in.deployRunnerCIDR = []string{in.net.HubCIDRs["shared"]}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	defaultTags := tags.ForStack(*cfg).Map(nil)
	target := func(key, region, account string) providers.Target {
		return providers.Target{Key: key, Region: region, AccountID: account, RoleName: in.org.AccessRoleName}
	}
	if in.home, err = providers.New(ctx, env, target(env, e.HomeRegion, in.accountID), defaultTags); err != nil {
		return nil, err
	}
	if in.hub, err = providers.New(ctx, env, target("networking", e.HomeRegion, in.net.NetworkingAccountID), defaultTags); err != nil {
		return nil, err
	}
	if in.dr, err = providers.New(ctx, env, target(env, e.DRRegion, in.accountID), defaultTags); err != nil {
		return nil, err
	}
	zones, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{State: pulumi.StringRef("available")}, pulumi.Provider(in.home))
	if err != nil {
		return nil, fmt.Errorf("listing the AZs of %s: %w", e.HomeRegion, err)
	}
	if len(zones.Names) < w.VPC.AZCount {
		return nil, fmt.Errorf("%s.vpc.azCount %d: the %s account sees only %d AZs", config.KeyWorkload, w.VPC.AZCount, env, len(zones.Names))
	}
	in.azs = zones.Names[:w.VPC.AZCount]
	if in.accessRoles, err = identityCenterRoles(ctx, w.EKS.Access, in.home); err != nil {
		return nil, err
	}
	return in, nil
}

func buildWorkload(ctx *pulumi.Context, cfg *config.Stack, in *workloadInputs) (pulumi.Map, error) {
	env, e, w := cfg.Name, cfg.Estate, *cfg.Workload
	clusterName := naming.Name(env, "eks", "")
	home := scope.Scope{Stack: env, AccountID: in.accountID, Region: e.HomeRegion, Provider: in.home, Tags: tags.ForStack(*cfg)}

	vpc, err := network.NewWorkloadVPC(ctx, naming.Name(env, "vpc", ""), network.WorkloadVPCArgs{
		Scope: home, CIDR: in.vpcCIDR, AZs: in.azs, HubProvider: in.hub,
		TransitGatewayID: in.net.TransitGatewayID, RouteTableIDs: in.net.RouteTableIDs, EndpointZoneIDs: in.net.EndpointZoneIDs,
		FlowLogsBucketARN: in.sec.LogBucketARNs[security.PurposeFlowLogs], DatabasePort: w.DatabasePort, ClusterName: clusterName,
	})
	if err != nil {
		return nil, err
	}
	zone, err := network.NewEnvironmentZone(ctx, naming.Name(env, "dns", ""), network.EnvironmentZoneArgs{
		Scope: home, Domain: in.net.PublicZoneName, ParentZoneID: pulumi.String(in.net.PublicZoneID), HubProvider: in.hub,
	})
	if err != nil {
		return nil, err
	}

	cluster, err := eks.NewCluster(ctx, clusterName, eks.ClusterArgs{
		Scope: home, VPCID: vpc.VPC.ID(), VPCCIDR: w.VPC.CIDR,
		PrivateSubnetIDs: vpc.PrivateSubnetIDs, Config: w.EKS, AccessRoles: in.accessRoles,
		DeployRoleARN:     providers.Target{AccountID: in.accountID, RoleName: in.org.AccessRoleName}.RoleARN(),
		DeployRunnerCIDRs: in.deployRunnerCIDR,
		VolumeBackupTag:   [2]string{in.org.BackupTagKey, in.org.BackupTagValue},
	})
	if err != nil {
		return nil, err
	}

	k, err := karpenter.New(ctx, naming.Name(env, "karpenter", ""), karpenter.Args{
		Scope: home, ClusterName: cluster.Name,
		Kubeconfig: cluster.KubeconfigJSON, DependsOn: []pulumi.Resource{cluster.SystemNodeGroup},
		VolumeKeyARN: cluster.VolumeKeyARN, Config: w.Karpenter,
	})
	if err != nil {
		return nil, err
	}

	db, err := rds.NewDatabase(ctx, naming.Name(env, "database", ""), rds.DatabaseArgs{
		Scope: home, DRRegion: e.DRRegion, DRProvider: in.dr,
		VPCID: vpc.VPC.ID(), DatabaseSubnetIDs: vpc.DatabaseSubnetIDs, Port: w.DatabasePort,
		ClientSecurityGroupID: cluster.NodeSecurityGroupID, Config: w.Database, BackupAccountID: in.backupAccountID,
	})
	if err != nil {
		return nil, err
	}
	if _, err := rds.NewBackupPlan(ctx, naming.Name(env, "backup", ""), rds.BackupPlanArgs{
		Scope: home, VaultName: in.org.BackupVaultName, RoleName: in.org.BackupRoleName,
		CopyVaultARN: in.backupVaultARN, Database: db, Config: w.Database.Backup,
	}); err != nil {
		return nil, err
	}

	return pulumi.Map{
		stackref.WorkloadDBEndpoint:       db.Endpoint,
		stackref.WorkloadDBPort:           pulumi.Int(db.Port),
		stackref.WorkloadDBSecretARN:      db.SecretARN,
		stackref.WorkloadDBSGID:           db.SecurityGroupID,
		stackref.WorkloadKarpenterRole:    pulumi.String(k.NodeRoleName),
		stackref.WorkloadKarpenterQueue:   pulumi.String(k.QueueName),
		stackref.WorkloadAccountID:        pulumi.String(in.accountID),
		stackref.WorkloadVPCID:            vpc.VPC.ID(),
		stackref.WorkloadPrivateSubnetIDs: vpc.PrivateSubnetIDs,
		stackref.WorkloadDatabaseSubnets:  vpc.DatabaseSubnetIDs,
		stackref.WorkloadPublicSubnetIDs:  vpc.PublicSubnetIDs,
		stackref.WorkloadAttachmentID:     vpc.AttachmentID,
		stackref.WorkloadZoneID:           zone.Zone.ZoneId,
		stackref.WorkloadClusterName:      pulumi.String(cluster.Name),
		stackref.WorkloadClusterEndpoint:  cluster.Endpoint,
		stackref.WorkloadNodeSGID:         cluster.NodeSecurityGroupID,
		stackref.WorkloadNodeRoleARN:      cluster.NodeRoleARN,
		stackref.WorkloadKubeconfig:       cluster.KubeconfigJSON,
		stackref.WorkloadPodIdentity:      pulumi.String("eks-pod-identity-agent " + w.EKS.Addons["eks-pod-identity-agent"]),
	}, nil
}

// identityCenterRoles finds, in the workload account, the role IAM Identity Center created for each mapped
// permission set (named AWSReservedSSO_<set>_<hash>; the hash is only known once the security stack assigned it).
func identityCenterRoles(ctx *pulumi.Context, access []config.ClusterAccess, p *aws.Provider) (map[string]string, error) {
	out := map[string]string{}
	var errs []error
	for i, a := range access {
		res, err := iam.GetRoles(ctx, &iam.GetRolesArgs{
			PathPrefix: pulumi.StringRef("/aws-reserved/sso.amazonaws.com/"),
			NameRegex:  pulumi.StringRef("^AWSReservedSSO_" + regexp.QuoteMeta(a.PermissionSet) + "_[0-9a-f]+$"),
		}, pulumi.Provider(p))
		if err != nil {
			return nil, fmt.Errorf("looking up the role of permission set %q: %w", a.PermissionSet, err)
		}
		if len(res.Arns) != 1 {
			errs = append(errs, fmt.Errorf("%s.eks.access[%d].permissionSet %q has %d IAM Identity Center roles in this account, not one: assign it to the account in the security stack first",
				config.KeyWorkload, i, a.PermissionSet, len(res.Arns)))
			continue
		}
		out[a.PermissionSet] = res.Arns[0]
	}
	return out, errors.Join(errs...)
}
