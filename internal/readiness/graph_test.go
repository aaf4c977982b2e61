package readiness

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

// The tests build small synthetic graphs: a resource is named by stack, type and name, and its URN is the one
// the engine would give it at the top level.

func urn(stack, typ, name string) string {
	return fmt.Sprintf("urn:pulumi:%s::platform::%s::%s", stack, typ, name)
}

type opt func(*plan.Resource)

func deps(urns ...string) opt {
	return func(r *plan.Resource) { r.Dependencies = append(r.Dependencies, urns...) }
}
func parent(u string) opt  { return func(r *plan.Resource) { r.Parent = u } }
func withID(id string) opt { return func(r *plan.Resource) { r.ID = id } }
func at(account, region string) opt {
	return func(r *plan.Resource) { r.Account, r.Region = account, region }
}

// res builds a resource; component (platform:) types are not custom.
func res(stack, typ, name string, in map[string]any, opts ...opt) plan.Resource {
	r := plan.Resource{URN: urn(stack, typ, name), Type: typ, Name: name, Custom: !strings.HasPrefix(typ, "platform:"),
		Inputs: in, Dependencies: []string{}}
	if r.Inputs == nil {
		r.Inputs = map[string]any{}
	}
	for _, o := range opts {
		o(&r)
	}
	return r
}

func stack(name, layer string, rs ...plan.Resource) plan.StackPlan {
	return plan.StackPlan{Name: name, Layer: layer, Resources: rs, Outputs: map[string]any{}, Findings: []plan.Finding{}}
}

func result(stacks ...plan.StackPlan) *plan.Result {
	return &plan.Result{Project: "platform", Stacks: stacks}
}

// policy renders statements as a policy document JSON string, as the program registers it.
func policy(statements ...iampolicy.Statement) string { return iampolicy.New(statements...).MustJSON() }

// want is one expected finding: the resource it names and a piece of its message.
type want struct {
	resource string
	message  string
}

// expect runs one rule and requires exactly the wanted findings, in any order, each carrying the rule's ID,
// severity and doc.
func expect(t *testing.T, rule Rule, res *plan.Result, wants ...want) {
	t.Helper()
	var check func(*plan.Result) []plan.Finding
	for _, r := range Rules() {
		if r.ID == rule.ID {
			check = r.Check
		}
	}
	require.NotNil(t, check, "rule %s is not in Rules()", rule.ID)
	got := check(res)
	var lines []string
	for _, f := range got {
		lines = append(lines, f.Resource+": "+f.Message)
		assert.Equal(t, rule.ID, f.Rule)
		assert.Equal(t, rule.Severity, f.Severity)
		assert.Equal(t, rule.Doc, f.Doc)
	}
	require.Len(t, got, len(wants), "findings:\n%s", strings.Join(lines, "\n"))
	for _, w := range wants {
		found := false
		for _, f := range got {
			if f.Resource == w.resource && strings.Contains(f.Message, w.message) {
				found = true
			}
		}
		assert.True(t, found, "no finding on %s containing %q; findings:\n%s", w.resource, w.message, strings.Join(lines, "\n"))
	}
}
