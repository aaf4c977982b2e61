// Package offline is the offline plan: it runs the real program for every stack under the shared mocks, upstream
// stacks first, feeding each stack's outputs into the stack references of the stacks that read it, and reports
// what `pulumi up` would create as a plan.Result. It needs no AWS account and no Pulumi CLI.
package offline

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
	"github.com/innovate-inc/platform/internal/plan"
	"github.com/innovate-inc/platform/internal/program"
	"github.com/innovate-inc/platform/internal/stackref"
)

// Options selects what to plan.
type Options struct {
	// Dir holds Pulumi.yaml and the stack files.
	Dir string
	// Stack is a stack name or "all".
	Stack string
}

// Run plans the selected stacks. Config errors of every stack are reported together, before anything runs.
func Run(opts Options) (*plan.Result, error) {
	proj, err := plan.LoadProject(opts.Dir)
	if err != nil {
		return nil, err
	}
	return RunProject(proj, opts.Stack)
}

// RunProject plans stacks of an already loaded project (tests edit the config in memory).
func RunProject(proj *plan.Project, stack string) (*plan.Result, error) {
	if stack == "" {
		stack = "all"
	}
	stacks := append([]plan.StackFile(nil), proj.Stacks...)
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

	var selected []plan.StackFile
	if stack == "all" {
		selected = stacks
	} else {
		var target *plan.StackFile
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

	res := &plan.Result{Project: proj.Name}
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
func PlanStack(project string, s plan.StackFile, upstream map[string]map[string]any) (plan.StackPlan, error) {
	cfg, err := config.Load(s.Name, s.Config)
	if err != nil {
		return plan.StackPlan{}, fmt.Errorf("stack %q:\n%w", s.Name, err)
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
		return plan.StackPlan{}, fmt.Errorf("planning stack %q: %w", s.Name, err)
	}
	// The program has finished; its outputs resolve in their own goroutines. An output that never resolves
	// (unknown under the mocks) is a bug in the mocks, reported rather than waited on forever.
	done := make(chan struct{})
	go func() { resolved.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		return plan.StackPlan{}, fmt.Errorf("planning stack %q: stack outputs did not resolve: a mock returns an unknown value", s.Name)
	}
	mu.Lock()
	defer mu.Unlock()

	sp := plan.StackPlan{Name: s.Name, Layer: string(cfg.Layer), References: []string{}, Resources: []plan.Resource{},
		Outputs: map[string]any{}, Findings: []plan.Finding{}, Waivers: cfg.Waivers}
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
		sp.Resources = append(sp.Resources, plan.Resource{
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
