package tests

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/offline"
	"github.com/innovate-inc/platform/internal/plan"
)

type obj = map[string]any

func list(o obj, key string) []any      { return o[key].([]any) }
func item(o obj, key string, i int) obj { return list(o, key)[i].(obj) }

// badConfig is an edit of one repository stack file, for the tests that run the six-stack plan.
type badConfig struct {
	name     string
	network  func(obj)
	workload func(obj)
	// stack is the stack file edited; "org" when empty.
	stack    string
	estate   func(obj)
	org      func(obj)
	security func(obj)
	raw      func(map[string]string)
	want     []string
}

func ic(o obj) obj                { return o["identityCenter"].(obj) }
func assignment(o obj, i int) obj { return item(ic(o), "assignments", i) }

// badConfigs are the bad configs only the six-stack plan catches: across stacks, or against the org stack's
// accounts. What config.Load rejects on its own is in internal/config/bad_config_test.go.
var badConfigs = []badConfig{
	{name: "write access to the Log Archive", stack: "security", security: func(o obj) { assignment(o, 1)["accounts"] = []any{"prod", "log-archive"} },
		want: []string{`platform:security.identityCenter.assignments[1] gives permission set "PlatformEngineer" (write access) to "log-archive": only permission sets made of ReadOnlyAccess`}},
	{name: "write access to every account", stack: "security", security: func(o obj) { assignment(o, 3)["accounts"] = []any{"*"} },
		want: []string{`platform:security.identityCenter.assignments[3] gives permission set "DeveloperWrite" (write access) to "*"`}},
	{name: "workload VPCs overlap across stacks", stack: "staging", workload: func(o obj) { o["vpc"].(obj)["cidr"] = "10.32.0.0/16" },
		want: []string{`stack "staging" platform:workload.vpc.cidr "10.32.0.0/16" overlaps stack "dev" platform:workload.vpc.cidr "10.32.0.0/16"`}},
}

func badProject(t *testing.T, c badConfig) *plan.Project {
	proj := fixtures.Project(t)
	stack := c.stack
	if stack == "" {
		stack = "org"
	}
	for i := range proj.Stacks {
		if proj.Stacks[i].Name != stack {
			continue
		}
		sf := &proj.Stacks[i]
		if c.security != nil {
			fixtures.Edit(t, sf, config.KeySecurity, c.security)
		}
		if c.network != nil {
			fixtures.Edit(t, sf, config.KeyNetwork, c.network)
		}
		if c.workload != nil {
			fixtures.Edit(t, sf, config.KeyWorkload, c.workload)
		}
		if c.estate != nil {
			fixtures.Edit(t, sf, config.KeyEstate, c.estate)
		}
		if c.org != nil {
			fixtures.Edit(t, sf, config.KeyOrganization, c.org)
		}
		if c.raw != nil {
			cfg := map[string]string{}
			for k, v := range sf.Config {
				cfg[k] = v
			}
			c.raw(cfg)
			sf.Config = cfg
		}
	}
	return proj
}

func TestBadConfigsAreRejectedNamingTheKey(t *testing.T) {
	for _, c := range badConfigs {
		t.Run(c.name, func(t *testing.T) {
			res, err := offline.RunProject(badProject(t, c), "all")
			require.Error(t, err)
			assert.Nil(t, res, "nothing is planned when config is bad")
			stack := c.stack
			if stack == "" {
				stack = "org"
			}
			assert.ErrorContains(t, err, `stack "`+stack+`"`)
			for _, want := range c.want {
				assert.ErrorContains(t, err, want)
			}
		})
	}
}

// The program itself validates before it registers anything, so `pulumi up` with bad config creates nothing: not
// a provider, not a stack reference, not a resource, whichever layer's config is wrong.
func TestProgramRegistersNothingWithBadConfig(t *testing.T) {
	upstream := upstreamOutputs(t)
	for _, c := range []badConfig{
		{name: "no layer", raw: func(c map[string]string) { delete(c, config.KeyLayer) },
			want: []string{"platform:layer is required"}},
		{name: "unknown home region", estate: func(e obj) { e["homeRegion"] = "us-east-7" },
			want: []string{`platform:estate.homeRegion "us-east-7"`}},
		{name: "assignment to an unknown group", stack: "security", security: func(o obj) { assignment(o, 2)["group"] = "devs" },
			want: []string{`platform:security.identityCenter.assignments[2].group "devs"`}},
		{name: "hub CIDRs overlap", stack: "network", network: func(o obj) { o["sharedServicesCidr"] = "10.0.8.0/21" },
			want: []string{`platform:network.sharedServicesCidr "10.0.8.0/21" overlaps`}},
		{name: "VPC too large", stack: "prod", workload: func(o obj) { o["vpc"].(obj)["cidr"] = "10.16.0.0/12" },
			want: []string{`platform:workload.vpc.cidr "10.16.0.0/12" must be between /16 and /20`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			stack := c.stack
			if stack == "" {
				stack = "org"
			}
			proj := badProject(t, c)
			j := slices.IndexFunc(proj.Stacks, func(sf plan.StackFile) bool { return sf.Name == stack })
			require.GreaterOrEqual(t, j, 0, "no stack file %q", stack)
			mon, err := runStack(t, proj.Stacks[j], upstream)
			require.Error(t, err)
			for _, want := range c.want {
				assert.ErrorContains(t, err, want)
			}
			for _, r := range mon.Resources() {
				t.Errorf("registered %s %s with invalid config", r.Type, r.Name)
			}
		})
	}
}
