// Package eks builds a workload environment's EKS cluster in its account: the control plane with pulumi-eks v2,
// the security groups, the system managed node group, the managed add-ons and the access entries that map IAM
// Identity Center roles to Kubernetes permissions.
package eks

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	pulumieks "github.com/pulumi/pulumi-eks/sdk/v2/go/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/kmskey"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/scope"
)

// LogTypes are every control-plane log type.
var LogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// ClusterArgs configures a Cluster.
type ClusterArgs struct {
	// Scope is the workload account in the home region; its tags reach what provider default tags do not
	// (instances and volumes launched by the node group, volumes created by the EBS CSI driver).
	scope.Scope
	VPCID   pulumi.StringInput
	VPCCIDR string
	// PrivateSubnetIDs host the control-plane interfaces and the nodes.
	PrivateSubnetIDs pulumi.StringArrayInput
	Config           config.EKS
	// AccessRoles are the IAM Identity Center role ARNs in this account by permission set name.
	AccessRoles map[string]string
	// DeployRoleARN is the role `pulumi up` acts through in this account (the organization access role): it creates
	// the cluster, so EKS makes it cluster admin, and the kubeconfig assumes it.
	DeployRoleARN string
	// DeployRunnerCIDRs reach the private API endpoint on 443: where `pulumi up` of the workload stack runs.
	DeployRunnerCIDRs []string
	// VolumeBackupTag is carried by every volume the EBS CSI driver creates, so the organization backup policy
	// selects persistent volumes.
	VolumeBackupTag [2]string
	// ControlPlaneLogs are created before the control plane: the log group EKS writes the control-plane logs to
	// (observability.ClusterLogs), which EKS would otherwise create unencrypted and kept forever.
	ControlPlaneLogs []pulumi.Resource
	// CacheRepositoryARNs are the networking account's pull-through cache repositories: the node role may create
	// them and import into them on a first pull (iampolicy.FillPullThroughCaches).
	CacheRepositoryARNs []string
	// Preview gives the pull-request preview role read access (empty RoleARN: none).
	Preview PreviewAccess
}

// PreviewAccess is what `pulumi preview` of a pull request may read in the cluster: every object but Secrets
// (AmazonEKSViewPolicy), and Secrets only in SecretNamespaces (AmazonEKSAdminViewPolicy there), where charts look
// up their own (the load balancer controller's webhook certificate in kube-system). A preview never reads the
// application namespaces' Secrets (the database credentials), and it writes nothing: the Kubernetes provider
// falls back to a client-side diff when the server-side dry run needs patch permission.
type PreviewAccess struct {
	RoleARN          string
	SecretNamespaces []string
}

// Cluster creates, in the workload account: KMS keys for secrets envelope encryption and for node volumes; the
// control-plane and node security groups (nodes talk to each other and to the control plane, the control plane to
// the kubelets; the node group carries the Karpenter discovery tag); the EKS cluster (pulumi-eks v2) with the
// Kubernetes version from config, a private API endpoint (public only for configured CIDRs), all control-plane log
// types, authentication mode API and no default node group; the system managed node group (On-Demand Graviton,
// AL2023, tainted CriticalAddonsOnly, IMDSv2 required, encrypted gp3 root volumes, tagged instances); the managed
// add-ons with pinned versions (vpc-cni with network policy enforcement, coredns, kube-proxy, the Pod Identity
// agent, the EBS CSI driver with its role, metrics-server); and an access entry per mapped Identity Center role.
//
// Cost: $0.10/hour for the control plane ($73/month, standard support); the system nodes (2 x m7g.large On-Demand
// ~$120/month); KMS keys $2/month; CloudWatch Logs for the control-plane logs.
//
// It exports the cluster name and endpoint, the node security group, the node role and the kubeconfig.
type Cluster struct {
	pulumi.ResourceState

	Name                string
	Endpoint            pulumi.StringOutput
	KubeconfigJSON      pulumi.StringOutput
	NodeSecurityGroupID pulumi.StringOutput
	NodeRoleARN         pulumi.StringOutput
	VolumeKeyARN        pulumi.StringOutput
	// SystemNodeGroup is what in-cluster workloads (Karpenter) wait for.
	SystemNodeGroup *awseks.NodeGroup
}

// NewCluster registers the cluster and what runs on it from day one.
func NewCluster(ctx *pulumi.Context, name string, args ClusterArgs, opts ...pulumi.ResourceOption) (*Cluster, error) {
	c := &Cluster{Name: name}
	if err := ctx.RegisterComponentResource("platform:eks:Cluster", name, c, opts...); err != nil {
		return nil, err
	}
	child := args.In(c)
	n := func(role string) string { return scope.Child(name, role) }
	k := args.Config

	secretsKey, volumeKey, err := keys(ctx, c, args, n, child)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: %w", name, err)
	}
	c.VolumeKeyARN = volumeKey.Arn

	controlPlane, nodes, err := securityGroups(ctx, c.Name, args, child...)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: %w", name, err)
	}
	c.NodeSecurityGroupID = nodes.ID().ToStringOutput()
	// The system node role exists before the cluster so pulumi-eks maps it instead of creating a node role of its
	// own that nothing uses but that could join the cluster as a node.
	nodeRole, err := systemNodeRole(ctx, c.Name, args.CacheRepositoryARNs, child...)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: %w", name, err)
	}

	apiAuth := pulumieks.AuthenticationModeApi
	cluster, err := pulumieks.NewCluster(ctx, c.Name, &pulumieks.ClusterArgs{
		Name:                   pulumi.String(c.Name),
		Version:                pulumi.String(k.Version),
		VpcId:                  args.VPCID,
		PrivateSubnetIds:       args.PrivateSubnetIDs,
		EndpointPrivateAccess:  pulumi.Bool(true),
		EndpointPublicAccess:   pulumi.Bool(len(k.PublicAccessCIDRs) > 0),
		PublicAccessCidrs:      pulumi.ToStringArray(k.PublicAccessCIDRs),
		EncryptionConfigKeyArn: secretsKey.Arn,
		EnabledClusterLogTypes: pulumi.ToStringArray(LogTypes),
		AuthenticationMode:     &apiAuth,
		SkipDefaultNodeGroup:   pulumi.BoolRef(true),
		ClusterSecurityGroup:   controlPlane,
		CreateOidcProvider:     pulumi.Bool(false),
		UseDefaultVpcCni:       pulumi.BoolRef(true),
		InstanceRoles:          iam.RoleArray{nodeRole},
		// The deployer's management-account credentials have no access entry: the kubeconfig assumes the deploy
		// role, which created the cluster and so holds its cluster-admin access entry.
		ProviderCredentialOpts: pulumieks.KubeconfigOptionsArgs{RoleArn: pulumi.String(args.DeployRoleARN)},
		Tags:                   pulumi.ToStringMap(args.Tags.Map(nil)),
	}, pulumi.Parent(c), pulumi.Providers(args.Provider), scope.After(args.ControlPlaneLogs...))
	if err != nil {
		return nil, fmt.Errorf("cluster %s: creating the control plane: %w", name, err)
	}
	c.Endpoint = cluster.Core.Endpoint()
	c.KubeconfigJSON = pulumi.ToSecret(cluster.KubeconfigJson).(pulumi.StringOutput)
	clusterName := pulumi.String(c.Name)
	onCluster := append(child, pulumi.DependsOn([]pulumi.Resource{cluster}))

	group, err := systemNodeGroup(ctx, c.Name, args, nodeRole, nodes, volumeKey, onCluster...)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: %w", name, err)
	}
	c.NodeRoleARN, c.SystemNodeGroup = nodeRole.Arn, group
	if err := addons(ctx, c.Name, args, group, onCluster...); err != nil {
		return nil, fmt.Errorf("cluster %s: %w", name, err)
	}
	if err := previewAccess(ctx, c.Name, args.Preview, onCluster...); err != nil {
		return nil, fmt.Errorf("cluster %s: %w", name, err)
	}
	if err := accessEntries(ctx, c.Name, args, onCluster...); err != nil {
		return nil, fmt.Errorf("cluster %s: %w", name, err)
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"clusterName": clusterName, "endpoint": c.Endpoint})
}

// keys creates the cluster's KMS keys: envelope encryption of Kubernetes secrets, and the node volumes' key.
// KMS refuses a key policy that names a principal that does not exist yet: the Auto Scaling service-linked role,
// which the volume key names, only appears with an account's first Auto Scaling group, so it is created first.
func keys(ctx *pulumi.Context, c *Cluster, args ClusterArgs, n func(string) string, child []pulumi.ResourceOption) (secrets, volumes *kms.Key, err error) {
	autoScaling, err := iam.NewServiceLinkedRole(ctx, n("autoscaling-service-role"), &iam.ServiceLinkedRoleArgs{
		AwsServiceName: pulumi.String("autoscaling.amazonaws.com"),
	}, child...)
	if err != nil {
		return nil, nil, fmt.Errorf("creating the Auto Scaling service-linked role: %w", err)
	}
	secrets, err = kmskey.New(ctx, n("secrets-key"), pulumi.String("Envelope encryption of Kubernetes secrets in "+c.Name), pulumi.String(iampolicy.New(iampolicy.AccountAdministers(args.AccountID)).MustJSON()), child...)
	if err != nil {
		return nil, nil, fmt.Errorf("creating the secrets key: %w", err)
	}
	volumes, err = kmskey.New(ctx, n("volume-key"), pulumi.String("Encrypts the EBS volumes of "+c.Name+"'s nodes"),
		pulumi.String(VolumeKeyPolicy(args.AccountID, args.Region).MustJSON()), append(child, pulumi.DependsOn([]pulumi.Resource{autoScaling}))...)
	if err != nil {
		return nil, nil, fmt.Errorf("creating the volume key: %w", err)
	}
	return secrets, volumes, nil
}

// VolumeKeyPolicy lets the account administer the key and EC2 Auto Scaling (which launches the managed node
// group's instances) use it for EBS volumes of this account.
func VolumeKeyPolicy(accountID, region string) iampolicy.Document {
	asg := "arn:aws:iam::" + accountID + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
	return iampolicy.New(
		iampolicy.AccountAdministers(accountID),
		iampolicy.Statement{Sid: "AutoScalingUsesKeyForVolumes", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: []string{asg}},
			Action:    []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"},
			Resource:  []string{"*"}},
		iampolicy.Statement{Sid: "AutoScalingGrantsForVolumes", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: []string{asg}},
			Action:    []string{"kms:CreateGrant"}, Resource: []string{"*"},
			Condition: iampolicy.Condition{"Bool": {"kms:GrantIsForAWSResource": {"true"}}}},
		// Karpenter launches nodes with EC2 CreateFleet as its own role: EC2 must be able to use the key on behalf
		// of principals of this account, or the nodes terminate before they are ready (Karpenter troubleshooting,
		// "Node terminates before ready on failed encrypted EBS volume").
		iampolicy.Statement{Sid: "EC2UsesKeyForAccountVolumes", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: []string{"*"}},
			Action:    []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"},
			Resource:  []string{"*"},
			Condition: iampolicy.Condition{"StringEquals": {
				"kms:ViaService":    {"ec2." + region + ".amazonaws.com"},
				"kms:CallerAccount": {accountID},
			}}},
	)
}

// podIdentityRole is a role for a Kubernetes service account through EKS Pod Identity.
func podIdentityRole(ctx *pulumi.Context, name, accountID string, policies []string, opts ...pulumi.ResourceOption) (*iam.Role, error) {
	return iam.NewRole(ctx, name, &iam.RoleArgs{
		Name:              pulumi.String(naming.Limited(name, naming.MaxIAMRoleName)),
		AssumeRolePolicy:  pulumi.String(iampolicy.PodIdentityTrust(accountID).MustJSON()),
		ManagedPolicyArns: pulumi.ToStringArray(policies),
	}, opts...)
}

func securityGroups(ctx *pulumi.Context, cluster string, args ClusterArgs, opts ...pulumi.ResourceOption) (*ec2.SecurityGroup, *ec2.SecurityGroup, error) {
	controlPlane, err := ec2.NewSecurityGroup(ctx, cluster+"-control-plane-sg", &ec2.SecurityGroupArgs{
		Name:        pulumi.String(cluster + "-control-plane"),
		Description: pulumi.String("EKS control plane interfaces of " + cluster),
		VpcId:       args.VPCID,
		Tags:        pulumi.StringMap{"Name": pulumi.String(cluster + "-control-plane")},
	}, opts...)
	if err != nil {
		return nil, nil, err
	}
	nodes, err := ec2.NewSecurityGroup(ctx, cluster+"-nodes-sg", &ec2.SecurityGroupArgs{
		Name:        pulumi.String(cluster + "-nodes"),
		Description: pulumi.String("Nodes of " + cluster + "; the database admits this group"),
		VpcId:       args.VPCID,
		Tags: pulumi.StringMap{"Name": pulumi.String(cluster + "-nodes"),
			"karpenter.sh/discovery": pulumi.String(cluster)},
	}, opts...)
	if err != nil {
		return nil, nil, err
	}
	rule := func(rname, kind string, sg *ec2.SecurityGroup, from, to int, proto string, src *ec2.SecurityGroup, cidr, desc string) error {
		a := &ec2.SecurityGroupRuleArgs{Type: pulumi.String(kind), SecurityGroupId: sg.ID(), FromPort: pulumi.Int(from),
			ToPort: pulumi.Int(to), Protocol: pulumi.String(proto), Description: pulumi.String(desc)}
		if src != nil {
			a.SourceSecurityGroupId = src.ID()
		} else {
			a.CidrBlocks = pulumi.ToStringArray([]string{cidr})
		}
		_, err := ec2.NewSecurityGroupRule(ctx, cluster+"-"+rname, a, opts...)
		return err
	}
	for _, r := range []struct {
		name, kind string
		sg         *ec2.SecurityGroup
		from, to   int
		proto      string
		src        *ec2.SecurityGroup
		cidr, desc string
	}{
		{"nodes-to-api", "ingress", controlPlane, 443, 443, "tcp", nodes, "", "Nodes and pods call the API server"},
		{"api-to-nodes", "egress", controlPlane, 1025, 65535, "tcp", nodes, "", "API server reaches kubelets and webhooks"},
		{"api-to-nodes-https", "egress", controlPlane, 443, 443, "tcp", nodes, "", "API server reaches webhooks on 443"},
		{"node-to-node", "ingress", nodes, 0, 0, "-1", nodes, "", "Pods and nodes talk to each other"},
		{"api-to-kubelet", "ingress", nodes, 1025, 65535, "tcp", controlPlane, "", "API server to kubelets and webhooks"},
		{"api-to-webhooks", "ingress", nodes, 443, 443, "tcp", controlPlane, "", "API server to webhooks on 443"},
		{"nodes-egress", "egress", nodes, 0, 0, "-1", nil, "0.0.0.0/0", "Out through the TGW and the inspection firewall"},
	} {
		if err := rule(r.name, r.kind, r.sg, r.from, r.to, r.proto, r.src, r.cidr, r.desc); err != nil {
			return nil, nil, err
		}
	}
	// The deploy runner (inside the estate, reached through the TGW) applies the in-cluster objects.
	for i, cidr := range args.DeployRunnerCIDRs {
		name := "deploy-runner-to-api"
		if i > 0 {
			name = fmt.Sprintf("%s-%d", name, i+1)
		}
		if err := rule(name, "ingress", controlPlane, 443, 443, "tcp", nil, cidr, "Deploy runner reaches the private API endpoint"); err != nil {
			return nil, nil, err
		}
	}
	return controlPlane, nodes, nil
}

// NodePolicies are the AWS managed policies of the node role (the CNI's permissions go to its own Pod Identity
// role instead).
var NodePolicies = []string{
	"arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
	"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
	"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
}

func systemNodeRole(ctx *pulumi.Context, cluster string, caches []string, opts ...pulumi.ResourceOption) (*iam.Role, error) {
	role, err := iam.NewRole(ctx, cluster+"-system-node-role", &iam.RoleArgs{
		Name:              pulumi.String(naming.Limited(cluster+"-system-node", naming.MaxIAMRoleName)),
		AssumeRolePolicy:  pulumi.String(iampolicy.ServiceTrust("ec2.amazonaws.com", "").MustJSON()),
		ManagedPolicyArns: pulumi.ToStringArray(NodePolicies),
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating the system node role: %w", err)
	}
	if len(caches) > 0 {
		if _, err := iam.NewRolePolicy(ctx, cluster+"-system-node-pull-through-caches", &iam.RolePolicyArgs{
			Role: role.Name, Policy: pulumi.String(iampolicy.FillPullThroughCaches(caches).MustJSON()),
		}, opts...); err != nil {
			return nil, fmt.Errorf("granting the system node role the pull-through caches: %w", err)
		}
	}
	return role, nil
}

func systemNodeGroup(ctx *pulumi.Context, cluster string, args ClusterArgs, role *iam.Role, nodes *ec2.SecurityGroup, volumeKey *kms.Key,
	opts ...pulumi.ResourceOption) (*awseks.NodeGroup, error) {
	ng := args.Config.SystemNodeGroup
	var specs ec2.LaunchTemplateTagSpecificationArray
	for _, kind := range []string{"instance", "volume", "network-interface"} {
		specs = append(specs, ec2.LaunchTemplateTagSpecificationArgs{
			ResourceType: pulumi.String(kind),
			Tags:         pulumi.ToStringMap(args.Tags.With(cluster + "-system")),
		})
	}
	lt, err := ec2.NewLaunchTemplate(ctx, cluster+"-system-lt", &ec2.LaunchTemplateArgs{
		Name:        pulumi.String(cluster + "-system"),
		Description: pulumi.String("System nodes of " + cluster),
		MetadataOptions: ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint: pulumi.String("enabled"), HttpTokens: pulumi.String("required"),
			// Two hops: the EBS CSI node plugin and other non-host-network system pods read instance metadata.
			HttpPutResponseHopLimit: pulumi.Int(2),
		},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String("/dev/xvda"),
			Ebs: ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeSize: pulumi.Int(ng.DiskSizeGiB), VolumeType: pulumi.String("gp3"),
				Encrypted: pulumi.String("true"), KmsKeyId: volumeKey.Arn, DeleteOnTermination: pulumi.String("true"),
			},
		}},
		VpcSecurityGroupIds:  pulumi.StringArray{nodes.ID()},
		TagSpecifications:    specs,
		UpdateDefaultVersion: pulumi.Bool(true),
	}, opts...)
	if err != nil {
		return nil, err
	}
	group, err := awseks.NewNodeGroup(ctx, cluster+"-system", &awseks.NodeGroupArgs{
		ClusterName:   pulumi.String(cluster),
		NodeGroupName: pulumi.String(cluster + "-system"),
		NodeRoleArn:   role.Arn,
		SubnetIds:     args.PrivateSubnetIDs,
		AmiType:       pulumi.String("AL2023_ARM_64_STANDARD"),
		CapacityType:  pulumi.String("ON_DEMAND"),
		InstanceTypes: pulumi.ToStringArray(ng.InstanceTypes),
		ScalingConfig: awseks.NodeGroupScalingConfigArgs{
			MinSize: pulumi.Int(ng.MinSize), MaxSize: pulumi.Int(ng.MaxSize), DesiredSize: pulumi.Int(ng.DesiredSize)},
		LaunchTemplate: awseks.NodeGroupLaunchTemplateArgs{Id: lt.ID(), Version: lt.LatestVersion.ApplyT(func(v int) string {
			return fmt.Sprint(v)
		}).(pulumi.StringOutput)},
		Taints: awseks.NodeGroupTaintArray{awseks.NodeGroupTaintArgs{
			Key: pulumi.String("CriticalAddonsOnly"), Value: pulumi.String("true"), Effect: pulumi.String("NO_SCHEDULE")}},
		Labels:       pulumi.StringMap{"platform.innovate.io/pool": pulumi.String("system")},
		UpdateConfig: awseks.NodeGroupUpdateConfigArgs{MaxUnavailable: pulumi.Int(1)},
	}, append(opts, pulumi.IgnoreChanges([]string{"scalingConfig.desiredSize"}))...)
	if err != nil {
		return nil, fmt.Errorf("creating system node group: %w", err)
	}
	return group, nil
}

// addonRoles are the Pod Identity roles of the add-ons that call AWS, by add-on: service account and policies.
var addonRoles = map[string]struct {
	serviceAccount string
	policies       []string
}{
	"vpc-cni":            {"aws-node", []string{"arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"}},
	"aws-ebs-csi-driver": {"ebs-csi-controller-sa", []string{"arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"}},
}

// nodeBoundAddons need nodes to schedule on; the others are DaemonSets that must be there before nodes join.
var nodeBoundAddons = map[string]bool{"coredns": true, "metrics-server": true, "aws-ebs-csi-driver": true}

func addons(ctx *pulumi.Context, cluster string, args ClusterArgs, group *awseks.NodeGroup, opts ...pulumi.ResourceOption) error {
	for _, name := range slices.Sorted(maps.Keys(args.Config.Addons)) {
		a := &awseks.AddonArgs{
			ClusterName:              pulumi.String(cluster),
			AddonName:                pulumi.String(name),
			AddonVersion:             pulumi.String(args.Config.Addons[name]),
			ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
			ResolveConflictsOnUpdate: pulumi.String("OVERWRITE"),
		}
		if values := addonValues(name, args); values != "" {
			a.ConfigurationValues = pulumi.String(values)
		}
		if r, ok := addonRoles[name]; ok {
			role, err := podIdentityRole(ctx, cluster+"-"+name, args.AccountID, r.policies, opts...)
			if err != nil {
				return err
			}
			a.PodIdentityAssociations = awseks.AddonPodIdentityAssociationArray{awseks.AddonPodIdentityAssociationArgs{
				RoleArn: role.Arn, ServiceAccount: pulumi.String(r.serviceAccount)}}
		}
		o := opts
		if nodeBoundAddons[name] {
			o = append(append([]pulumi.ResourceOption{}, opts...), pulumi.DependsOn([]pulumi.Resource{group}))
		}
		if _, err := awseks.NewAddon(ctx, cluster+"-addon-"+name, a, o...); err != nil {
			return fmt.Errorf("add-on %s: %w", name, err)
		}
	}
	return nil
}

// addonValues is an add-on's configuration: network policy enforcement in the VPC CNI; on every volume the EBS
// CSI driver creates, the mandatory tags and the organization backup policy's tag.
func addonValues(name string, args ClusterArgs) string {
	var v any
	switch name {
	case "vpc-cni":
		v = map[string]string{"enableNetworkPolicy": "true"}
	case "aws-ebs-csi-driver":
		var backup map[string]string
		if k := args.VolumeBackupTag; k[0] != "" {
			backup = map[string]string{k[0]: k[1]}
		}
		tags := args.Tags.Map(backup)
		v = map[string]any{"controller": map[string]any{"extraVolumeTags": tags}}
	default:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// previewAccess grants the preview role its entry and its two policy associations.
func previewAccess(ctx *pulumi.Context, cluster string, p PreviewAccess, opts ...pulumi.ResourceOption) error {
	if p.RoleARN == "" {
		return nil
	}
	entry, err := awseks.NewAccessEntry(ctx, cluster+"-access-preview", &awseks.AccessEntryArgs{
		ClusterName: pulumi.String(cluster), PrincipalArn: pulumi.String(p.RoleARN), Type: pulumi.String("STANDARD"),
	}, opts...)
	if err != nil {
		return fmt.Errorf("creating the preview access entry: %w", err)
	}
	grants := []struct {
		name, policy string
		scope        awseks.AccessPolicyAssociationAccessScopeArgs
	}{
		{"view", "AmazonEKSViewPolicy", awseks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("cluster")}},
		{"secrets", "AmazonEKSAdminViewPolicy", awseks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("namespace"),
			Namespaces: pulumi.ToStringArray(p.SecretNamespaces)}},
	}
	for _, g := range grants {
		if g.name == "secrets" && len(p.SecretNamespaces) == 0 {
			continue
		}
		if _, err := awseks.NewAccessPolicyAssociation(ctx, cluster+"-access-preview-"+g.name, &awseks.AccessPolicyAssociationArgs{
			ClusterName: pulumi.String(cluster), PrincipalArn: entry.PrincipalArn,
			PolicyArn: pulumi.String("arn:aws:eks::aws:cluster-access-policy/" + g.policy), AccessScope: g.scope,
		}, opts...); err != nil {
			return fmt.Errorf("granting the preview role %s: %w", g.policy, err)
		}
	}
	return nil
}

func accessEntries(ctx *pulumi.Context, cluster string, args ClusterArgs, opts ...pulumi.ResourceOption) error {
	for _, a := range args.Config.Access {
		principal := args.AccessRoles[a.PermissionSet]
		if principal == "" {
			return fmt.Errorf("no IAM Identity Center role for permission set %q in this account", a.PermissionSet)
		}
		entry, err := awseks.NewAccessEntry(ctx, cluster+"-access-"+naming.Slug(a.PermissionSet), &awseks.AccessEntryArgs{
			ClusterName: pulumi.String(cluster), PrincipalArn: pulumi.String(principal), Type: pulumi.String("STANDARD"),
		}, opts...)
		if err != nil {
			return err
		}
		scope := awseks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("cluster")}
		if len(a.Namespaces) > 0 {
			scope = awseks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("namespace"), Namespaces: pulumi.ToStringArray(a.Namespaces)}
		}
		if _, err := awseks.NewAccessPolicyAssociation(ctx, cluster+"-access-"+naming.Slug(a.PermissionSet)+"-policy", &awseks.AccessPolicyAssociationArgs{
			ClusterName:  pulumi.String(cluster),
			PrincipalArn: entry.PrincipalArn,
			PolicyArn:    pulumi.String("arn:aws:eks::aws:cluster-access-policy/" + config.AccessPolicies[a.Policy]),
			AccessScope:  scope,
		}, opts...); err != nil {
			return err
		}
	}
	return nil
}
