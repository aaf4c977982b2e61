// Package tests holds the whole-stack tests: every stack plans, golden snapshots of each stack's resource graph,
// the cross-stack contract, the config-validation table and the policy checks over everything the plan registers.
package tests

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/offline"
	"github.com/innovate-inc/platform/internal/plan"
)

var (
	planOnce   sync.Once
	planResult *plan.Result
	planErr    error
)

// fullPlan plans every stack of the repository once per test binary.
func fullPlan(t *testing.T) *plan.Result {
	t.Helper()
	planOnce.Do(func() { planResult, planErr = offline.RunProject(fixtures.Project(t), "all") })
	require.NoError(t, planErr)
	return planResult
}

func TestEveryStackPlans(t *testing.T) {
	res := fullPlan(t)
	proj := fixtures.Project(t)
	require.Len(t, res.Stacks, len(proj.Stacks), "every stack file is planned")
	assert.Equal(t, "platform", res.Project)
	for _, s := range res.Stacks {
		assert.NotEmpty(t, s.Resources, "stack %s registers resources", s.Name)
		assert.NotEmpty(t, s.Outputs, "stack %s exports outputs", s.Name)
	}
	org, ok := res.Stack("org")
	require.True(t, ok)
	assert.Equal(t, "organization", org.Layer)
	assert.Empty(t, org.References, "org reads no stack")
}

func TestPlanIsDeterministic(t *testing.T) {
	var first, second bytes.Buffer
	res1, err := offline.RunProject(fixtures.Project(t), "all")
	require.NoError(t, err)
	require.NoError(t, plan.WriteText(&first, res1))
	res2, err := offline.RunProject(fixtures.Project(t), "all")
	require.NoError(t, err)
	require.NoError(t, plan.WriteText(&second, res2))
	assert.Equal(t, first.String(), second.String())

	var j1, j2 bytes.Buffer
	require.NoError(t, plan.WriteJSON(&j1, res1))
	require.NoError(t, plan.WriteJSON(&j2, res2))
	assert.Equal(t, j1.String(), j2.String())
}

// TestPlanJSONContract holds the fields other tools read.
func TestPlanJSONContract(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, plan.WriteJSON(&buf, fullPlan(t)))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	assert.Equal(t, "platform", doc["project"])
	stacks := doc["stacks"].([]any)
	require.NotEmpty(t, stacks)
	for _, s := range stacks {
		stack := s.(map[string]any)
		for _, key := range []string{"name", "layer", "references", "resources", "outputs", "findings"} {
			assert.Contains(t, stack, key)
		}
		assert.IsType(t, []any{}, stack["references"])
		assert.IsType(t, []any{}, stack["findings"], "findings is a list even before the rules run")
		for _, r := range stack["resources"].([]any) {
			res := r.(map[string]any)
			for key, kind := range map[string]any{
				"urn": "", "type": "", "name": "", "custom": false, "parent": "", "provider": "",
				"inputs": map[string]any{}, "dependencies": []any{}, "protect": false, "retainOnDelete": false,
				"ignoreChanges": []any{}, "deleteBeforeReplace": false,
			} {
				require.Contains(t, res, key, "resource %v", res["urn"])
				assert.IsType(t, kind, res[key], "resource %v field %s", res["urn"], key)
			}
		}
	}
}

func TestSingleStackPlanReportsOnlyThatStack(t *testing.T) {
	res, err := offline.RunProject(fixtures.Project(t), "org")
	require.NoError(t, err)
	require.Len(t, res.Stacks, 1)
	assert.Equal(t, "org", res.Stacks[0].Name)

	_, err = offline.RunProject(fixtures.Project(t), "orgg")
	assert.ErrorContains(t, err, `no stack "orgg": the project has org`)
}

func TestProvidersCarryMandatoryDefaultTags(t *testing.T) {
	for _, s := range fullPlan(t).Stacks {
		n := 0
		for _, r := range s.Resources {
			if r.Type != "pulumi:providers:aws" {
				continue
			}
			n++
			dt, _ := r.Inputs["defaultTags"].(map[string]any)
			tags, _ := dt["tags"].(map[string]any)
			for _, k := range []string{"environment", "owner", "team", "cost-center", "application", "managed-by"} {
				assert.NotEmpty(t, tags[k], "stack %s provider %s default tag %s", s.Name, r.Name, k)
			}
		}
		assert.NotZero(t, n, "stack %s has explicit AWS providers", s.Name)
	}
}

// Default providers would use ambient credentials; every custom resource names an explicit one.
func TestEveryResourceUsesAnExplicitProvider(t *testing.T) {
	for _, s := range fullPlan(t).Stacks {
		providers := map[string]bool{}
		for _, r := range s.Resources {
			if strings.HasPrefix(r.Type, "pulumi:providers:") {
				providers[r.URN] = true
			}
		}
		for _, r := range s.Resources {
			if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
				continue
			}
			require.NotEmpty(t, r.Provider, "%s has no provider", r.URN)
			urn := r.Provider[:strings.LastIndex(r.Provider, "::")]
			assert.True(t, providers[urn], "%s uses provider %s, which the program did not create", r.URN, r.Provider)
			assert.NotContains(t, r.Provider, "::default", "%s uses a default provider", r.URN)
		}
	}
}
