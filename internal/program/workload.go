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
	"github.com/innovate-inc/platform/internal/stackref"
	"github.com/innovate-inc/platform/internal/tags"
	"github.com/innovate-inc/platform/karpenter"
	"github.com/innovate-inc/platform/network"
	"github.com/innovate-inc/platform/rds"
)

// workloadLayer builds a workload stack (dev, staging, prod) in its account, with the hub side of its network
// attachment in the networking account, and returns its outputs.
func workloadLayer(ctx *pulumi.Context, cfg *config.Stack) (pulumi.Map, error) {
	env, e, w := cfg.Name, cfg.Estate, *cfg.Workload
	org, err := stackref.ReadOrg(ctx, e.PulumiOrg)
	if err != nil {
		return nil, err
	}
	sec, err := stackref.ReadSecurity(ctx, e.PulumiOrg)
	if err != nil {
		return nil, err
	}
	net, err := stackref.ReadNetwork(ctx, e.PulumiOrg)
	if err != nil {
		return nil, err
	}
	errs := checkEstate(cfg, org)
	accountID, ok := org.WorkloadAccountIDs[env]
	if !ok {
		errs = append(errs, fmt.Errorf("stack %q: the org stack has no workload account for environment %q", env, env))
	}
	vpcCIDR := netip.MustParsePrefix(w.VPC.CIDR)
	domain := network.DomainOf(env)
	if d, err := cidr.Parse(net.RouteDomainCIDRs[domain]); err == nil && !cidr.Contains(d, vpcCIDR) {
		errs = append(errs, fmt.Errorf("%s.vpc.cidr %q is outside the %s route domain %s of the network stack", config.KeyWorkload, w.VPC.CIDR, domain, d))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	home := e.HomeRegion
	defaultTags := tags.ForStack(*cfg).Map(nil)
	p, err := providers.New(ctx, env, providers.Target{Key: env, Region: home, AccountID: accountID, RoleName: org.AccessRoleName}, defaultTags)
	if err != nil {
		return nil, err
	}
	hub, err := providers.New(ctx, env, providers.Target{Key: "networking", Region: home, AccountID: net.NetworkingAccountID,
		RoleName: org.AccessRoleName}, defaultTags)
	if err != nil {
		return nil, err
	}
	zones, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{State: pulumi.StringRef("available")}, pulumi.Provider(p))
	if err != nil {
		return nil, fmt.Errorf("listing the AZs of %s: %w", home, err)
	}
	if len(zones.Names) < w.VPC.AZCount {
		return nil, fmt.Errorf("%s.vpc.azCount %d: the %s account sees only %d AZs", config.KeyWorkload, w.VPC.AZCount, env, len(zones.Names))
	}
	clusterName := naming.Name(env, "eks", "")

	vpc, err := network.NewWorkloadVPC(ctx, naming.Name(env, "vpc", ""), network.WorkloadVPCArgs{
		Env: env, Region: home, CIDR: vpcCIDR, AZs: zones.Names[:w.VPC.AZCount], Provider: p, HubProvider: hub,
		TransitGatewayID: net.TransitGatewayID, RouteTableIDs: net.RouteTableIDs, EndpointZoneIDs: net.EndpointZoneIDs,
		FlowLogsBucketARN: sec.LogBucketARNs["flow-logs"], DatabasePort: w.DatabasePort, ClusterName: clusterName,
		Tags: defaultTags,
	})
	if err != nil {
		return nil, err
	}
	zone, err := network.NewEnvironmentZone(ctx, naming.Name(env, "dns", ""), network.EnvironmentZoneArgs{
		Env: env, Domain: net.PublicZoneName, ParentZoneID: pulumi.String(net.PublicZoneID), Provider: p, HubProvider: hub,
	})
	if err != nil {
		return nil, err
	}

	roles, err := identityCenterRoles(ctx, w.EKS.Access, p)
	if err != nil {
		return nil, err
	}
	cluster, err := eks.NewCluster(ctx, clusterName, eks.ClusterArgs{
		Env: env, Region: home, AccountID: accountID, Provider: p, VPCID: vpc.VPC.ID(), VPCCIDR: w.VPC.CIDR,
		PrivateSubnetIDs: vpc.PrivateSubnetIDs, Config: w.EKS, AccessRoles: roles, Tags: defaultTags,
	})
	if err != nil {
		return nil, err
	}

	k, err := karpenter.New(ctx, naming.Name(env, "karpenter", ""), karpenter.Args{
		Env: env, Region: home, AccountID: accountID, Provider: p, ClusterName: cluster.Name,
		Kubeconfig: cluster.KubeconfigJSON, DependsOn: []pulumi.Resource{cluster.SystemNodeGroup},
		VolumeKeyARN: cluster.VolumeKeyARN, Config: w.Karpenter, Tags: defaultTags,
	})
	if err != nil {
		return nil, err
	}

	drProvider, err := providers.New(ctx, env, providers.Target{Key: env, Region: e.DRRegion, AccountID: accountID, RoleName: org.AccessRoleName}, defaultTags)
	if err != nil {
		return nil, err
	}
	backupTag := [2]string{"backup-plan", naming.Name(env, "database", "")}
	db, err := rds.NewDatabase(ctx, naming.Name(env, "database", ""), rds.DatabaseArgs{
		Env: env, Region: home, DRRegion: e.DRRegion, AccountID: accountID, Provider: p, DRProvider: drProvider,
		VPCID: vpc.VPC.ID(), DatabaseSubnetIDs: vpc.DatabaseSubnetIDs, Port: w.DatabasePort,
		ClientSecurityGroupID: cluster.NodeSecurityGroupID, Config: w.Database,
		BackupTags: map[string]string{backupTag[0]: backupTag[1]},
	})
	if err != nil {
		return nil, err
	}
	var copyVaults []string
	for _, r := range []string{home, e.DRRegion} {
		arn, ok := sec.BackupVaultARNs[r]
		if !ok {
			return nil, fmt.Errorf("stack %q reads backupVaultArns[%q] of stack \"security\", which does not export it", env, r)
		}
		copyVaults = append(copyVaults, arn)
	}
	if _, err := rds.NewBackupPlan(ctx, naming.Name(env, "backup", ""), rds.BackupPlanArgs{
		Env: env, AccountID: accountID, Provider: p, VaultName: org.BackupVaultName, RoleName: org.BackupRoleName,
		CopyVaultARNs: copyVaults, SelectionTag: backupTag, DatabaseARN: db.Instance.Arn, Config: w.Database.Backup,
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
		stackref.WorkloadAccountID:        pulumi.String(accountID),
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
