package critpath

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/plan"
)

func TestDurationRowsHaveASource(t *testing.T) {
	table, err := Durations()
	require.NoError(t, err)
	assert.Positive(t, table.DefaultSeconds)
	for _, d := range table.Durations {
		assert.Positive(t, d.Seconds, d.Type)
		assert.True(t, d.Source == "estimate" || strings.HasPrefix(d.Source, "https://"), "%s: source %q", d.Type, d.Source)
	}
	rds := plan.Resource{Type: "aws:rds/instance:Instance", Custom: true}
	rds.Inputs = map[string]any{"multiAz": true}
	assert.Equal(t, 1200, table.Seconds(rds))
	rds.Inputs = map[string]any{"multiAz": false}
	assert.Equal(t, 600, table.Seconds(rds))
	assert.Equal(t, table.DefaultSeconds, table.Seconds(plan.Resource{Type: "aws:iam/role:Role", Custom: true}))
	assert.Zero(t, table.Seconds(plan.Resource{Type: "platform:eks:Cluster"}))
}

func TestLongestWeightedChain(t *testing.T) {
	table := Table{DefaultSeconds: 5, Durations: []Duration{{Type: "slow", Seconds: 600}, {Type: "mid", Seconds: 100}}}
	r := func(urn, typ, parent string, deps ...string) plan.Resource {
		return plan.Resource{URN: urn, Type: typ, Name: urn, Custom: typ != "component", Parent: parent, Dependencies: deps}
	}
	s := plan.StackPlan{Resources: []plan.Resource{
		r("comp", "component", ""),
		r("vpc", "fast", "comp"),
		r("cluster", "slow", "comp", "vpc"),
		r("db", "mid", "", "vpc"),
		// Depending on a component waits for everything under it.
		r("app", "mid", "", "comp"),
		// A child of a custom resource waits for its parent.
		r("child", "fast", "db"),
	}}
	cp := Stack(s, table)
	assert.Equal(t, 5+600+100, cp.Seconds)
	assert.Equal(t, 5+600+100+100+5, cp.SerialSeconds)
	var names []string
	for _, c := range cp.Chain {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"vpc", "cluster", "app"}, names)
	assert.Equal(t, 605, cp.Chain[2].Start)
	assert.True(t, WaitsFor(s, "app")["cluster"])
	assert.True(t, WaitsFor(s, "child")["db"])
	assert.False(t, WaitsFor(s, "db")["cluster"])
}
