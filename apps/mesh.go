package apps

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/chartvalues"
	"github.com/innovate-inc/platform/internal/config"
)

// Istio in ambient mode, pinned: release 1.30.3 of the project's charts (base, istiod, cni, ztunnel) from its
// chart repository, images from its Docker Hub organization. Ambient rather than sidecars: application pods keep
// their restricted Pod Security (no istio-init container with NET_ADMIN, no injected proxy), the mesh's privileged
// parts (the CNI node agent and ztunnel) stay in istio-system, and mTLS between pods needs no pod restart.
// The chart repository's host is not on the shipped egress allow-list: turning the mesh on means adding
// istio-release.storage.googleapis.com there (DR021 says so in the plan).
const (
	IstioRepository = "https://istio-release.storage.googleapis.com/charts"
	IstioVersion    = "1.30.3"
	IstioHub        = "docker.io/istio"
	IstioNamespace  = "istio-system"
	IstioAPIVersion = "security.istio.io/v1"
	// LabelDataplaneMode enrols a namespace's pods in the ambient mesh.
	LabelDataplaneMode = "istio.io/dataplane-mode"
	// HBONEPort is ztunnel's tunnel port: meshed traffic arrives at a pod on it, so network policies admit it
	// beside the application port.
	HBONEPort = 15008
	// AmbientProbeSource is the link-local address ztunnel gives the kubelet's health probes (SNAT): network
	// policies with default deny must admit it or every probe fails.
	AmbientProbeSource = "169.254.7.127/32"
)

// IstioCharts are the mesh's charts in install order.
var IstioCharts = []string{"base", "istiod", "cni", "ztunnel"}

// IstioValues are the values the platform sets on an Istio chart (typed; checked against each chart's
// values.yaml in tests, profile being the charts' own switch).
type IstioValues struct {
	Profile         string            `json:"profile,omitempty"`
	DefaultRevision string            `json:"defaultRevision,omitempty"`
	Hub             string            `json:"hub,omitempty"`
	Tag             string            `json:"tag,omitempty"`
	NodeSelector    map[string]string `json:"nodeSelector,omitempty"`
	Tolerations     []Toleration      `json:"tolerations,omitempty"`
	Global          *IstioGlobal      `json:"global,omitempty"`
}

// IstioGlobal are the global values the platform sets.
type IstioGlobal struct {
	Hub               string `json:"hub,omitempty"`
	Tag               string `json:"tag,omitempty"`
	PriorityClassName string `json:"priorityClassName,omitempty"`
}

// IstioChartValues are each chart's values: the ambient profile, the pinned images; istiod on the system nodes at
// platform-critical priority. The node agents (cni, ztunnel) keep their charts' tolerations and priority: they run
// on every node, system nodes included.
func IstioChartValues(chart string) IstioValues {
	switch chart {
	case "base":
		return IstioValues{DefaultRevision: "default"}
	case "istiod":
		return IstioValues{Profile: "ambient", Hub: IstioHub, Tag: IstioVersion, NodeSelector: SystemNodeSelector, Tolerations: SystemTolerations,
			Global: &IstioGlobal{Hub: IstioHub, Tag: IstioVersion, PriorityClassName: PriorityPlatformCritical}}
	case "cni":
		return IstioValues{Profile: "ambient", Hub: IstioHub, Tag: IstioVersion}
	default: // ztunnel
		return IstioValues{Profile: "ambient", Hub: IstioHub, Tag: IstioVersion}
	}
}

// Map is the values as the Helm chart resource takes them.
func (v IstioValues) Map() (map[string]any, error) { return chartvalues.Map(v) }

// PeerAuthenticationSpec is STRICT mTLS for the namespace; for a workload behind a load balancer (ALB, NLB: outside
// the mesh, plaintext to the pod inside the VPC) the application port stays PERMISSIVE for that workload only.
func PeerAuthenticationSpec(app string, lbPort int) map[string]any {
	spec := map[string]any{"mtls": map[string]any{"mode": "STRICT"}}
	if lbPort != 0 {
		spec["selector"] = map[string]any{"matchLabels": map[string]any{LabelApp: app}}
		spec["portLevelMtls"] = map[string]any{fmt.Sprint(lbPort): map[string]any{"mode": "PERMISSIVE"}}
	}
	return spec
}

// mesh installs Istio in ambient mode when the config asks for it: its namespace (privileged: the CNI agent and
// ztunnel configure node networking), the four charts in order, and STRICT PeerAuthentication in every
// application namespace (which the namespaces step labelled for ambient).
func (s steps) mesh(ctx *pulumi.Context, namespaces map[string]*corev1.Namespace, classes []pulumi.Resource) error {
	if !s.args.Mesh.Istio {
		return nil
	}
	labels := PodSecurityLabels("privileged", s.args.KubernetesVersion)
	labels[LabelTier] = TierPlatform
	ns, err := corev1.NewNamespace(ctx, s.n("ns", IstioNamespace), &corev1.NamespaceArgs{
		Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(IstioNamespace), Labels: pulumi.ToStringMap(labels)},
	}, s.in()...)
	if err != nil {
		return fmt.Errorf("creating namespace %s: %w", IstioNamespace, err)
	}
	after := append([]pulumi.Resource{ns}, classes...)
	var base pulumi.Resource
	for _, chart := range IstioCharts {
		values, err := IstioChartValues(chart).Map()
		if err != nil {
			return fmt.Errorf("encoding the %s values: %w", chart, err)
		}
		c, err := helmv4.NewChart(ctx, s.n("istio", chart), &helmv4.ChartArgs{
			Chart: pulumi.String(chart), Version: pulumi.String(IstioVersion),
			RepositoryOpts: helmv4.RepositoryOptsArgs{Repo: pulumi.String(IstioRepository)},
			Namespace:      pulumi.String(IstioNamespace), Values: pulumi.ToMap(values),
		}, s.in(after...)...)
		if err != nil {
			return fmt.Errorf("installing istio %s: %w", chart, err)
		}
		if base == nil {
			base = c
		}
		after = append(after, c)
	}
	lbPort := map[string]int{config.AppFrontend: s.args.Config.Frontend.Port, config.AppBackend: s.args.Config.Backend.Port}
	for _, svc := range s.args.Config.Services() {
		for _, pa := range []struct {
			name string
			port int
		}{{"default", 0}, {"load-balancer", lbPort[svc.Name]}} {
			if pa.name != "default" && pa.port == 0 {
				continue
			}
			if _, err := apiextensions.NewCustomResource(ctx, s.n(svc.Name, "peer-authentication", pa.name), &apiextensions.CustomResourceArgs{
				ApiVersion:  pulumi.String(IstioAPIVersion),
				Kind:        pulumi.String("PeerAuthentication"),
				Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String(pa.name), Namespace: pulumi.String(svc.Name)},
				OtherFields: kubernetes.UntypedArgs{"spec": PeerAuthenticationSpec(svc.Name, pa.port)},
			}, s.in(base, namespaces[svc.Name])...); err != nil {
				return fmt.Errorf("creating the %s PeerAuthentication of %s: %w", pa.name, svc.Name, err)
			}
		}
	}
	return nil
}
