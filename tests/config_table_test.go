package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/fixtures"
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
			res, err := plan.RunProject(badProject(t, c), "all")
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

// The program itself validates before it registers anything, so `pulumi up` with bad config creates nothing.
func TestProgramRegistersNothingWithBadConfig(t *testing.T) {
	proj := badProject(t, badConfig{raw: func(c map[string]string) { delete(c, config.KeyLayer) }})
	for _, sf := range proj.Stacks {
		if sf.Name != "org" {
			continue
		}
		mon, err := fixtures.RunStack(t, sf, nil)
		require.ErrorContains(t, err, "platform:layer is required")
		assert.Empty(t, mon.Resources())
		return
	}
	t.Fatal("no org stack")
}
