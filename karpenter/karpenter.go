package karpenter

import (
	"embed"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/naming"
)

//go:embed policies/*.json
var policyFiles embed.FS

// PolicyNames are the controller's policies, as the reference CloudFormation names them.
var PolicyNames = []string{"NodeLifecyclePolicy", "IAMIntegrationPolicy", "EKSIntegrationPolicy", "InterruptionPolicy",
	"ZonalShiftPolicy", "ResourceDiscoveryPolicy"}

// PolicyVars are the values CloudFormation would substitute into the controller policies.
type PolicyVars struct {
	Region, AccountID, ClusterName, NodeRoleARN, QueueARN string
}

// ControllerPolicies returns the controller's policy documents by name, substituted for this cluster.
func ControllerPolicies(v PolicyVars) (map[string]string, error) {
	r := strings.NewReplacer("${AWS::Partition}", "aws", "${AWS::Region}", v.Region, "${AWS::AccountId}", v.AccountID,
		"${ClusterName}", v.ClusterName, "${KarpenterNodeRole.Arn}", v.NodeRoleARN, "${KarpenterInterruptionQueue.Arn}", v.QueueARN)
	out := map[string]string{}
	for _, name := range PolicyNames {
		text, err := policyFiles.ReadFile("policies/" + name + ".json")
		if err != nil {
			return nil, err
		}
		doc, err := iampolicy.Parse(r.Replace(string(text)))
		if err != nil {
			return nil, fmt.Errorf("controller policy %s: %w", name, err)
		}
		// Compact: managed policies are limited to 6,144 characters without whitespace.
		if out[name], err = doc.JSON(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// InterruptionEvents are the EventBridge events Karpenter handles, by rule name.
var InterruptionEvents = []struct{ Name, Source, DetailType string }{
	{"scheduled-change", "aws.health", "AWS Health Event"},
	{"spot-interruption", "aws.ec2", "EC2 Spot Instance Interruption Warning"},
	{"rebalance", "aws.ec2", "EC2 Instance Rebalance Recommendation"},
	{"instance-state-change", "aws.ec2", "EC2 Instance State-change Notification"},
	{"capacity-reservation-interruption", "aws.ec2", "EC2 Capacity Reservation Instance Interruption Warning"},
}

// NodePolicies are the managed policies of the role Karpenter's nodes run with.
var NodePolicies = []string{
	"arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
	"arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
	"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
	"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
}

// Args configures Karpenter.
type Args struct {
	Env         string
	Region      string
	AccountID   string
	Provider    *aws.Provider // the workload account
	ClusterName string
	// Kubeconfig reaches the cluster; DependsOn are what must exist before the charts (the system node group).
	Kubeconfig   pulumi.StringInput
	DependsOn    []pulumi.Resource
	VolumeKeyARN pulumi.StringInput
	Config       config.Karpenter
	Tags         map[string]string
}

// Karpenter creates, in the workload account: the node role and its EC2_LINUX access entry (nodes cannot join
// without it); the SQS interruption queue (SSE, TLS only) with the EventBridge rules for Spot interruptions,
// rebalance recommendations, instance state changes, scheduled health events and capacity-reservation
// interruptions; the controller role with the reference v1 policies scoped to the cluster, bound to the
// karpenter service account through Pod Identity; then, in the cluster, the karpenter-crd chart (CRDs managed
// explicitly), the karpenter chart on the system nodes, the EC2NodeClass and the NodePools.
//
// Cost: Karpenter itself is free; SQS and EventBridge cost cents a month. What the pools launch is the bill.
//
// It exports the node role name and the queue name.
type Karpenter struct {
	pulumi.ResourceState

	NodeRoleName string
	QueueName    string
}

// New registers Karpenter.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Karpenter, error) {
	c := &Karpenter{
		NodeRoleName: naming.Limited(args.ClusterName+"-karpenter-node", naming.MaxIAMRoleName),
		QueueName:    args.ClusterName,
	}
	if err := ctx.RegisterComponentResource("platform:karpenter:Karpenter", name, c, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Provider)}
	n := func(role string) string { return args.ClusterName + "-karpenter-" + role }

	nodeRole, err := iam.NewRole(ctx, n("node-role"), &iam.RoleArgs{
		Name:              pulumi.String(c.NodeRoleName),
		Description:       pulumi.String("Nodes launched by Karpenter in " + args.ClusterName),
		AssumeRolePolicy:  pulumi.String(iampolicy.ServiceTrust("ec2.amazonaws.com", "").MustJSON()),
		ManagedPolicyArns: pulumi.ToStringArray(NodePolicies),
	}, child...)
	if err != nil {
		return nil, err
	}
	if _, err := awseks.NewAccessEntry(ctx, n("node-access"), &awseks.AccessEntryArgs{
		ClusterName: pulumi.String(args.ClusterName), PrincipalArn: nodeRole.Arn, Type: pulumi.String("EC2_LINUX"),
	}, append(child, pulumi.DependsOn(args.DependsOn))...); err != nil {
		return nil, err
	}

	queue, err := sqs.NewQueue(ctx, n("interruption-queue"), &sqs.QueueArgs{
		Name:                    pulumi.String(c.QueueName),
		MessageRetentionSeconds: pulumi.Int(300),
		SqsManagedSseEnabled:    pulumi.Bool(true),
	}, child...)
	if err != nil {
		return nil, err
	}
	if _, err := sqs.NewQueuePolicy(ctx, n("interruption-queue-policy"), &sqs.QueuePolicyArgs{
		QueueUrl: queue.Url,
		Policy: queue.Arn.ApplyT(func(arn string) (string, error) {
			return QueuePolicy(arn).JSON()
		}).(pulumi.StringOutput),
	}, child...); err != nil {
		return nil, err
	}
	for _, ev := range InterruptionEvents {
		pattern := fmt.Sprintf(`{"source":[%q],"detail-type":[%q]}`, ev.Source, ev.DetailType)
		rule, err := cloudwatch.NewEventRule(ctx, n(ev.Name), &cloudwatch.EventRuleArgs{
			Name:         pulumi.String(naming.Limited(n(ev.Name), 64)),
			Description:  pulumi.String("Karpenter interruption handling: " + ev.DetailType),
			EventPattern: pulumi.String(pattern),
		}, child...)
		if err != nil {
			return nil, err
		}
		if _, err := cloudwatch.NewEventTarget(ctx, n(ev.Name+"-target"), &cloudwatch.EventTargetArgs{
			Rule: rule.Name, Arn: queue.Arn, TargetId: pulumi.String("KarpenterInterruptionQueueTarget"),
		}, child...); err != nil {
			return nil, err
		}
	}

	controller, err := iam.NewRole(ctx, n("controller-role"), &iam.RoleArgs{
		Name:             pulumi.String(naming.Limited(args.ClusterName+"-karpenter-controller", naming.MaxIAMRoleName)),
		Description:      pulumi.String("Karpenter controller of " + args.ClusterName + " (Pod Identity)"),
		AssumeRolePolicy: pulumi.String(iampolicy.PodIdentityTrust(args.AccountID).MustJSON()),
	}, child...)
	if err != nil {
		return nil, err
	}
	docs := pulumi.All(nodeRole.Arn, queue.Arn).ApplyT(func(xs []any) (map[string]string, error) {
		return ControllerPolicies(PolicyVars{Region: args.Region, AccountID: args.AccountID, ClusterName: args.ClusterName,
			NodeRoleARN: xs[0].(string), QueueARN: xs[1].(string)})
	}).(pulumi.StringMapOutput)
	for _, pn := range PolicyNames {
		policy, err := iam.NewPolicy(ctx, n(strings.ToLower(pn)), &iam.PolicyArgs{
			Name:   pulumi.String(naming.Limited(args.ClusterName+"-karpenter-"+pn, naming.MaxIAMPolicyName)),
			Policy: docs.MapIndex(pulumi.String(pn)),
		}, child...)
		if err != nil {
			return nil, err
		}
		if _, err := iam.NewRolePolicyAttachment(ctx, n(strings.ToLower(pn)+"-attachment"), &iam.RolePolicyAttachmentArgs{
			Role: controller.Name, PolicyArn: policy.Arn,
		}, child...); err != nil {
			return nil, err
		}
	}
	identity, err := awseks.NewPodIdentityAssociation(ctx, n("pod-identity"), &awseks.PodIdentityAssociationArgs{
		ClusterName: pulumi.String(args.ClusterName), Namespace: pulumi.String("kube-system"),
		ServiceAccount: pulumi.String("karpenter"), RoleArn: controller.Arn,
	}, append(child, pulumi.DependsOn(args.DependsOn))...)
	if err != nil {
		return nil, err
	}

	k8s, err := kubernetes.NewProvider(ctx, n("k8s"), &kubernetes.ProviderArgs{
		Kubeconfig:            args.Kubeconfig,
		EnableServerSideApply: pulumi.Bool(true),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}
	inCluster := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(k8s)}
	crds, err := helmv4.NewChart(ctx, n("crd"), &helmv4.ChartArgs{
		Chart:     pulumi.String("oci://public.ecr.aws/karpenter/karpenter-crd"),
		Version:   pulumi.String(args.Config.Version),
		Namespace: pulumi.String("kube-system"),
	}, append(inCluster, pulumi.DependsOn(args.DependsOn))...)
	if err != nil {
		return nil, err
	}
	chart, err := helmv4.NewChart(ctx, n("chart"), &helmv4.ChartArgs{
		Chart:     pulumi.String("oci://public.ecr.aws/karpenter/karpenter"),
		Version:   pulumi.String(args.Config.Version),
		Namespace: pulumi.String("kube-system"),
		SkipCrds:  pulumi.Bool(true),
		Values:    pulumi.ToMap(ChartValues(args.ClusterName, c.QueueName)),
	}, append(inCluster, pulumi.DependsOn([]pulumi.Resource{crds, identity}))...)
	if err != nil {
		return nil, err
	}

	objArgs := ObjectArgs{ClusterName: args.ClusterName, NodeRoleName: c.NodeRoleName, Config: args.Config, Tags: args.Tags}
	nodeClassSpec := args.VolumeKeyARN.ToStringOutput().ApplyT(func(key string) map[string]any {
		a := objArgs
		a.VolumeKeyARN = key
		return EC2NodeClass(a)["spec"].(map[string]any)
	}).(pulumi.MapOutput)
	if _, err := apiextensions.NewCustomResource(ctx, n("nodeclass-"+NodeClassName), &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(NodeClassAPIVersion),
		Kind:        pulumi.String("EC2NodeClass"),
		Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String(NodeClassName)},
		OtherFields: kubernetes.UntypedArgs{"spec": nodeClassSpec},
	}, append(inCluster, pulumi.DependsOn([]pulumi.Resource{chart}))...); err != nil {
		return nil, err
	}
	for _, p := range Pools(args.Config) {
		obj := NodePool(objArgs, p)
		if _, err := apiextensions.NewCustomResource(ctx, n("nodepool-"+p.Name), &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String(NodePoolAPIVersion),
			Kind:        pulumi.String("NodePool"),
			Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String(p.Name)},
			OtherFields: kubernetes.UntypedArgs{"spec": obj["spec"]},
		}, append(inCluster, pulumi.DependsOn([]pulumi.Resource{chart}))...); err != nil {
			return nil, err
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"nodeRoleName": pulumi.String(c.NodeRoleName)})
}

// ChartValues are the karpenter chart's values: the cluster and queue, two replicas on the system nodes (they
// tolerate the CriticalAddonsOnly taint; Karpenter must never run on nodes it manages).
func ChartValues(clusterName, queue string) map[string]any {
	return map[string]any{
		"settings":       map[string]any{"clusterName": clusterName, "interruptionQueue": queue},
		"serviceAccount": map[string]any{"name": "karpenter"},
		"replicas":       2,
		"tolerations":    []any{map[string]any{"key": "CriticalAddonsOnly", "operator": "Exists"}},
		"nodeSelector":   map[string]any{"platform.innovate.io/pool": "system"},
		"controller": map[string]any{"resources": map[string]any{
			"requests": map[string]any{"cpu": "500m", "memory": "512Mi"},
			"limits":   map[string]any{"memory": "1Gi"},
		}},
	}
}

// QueuePolicy lets EventBridge (and SQS) deliver to the interruption queue, over TLS only.
func QueuePolicy(queueARN string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{Sid: "EventBridgeDelivers", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: []string{"events.amazonaws.com", "sqs.amazonaws.com"}},
			Action:    []string{"sqs:SendMessage"}, Resource: []string{queueARN}},
		iampolicy.DenyInsecureTransport([]string{"sqs:*"}, queueARN),
	)
}
