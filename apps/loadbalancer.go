package apps

import (
	_ "embed"
	"fmt"

	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/chartvalues"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/naming"
)

// AWS Load Balancer Controller, pinned: chart 3.5.0 (app v3.5.0) from the eks-charts repository, which publishes
// no OCI copy (aws/eks-charts#1070): the deploy runner fetches it from aws.github.io, which the egress allow-list
// admits. The chart ships no values.schema.json; the values below are checked against its values.yaml in tests.
const (
	LBControllerChart          = "aws-load-balancer-controller"
	LBControllerRepository     = "https://aws.github.io/eks-charts"
	LBControllerVersion        = "3.5.0"
	LBControllerAppVersion     = "v3.5.0"
	LBControllerImage          = "public.ecr.aws/eks/aws-load-balancer-controller"
	LBControllerNamespace      = "kube-system"
	LBControllerServiceAccount = "aws-load-balancer-controller"
)

// lbControllerPolicy is the controller project's published IAM policy for LBControllerAppVersion
// (docs/install/iam_policy.json at the tag, unmodified; see policies/PROVENANCE.md).
//
//go:embed policies/aws-load-balancer-controller.json
var lbControllerPolicy string

// LBControllerPolicy is the controller's policy, compacted (a managed policy holds 6,144 characters without
// whitespace).
func LBControllerPolicy() (string, error) {
	doc, err := iampolicy.Parse(lbControllerPolicy)
	if err != nil {
		return "", fmt.Errorf("the load balancer controller policy %s: %w", LBControllerAppVersion, err)
	}
	return doc.JSON()
}

// LBControllerValues are the aws-load-balancer-controller chart values the platform sets (typed; every key is
// checked against the chart's values.yaml in tests). The VPC ID joins them at deploy time (an output).
type LBControllerValues struct {
	// ClusterName, Region (and vpcId): given, because pods cannot reach the instance metadata service (AL2023
	// nodes answer IMDSv2 with a hop limit of 1).
	ClusterName       string            `json:"clusterName"`
	Region            string            `json:"region"`
	ReplicaCount      int               `json:"replicaCount"`
	Image             ChartImage        `json:"image"`
	ServiceAccount    ESOServiceAcct    `json:"serviceAccount"`
	PriorityClassName string            `json:"priorityClassName"`
	NodeSelector      map[string]string `json:"nodeSelector"`
	Tolerations       []Toleration      `json:"tolerations"`
	Resources         Resources         `json:"resources"`
	// PodDisruptionBudget keeps one controller up through drains of the system nodes.
	PodDisruptionBudget map[string]int `json:"podDisruptionBudget"`
	// CreateIngressClassResource is off: the platform registers its IngressClass and IngressClassParams itself
	// (validated against the CRD in tests), so product teams get the platform's class, not the chart's default.
	CreateIngressClassResource bool `json:"createIngressClassResource"`
	// EnableServiceMutatorWebhook is off: every LoadBalancer Service the platform registers names its class
	// (service.k8s.aws/nlb), and a webhook with failurePolicy Fail on every Service is an outage when it is down.
	EnableServiceMutatorWebhook bool `json:"enableServiceMutatorWebhook"`
	// KeepTLSSecret reuses the webhook certificate across upgrades: helm/v4 renders with server-side dry run, so
	// the chart's lookup finds the existing Secret instead of generating a new CA on every `pulumi up`.
	KeepTLSSecret     bool   `json:"keepTLSSecret"`
	DefaultTargetType string `json:"defaultTargetType"`
	// EnableWaf (classic WAF Regional) is always off; EnableWafv2 and EnableShield follow the ingress config, so the
	// controller never touches a web ACL or a Shield protection it does not manage.
	EnableWaf    bool `json:"enableWaf"`
	EnableWafv2  bool `json:"enableWafv2"`
	EnableShield bool `json:"enableShield"`
	// DefaultTags carry the platform's mandatory tags onto every load balancer, target group and security group
	// the controller creates.
	DefaultTags map[string]string `json:"defaultTags"`
}

// ChartImage pins a chart's image.
type ChartImage struct {
	Repository string `json:"repository"`
	Tag        string `json:"tag"`
}

// LBControllerChartValues are the controller's values: its image (through the estate's cache when there is
// one), two replicas on the system nodes at platform-critical priority, IP targets by default, the platform's tags.
func LBControllerChartValues(cluster, region, image string, waf, shield bool, tags map[string]string) LBControllerValues {
	return LBControllerValues{
		ClusterName: cluster, Region: region, ReplicaCount: 2,
		Image:             ChartImage{Repository: image, Tag: LBControllerAppVersion},
		ServiceAccount:    ESOServiceAcct{Create: true, Name: LBControllerServiceAccount},
		PriorityClassName: PriorityPlatformCritical, NodeSelector: SystemNodeSelector, Tolerations: SystemTolerations,
		Resources:           Resources{Requests: map[string]string{"cpu": "100m", "memory": "128Mi"}, Limits: map[string]string{"memory": "512Mi"}},
		PodDisruptionBudget: map[string]int{"maxUnavailable": 1},
		KeepTLSSecret:       true, DefaultTargetType: "ip",
		EnableWafv2: waf, EnableShield: shield,
		DefaultTags: tags,
	}
}

// Map is the values as the Helm chart resource takes them.
func (v LBControllerValues) Map() (map[string]any, error) { return chartvalues.Map(v) }

// loadBalancerController installs the AWS Load Balancer Controller in kube-system with a Pod Identity role that
// carries the project's published policy for the pinned version.
func (s steps) loadBalancerController(ctx *pulumi.Context, classes []pulumi.Resource) (*helmv4.Chart, error) {
	a := s.args
	role, err := iam.NewRole(ctx, s.n("lb-controller", "role"), &iam.RoleArgs{
		Name:             pulumi.String(naming.Limited(s.n("lb-controller"), naming.MaxIAMRoleName)),
		Description:      pulumi.String("AWS Load Balancer Controller " + LBControllerAppVersion + " of " + a.ClusterName + " (Pod Identity)"),
		AssumeRolePolicy: pulumi.String(iampolicy.PodIdentityTrust(a.AccountID).MustJSON()),
	}, a.In(s.c)...)
	if err != nil {
		return nil, fmt.Errorf("creating the controller role: %w", err)
	}
	doc, err := LBControllerPolicy()
	if err != nil {
		return nil, err
	}
	policy, err := iam.NewPolicy(ctx, s.n("lb-controller", "policy"), &iam.PolicyArgs{
		Name:        pulumi.String(naming.Limited(s.n("lb-controller"), naming.MaxIAMPolicyName)),
		Description: pulumi.String("Published IAM policy of the AWS Load Balancer Controller " + LBControllerAppVersion),
		Policy:      pulumi.String(doc),
	}, a.In(s.c)...)
	if err != nil {
		return nil, fmt.Errorf("creating the controller policy: %w", err)
	}
	attachment, err := iam.NewRolePolicyAttachment(ctx, s.n("lb-controller", "policy-attachment"), &iam.RolePolicyAttachmentArgs{
		Role: role.Name, PolicyArn: policy.Arn,
	}, a.In(s.c)...)
	if err != nil {
		return nil, fmt.Errorf("attaching the controller policy: %w", err)
	}
	identity, err := awseks.NewPodIdentityAssociation(ctx, s.n("lb-controller", "pod-identity"), &awseks.PodIdentityAssociationArgs{
		ClusterName: pulumi.String(a.ClusterName), Namespace: pulumi.String(LBControllerNamespace),
		ServiceAccount: pulumi.String(LBControllerServiceAccount), RoleArn: role.Arn,
	}, a.In(s.c, pulumi.DependsOn(append([]pulumi.Resource{attachment}, a.DependsOn...)))...)
	if err != nil {
		return nil, fmt.Errorf("associating the controller role: %w", err)
	}
	values, err := LBControllerChartValues(a.ClusterName, a.Region, a.Mirror.Image(LBControllerImage), a.Ingress.WAF, a.Ingress.ShieldAdvanced, a.Tags.Map(nil)).Map()
	if err != nil {
		return nil, fmt.Errorf("encoding the chart values: %w", err)
	}
	in := pulumi.ToMap(values)
	in["vpcId"] = a.VPCID
	chart, err := helmv4.NewChart(ctx, s.n("lb-controller"), &helmv4.ChartArgs{
		Chart:          pulumi.String(LBControllerChart),
		Version:        pulumi.String(LBControllerVersion),
		RepositoryOpts: helmv4.RepositoryOptsArgs{Repo: pulumi.String(LBControllerRepository)},
		Namespace:      pulumi.String(LBControllerNamespace),
		Values:         in,
	}, s.in(append([]pulumi.Resource{identity}, classes...)...)...)
	if err != nil {
		return nil, fmt.Errorf("installing the controller chart: %w", err)
	}
	return chart, nil
}

// readinessGateLabel makes the controller's pod webhook add a readiness gate to the namespace's pods: a rolling
// update waits until the new pod is healthy in its target group, not only in Kubernetes.
var readinessGateLabel = map[string]string{"elbv2.k8s.aws/pod-readiness-gate-inject": "enabled"}
