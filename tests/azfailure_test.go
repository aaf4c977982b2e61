package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/azfailure"
	"github.com/innovate-inc/platform/internal/plan"
)

// TestShippedAZFailure asserts the AZ-failure verdicts of the shipped stacks: no stack depends on another AZ's NAT
// gateway or firewall endpoint, and the only single-AZ dependency is dev's database, which dev allows.
func TestShippedAZFailure(t *testing.T) {
	want := map[string]struct {
		zones    int
		survives bool
		accepted []string
	}{
		"org": {0, true, nil}, "security": {0, true, nil},
		"network": {3, true, nil},
		"prod":    {3, true, nil}, "staging": {3, true, nil},
		"dev": {2, false, []string{"dev-postgres"}},
	}
	for _, s := range fullPlan(t).Stacks {
		a := azfailure.Stack(s)
		w, ok := want[s.Name]
		require.True(t, ok, "stack %s has no expected verdict", s.Name)
		assert.Len(t, a.Zones, w.zones, s.Name)
		assert.Equal(t, w.survives, a.Survives, "%s: %+v", s.Name, a.Verdicts)
		assert.Zero(t, azfailure.Failures(a), "%s: %+v", s.Name, a.Verdicts)
		var accepted []string
		checks := map[string]bool{}
		for _, v := range a.Verdicts {
			checks[v.Check] = true
			if v.Status == plan.AZAccepted {
				accepted = append(accepted, v.Resource)
			}
		}
		assert.Equal(t, w.accepted, accepted, s.Name)
		if s.Layer == "workload" {
			for _, c := range []string{"subnets", "routes", "database", "nodes", "replicas"} {
				assert.True(t, checks[c], "%s has no %s verdict", s.Name, c)
			}
		}
	}
}

// The network stack routes 15 times to a zonal target (a NAT gateway or a firewall endpoint), each in its own AZ;
// a route moved to another AZ's endpoint fails the analysis.
func TestShippedNetworkRoutesStayInTheirAZ(t *testing.T) {
	s, ok := fullPlan(t).Stack("network")
	require.True(t, ok)
	a := azfailure.Stack(s)
	require.Equal(t, "routes", a.Verdicts[1].Check)
	assert.Contains(t, a.Verdicts[1].Message, "15 routes")

	// Point us-east-1b's TGW-subnet default route at us-east-1a's firewall endpoint.
	var fw plan.Resource
	for _, r := range s.Resources {
		if r.Type == "aws:networkfirewall/firewall:Firewall" {
			fw = r
		}
	}
	require.Len(t, fw.ZoneEndpoints, 3, "the plan records the firewall's endpoint per AZ")
	crafted := s
	crafted.Resources = append([]plan.Resource(nil), s.Resources...)
	moved := false
	for i, r := range crafted.Resources {
		if r.Name == "network-inspection-tgw-us-east-1b-default-to-firewall" {
			in := map[string]any{}
			for k, v := range r.Inputs {
				in[k] = v
			}
			in["vpcEndpointId"] = fw.ZoneEndpoints["us-east-1a"]
			crafted.Resources[i].Inputs = in
			moved = true
		}
	}
	require.True(t, moved)
	b := azfailure.Stack(crafted)
	assert.False(t, b.Survives)
	require.Equal(t, 1, azfailure.Failures(b), "%+v", b.Verdicts)
	assert.Equal(t, "us-east-1a", b.Verdicts[1].Zone)
}
