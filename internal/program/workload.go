package program

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/apps"
	"github.com/innovate-inc/platform/cicd"
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

// workloadLayer builds a workload stack (an environment of platform:estate.environments) in its account, with the hub side of its network
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
	routeDomain      string
	azs              []string
	accessRoles      map[string]string
	backupVaultARN   string
	backupAccountID  string
	deployRunnerCIDR []string
	// mirror is where the nodes pull public images from: the networking account's pull-through caches.
	mirror config.Mirror
	// lbLogBucket is the Log Archive's load-balancer access-log bucket; albZoneID and nlbZoneID the region's
	// canonical hosted zones of the two load-balancer types.
	lbLogBucket          string
	albZoneID, nlbZoneID string
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
	in.routeDomain = network.SpokeDomain(cfg.Environment().Production())
	domain := in.routeDomain
	if d, err := cidr.Parse(up.net.RouteDomainCIDRs[domain]); err == nil && !cidr.Contains(d, in.vpcCIDR) {
		errs = append(errs, fmt.Errorf("%s.vpc.cidr %q is outside the %s route domain %s of the network stack", config.KeyWorkload, w.VPC.CIDR, domain, d))
	}
	if in.backupVaultARN, ok = up.sec.BackupVaultARNs[e.HomeRegion]; !ok {
		errs = append(errs, fmt.Errorf("stack %q reads %s[%q] of stack %q, which does not export it", env, stackref.SecBackupVaultARNs, e.HomeRegion, stackref.SecurityStack))
	}
	if in.backupAccountID, ok = up.org.AccountIDsByRole[string(config.RoleBackup)]; !ok {
		errs = append(errs, fmt.Errorf("stack %q: the org stack has no Backup account", env))
	}
	if arn, ok := up.sec.LogBucketARNs[security.PurposeLBAccessLogs]; ok {
		in.lbLogBucket = strings.TrimPrefix(arn, "arn:aws:s3:::")
	} else {
		errs = append(errs, fmt.Errorf("stack %q reads %s[%q] of stack %q, which does not export it", env, stackref.SecLogBucketARNs, security.PurposeLBAccessLogs, stackref.SecurityStack))
	}
	in.mirror = config.MirrorOf(cfg.Delivery, up.net.NetworkingAccountID, e.HomeRegion)
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
	if in.albZoneID, in.nlbZoneID, err = loadBalancerZones(ctx, in.home); err != nil {
		return nil, err
	}
	return in, nil
}

// workloadComponents is what buildWorkload registered, for the outputs.
type workloadComponents struct {
	vpc       *network.WorkloadVPC
	zone      *network.EnvironmentZone
	cluster   *eks.Cluster
	karpenter *karpenter.Karpenter
	db        *rds.Database
}

// buildWorkload registers the workload components: network and cluster, then data, then what runs in the
// cluster, then operations.
func buildWorkload(ctx *pulumi.Context, cfg *config.Stack, in *workloadInputs) (pulumi.Map, error) {
	c, err := buildWorkloadNetworkAndCluster(ctx, cfg, in)
	if err != nil {
		return nil, err
	}
	w, home := *cfg.Workload, in.home
	if c.db, err = rds.NewDatabase(ctx, naming.Name(cfg.Name, "database", ""), rds.DatabaseArgs{
		Scope: home, DRRegion: cfg.Estate.DRRegion, DRProvider: in.dr.Provider,
		VPCID: c.vpc.VPC.ID(), DatabaseSubnetIDs: c.vpc.DatabaseSubnetIDs, Port: w.DatabasePort,
		ClientSecurityGroupID: c.cluster.NodeSecurityGroupID, Config: w.Database, BackupAccountID: in.backupAccountID,
	}); err != nil {
		return nil, err
	}
	if _, err := rds.NewBackupPlan(ctx, naming.Name(cfg.Name, "backup", ""), rds.BackupPlanArgs{
		Scope: home, VaultName: in.org.BackupVaultName, RoleName: in.org.BackupRoleName,
		CopyVaultARN: in.backupVaultARN, Database: c.db, Config: w.Database.Backup,
	}); err != nil {
		return nil, err
	}
	if err := buildWorkloadInCluster(ctx, cfg, in, c); err != nil {
		return nil, err
	}
	targets := observability.WorkloadTargets{DatabaseID: c.db.Instance.Identifier, QueueName: c.karpenter.QueueName,
		ClusterName: c.cluster.Name, ContainerAlarm: true}
	if w.Database.ReadReplica {
		targets.ReplicaID = pulumi.Sprintf("%s-replica", c.db.Instance.Identifier)
	}
	if err := workloadAlarms(ctx, cfg, in, targets); err != nil {
		return nil, err
	}
	return workloadOutputs(cfg, home, c), nil
}

// buildWorkloadNetworkAndCluster registers the VPC, the environment's zone, the cluster with its log groups and
// observability, and Karpenter.
func buildWorkloadNetworkAndCluster(ctx *pulumi.Context, cfg *config.Stack, in *workloadInputs) (*workloadComponents, error) {
	env, w, home := cfg.Name, *cfg.Workload, in.home
	clusterName := naming.Name(env, "eks", "")
	c := &workloadComponents{}
	var err error
	if c.vpc, err = network.NewWorkloadVPC(ctx, naming.Name(env, "vpc", ""), network.WorkloadVPCArgs{
		Scope: home, RouteDomain: in.routeDomain, CIDR: in.vpcCIDR, AZs: in.azs, HubProvider: in.hub.Provider,
		TransitGatewayID: in.net.TransitGatewayID, RouteTableIDs: in.net.RouteTableIDs, EndpointZoneIDs: in.net.EndpointZoneIDs,
		FlowLogsBucketARN: in.sec.LogBucketARNs[security.PurposeFlowLogs], DatabasePort: w.DatabasePort, ClusterName: clusterName,
	}); err != nil {
		return nil, err
	}
	if c.zone, err = network.NewEnvironmentZone(ctx, naming.Name(env, "dns", ""), network.EnvironmentZoneArgs{
		Scope: home, Domain: in.net.PublicZoneName, ParentZoneID: pulumi.String(in.net.PublicZoneID), HubProvider: in.hub.Provider,
	}); err != nil {
		return nil, err
	}
	logs, err := clusterLogs(ctx, cfg, in, clusterName)
	if err != nil {
		return nil, err
	}
	if c.cluster, err = eks.NewCluster(ctx, clusterName, eks.ClusterArgs{
		Scope: home, VPCID: c.vpc.VPC.ID(), VPCCIDR: w.VPC.CIDR,
		PrivateSubnetIDs: c.vpc.PrivateSubnetIDs, Config: w.EKS, AccessRoles: in.accessRoles,
		// The kubeconfig acts as the program's own role in the account: the access role for `pulumi up`, the preview
		// role for pull-request previews (platform:providerRole).
		DeployRoleARN:       providers.Target{AccountID: home.AccountID, RoleName: cfg.AssumedRole(in.org.AccessRoleName)}.RoleARN(),
		Preview:             previewAccess(cfg, home),
		DeployRunnerCIDRs:   in.deployRunnerCIDR,
		VolumeBackupTag:     [2]string{in.org.BackupTagKey, in.org.BackupTagValue},
		ControlPlaneLogs:    []pulumi.Resource{logs.ControlPlane},
		CacheRepositoryARNs: in.mirror.RepositoryARNs(),
	}); err != nil {
		return nil, err
	}
	if err := clusterObservability(ctx, cfg, in, c.cluster, logs); err != nil {
		return nil, err
	}
	if c.karpenter, err = karpenter.New(ctx, naming.Name(env, "karpenter", ""), karpenter.Args{
		Scope: home, ClusterName: c.cluster.Name,
		Kubeconfig: c.cluster.KubeconfigJSON, DependsOn: []pulumi.Resource{c.cluster.SystemNodeGroup},
		VolumeKeyARN: c.cluster.VolumeKeyARN, Config: w.Karpenter, Mirror: in.mirror,
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// buildWorkloadInCluster registers the in-cluster platform and, when delivery turns it on, Argo CD.
func buildWorkloadInCluster(ctx *pulumi.Context, cfg *config.Stack, in *workloadInputs, c *workloadComponents) error {
	w, home := *cfg.Workload, in.home
	platform, err := apps.New(ctx, naming.Name(cfg.Name, "apps", ""), apps.Args{
		Scope: home, ClusterName: c.cluster.Name, KubernetesVersion: w.EKS.Version,
		Kubeconfig: c.cluster.KubeconfigJSON, DependsOn: []pulumi.Resource{c.cluster.SystemNodeGroup},
		VPCCIDR: in.vpcCIDR, AZs: len(in.azs), EndpointCIDRs: []string{in.net.HubCIDRs["shared"]},
		DatabasePort: w.DatabasePort, DatabaseSecretARN: c.db.SecretARN, DatabaseSecretKeyARN: c.db.SecretKeyARN,
		ImageRegistry:      fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com", home.AccountID, home.Region),
		Config:             w.Applications,
		PlatformSecretARNs: argoCDSecrets(cfg, home),
		VPCID:              c.vpc.VPC.ID(), ZoneID: c.zone.Zone.ZoneID, ZoneName: c.zone.Name,
		ALBZoneID: in.albZoneID, NLBZoneID: in.nlbZoneID, AccessLogsBucket: in.lbLogBucket, Ingress: w.Ingress, Mesh: w.Mesh, Mirror: in.mirror,
	})
	if err != nil {
		return err
	}
	return argoCD(ctx, cfg, home, c.cluster, platform, in.mirror)
}

func workloadOutputs(cfg *config.Stack, home scope.Scope, c *workloadComponents) pulumi.Map {
	return pulumi.Map{
		stackref.WorkloadDBEndpoint:       c.db.Endpoint,
		stackref.WorkloadDBPort:           pulumi.Int(c.db.Port),
		stackref.WorkloadDBSecretARN:      c.db.SecretARN,
		stackref.WorkloadDBSGID:           c.db.SecurityGroupID,
		stackref.WorkloadKarpenterRole:    pulumi.String(c.karpenter.NodeRoleName),
		stackref.WorkloadKarpenterQueue:   pulumi.String(c.karpenter.QueueName),
		stackref.WorkloadAccountID:        pulumi.String(home.AccountID),
		stackref.WorkloadVPCID:            c.vpc.VPC.ID(),
		stackref.WorkloadPrivateSubnetIDs: c.vpc.PrivateSubnetIDs,
		stackref.WorkloadDatabaseSubnets:  c.vpc.DatabaseSubnetIDs,
		stackref.WorkloadPublicSubnetIDs:  c.vpc.PublicSubnetIDs,
		stackref.WorkloadAttachmentID:     c.vpc.AttachmentID,
		stackref.WorkloadZoneID:           c.zone.Zone.ZoneID,
		stackref.WorkloadClusterName:      pulumi.String(c.cluster.Name),
		stackref.WorkloadClusterEndpoint:  c.cluster.Endpoint,
		stackref.WorkloadNodeSGID:         c.cluster.NodeSecurityGroupID,
		stackref.WorkloadNodeRoleARN:      c.cluster.NodeRoleARN,
		stackref.WorkloadKubeconfig:       c.cluster.KubeconfigJSON,
		stackref.WorkloadPodIdentity:      pulumi.String("eks-pod-identity-agent " + cfg.Workload.EKS.Addons["eks-pod-identity-agent"]),
	}
}

// previewAccess is what the pull-request preview role may read in the cluster, when delivery creates the role:
// everything but Secrets, and the Secrets of the namespaces whose charts look theirs up while rendering.
func previewAccess(cfg *config.Stack, home scope.Scope) eks.PreviewAccess {
	if cfg.Delivery == nil {
		return eks.PreviewAccess{}
	}
	namespaces := []string{apps.LBControllerNamespace}
	if cfg.Workload.Mesh.Istio {
		namespaces = append(namespaces, apps.IstioNamespace)
	}
	return eks.PreviewAccess{RoleARN: providers.Target{AccountID: home.AccountID, RoleName: cicd.PreviewRoleName}.RoleARN(), SecretNamespaces: namespaces}
}

// loadBalancerZones reads, from the provider's table, the canonical hosted zones of the region's Application and
// Network Load Balancers: the alias targets of the records that name them. The invoke is called by its token
// (aws:lb/getHostedZoneId): the SDK's lb package would be compiled into every build for this one lookup.
func loadBalancerZones(ctx *pulumi.Context, home scope.Scope) (alb, nlb string, err error) {
	type args struct {
		LoadBalancerType string `pulumi:"loadBalancerType"`
	}
	type result struct {
		ID string `pulumi:"id"`
	}
	for _, z := range []struct {
		kind string
		out  *string
	}{{"application", &alb}, {"network", &nlb}} {
		var res result
		if err := ctx.Invoke("aws:lb/getHostedZoneId:getHostedZoneId", &args{LoadBalancerType: z.kind}, &res, pulumi.Provider(home.Provider)); err != nil {
			return "", "", fmt.Errorf("looking up the hosted zone of %s load balancers in %s: %w", z.kind, home.Region, err)
		}
		*z.out = res.ID
	}
	return alb, nlb, nil
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
