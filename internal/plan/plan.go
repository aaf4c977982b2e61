// Package plan is what the offline plan reports: what `pulumi up` would create in every stack (Result), what the
// rules, the cost estimate and the AZ and critical-path analyses add to it, its JSON and text forms, and the
// project's stack files it is planned from. Package offline runs it.
//
// It imports neither the program nor Pulumi: the packages that read a plan (readiness, cost, azfailure,
// critpath, diagram, plandiff) and their test binaries do not link the AWS and Kubernetes SDKs.
package plan

import (
	"github.com/innovate-inc/platform/internal/config"
)

// Result is the plan of one or more stacks. Its JSON form is a contract other tools read: fields are only added.
type Result struct {
	Project string      `json:"project"`
	Stacks  []StackPlan `json:"stacks"`
	// Cost totals the stacks' estimated monthly cost by environment; nil until internal/cost fills it.
	Cost *CostSummary `json:"cost,omitempty"`
	// Upstream holds the stacks a single-stack plan ran only for their outputs. They are not reported, but
	// checks that look across stacks (a network stack's flow logs against the security stack's bucket
	// policies) need them to see the whole estate the reported stack deploys into.
	Upstream []StackPlan `json:"-"`
}

// StackPlan is what one stack would create.
type StackPlan struct {
	Name       string         `json:"name"`
	Layer      string         `json:"layer"`
	References []string       `json:"references"`
	Resources  []Resource     `json:"resources"`
	Outputs    map[string]any `json:"outputs"`
	// Findings are the deploy-readiness problems and policy-pack (compliance) findings in this stack's
	// resources; empty until a rule engine fills them (the plan itself does not judge).
	Findings []Finding `json:"findings"`
	// Cost is the estimated monthly cost of the stack's resources; nil until internal/cost fills it.
	Cost *StackCost `json:"cost,omitempty"`
	// AZFailure is what the loss of each of the stack's AZs breaks; nil until internal/azfailure fills it.
	AZFailure *AZFailure `json:"azFailure,omitempty"`
	// CriticalPath is the estimated `pulumi up` time and its longest chain; nil until internal/critpath fills it.
	CriticalPath *CriticalPath `json:"criticalPath,omitempty"`
	// Waivers are the stack's accepted policy-pack findings (platform:waivers); the rule engine reads them.
	Waivers []config.Waiver `json:"-"`
	// Environment is the workload environment the stack builds, as platform:estate.environments declares it (the
	// AZ-failure analysis reads whether it must be Multi-AZ); nil for the stacks every environment shares.
	Environment *config.Environment `json:"-"`
}

// Finding is one deploy-readiness problem: something `pulumi up` would fail on, or deploy broken, that a
// preview does not show.
type Finding struct {
	// Rule is the rule's ID (DR001).
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	// Resource is the URN of the offending resource, or "" for a problem of the stack as a whole.
	Resource string `json:"resource"`
	Message  string `json:"message"`
	// Doc is the AWS (or provider) documentation the rule comes from.
	Doc string `json:"doc"`
	// Category is "deploy-readiness" or "compliance" (the policy pack).
	Category string `json:"category,omitempty"`
	// Controls are the external controls a compliance rule implements ("CIS AWS v3.0.0 2.3.1", "FSBP RDS.3").
	Controls []string `json:"controls,omitempty"`
	// Waiver is set when the stack's config accepts the finding: it is reported, and does not fail the plan.
	Waiver *Waiver `json:"waiver,omitempty"`
}

// Waiver is the accepted reason of a waived finding.
type Waiver struct {
	Reason  string `json:"reason"`
	Expires string `json:"expires"`
}

// Resource is one registration.
type Resource struct {
	URN                 string         `json:"urn"`
	Type                string         `json:"type"`
	Name                string         `json:"name"`
	Custom              bool           `json:"custom"`
	Parent              string         `json:"parent"`
	Provider            string         `json:"provider"`
	Inputs              map[string]any `json:"inputs"`
	Dependencies        []string       `json:"dependencies"`
	Protect             bool           `json:"protect"`
	RetainOnDelete      bool           `json:"retainOnDelete"`
	IgnoreChanges       []string       `json:"ignoreChanges"`
	DeleteBeforeReplace bool           `json:"deleteBeforeReplace"`
	// Account and Region are where the resource would live (mocked from its provider).
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	// ID is the mocked physical ID other resources' inputs refer to.
	ID string `json:"id,omitempty"`
	// Import is the physical ID the resource adopts (pulumi.Import) instead of creating it.
	Import string `json:"import,omitempty"`
	// ZoneEndpoints are the endpoint IDs a zonal service reports by AZ (a Network Firewall's sync states):
	// routes name the endpoint, the AZ-failure analysis needs its zone.
	ZoneEndpoints map[string]string `json:"zoneEndpoints,omitempty"`
}

// Stack returns the plan of a stack by name.
func (r *Result) Stack(name string) (StackPlan, bool) {
	for _, s := range r.Stacks {
		if s.Name == name {
			return s, true
		}
	}
	return StackPlan{}, false
}
