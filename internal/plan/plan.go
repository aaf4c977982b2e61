// Package plan is the offline plan: it runs the real program for every stack under the shared mocks, upstream
// stacks first, feeding each stack's outputs into the stack references of the stacks that read it, and reports
// what `pulumi up` would create. It needs no AWS account and no Pulumi CLI.
package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/mocks"
	"github.com/innovate-inc/platform/internal/program"
	"github.com/innovate-inc/platform/internal/stackref"
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

// Options selects what to plan.
type Options struct {
	// Dir holds Pulumi.yaml and the stack files.
	Dir string
	// Stack is a stack name or "all".
	Stack string
}

// Run plans the selected stacks. Config errors of every stack are reported together, before anything runs.
func Run(opts Options) (*Result, error) {
	proj, err := LoadProject(opts.Dir)
	if err != nil {
		return nil, err
	}
	return RunProject(proj, opts.Stack)
}

// RunProject plans stacks of an already loaded project (tests edit the config in memory).
func RunProject(proj *Project, stack string) (*Result, error) {
	if stack == "" {
		stack = "all"
	}
	stacks := append([]StackFile(nil), proj.Stacks...)
	var errs []error
	var claims []claim
	for _, s := range stacks {
		cfg, err := config.Load(s.Name, s.Config)
		if err != nil {
			errs = append(errs, fmt.Errorf("stack %q (%s):\n%w", s.Name, s.Path, err))
			continue
		}
		for _, c := range cfg.CIDRs() {
			claims = append(claims, claim{s.Name, c})
		}
	}
	errs = append(errs, overlaps(claims)...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	sort.SliceStable(stacks, func(i, j int) bool {
		ri, rj := stacks[i].Layer().Rank(), stacks[j].Layer().Rank()
		if ri != rj {
			return ri < rj
		}
		return stacks[i].Name < stacks[j].Name
	})

	var selected []StackFile
	if stack == "all" {
		selected = stacks
	} else {
		var target *StackFile
		for i := range stacks {
			if stacks[i].Name == stack {
				target = &stacks[i]
			}
		}
		if target == nil {
			var names []string
			for _, s := range stacks {
				names = append(names, s.Name)
			}
			return nil, fmt.Errorf("no stack %q: the project has %s", stack, strings.Join(names, ", "))
		}
		// Upstream stacks are planned too, for their outputs; only the target is reported.
		for _, s := range stacks {
			if s.Layer().Rank() < target.Layer().Rank() {
				selected = append(selected, s)
			}
		}
		selected = append(selected, *target)
	}

	res := &Result{Project: proj.Name}
	upstream := map[string]map[string]any{}
	for _, s := range selected {
		sp, err := PlanStack(proj.Name, s, upstream)
		if err != nil {
			return nil, err
		}
		cfg, _ := config.Load(s.Name, s.Config)
		upstream[stackref.Name(cfg.Estate.PulumiOrg, proj.Name, s.Name)] = sp.Outputs
		if stack == "all" || s.Name == stack {
			res.Stacks = append(res.Stacks, sp)
		} else {
			res.Upstream = append(res.Upstream, sp)
		}
	}
	return res, nil
}

type claim struct {
	stack string
	cidr  config.NamedCIDR
}

// overlaps finds VPC address ranges that two stacks (or two keys of one stack) both claim: the plan sees every
// stack, so it is where the whole estate's address plan is checked.
func overlaps(claims []claim) []error {
	var errs []error
	for i, a := range claims {
		for _, b := range claims[:i] {
			if a.cidr.Prefix.Overlaps(b.cidr.Prefix) {
				errs = append(errs, fmt.Errorf("stack %q %s %q overlaps stack %q %s %q",
					a.stack, a.cidr.Key, a.cidr.Prefix, b.stack, b.cidr.Key, b.cidr.Prefix))
			}
		}
	}
	return errs
}

// PlanStack runs the program for one stack under the mocks; upstream maps fully qualified stack names to the
// outputs their stack references read.
func PlanStack(project string, s StackFile, upstream map[string]map[string]any) (StackPlan, error) {
	cfg, err := config.Load(s.Name, s.Config)
	if err != nil {
		return StackPlan{}, fmt.Errorf("stack %q:\n%w", s.Name, err)
	}
	opts := []mocks.Option{}
	for name, outs := range upstream {
		opts = append(opts, mocks.WithStackOutputs(name, outs))
	}
	mon := mocks.New(project, s.Name, s.Region(), opts...)

	var (
		mu       sync.Mutex
		resolved sync.WaitGroup
		outputs  = map[string]pulumi.Output{}
		values   = map[string]any{}
	)
	observe := func(m pulumi.Map) {
		for k, v := range m {
			out := pulumi.ToOutput(v)
			mu.Lock()
			outputs[k] = out
			mu.Unlock()
			resolved.Add(1)
			out.ApplyT(func(x any) any {
				defer resolved.Done()
				mu.Lock()
				values[k] = x
				mu.Unlock()
				return nil
			})
		}
	}
	err = pulumi.RunErr(func(ctx *pulumi.Context) error { return program.RunWith(ctx, observe) },
		pulumi.WithMocksWithOrganization(cfg.Estate.PulumiOrg, project, s.Name, mon),
		WithConfig(s.Config, s.SecretKeys))
	if err != nil {
		return StackPlan{}, fmt.Errorf("planning stack %q: %w", s.Name, err)
	}
	// The program has finished; its outputs resolve in their own goroutines. An output that never resolves
	// (unknown under the mocks) is a bug in the mocks, reported rather than waited on forever.
	done := make(chan struct{})
	go func() { resolved.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		return StackPlan{}, fmt.Errorf("planning stack %q: stack outputs did not resolve: a mock returns an unknown value", s.Name)
	}
	mu.Lock()
	defer mu.Unlock()

	sp := StackPlan{Name: s.Name, Layer: string(cfg.Layer), References: []string{}, Resources: []Resource{},
		Outputs: map[string]any{}, Findings: []Finding{}, Waivers: cfg.Waivers}
	if cfg.Layer == config.LayerWorkload {
		env := cfg.Environment()
		sp.Environment = &env
	}
	for _, ref := range mon.References() {
		sp.References = append(sp.References, ref[strings.LastIndex(ref, "/")+1:])
	}
	for k, out := range outputs {
		if pulumi.IsSecret(out) {
			sp.Outputs[k] = "[secret]"
			continue
		}
		sp.Outputs[k] = normalise(values[k])
	}
	for _, r := range mon.Resources() {
		sp.Resources = append(sp.Resources, Resource{
			URN: r.URN, Type: r.Type, Name: r.Name, Custom: r.Custom, Parent: r.Parent, Provider: r.Provider,
			Inputs: mocks.Plain(r.Inputs), Dependencies: nonNil(r.Dependencies), Protect: r.Protect,
			RetainOnDelete: r.RetainOnDelete, IgnoreChanges: nonNil(r.IgnoreChanges), DeleteBeforeReplace: r.DeleteBeforeReplace,
			Account: r.Account, Region: r.Region, ID: r.ID, Import: r.Import,
			ZoneEndpoints: zoneEndpoints(r.Type, mocks.Plain(r.Outputs)),
		})
	}
	return sp, nil
}

// WithConfig gives the program the stack's config, as the Pulumi engine would.
func WithConfig(cfg map[string]string, secretKeys []string) pulumi.RunOption {
	return func(info *pulumi.RunInfo) {
		info.Config = cfg
		info.ConfigSecretKeys = secretKeys
	}
}

// normalise turns resolved output values (typed maps and slices) into plain JSON values.
func normalise(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// zoneEndpoints reads a Network Firewall's endpoint per AZ from its sync states.
func zoneEndpoints(typ string, outputs map[string]any) map[string]string {
	if typ != "aws:networkfirewall/firewall:Firewall" {
		return nil
	}
	out := map[string]string{}
	statuses, _ := outputs["firewallStatuses"].([]any)
	for _, st := range statuses {
		m, _ := st.(map[string]any)
		states, _ := m["syncStates"].([]any)
		for _, s := range states {
			sm, _ := s.(map[string]any)
			az, _ := sm["availabilityZone"].(string)
			atts, _ := sm["attachments"].([]any)
			for _, a := range atts {
				if id, ok := a.(map[string]any)["endpointId"].(string); ok && az != "" {
					out[az] = id
				}
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
