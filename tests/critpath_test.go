package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/critpath"
	"github.com/innovate-inc/platform/internal/plan"
)

// waitsOn lists the resources of the given types (type token prefixes) a resource waits for, as type::name.
func waitsOn(s plan.StackPlan, r plan.Resource, prefixes ...string) []string {
	waits := critpath.WaitsFor(s, r.URN)
	var out []string
	for _, o := range s.Resources {
		for _, p := range prefixes {
			if waits[o.URN] && strings.HasPrefix(o.Type, p) {
				out = append(out, o.Type+"::"+o.Name)
			}
		}
	}
	return out
}

// Nothing is serialized without need: the database does not wait for the cluster, its node group, add-ons or
// anything in Kubernetes (it waits on the security group of the nodes, which it admits, not on the cluster); the firewall does not wait for DNS or the TGW.
func TestShippedCriticalPathSerializesNothingWithoutNeed(t *testing.T) {
	for _, s := range fullPlan(t).Stacks {
		for _, r := range s.Resources {
			switch r.Type {
			case "aws:rds/instance:Instance":
				assert.Empty(t, waitsOn(s, r, "eks:", "aws:eks/", "kubernetes:"),
					"%s: the database waits for the cluster", s.Name)
			case "aws:networkfirewall/firewall:Firewall":
				assert.Empty(t, waitsOn(s, r, "aws:route53/", "aws:ec2transitgateway/", "aws:ec2/natGateway:", "aws:ec2/vpcEndpoint:"),
					"%s: the firewall waits for DNS, the TGW or the NAT gateways", s.Name)
			case "eks:index:Cluster":
				assert.Empty(t, waitsOn(s, r, "aws:rds/", "aws:route53/", "aws:ec2transitgateway/"),
					"%s: the cluster waits for the database, DNS or the TGW attachment", s.Name)
			}
		}
	}
}

// The shipped estimates: the workload stacks are bound by the Multi-AZ database (dev's single-AZ one by the
// cluster and its add-ons), the network stack by the firewall.
func TestShippedCriticalPath(t *testing.T) {
	table, err := critpath.Durations()
	require.NoError(t, err)
	want := map[string]struct {
		minutes int
		longest string
	}{
		"org": {4, "aws:organizations/account:Account"}, "security": {0, ""},
		"network": {6, "aws:networkfirewall/firewall:Firewall"},
		"dev":     {17, "eks:index:Cluster"},
		"staging": {25, "aws:rds/instance:Instance"}, "prod": {25, "aws:rds/instance:Instance"},
	}
	for _, s := range fullPlan(t).Stacks {
		cp := critpath.Stack(s, table)
		w := want[s.Name]
		assert.Equal(t, w.minutes, cp.Seconds/60, "%s: %+v", s.Name, cp.Chain)
		assert.Less(t, cp.Seconds, cp.SerialSeconds, s.Name)
		require.NotEmpty(t, cp.Chain, s.Name)
		longest := cp.Chain[0]
		for _, c := range cp.Chain {
			if c.Seconds > longest.Seconds {
				longest = c
			}
		}
		if w.longest != "" {
			assert.Equal(t, w.longest, longest.Type, s.Name)
		}
		last := cp.Chain[len(cp.Chain)-1]
		assert.Equal(t, cp.Seconds, last.Start+last.Seconds, s.Name)
	}
}
