package apps

import (
	"fmt"
	"strings"

	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/bytoken"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/naming"
)

// Node labels the placement preferences use (Karpenter v1 well-known labels; lowercase capacity types).
const (
	LabelArch         = "kubernetes.io/arch"
	LabelCapacityType = "karpenter.sh/capacity-type"
	LabelZone         = "topology.kubernetes.io/zone"
	LabelHostname     = "kubernetes.io/hostname"
	LabelApp          = "app.kubernetes.io/name"
)

// Preference is a weighted preferred node affinity term on one label.
type Preference struct {
	Weight int
	Key    string
	Value  string
}

// Placement is where a service's pods go: RequiredArch, when set, is a hard architecture requirement (the image
// is built for that architecture only); everything else is a preference. Capacity type is never required: a pod
// that requires Spot stays Pending when Spot has no capacity, which is the seed's bug.
type Placement struct {
	RequiredArch string
	Preferences  []Preference
	// PriorityClass is the pod's priority class.
	PriorityClass string
}

// Placements realise the seed's three scenarios on Karpenter v1, whose NodePools allow Graviton Spot and
// On-Demand (weight 100), amd64 Spot (50) and amd64 On-Demand (10). Karpenter first treats preferences as
// requirements and relaxes them, lowest weight first, only when nothing can be launched: so the backend gets
// Graviton Spot, then Graviton On-Demand, then amd64 as the last resort; the frontend amd64 Spot, then amd64
// On-Demand; the worker prefers arm64 over amd64 by weight, at the lowest priority.
var Placements = map[string]Placement{
	config.AppBackend: {PriorityClass: PriorityApplicationHigh, Preferences: []Preference{
		{100, LabelArch, "arm64"}, {50, LabelCapacityType, "spot"}}},
	config.AppFrontend: {PriorityClass: PriorityApplicationHigh, RequiredArch: "amd64", Preferences: []Preference{
		{100, LabelCapacityType, "spot"}}},
	config.AppWorker: {PriorityClass: PriorityBatchLow, Preferences: []Preference{
		{70, LabelArch, "arm64"}, {30, LabelArch, "amd64"}, {20, LabelCapacityType, "spot"}}},
}

// RunAsUser is the UID and GID the application containers run as (non-root, above the host's system users).
const RunAsUser = 10001

// Health endpoints every application serves on its port.
const (
	ReadinessPath = "/readyz"
	LivenessPath  = "/healthz"
)

// Image is the full reference of a configured image: a repository without a registry host is in the account's ECR.
func Image(registry, image string) string {
	first, _, found := strings.Cut(image, "/")
	if found && (strings.ContainsAny(first, ".:") || first == "localhost") {
		return image
	}
	return registry + "/" + image
}

func (s steps) applications(ctx *pulumi.Context, namespaces map[string]*corev1.Namespace, classes []pulumi.Resource) error {
	for _, svc := range s.args.Config.Services() {
		ns := namespaces[svc.Name]
		sa, err := s.serviceAccount(ctx, svc, ns)
		if err != nil {
			return err
		}
		deployment, err := s.deployment(ctx, svc, append([]pulumi.Resource{ns, sa}, classes...))
		if err != nil {
			return err
		}
		service, err := s.service(ctx, svc, ns)
		if err != nil {
			return err
		}
		if svc.Name == config.AppBackend {
			s.c.backendService = service
		}
		if err := s.disruptionBudget(ctx, svc, ns); err != nil {
			return err
		}
		if svc.Name == config.AppBackend {
			if err := s.autoscaler(ctx, svc, deployment); err != nil {
				return err
			}
		}
	}
	return nil
}

func labels(app string) pulumi.StringMap {
	return pulumi.StringMap{LabelApp: pulumi.String(app), "app.kubernetes.io/part-of": pulumi.String("innovate")}
}

func meta(name, namespace string) metav1.ObjectMetaArgs {
	return metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: pulumi.String(namespace), Labels: labels(name)}
}

// serviceAccount creates the service's own ServiceAccount; the backend's is bound through Pod Identity to a role
// that reads exactly the database master secret (and decrypts it through Secrets Manager only).
func (s steps) serviceAccount(ctx *pulumi.Context, svc config.NamedService, ns *corev1.Namespace) (*corev1.ServiceAccount, error) {
	sa, err := corev1.NewServiceAccount(ctx, s.n(svc.Name, "sa"), &corev1.ServiceAccountArgs{
		Metadata:                     meta(svc.Name, svc.Name),
		AutomountServiceAccountToken: pulumi.Bool(false),
	}, s.in(ns)...)
	if err != nil {
		return nil, fmt.Errorf("creating the %s service account: %w", svc.Name, err)
	}
	if svc.Name != config.AppBackend {
		return sa, nil
	}
	a := s.args
	role, err := iam.NewRole(ctx, s.n(svc.Name, "role"), &iam.RoleArgs{
		Name:             pulumi.String(naming.Limited(s.n(svc.Name), naming.MaxIAMRoleName)),
		Description:      pulumi.String("The " + svc.Name + " pods of " + a.ClusterName + " (Pod Identity): read the database master secret"),
		AssumeRolePolicy: pulumi.String(iampolicy.PodIdentityTrust(a.AccountID).MustJSON()),
	}, a.In(s.c)...)
	if err != nil {
		return nil, fmt.Errorf("creating the %s role: %w", svc.Name, err)
	}
	policy := pulumi.All(a.DatabaseSecretARN, a.DatabaseSecretKeyARN).ApplyT(func(xs []any) (string, error) {
		return SecretReaderPolicy(a.Region, xs[0].(string), xs[1].(string)).JSON()
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, s.n(svc.Name, "secret-reader"), &iam.RolePolicyArgs{
		Role: role.Name, Policy: policy,
	}, a.In(s.c)...); err != nil {
		return nil, fmt.Errorf("granting %s the database secret: %w", svc.Name, err)
	}
	if _, err := awseks.NewPodIdentityAssociation(ctx, s.n(svc.Name, "pod-identity"), &awseks.PodIdentityAssociationArgs{
		ClusterName: pulumi.String(a.ClusterName), Namespace: pulumi.String(svc.Name),
		ServiceAccount: pulumi.String(svc.Name), RoleArn: role.Arn,
	}, a.In(s.c, pulumi.DependsOn(a.DependsOn))...); err != nil {
		return nil, fmt.Errorf("associating the %s role: %w", svc.Name, err)
	}
	return sa, nil
}

// SecretReaderPolicy reads one secret (value and description, nothing that lists or changes secrets) and decrypts
// it with its KMS key only when Secrets Manager asks on the reader's behalf.
func SecretReaderPolicy(region, secretARN, keyARN string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{Sid: "ReadTheSecret", Effect: iampolicy.Allow,
			Action:   []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"},
			Resource: []string{secretARN}},
		iampolicy.Statement{Sid: "DecryptThroughSecretsManager", Effect: iampolicy.Allow,
			Action: []string{"kms:Decrypt"}, Resource: []string{keyARN},
			Condition: iampolicy.Condition{"StringEquals": {"kms:ViaService": {"secretsmanager." + region + ".amazonaws.com"}}}},
	)
}

// NodeAffinity is the placement as a node affinity: the architecture requirement, if any, and the preferences.
func NodeAffinity(p Placement) *corev1.NodeAffinityArgs {
	out := &corev1.NodeAffinityArgs{}
	if p.RequiredArch != "" {
		out.RequiredDuringSchedulingIgnoredDuringExecution = corev1.NodeSelectorArgs{NodeSelectorTerms: corev1.NodeSelectorTermArray{
			corev1.NodeSelectorTermArgs{MatchExpressions: corev1.NodeSelectorRequirementArray{corev1.NodeSelectorRequirementArgs{
				Key: pulumi.String(LabelArch), Operator: pulumi.String("In"), Values: pulumi.ToStringArray([]string{p.RequiredArch}),
			}}},
		}}
	}
	var prefs corev1.PreferredSchedulingTermArray
	for _, pr := range p.Preferences {
		prefs = append(prefs, corev1.PreferredSchedulingTermArgs{Weight: pulumi.Int(pr.Weight),
			Preference: corev1.NodeSelectorTermArgs{MatchExpressions: corev1.NodeSelectorRequirementArray{corev1.NodeSelectorRequirementArgs{
				Key: pulumi.String(pr.Key), Operator: pulumi.String("In"), Values: pulumi.ToStringArray([]string{pr.Value}),
			}}}})
	}
	out.PreferredDuringSchedulingIgnoredDuringExecution = prefs
	return out
}

// PodSpec is a service's pod: its ServiceAccount without a token (Pod Identity needs none), its placement,
// spread over zones (hard) and nodes (soft), the restricted security context, requests and a memory limit,
// readiness and liveness probes, and a writable /tmp on an otherwise read-only root filesystem.
func (s steps) podSpec(svc config.NamedService) corev1.PodSpecArgs {
	p := Placements[svc.Name]
	selector := &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{LabelApp: pulumi.String(svc.Name)}}
	probe := func(path string, period int) corev1.ProbeArgs {
		return corev1.ProbeArgs{
			HttpGet:          corev1.HTTPGetActionArgs{Path: pulumi.String(path), Port: pulumi.String("http")},
			PeriodSeconds:    pulumi.Int(period),
			TimeoutSeconds:   pulumi.Int(2),
			FailureThreshold: pulumi.Int(3),
		}
	}
	return corev1.PodSpecArgs{
		ServiceAccountName:            pulumi.String(svc.Name),
		AutomountServiceAccountToken:  pulumi.Bool(false),
		PriorityClassName:             pulumi.String(p.PriorityClass),
		TerminationGracePeriodSeconds: pulumi.Int(30),
		Affinity:                      corev1.AffinityArgs{NodeAffinity: NodeAffinity(p)},
		TopologySpreadConstraints: corev1.TopologySpreadConstraintArray{
			corev1.TopologySpreadConstraintArgs{MaxSkew: pulumi.Int(1), TopologyKey: pulumi.String(LabelZone),
				WhenUnsatisfiable: pulumi.String("DoNotSchedule"), LabelSelector: selector},
			corev1.TopologySpreadConstraintArgs{MaxSkew: pulumi.Int(1), TopologyKey: pulumi.String(LabelHostname),
				WhenUnsatisfiable: pulumi.String("ScheduleAnyway"), LabelSelector: selector},
		},
		SecurityContext: corev1.PodSecurityContextArgs{
			RunAsNonRoot: pulumi.Bool(true), RunAsUser: pulumi.Int(RunAsUser), RunAsGroup: pulumi.Int(RunAsUser),
			FsGroup:        pulumi.Int(RunAsUser),
			SeccompProfile: corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
		},
		Containers: corev1.ContainerArray{corev1.ContainerArgs{
			Name:            pulumi.String(svc.Name),
			Image:           pulumi.String(Image(s.args.ImageRegistry, svc.Image)),
			ImagePullPolicy: pulumi.String("IfNotPresent"),
			Ports: corev1.ContainerPortArray{corev1.ContainerPortArgs{
				Name: pulumi.String("http"), ContainerPort: pulumi.Int(svc.Port), Protocol: pulumi.String("TCP")}},
			Env: corev1.EnvVarArray{corev1.EnvVarArgs{Name: pulumi.String("PORT"), Value: pulumi.String(fmt.Sprint(svc.Port))}},
			Resources: corev1.ResourceRequirementsArgs{
				Requests: pulumi.StringMap{"cpu": pulumi.String(svc.CPU), "memory": pulumi.String(svc.Memory)},
				Limits:   pulumi.StringMap{"memory": pulumi.String(svc.Memory)},
			},
			ReadinessProbe: probe(ReadinessPath, 5),
			LivenessProbe:  probe(LivenessPath, 10),
			SecurityContext: corev1.SecurityContextArgs{
				AllowPrivilegeEscalation: pulumi.Bool(false),
				ReadOnlyRootFilesystem:   pulumi.Bool(true),
				RunAsNonRoot:             pulumi.Bool(true),
				Capabilities:             corev1.CapabilitiesArgs{Drop: pulumi.ToStringArray([]string{"ALL"})},
				SeccompProfile:           corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
			},
			VolumeMounts: corev1.VolumeMountArray{corev1.VolumeMountArgs{Name: pulumi.String("tmp"), MountPath: pulumi.String("/tmp")}},
		}},
		Volumes: corev1.VolumeArray{corev1.VolumeArgs{Name: pulumi.String("tmp"),
			EmptyDir: corev1.EmptyDirVolumeSourceArgs{SizeLimit: pulumi.String("256Mi")}}},
	}
}

// deploymentSpec is an apps/v1 DeploymentSpec's inputs.
type deploymentSpec struct {
	Replicas             int                         `pulumi:"replicas"`
	RevisionHistoryLimit int                         `pulumi:"revisionHistoryLimit"`
	Selector             metav1.LabelSelectorInput   `pulumi:"selector"`
	Strategy             deploymentStrategy          `pulumi:"strategy"`
	Template             corev1.PodTemplateSpecInput `pulumi:"template"`
}

type deploymentStrategy struct {
	Type          string                  `pulumi:"type"`
	RollingUpdate rollingUpdateDeployment `pulumi:"rollingUpdate"`
}

type rollingUpdateDeployment struct {
	MaxSurge       string `pulumi:"maxSurge"`
	MaxUnavailable int    `pulumi:"maxUnavailable"`
}

func (s steps) deployment(ctx *pulumi.Context, svc config.NamedService, after []pulumi.Resource) (*bytoken.Resource, error) {
	d, err := registerObject(ctx, s.n(svc.Name, "deployment"), object[deploymentSpec]{
		APIVersion: "apps/v1", Kind: "Deployment",
		Metadata: meta(svc.Name, svc.Name),
		Spec: deploymentSpec{
			Replicas:             svc.Replicas,
			RevisionHistoryLimit: 5,
			Selector:             metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{LabelApp: pulumi.String(svc.Name)}},
			Strategy: deploymentStrategy{Type: "RollingUpdate",
				RollingUpdate: rollingUpdateDeployment{MaxSurge: "25%", MaxUnavailable: 0}},
			Template: corev1.PodTemplateSpecArgs{
				Metadata: metav1.ObjectMetaArgs{Labels: labels(svc.Name)},
				Spec:     s.podSpec(svc),
			},
		},
	}, append(s.in(after...), s.replicasOwnedByHPA(svc)...)...)
	if err != nil {
		return nil, fmt.Errorf("creating the %s deployment: %w", svc.Name, err)
	}
	return d, nil
}

// replicasOwnedByHPA leaves the backend's replica count to its HPA after creation: re-applying the configured
// count would scale a busy backend down on every deploy.
func (s steps) replicasOwnedByHPA(svc config.NamedService) []pulumi.ResourceOption {
	if svc.Name != config.AppBackend {
		return nil
	}
	return []pulumi.ResourceOption{pulumi.IgnoreChanges([]string{"spec.replicas"})}
}

// service creates the service's Service. The backend's is also its internal NLB: type LoadBalancer of the
// controller's class (no node ports: IP targets), reachable from BackendSourceCIDRs only; its in-cluster
// ClusterIP serves the frontend as before. It returns the NLB's hostname for the backend (Pulumi waits for it).
func (s steps) service(ctx *pulumi.Context, svc config.NamedService, ns *corev1.Namespace) (*corev1.Service, error) {
	spec := corev1.ServiceSpecArgs{
		Type:     pulumi.String("ClusterIP"),
		Selector: pulumi.StringMap{LabelApp: pulumi.String(svc.Name)},
		Ports: corev1.ServicePortArray{corev1.ServicePortArgs{Name: pulumi.String("http"), Port: pulumi.Int(svc.Port),
			TargetPort: pulumi.String("http"), Protocol: pulumi.String("TCP")}},
	}
	m := meta(svc.Name, svc.Name)
	after := []pulumi.Resource{ns}
	if svc.Name == config.AppBackend {
		spec.Type = pulumi.String("LoadBalancer")
		spec.LoadBalancerClass = pulumi.String(NLBLoadBalancerClass)
		spec.AllocateLoadBalancerNodePorts = pulumi.Bool(false)
		spec.LoadBalancerSourceRanges = pulumi.ToStringArray(s.backendSources())
		m.Annotations = pulumi.ToStringMap(BackendServiceAnnotations())
		after = append(after, s.c.lbController)
	}
	service, err := corev1.NewService(ctx, s.n(svc.Name, "service"), &corev1.ServiceArgs{Metadata: m, Spec: spec}, s.in(after...)...)
	if err != nil {
		return nil, fmt.Errorf("creating the %s service: %w", svc.Name, err)
	}
	return service, nil
}

// backendSources are the CIDRs the backend's NLB admits: the configured ones, or the environment's VPC.
func (s steps) backendSources() []string {
	if len(s.args.Ingress.BackendSourceCIDRs) > 0 {
		return s.args.Ingress.BackendSourceCIDRs
	}
	return []string{s.args.VPCCIDR.String()}
}

// podDisruptionBudgetSpec is a policy/v1 PodDisruptionBudgetSpec's inputs.
type podDisruptionBudgetSpec struct {
	MaxUnavailable             int                       `pulumi:"maxUnavailable"`
	Selector                   metav1.LabelSelectorInput `pulumi:"selector"`
	UnhealthyPodEvictionPolicy string                    `pulumi:"unhealthyPodEvictionPolicy"`
}

// disruptionBudget lets voluntary disruption (Karpenter consolidation, node expiry, drains) take one pod at a time.
func (s steps) disruptionBudget(ctx *pulumi.Context, svc config.NamedService, ns *corev1.Namespace) error {
	if _, err := registerObject(ctx, s.n(svc.Name, "pdb"), object[podDisruptionBudgetSpec]{
		APIVersion: "policy/v1", Kind: "PodDisruptionBudget",
		Metadata: meta(svc.Name, svc.Name),
		Spec: podDisruptionBudgetSpec{
			MaxUnavailable:             1,
			Selector:                   metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{LabelApp: pulumi.String(svc.Name)}},
			UnhealthyPodEvictionPolicy: "AlwaysAllow",
		},
	}, s.in(ns)...); err != nil {
		return fmt.Errorf("creating the %s disruption budget: %w", svc.Name, err)
	}
	return nil
}

// HPA targets of the backend (percent of requests).
const (
	TargetCPUUtilization    = 70
	TargetMemoryUtilization = 80
)

// The autoscaling/v2 HorizontalPodAutoscalerSpec's inputs the backend's autoscaler sets.
type (
	hpaSpec struct {
		ScaleTargetRef crossVersionObjectReference `pulumi:"scaleTargetRef"`
		MinReplicas    int                         `pulumi:"minReplicas"`
		MaxReplicas    int                         `pulumi:"maxReplicas"`
		Metrics        []metricSpec                `pulumi:"metrics"`
		Behavior       hpaBehavior                 `pulumi:"behavior"`
	}
	crossVersionObjectReference struct {
		APIVersion string `pulumi:"apiVersion"`
		Kind       string `pulumi:"kind"`
		Name       string `pulumi:"name"`
	}
	metricSpec struct {
		Type     string               `pulumi:"type"`
		Resource resourceMetricSource `pulumi:"resource"`
	}
	resourceMetricSource struct {
		Name   string       `pulumi:"name"`
		Target metricTarget `pulumi:"target"`
	}
	metricTarget struct {
		Type               string `pulumi:"type"`
		AverageUtilization int    `pulumi:"averageUtilization"`
	}
	hpaBehavior struct {
		ScaleUp   hpaScalingRules `pulumi:"scaleUp"`
		ScaleDown hpaScalingRules `pulumi:"scaleDown"`
	}
	hpaScalingRules struct {
		StabilizationWindowSeconds int                `pulumi:"stabilizationWindowSeconds"`
		SelectPolicy               string             `pulumi:"selectPolicy"`
		Policies                   []hpaScalingPolicy `pulumi:"policies"`
	}
	hpaScalingPolicy struct {
		Type          string `pulumi:"type"`
		Value         int    `pulumi:"value"`
		PeriodSeconds int    `pulumi:"periodSeconds"`
	}
)

// autoscaler scales the backend on CPU and memory between replicas and maxReplicas: up fast (double, or four
// pods, every 30 seconds), down slowly (a tenth every minute after five quiet minutes) so a burst does not flap.
func (s steps) autoscaler(ctx *pulumi.Context, svc config.NamedService, d *bytoken.Resource) error {
	metric := func(resource string, target int) metricSpec {
		return metricSpec{Type: "Resource", Resource: resourceMetricSource{
			Name:   resource,
			Target: metricTarget{Type: "Utilization", AverageUtilization: target},
		}}
	}
	if _, err := registerObject(ctx, s.n(svc.Name, "hpa"), object[hpaSpec]{
		APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler",
		Metadata: meta(svc.Name, svc.Name),
		Spec: hpaSpec{
			ScaleTargetRef: crossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: svc.Name},
			MinReplicas:    svc.Replicas,
			MaxReplicas:    svc.MaxReplicas,
			Metrics:        []metricSpec{metric("cpu", TargetCPUUtilization), metric("memory", TargetMemoryUtilization)},
			Behavior: hpaBehavior{
				ScaleUp: hpaScalingRules{StabilizationWindowSeconds: 0, SelectPolicy: "Max",
					Policies: []hpaScalingPolicy{{"Percent", 100, 30}, {"Pods", 4, 30}}},
				ScaleDown: hpaScalingRules{StabilizationWindowSeconds: 300, SelectPolicy: "Min",
					Policies: []hpaScalingPolicy{{"Percent", 10, 60}}},
			},
		},
	}, s.in(d)...); err != nil {
		return fmt.Errorf("creating the %s autoscaler: %w", svc.Name, err)
	}
	return nil
}
