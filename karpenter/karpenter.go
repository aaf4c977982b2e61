package karpenter

import (
	"embed"
	"fmt"
	"strings"

	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/chartvalues"
	"github.com/innovate-inc/platform/internal/cloudwatch"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/scope"
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
	// Scope is the workload account in the home region; its tags go on every node Karpenter launches.
	scope.Scope
	ClusterName string
	// Kubeconfig reaches the cluster; DependsOn are what must exist before the charts (the system node group).
	Kubeconfig   pulumi.StringInput
	DependsOn    []pulumi.Resource
	VolumeKeyARN pulumi.StringInput
	Config       config.Karpenter
	// Mirror is where nodes pull public images (the controller's) from; its cache repositories are what the node
	// role may fill on a first pull.
	Mirror config.Mirror
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

	k8s *kubernetes.Provider
}

// New registers Karpenter, step by step: IAM, the interruption queue and its rules, the charts, the objects.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Karpenter, error) {
	c := &Karpenter{
		NodeRoleName: naming.Limited(args.ClusterName+"-karpenter-node", naming.MaxIAMRoleName),
		QueueName:    args.ClusterName,
	}
	if err := ctx.RegisterComponentResource("platform:karpenter:Karpenter", name, c, opts...); err != nil {
		return nil, err
	}
	s := steps{c: c, name: name, args: args, child: args.In(c)}
	nodeRole, spot, err := s.nodeIAM(ctx)
	if err != nil {
		return nil, fmt.Errorf("Karpenter node IAM of %s: %w", args.ClusterName, err)
	}
	queue, err := s.interruptionQueue(ctx)
	if err != nil {
		return nil, fmt.Errorf("Karpenter interruption queue of %s: %w", args.ClusterName, err)
	}
	identity, err := s.controllerIAM(ctx, nodeRole, queue)
	if err != nil {
		return nil, fmt.Errorf("Karpenter controller IAM of %s: %w", args.ClusterName, err)
	}
	chart, err := s.charts(ctx, identity)
	if err != nil {
		return nil, fmt.Errorf("Karpenter charts in %s: %w", args.ClusterName, err)
	}
	if err := s.objects(ctx, chart, spot); err != nil {
		return nil, fmt.Errorf("Karpenter objects in %s: %w", args.ClusterName, err)
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"nodeRoleName": pulumi.String(c.NodeRoleName)})
}

// steps is what every step of Karpenter needs.
type steps struct {
	c     *Karpenter
	name  string
	args  Args
	child []pulumi.ResourceOption
}

func (s steps) n(role string) string { return scope.Child(s.name, role) }

func (s steps) opts(more ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append(append([]pulumi.ResourceOption{}, s.child...), more...)
}

// nodeIAM creates the node role with its EC2_LINUX access entry (nodes cannot join without it) and the EC2 Spot
// service-linked role: EC2 creates it only for console requests, and Karpenter's CreateFleet calls fail without
// it in an account that never used Spot (AuthFailure.ServiceLinkedRoleCreationNotPermitted).
func (s steps) nodeIAM(ctx *pulumi.Context) (*iam.Role, *iam.ServiceLinkedRole, error) {
	a := s.args
	nodeRole, err := iam.NewRole(ctx, s.n("node-role"), &iam.RoleArgs{
		Name:              pulumi.String(s.c.NodeRoleName),
		Description:       pulumi.String("Nodes launched by Karpenter in " + a.ClusterName),
		AssumeRolePolicy:  pulumi.String(iampolicy.ServiceTrust("ec2.amazonaws.com", "").MustJSON()),
		ManagedPolicyArns: pulumi.ToStringArray(NodePolicies),
	}, s.child...)
	if err != nil {
		return nil, nil, fmt.Errorf("creating the node role: %w", err)
	}
	if caches := a.Mirror.RepositoryARNs(); len(caches) > 0 {
		if _, err := iam.NewRolePolicy(ctx, s.n("node-pull-through-caches"), &iam.RolePolicyArgs{
			Role: nodeRole.Name, Policy: pulumi.String(iampolicy.FillPullThroughCaches(caches).MustJSON()),
		}, s.child...); err != nil {
			return nil, nil, fmt.Errorf("granting the node role the pull-through caches: %w", err)
		}
	}
	if _, err := awseks.NewAccessEntry(ctx, s.n("node-access"), &awseks.AccessEntryArgs{
		ClusterName: pulumi.String(a.ClusterName), PrincipalArn: nodeRole.Arn, Type: pulumi.String("EC2_LINUX"),
	}, s.opts(pulumi.DependsOn(a.DependsOn))...); err != nil {
		return nil, nil, fmt.Errorf("creating the node access entry: %w", err)
	}
	spot, err := iam.NewServiceLinkedRole(ctx, s.n("spot-service-role"), &iam.ServiceLinkedRoleArgs{
		AwsServiceName: pulumi.String("spot.amazonaws.com"),
	}, s.child...)
	if err != nil {
		return nil, nil, fmt.Errorf("creating the EC2 Spot service-linked role: %w", err)
	}
	return nodeRole, spot, nil
}

// interruptionQueue creates the SQS interruption queue and the EventBridge rules that feed it.
func (s steps) interruptionQueue(ctx *pulumi.Context) (*sqs.Queue, error) {
	a := s.args
	queue, err := sqs.NewQueue(ctx, s.n("interruption-queue"), &sqs.QueueArgs{
		Name:                    pulumi.String(s.c.QueueName),
		MessageRetentionSeconds: pulumi.Int(300),
		SqsManagedSseEnabled:    pulumi.Bool(true),
	}, s.child...)
	if err != nil {
		return nil, fmt.Errorf("creating the queue: %w", err)
	}
	var ruleARNs []string
	for _, ev := range InterruptionEvents {
		ruleARNs = append(ruleARNs, fmt.Sprintf("arn:aws:events:%s:%s:rule/%s", a.Region, a.AccountID, s.ruleName(ev.Name)))
	}
	if _, err := sqs.NewQueuePolicy(ctx, s.n("interruption-queue-policy"), &sqs.QueuePolicyArgs{
		QueueUrl: queue.Url,
		Policy: queue.Arn.ApplyT(func(arn string) (string, error) {
			return QueuePolicy(arn, ruleARNs).JSON()
		}).(pulumi.StringOutput),
	}, s.child...); err != nil {
		return nil, fmt.Errorf("creating the queue policy: %w", err)
	}
	for _, ev := range InterruptionEvents {
		pattern := fmt.Sprintf(`{"source":[%q],"detail-type":[%q]}`, ev.Source, ev.DetailType)
		rule, err := cloudwatch.NewEventRule(ctx, s.n(ev.Name), cloudwatch.EventRuleArgs{
			Name:         s.ruleName(ev.Name),
			Description:  "Karpenter interruption handling: " + ev.DetailType,
			EventPattern: pattern,
		}, s.child...)
		if err != nil {
			return nil, fmt.Errorf("creating the %s rule: %w", ev.Name, err)
		}
		if _, err := cloudwatch.NewEventTarget(ctx, s.n(ev.Name+"-target"), cloudwatch.EventTargetArgs{
			Rule: rule.Name, Arn: queue.Arn, TargetID: "KarpenterInterruptionQueueTarget",
		}, s.child...); err != nil {
			return nil, fmt.Errorf("targeting the queue from the %s rule: %w", ev.Name, err)
		}
	}
	return queue, nil
}

func (s steps) ruleName(event string) string {
	return naming.Limited(s.n(event), naming.MaxEventRuleName)
}

// controllerIAM creates the controller role with the reference policies and binds it to the karpenter service
// account through Pod Identity.
func (s steps) controllerIAM(ctx *pulumi.Context, nodeRole *iam.Role, queue *sqs.Queue) (*awseks.PodIdentityAssociation, error) {
	a := s.args
	controller, err := iam.NewRole(ctx, s.n("controller-role"), &iam.RoleArgs{
		Name:             pulumi.String(naming.KarpenterControllerRole(a.ClusterName)),
		Description:      pulumi.String("Karpenter controller of " + a.ClusterName + " (Pod Identity)"),
		AssumeRolePolicy: pulumi.String(iampolicy.PodIdentityTrust(a.AccountID).MustJSON()),
	}, s.child...)
	if err != nil {
		return nil, fmt.Errorf("creating the controller role: %w", err)
	}
	docs := pulumi.All(nodeRole.Arn, queue.Arn).ApplyT(func(xs []any) (map[string]string, error) {
		return ControllerPolicies(PolicyVars{Region: a.Region, AccountID: a.AccountID, ClusterName: a.ClusterName,
			NodeRoleARN: xs[0].(string), QueueARN: xs[1].(string)})
	}).(pulumi.StringMapOutput)
	for _, pn := range PolicyNames {
		policy, err := iam.NewPolicy(ctx, s.n(strings.ToLower(pn)), &iam.PolicyArgs{
			Name:   pulumi.String(naming.Limited(a.ClusterName+"-karpenter-"+pn, naming.MaxIAMPolicyName)),
			Policy: docs.MapIndex(pulumi.String(pn)),
		}, s.child...)
		if err != nil {
			return nil, fmt.Errorf("creating policy %s: %w", pn, err)
		}
		if _, err := iam.NewRolePolicyAttachment(ctx, s.n(strings.ToLower(pn)+"-attachment"), &iam.RolePolicyAttachmentArgs{
			Role: controller.Name, PolicyArn: policy.Arn,
		}, s.child...); err != nil {
			return nil, fmt.Errorf("attaching policy %s: %w", pn, err)
		}
	}
	identity, err := awseks.NewPodIdentityAssociation(ctx, s.n("pod-identity"), &awseks.PodIdentityAssociationArgs{
		ClusterName: pulumi.String(a.ClusterName), Namespace: pulumi.String("kube-system"),
		ServiceAccount: pulumi.String("karpenter"), RoleArn: controller.Arn,
	}, s.opts(pulumi.DependsOn(a.DependsOn))...)
	if err != nil {
		return nil, fmt.Errorf("associating the controller role: %w", err)
	}
	return identity, nil
}

// charts installs the karpenter-crd chart (CRDs managed explicitly) and the karpenter chart on the system nodes,
// and returns the Kubernetes provider options for the objects.
func (s steps) charts(ctx *pulumi.Context, identity *awseks.PodIdentityAssociation) (*helmv4.Chart, error) {
	a := s.args
	k8s, err := kubernetes.NewProvider(ctx, s.n("k8s"), &kubernetes.ProviderArgs{
		Kubeconfig:            a.Kubeconfig,
		EnableServerSideApply: pulumi.Bool(true),
	}, pulumi.Parent(s.c))
	if err != nil {
		return nil, fmt.Errorf("creating the Kubernetes provider: %w", err)
	}
	s.c.k8s = k8s
	inCluster := []pulumi.ResourceOption{pulumi.Parent(s.c), pulumi.Provider(k8s)}
	crds, err := helmv4.NewChart(ctx, s.n("crd"), &helmv4.ChartArgs{
		Chart:     pulumi.String(CRDChart),
		Version:   pulumi.String(a.Config.Version),
		Namespace: pulumi.String("kube-system"),
	}, append(inCluster, pulumi.DependsOn(a.DependsOn))...)
	if err != nil {
		return nil, fmt.Errorf("installing the CRD chart: %w", err)
	}
	values, err := chartvalues.Map(ChartValues(a.ClusterName, s.c.QueueName, a.Mirror.Image(ControllerImage)))
	if err != nil {
		return nil, fmt.Errorf("encoding the chart values: %w", err)
	}
	chart, err := helmv4.NewChart(ctx, s.n("chart"), &helmv4.ChartArgs{
		Chart:     pulumi.String(ControllerChart),
		Version:   pulumi.String(a.Config.Version),
		Namespace: pulumi.String("kube-system"),
		SkipCrds:  pulumi.Bool(true),
		Values:    pulumi.ToMap(values),
	}, append(inCluster, pulumi.DependsOn([]pulumi.Resource{crds, identity}))...)
	if err != nil {
		return nil, fmt.Errorf("installing the controller chart: %w", err)
	}
	return chart, nil
}

// objects creates the EC2NodeClass and the NodePools once the controller runs; NodePools that allow Spot wait
// for the Spot service-linked role.
func (s steps) objects(ctx *pulumi.Context, chart *helmv4.Chart, spot *iam.ServiceLinkedRole) error {
	a := s.args
	inCluster := []pulumi.ResourceOption{pulumi.Parent(s.c), pulumi.Provider(s.c.k8s), pulumi.DependsOn([]pulumi.Resource{chart, spot})}
	objArgs := ObjectArgs{ClusterName: a.ClusterName, NodeRoleName: s.c.NodeRoleName, Config: a.Config, Tags: a.Tags.Map(nil)}
	nodeClassSpec := a.VolumeKeyARN.ToStringOutput().ApplyT(func(key string) map[string]any {
		o := objArgs
		o.VolumeKeyARN = key
		return EC2NodeClass(o)["spec"].(map[string]any)
	}).(pulumi.MapOutput)
	if _, err := apiextensions.NewCustomResource(ctx, s.n("nodeclass-"+NodeClassName), &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(NodeClassAPIVersion),
		Kind:        pulumi.String("EC2NodeClass"),
		Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String(NodeClassName)},
		OtherFields: kubernetes.UntypedArgs{"spec": nodeClassSpec},
	}, inCluster...); err != nil {
		return fmt.Errorf("creating the EC2NodeClass: %w", err)
	}
	for _, p := range Pools(a.Config) {
		obj := NodePool(objArgs, p)
		if _, err := apiextensions.NewCustomResource(ctx, s.n("nodepool-"+p.Name), &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String(NodePoolAPIVersion),
			Kind:        pulumi.String("NodePool"),
			Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String(p.Name)},
			OtherFields: kubernetes.UntypedArgs{"spec": obj["spec"]},
		}, inCluster...); err != nil {
			return fmt.Errorf("creating NodePool %s: %w", p.Name, err)
		}
	}
	return nil
}

// The charts and the controller image, all from ECR Public.
const (
	CRDChart        = "oci://public.ecr.aws/karpenter/karpenter-crd"
	ControllerChart = "oci://public.ecr.aws/karpenter/karpenter"
	ControllerImage = "public.ecr.aws/karpenter/controller"
)

// Values are the karpenter chart's values the platform sets (typed; every key is checked against the chart's
// values.yaml in tests).
type Values struct {
	Settings       Settings          `json:"settings"`
	ServiceAccount ServiceAccount    `json:"serviceAccount"`
	Replicas       int               `json:"replicas"`
	Tolerations    []Toleration      `json:"tolerations"`
	NodeSelector   map[string]string `json:"nodeSelector"`
	Controller     Controller        `json:"controller"`
}

// Settings are the controller's cluster and interruption queue.
type Settings struct {
	ClusterName       string `json:"clusterName"`
	InterruptionQueue string `json:"interruptionQueue"`
}

// ServiceAccount names the controller's ServiceAccount, which the Pod Identity association binds.
type ServiceAccount struct {
	Name string `json:"name"`
}

// Toleration is a pod toleration.
type Toleration struct {
	Key      string `json:"key"`
	Operator string `json:"operator"`
}

// Controller is the controller container's image and resources.
type Controller struct {
	Image     Image     `json:"image"`
	Resources Resources `json:"resources"`
}

// Image is the controller image's repository; the chart keeps its tag and digest.
type Image struct {
	Repository string `json:"repository"`
}

// Resources are container requests and limits.
type Resources struct {
	Requests map[string]string `json:"requests"`
	Limits   map[string]string `json:"limits"`
}

// ChartValues are the karpenter chart's values: the cluster and queue, two replicas on the system nodes (they
// tolerate the CriticalAddonsOnly taint; Karpenter must never run on nodes it manages), the controller image
// through the estate's cache when there is one (its digest stays the chart's; said here so the plan knows which
// registry the nodes pull from).
func ChartValues(clusterName, queue, image string) Values {
	return Values{
		Settings:       Settings{ClusterName: clusterName, InterruptionQueue: queue},
		ServiceAccount: ServiceAccount{Name: "karpenter"},
		Replicas:       2,
		Tolerations:    []Toleration{{Key: "CriticalAddonsOnly", Operator: "Exists"}},
		NodeSelector:   map[string]string{"platform.innovate.io/pool": "system"},
		Controller: Controller{
			Image:     Image{Repository: image},
			Resources: Resources{Requests: map[string]string{"cpu": "500m", "memory": "512Mi"}, Limits: map[string]string{"memory": "1Gi"}},
		},
	}
}

// QueuePolicy lets the interruption rules (and only them) deliver to the interruption queue, over TLS only.
func QueuePolicy(queueARN string, ruleARNs []string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{Sid: "EventBridgeDelivers", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: []string{"events.amazonaws.com"}},
			Action:    []string{"sqs:SendMessage"}, Resource: []string{queueARN},
			Condition: iampolicy.Condition{"ArnEquals": {"aws:SourceArn": ruleARNs}}},
		iampolicy.DenyInsecureTransport([]string{"sqs:*"}, queueARN),
	)
}
