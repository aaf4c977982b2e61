package program

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/apps"
	"github.com/innovate-inc/platform/eks"
	"github.com/innovate-inc/platform/internal/cidr"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/providers"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/internal/stackref"
	"github.com/innovate-inc/platform/karpenter"
	"github.com/innovate-inc/platform/network"
	"github.com/innovate-inc/platform/observability"
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
	*upstream
	vpcCIDR          netip.Prefix
	azs              []string
	accessRoles      map[string]string
	backupVaultARN   string
	backupAccountID  string
	deployRunnerCIDR []string
	// home and dr are the workload account in the home and DR regions; hub the networking account in the home
	// region (the hub side of the attachment, the DNS delegation).
	home, dr, hub scope.Scope
}

func readWorkloadInputs(ctx *pulumi.Context, cfg *config.Stack) (*workloadInputs, error) {
	env, e, w := cfg.Name, cfg.Estate, *cfg.Workload
	up, errs, err := readUpstream(ctx, cfg, true)
	if err != nil {
		return nil, err
	}
	in := &workloadInputs{upstream: up}
	accountID, ok := up.org.WorkloadAccountIDs[env]
	if !ok {
		errs = append(errs, fmt.Errorf("stack %q: the org stack has no workload account for environment %q", env, env))
	}
	in.vpcCIDR = netip.MustParsePrefix(w.VPC.CIDR)
	domain := network.DomainOf(env)
	if d, err := cidr.Parse(up.net.RouteDomainCIDRs[domain]); err == nil && !cidr.Contains(d, in.vpcCIDR) {
		errs = append(errs, fmt.Errorf("%s.vpc.cidr %q is outside the %s route domain %s of the network stack", config.KeyWorkload, w.VPC.CIDR, domain, d))
	}
	if in.backupVaultARN, ok = up.sec.BackupVaultARNs[e.HomeRegion]; !ok {
		errs = append(errs, fmt.Errorf("stack %q reads %s[%q] of stack %q, which does not export it", env, stackref.SecBackupVaultARNs, e.HomeRegion, stackref.SecurityStack))
	}
	if in.backupAccountID, ok = up.org.AccountIDsByRole[string(config.RoleBackup)]; !ok {
		errs = append(errs, fmt.Errorf("stack %q: the org stack has no Backup account", env))
	}
	in.deployRunnerCIDR = w.EKS.DeployRunnerCIDRs
	if len(in.deployRunnerCIDR) == 0 {
		in.deployRunnerCIDR = []string{up.net.HubCIDRs["shared"]}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	if in.home, err = up.accountScope(ctx, cfg, env, accountID, e.HomeRegion); err != nil {
		return nil, err
	}
	if in.hub, err = up.accountScope(ctx, cfg, "networking", up.net.NetworkingAccountID, e.HomeRegion); err != nil {
		return nil, err
	}
	if in.dr, err = up.accountScope(ctx, cfg, env, accountID, e.DRRegion); err != nil {
		return nil, err
	}
	if in.azs, err = availabilityZones(ctx, in.home, w.VPC.AZCount, config.KeyWorkload+".vpc.azCount"); err != nil {
		return nil, err
	}
	if in.accessRoles, err = identityCenterRoles(ctx, w.EKS.Access, in.home.Provider); err != nil {
		return nil, err
	}
	return in, nil
}

func buildWorkload(ctx *pulumi.Context, cfg *config.Stack, in *workloadInputs) (pulumi.Map, error) {
	env, e, w := cfg.Name, cfg.Estate, *cfg.Workload
	clusterName := naming.Name(env, "eks", "")
	home := in.home

	vpc, err := network.NewWorkloadVPC(ctx, naming.Name(env, "vpc", ""), network.WorkloadVPCArgs{
		Scope: home, CIDR: in.vpcCIDR, AZs: in.azs, HubProvider: in.hub.Provider,
		TransitGatewayID: in.net.TransitGatewayID, RouteTableIDs: in.net.RouteTableIDs, EndpointZoneIDs: in.net.EndpointZoneIDs,
		FlowLogsBucketARN: in.sec.LogBucketARNs[security.PurposeFlowLogs], DatabasePort: w.DatabasePort, ClusterName: clusterName,
	})
	if err != nil {
		return nil, err
	}
	zone, err := network.NewEnvironmentZone(ctx, naming.Name(env, "dns", ""), network.EnvironmentZoneArgs{
		Scope: home, Domain: in.net.PublicZoneName, ParentZoneID: pulumi.String(in.net.PublicZoneID), HubProvider: in.hub.Provider,
	})
	if err != nil {
		return nil, err
	}

	logs, err := clusterLogs(ctx, cfg, in, clusterName)
	if err != nil {
		return nil, err
	}
	cluster, err := eks.NewCluster(ctx, clusterName, eks.ClusterArgs{
		Scope: home, VPCID: vpc.VPC.ID(), VPCCIDR: w.VPC.CIDR,
		PrivateSubnetIDs: vpc.PrivateSubnetIDs, Config: w.EKS, AccessRoles: in.accessRoles,
		DeployRoleARN:     providers.Target{AccountID: home.AccountID, RoleName: in.org.AccessRoleName}.RoleARN(),
		DeployRunnerCIDRs: in.deployRunnerCIDR,
		VolumeBackupTag:   [2]string{in.org.BackupTagKey, in.org.BackupTagValue},
		ControlPlaneLogs:  []pulumi.Resource{logs.ControlPlane},
	})
	if err != nil {
		return nil, err
	}

	if err := clusterObservability(ctx, cfg, in, cluster, logs); err != nil {
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
		Scope: home, DRRegion: e.DRRegion, DRProvider: in.dr.Provider,
		VPCID: vpc.VPC.ID(), DatabaseSubnetIDs: vpc.DatabaseSubnetIDs, Port: w.DatabasePort,
		ClientSecurityGroupID: cluster.NodeSecurityGroupID, Config: w.Database, BackupAccountID: in.backupAccountID,
	})
	if err != nil {
		return nil, err
	}
	platform, err := apps.New(ctx, naming.Name(env, "apps", ""), apps.Args{
		Scope: home, ClusterName: cluster.Name, KubernetesVersion: w.EKS.Version,
		Kubeconfig: cluster.KubeconfigJSON, DependsOn: []pulumi.Resource{cluster.SystemNodeGroup},
		VPCCIDR: in.vpcCIDR, AZs: len(in.azs), EndpointCIDRs: []string{in.net.HubCIDRs["shared"]},
		DatabasePort: w.DatabasePort, DatabaseSecretARN: db.SecretARN, DatabaseSecretKeyARN: db.SecretKeyARN,
		ImageRegistry:      fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com", home.AccountID, home.Region),
		Config:             w.Applications,
		PlatformSecretARNs: argoCDSecrets(cfg, home),
	})
	if err != nil {
		return nil, err
	}
	if err := argoCD(ctx, cfg, home, cluster, platform); err != nil {
		return nil, err
	}
	if _, err := rds.NewBackupPlan(ctx, naming.Name(env, "backup", ""), rds.BackupPlanArgs{
		Scope: home, VaultName: in.org.BackupVaultName, RoleName: in.org.BackupRoleName,
		CopyVaultARN: in.backupVaultARN, Database: db, Config: w.Database.Backup,
	}); err != nil {
		return nil, err
	}
	targets := observability.WorkloadTargets{DatabaseID: db.Instance.Identifier, QueueName: k.QueueName, ClusterName: cluster.Name,
		ContainerAlarm: true}
	if w.Database.ReadReplica {
		targets.ReplicaID = pulumi.Sprintf("%s-replica", db.Instance.Identifier)
	}
	if err := workloadAlarms(ctx, cfg, in, targets); err != nil {
		return nil, err
	}

	return pulumi.Map{
		stackref.WorkloadDBEndpoint:       db.Endpoint,
		stackref.WorkloadDBPort:           pulumi.Int(db.Port),
		stackref.WorkloadDBSecretARN:      db.SecretARN,
		stackref.WorkloadDBSGID:           db.SecurityGroupID,
		stackref.WorkloadKarpenterRole:    pulumi.String(k.NodeRoleName),
		stackref.WorkloadKarpenterQueue:   pulumi.String(k.QueueName),
		stackref.WorkloadAccountID:        pulumi.String(home.AccountID),
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
