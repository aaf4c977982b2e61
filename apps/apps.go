// Package apps builds the in-cluster platform the product runs on in a workload cluster: namespaces under Pod
// Security Admission with quotas and default limits, the priority classes, the application scaffolding product
// teams start from (backend, frontend, a flexible worker: Deployment, Service, PodDisruptionBudget, ServiceAccount
// with its Pod Identity association, the backend's HPA) placed on Karpenter v1's pools by preference, the
// NetworkPolicies that fence each application namespace, the External Secrets Operator, the path to users (the AWS
// Load Balancer Controller, the public IngressClass, the frontend's ALB with its certificate and optional web ACL,
// the backend's internal NLB, their Route 53 aliases) and, optionally, Istio in ambient mode.
//
// Of pulumi-kubernetes' API-group packages only core/v1 and meta/v1 are imported: the objects of the other groups
// are registered by type token (objects.go), and the v1 yaml package and helm/v3, which pull in every API group
// and double the build, are not used.
package apps

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/scope"
)

// Args configures the in-cluster platform.
type Args struct {
	// Scope is the workload account in the home region: the Pod Identity roles and associations live there.
	scope.Scope
	ClusterName string
	// KubernetesVersion pins the Pod Security Admission policy version ("1.35").
	KubernetesVersion string
	// Kubeconfig reaches the cluster; DependsOn are what must exist before anything is applied (the system
	// node group; pods wait Pending until Karpenter's NodePools exist, which is harmless).
	Kubeconfig pulumi.StringInput
	DependsOn  []pulumi.Resource
	// VPCCIDR and AZs give the subnet plan the network policies admit (load balancers, database subnets).
	VPCCIDR netip.Prefix
	AZs     int
	// EndpointCIDRs hold the central interface endpoints (the shared-services VPC): the AWS APIs pods call.
	EndpointCIDRs []string
	// DatabasePort and DatabaseSecretARN, DatabaseSecretKeyARN: the backend reads the master secret, read-only.
	DatabasePort         int
	DatabaseSecretARN    pulumi.StringInput
	DatabaseSecretKeyARN pulumi.StringInput
	// ImageRegistry is the private ECR registry host of the workload account, for images given without one.
	ImageRegistry string
	Config        config.Applications
	// VPCID is the cluster's VPC, for the load balancer controller.
	VPCID pulumi.StringInput
	// ZoneID and ZoneName are the environment's public zone: the certificate's validation record and the load
	// balancers' names live there.
	ZoneID   pulumi.StringInput
	ZoneName string
	// ALBZoneID and NLBZoneID are the region's canonical hosted zones of the two load-balancer types (alias
	// targets), from the provider's table.
	ALBZoneID, NLBZoneID string
	// AccessLogsBucket is the Log Archive's load-balancer access-log bucket.
	AccessLogsBucket string
	Ingress          config.Ingress
	Mesh             config.Mesh
	// Mirror is where nodes pull public images from (the load balancer controller's).
	Mirror config.Mirror
	// PlatformSecretARNs are further secrets (ARN patterns) the External Secrets Operator may read for other
	// platform components: Argo CD's repository credentials.
	PlatformSecretARNs []string
}

// Applications creates, in the workload cluster: the platform and application namespaces (Pod Security
// Admission labels, a ResourceQuota and a LimitRange per application namespace), the priority classes, the mesh
// when configured, the load balancer controller, the backend, frontend and worker scaffolding, the network
// policies, the External Secrets Operator (helm/v4, pinned) with the backend's SecretStore and the ExternalSecret
// of the database credentials, and the public ingress; in the workload account, the Pod Identity roles (backend,
// operator, controller), the frontend's certificate, the optional web ACL and the alias records.
//
// Cost: one ALB and one NLB (about $16.50 a month each plus capacity units), the web ACL when on (about $10 a
// month plus requests); the pods' requests decide what Karpenter launches.
//
// It exports the application namespaces.
type Applications struct {
	pulumi.ResourceState

	Namespaces []string
	// SecretsOperator is the External Secrets Operator's chart: what other components' ExternalSecrets wait for.
	SecretsOperator pulumi.Resource

	k8s            *kubernetes.Provider
	lbController   pulumi.Resource
	backendService *corev1.Service
}

// New registers the in-cluster platform, step by step: the provider, namespaces, priority classes, the
// applications, the network policies, external secrets.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Applications, error) {
	c := &Applications{}
	if err := ctx.RegisterComponentResource("platform:apps:Applications", name, c, opts...); err != nil {
		return nil, err
	}
	s := steps{c: c, name: name, args: args}
	k8s, err := kubernetes.NewProvider(ctx, s.n("k8s"), &kubernetes.ProviderArgs{
		Kubeconfig:            args.Kubeconfig,
		EnableServerSideApply: pulumi.Bool(true),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("applications %s: creating the Kubernetes provider: %w", name, err)
	}
	c.k8s = k8s
	s.inCluster = []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(k8s)}

	namespaces, err := s.namespaces(ctx)
	if err != nil {
		return nil, fmt.Errorf("applications %s: namespaces: %w", name, err)
	}
	classes, err := s.priorityClasses(ctx)
	if err != nil {
		return nil, fmt.Errorf("applications %s: priority classes: %w", name, err)
	}
	if err := s.mesh(ctx, namespaces, classes); err != nil {
		return nil, fmt.Errorf("applications %s: mesh: %w", name, err)
	}
	if c.lbController, err = s.loadBalancerController(ctx, classes); err != nil {
		return nil, fmt.Errorf("applications %s: load balancer controller: %w", name, err)
	}
	if err := s.applications(ctx, namespaces, classes); err != nil {
		return nil, fmt.Errorf("applications %s: workloads: %w", name, err)
	}
	if err := s.networkPolicies(ctx, namespaces); err != nil {
		return nil, fmt.Errorf("applications %s: network policies: %w", name, err)
	}
	if err := s.externalSecrets(ctx, namespaces, classes); err != nil {
		return nil, fmt.Errorf("applications %s: external secrets: %w", name, err)
	}
	if err := s.ingress(ctx, namespaces); err != nil {
		return nil, fmt.Errorf("applications %s: ingress: %w", name, err)
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"namespaces": pulumi.ToStringArray(c.Namespaces)})
}

// ingress puts the frontend behind the public ALB (web ACL when configured, certificate, class, Ingress) and
// names both load balancers in the environment's zone.
func (s steps) ingress(ctx *pulumi.Context, namespaces map[string]*corev1.Namespace) error {
	acl, err := s.webACL(ctx)
	if err != nil {
		return err
	}
	cert, err := s.certificate(ctx)
	if err != nil {
		return err
	}
	class, err := s.publicIngressClass(ctx, s.c.lbController, cert, acl)
	if err != nil {
		return err
	}
	alb, err := s.frontendIngress(ctx, class, namespaces[config.AppFrontend])
	if err != nil {
		return err
	}
	if err := s.alias(ctx, config.AppFrontend, s.args.Ingress.FrontendHost, alb, s.args.ALBZoneID); err != nil {
		return err
	}
	nlb := s.c.backendService.Status.LoadBalancer().Ingress().Index(pulumi.Int(0)).Hostname().Elem()
	return s.alias(ctx, config.AppBackend, s.args.Ingress.BackendHost, nlb, s.args.NLBZoneID)
}

// steps is what every step needs.
type steps struct {
	c         *Applications
	name      string
	args      Args
	inCluster []pulumi.ResourceOption
}

func (s steps) n(role ...string) string { return scope.Child(s.name, role...) }

// in returns the options of an in-cluster child created after the given resources.
func (s steps) in(after ...pulumi.Resource) []pulumi.ResourceOption {
	out := append([]pulumi.ResourceOption{}, s.inCluster...)
	deps := append(append([]pulumi.Resource{}, s.args.DependsOn...), after...)
	return append(out, pulumi.DependsOn(deps))
}
