package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/plan"
	"github.com/innovate-inc/platform/internal/readiness"
)

// TestShippedStacksAreDeployReady holds every shipped stack to the deploy-readiness rules (a finding is
// something `pulumi up` fails on, or deploys broken, that a preview does not show) and to the policy pack: no
// finding the stack's config does not waive, and no expired waiver.
func TestShippedStacksAreDeployReady(t *testing.T) {
	full := fullPlan(t)
	// Evaluate a copy: the shared plan is read by the other tests.
	res := &plan.Result{Project: full.Project, Stacks: append([]plan.StackPlan(nil), full.Stacks...)}
	readiness.Evaluate(res)
	require.Len(t, res.Stacks, len(full.Stacks))
	for _, s := range res.Stacks {
		require.NotNil(t, s.Findings, "stack %s", s.Name)
		for _, f := range s.Findings {
			if f.Waiver != nil {
				assert.Equal(t, readiness.CategoryCompliance, f.Category, "only policy-pack findings can be waived")
				continue
			}
			t.Errorf("stack %s: %s %s %s: %s (%s)", s.Name, f.Rule, f.Severity, f.Resource, f.Message, f.Doc)
		}
	}
	assert.Zero(t, readiness.Count(res), "unwaived findings")
}
