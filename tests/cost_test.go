package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/cost"
	"github.com/innovate-inc/platform/internal/plan"
)

// TestShippedCost prices every shipped stack: every item the plan registers has a price, and the cost levers of
// the shipped config (3 AZs, a NAT gateway per AZ, endpoints in 2 AZs) show in the counts.
func TestShippedCost(t *testing.T) {
	full := fullPlan(t)
	res := &plan.Result{Project: full.Project, Stacks: append([]plan.StackPlan(nil), full.Stacks...)}
	table, err := cost.Prices()
	require.NoError(t, err)
	require.NoError(t, cost.Estimate(res, table))
	quantity := map[string]map[string]float64{}
	for _, s := range res.Stacks {
		require.NotNil(t, s.Cost, s.Name)
		assert.Positive(t, s.Cost.Monthly, s.Name)
		quantity[s.Name] = map[string]float64{}
		for _, l := range s.Cost.Lines {
			quantity[s.Name][l.Item] += l.Quantity
		}
	}
	assert.Equal(t, 3.0, quantity["network"]["nat-gateway"], "natPerAz over 3 AZs")
	assert.Equal(t, 3.0, quantity["network"]["network-firewall-endpoint"])
	assert.Equal(t, 30.0, quantity["network"]["interface-endpoint"], "15 endpoints in endpoints.azCount 2")
	assert.Equal(t, 2.0, quantity["prod"]["rds:db.m7g.xlarge"], "prod's database is Multi-AZ")
	assert.Equal(t, 1.0, quantity["dev"]["rds:db.t4g.medium"], "dev's database is single-AZ")
	for _, env := range []string{"shared", "dev", "staging", "prod"} {
		assert.Positive(t, res.Cost.Environments[env], env)
	}
}
