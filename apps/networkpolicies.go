package apps

import (
	"fmt"
	"net/netip"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/network"
)

// PodIdentityAgent is the EKS Pod Identity agent's link-local address on every node (port 80): pods fetch their
// credentials there.
const PodIdentityAgent = "169.254.170.23/32"

// Peer is one side of an allowed flow: pods of an application namespace, or CIDR blocks.
type Peer struct {
	App   string
	CIDRs []string
}

// Flow is one allowed connection of a namespace's pods: to or from Peer on Port (TCP).
type Flow struct {
	Name string
	Peer Peer
	Port int
}

// Policy is the network policy of an application namespace beyond default deny and DNS.
type Policy struct {
	Ingress []Flow
	Egress  []Flow
}

// Policies are the flows each application namespace allows: the ALB (public subnets) reaches the frontend; the
// internal NLB (private subnets: IP targets see the load balancer's own addresses, which also run the health
// checks) and the frontend reach the backend; the backend reaches the database subnets on the database port, the
// Pod Identity agent, and the AWS APIs (Secrets Manager) through the central endpoints; the worker talks to
// nothing but DNS. Nothing else reaches the database subnets: no other namespace allows egress to them.
//
// In the ambient mesh, pod-to-pod traffic travels on ztunnel's HBONE port, so the frontend-to-backend flow is
// admitted on it too, and the kubelet's probes arrive from ztunnel's link-local SNAT address.
func Policies(apps config.Applications, vpc netip.Prefix, azs, dbPort int, endpointCIDRs []string, mesh bool) (map[string]Policy, error) {
	plan, err := network.PlanSpoke(vpc, azs)
	if err != nil {
		return nil, err
	}
	cidrs := func(ps []netip.Prefix) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = p.String()
		}
		return out
	}
	out := map[string]Policy{
		config.AppFrontend: {
			Ingress: []Flow{{"alb", Peer{CIDRs: cidrs(plan.Public)}, apps.Frontend.Port}},
			Egress:  []Flow{{"backend", Peer{App: config.AppBackend}, apps.Backend.Port}},
		},
		config.AppBackend: {
			Ingress: []Flow{
				{"frontend", Peer{App: config.AppFrontend}, apps.Backend.Port},
				{"nlb", Peer{CIDRs: cidrs(plan.Private)}, apps.Backend.Port},
			},
			Egress: []Flow{
				{"database", Peer{CIDRs: cidrs(plan.Database)}, dbPort},
				{"pod-identity", Peer{CIDRs: []string{PodIdentityAgent}}, 80},
				{"aws-apis", Peer{CIDRs: endpointCIDRs}, 443},
			},
		},
		config.AppWorker: {},
	}
	if mesh {
		for _, svc := range apps.Services() {
			p := out[svc.Name]
			p.Ingress = append(p.Ingress, Flow{"ambient-probes", Peer{CIDRs: []string{AmbientProbeSource}}, svc.Port})
			out[svc.Name] = p
		}
		fe, be := out[config.AppFrontend], out[config.AppBackend]
		fe.Egress = append(fe.Egress, Flow{"backend-hbone", Peer{App: config.AppBackend}, HBONEPort})
		be.Ingress = append(be.Ingress, Flow{"frontend-hbone", Peer{App: config.AppFrontend}, HBONEPort})
		out[config.AppFrontend], out[config.AppBackend] = fe, be
	}
	return out, nil
}

// The networking.k8s.io/v1 NetworkPolicySpec's inputs (see objects.go).
type (
	networkPolicySpec struct {
		PodSelector metav1.LabelSelectorInput `pulumi:"podSelector"`
		PolicyTypes []string                  `pulumi:"policyTypes"`
		Ingress     []networkPolicyIngress    `pulumi:"ingress"`
		Egress      []networkPolicyEgress     `pulumi:"egress"`
	}
	networkPolicyIngress struct {
		From  []networkPolicyPeer `pulumi:"from"`
		Ports []networkPolicyPort `pulumi:"ports"`
	}
	networkPolicyEgress struct {
		To    []networkPolicyPeer `pulumi:"to"`
		Ports []networkPolicyPort `pulumi:"ports"`
	}
	networkPolicyPeer struct {
		NamespaceSelector metav1.LabelSelectorInput `pulumi:"namespaceSelector"`
		PodSelector       metav1.LabelSelectorInput `pulumi:"podSelector"`
		IPBlock           *ipBlock                  `pulumi:"ipBlock"`
	}
	ipBlock struct {
		CIDR string `pulumi:"cidr"`
	}
	networkPolicyPort struct {
		Protocol string `pulumi:"protocol"`
		Port     int    `pulumi:"port"`
	}
)

// appPeer is the pods of an application, in its namespace.
func appPeer(namespace, labelKey, app string) networkPolicyPeer {
	return networkPolicyPeer{
		NamespaceSelector: metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"kubernetes.io/metadata.name": pulumi.String(namespace)}},
		PodSelector:       metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{labelKey: pulumi.String(app)}},
	}
}

func peers(p Peer) []networkPolicyPeer {
	if p.App != "" {
		return []networkPolicyPeer{appPeer(p.App, LabelApp, p.App)}
	}
	var out []networkPolicyPeer
	for _, c := range p.CIDRs {
		out = append(out, networkPolicyPeer{IPBlock: &ipBlock{CIDR: c}})
	}
	return out
}

func tcp(port int) []networkPolicyPort {
	return []networkPolicyPort{{Protocol: "TCP", Port: port}}
}

// networkPolicies creates, in every application namespace, default deny of ingress and egress, DNS to CoreDNS,
// and the namespace's flows.
func (s steps) networkPolicies(ctx *pulumi.Context, namespaces map[string]*corev1.Namespace) error {
	a := s.args
	policies, err := Policies(a.Config, a.VPCCIDR, a.AZs, a.DatabasePort, a.EndpointCIDRs, a.Mesh.Istio)
	if err != nil {
		return err
	}
	all := metav1.LabelSelectorArgs{}
	for _, svc := range a.Config.Services() {
		ns := namespaces[svc.Name]
		create := func(name string, spec networkPolicySpec) error {
			if _, err := registerObject(ctx, s.n(svc.Name, "netpol", name), object[networkPolicySpec]{
				APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy",
				Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: pulumi.String(svc.Name)},
				Spec:     spec,
			}, s.in(ns)...); err != nil {
				return fmt.Errorf("creating %s/%s: %w", svc.Name, name, err)
			}
			return nil
		}
		if err := create("default-deny", networkPolicySpec{PodSelector: all, PolicyTypes: []string{"Ingress", "Egress"}}); err != nil {
			return err
		}
		dns := []networkPolicyPort{{Protocol: "UDP", Port: 53}, {Protocol: "TCP", Port: 53}}
		if err := create("allow-dns", networkPolicySpec{PodSelector: all, PolicyTypes: []string{"Egress"},
			Egress: []networkPolicyEgress{{Ports: dns, To: []networkPolicyPeer{appPeer("kube-system", "k8s-app", "kube-dns")}}},
		}); err != nil {
			return err
		}
		self := metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{LabelApp: pulumi.String(svc.Name)}}
		for _, f := range policies[svc.Name].Ingress {
			if err := create("allow-from-"+f.Name, networkPolicySpec{PodSelector: self, PolicyTypes: []string{"Ingress"},
				Ingress: []networkPolicyIngress{{From: peers(f.Peer), Ports: tcp(f.Port)}},
			}); err != nil {
				return err
			}
		}
		for _, f := range policies[svc.Name].Egress {
			if err := create("allow-to-"+f.Name, networkPolicySpec{PodSelector: self, PolicyTypes: []string{"Egress"},
				Egress: []networkPolicyEgress{{To: peers(f.Peer), Ports: tcp(f.Port)}},
			}); err != nil {
				return err
			}
		}
	}
	return nil
}
