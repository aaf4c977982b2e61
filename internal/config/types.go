// Package config is the typed configuration of every stack of the platform.
//
// It imports neither Pulumi nor AWS: anyone can read what a stack accepts without reading how it is built.
// The pipeline is fixed (see Load): parse the stack's raw config once, validate what the user wrote, fill
// defaults into a copy, validate the completed config. Nothing is registered before Load returns without error.
package config

// Namespace is the Pulumi config namespace (the project name) that holds the platform's keys.
const Namespace = "platform"

// Layer names the part of the estate a stack builds. Deploy order is the order of Layers.
type Layer string

const (
	LayerOrganization Layer = "organization"
	LayerSecurity     Layer = "security"
	LayerNetwork      Layer = "network"
	LayerWorkload     Layer = "workload"
)

// Layers lists every layer in deploy order.
var Layers = []Layer{LayerOrganization, LayerSecurity, LayerNetwork, LayerWorkload}

// Rank is the layer's position in deploy order; unknown layers rank last.
func (l Layer) Rank() int {
	for i, x := range Layers {
		if x == l {
			return i
		}
	}
	return len(Layers)
}

// Stack is everything one stack's config holds.
type Stack struct {
	// Name is the Pulumi stack name: org, security, network, or a workload environment of
	// platform:estate.environments (prod, staging, dev).
	Name string
	// Layer comes from platform:layer.
	Layer Layer
	// AWSRegion is aws:region; when set it must be the home region.
	AWSRegion string
	// Estate comes from platform:estate and is shared by every stack.
	Estate Estate
	// Organization comes from platform:organization; required by the organization layer only.
	Organization *Organization
	// Security comes from platform:security; required by the security layer only.
	Security *Security
	// Network comes from platform:network; required by the network layer only.
	Network *Network
	// Workload comes from platform:workload; required by the workload layer only.
	Workload *Workload
	// Waivers come from platform:waivers: policy-pack findings the stack accepts, each with a reason and an
	// expiry date. Any layer may have them.
	Waivers []Waiver
	// ProviderRole comes from platform:providerRole: when set, the role the providers assume in the member
	// accounts instead of the organization access role (pull request previews set platform-preview).
	ProviderRole string
	// Delivery comes from platform:delivery (project-level, like the estate); read by the security and network
	// layers. Absent, nothing of delivery is built.
	Delivery *Delivery
}

// EnvironmentTag is the value of the environment tag for a stack: the workload environment, or "shared".
func (s Stack) EnvironmentTag() string {
	if s.Layer == LayerWorkload {
		return s.Name
	}
	return "shared"
}
