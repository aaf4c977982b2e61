package readiness

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/innovate-inc/platform/internal/plan"
)

func TestFirewallHomeNet(t *testing.T) {
	vpc := func(s, name, cidr string) plan.Resource {
		return res(s, typeVPC, name, map[string]any{"cidrBlock": cidr})
	}
	fwPolicy := func(homeNet ...any) plan.Resource {
		fp := map[string]any{"statefulEngineOptions": map[string]any{"ruleOrder": "STRICT_ORDER"}}
		if homeNet != nil {
			fp["policyVariables"] = map[string]any{"ruleVariables": []any{
				map[string]any{"key": "EXTERNAL_NET", "ipSet": map[string]any{"definitions": []any{"0.0.0.0/0"}}},
				map[string]any{"key": "HOME_NET", "ipSet": map[string]any{"definitions": homeNet}},
			}}
		}
		return res("network", typeFirewallPolicy, "fw-policy", map[string]any{"firewallPolicy": fp})
	}
	estate := func(p plan.Resource) *plan.Result {
		return result(
			stack("network", "network", vpc("network", "inspection", "10.0.0.0/20"), p),
			stack("dev", "workload", vpc("dev", "dev-vpc", "10.16.0.0/16")),
			stack("prod", "workload", vpc("prod", "prod-vpc", "10.32.0.0/16")))
	}
	fpURN := urn("network", typeFirewallPolicy, "fw-policy")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"one supernet", estate(fwPolicy("10.0.0.0/8")), nil},
		{"one prefix per VPC", estate(fwPolicy("10.0.0.0/20", "10.16.0.0/16", "10.32.0.0/16")), nil},
		{"a VPC covered by two halves", estate(fwPolicy("10.0.0.0/20", "10.16.0.0/17", "10.16.128.0/17", "10.32.0.0/16")), nil},
		{"no HOME_NET", estate(fwPolicy()),
			[]want{{fpURN, "defines no HOME_NET rule variable (firewallPolicy.policyVariables.ruleVariables): $HOME_NET defaults to the firewall's own VPC, so traffic from the other 2 VPCs"}}},
		{"a spoke left out", estate(fwPolicy("10.0.0.0/20", "10.16.0.0/16")),
			[]want{{fpURN, "HOME_NET does not cover prod/prod-vpc 10.32.0.0/16"}}},
		{"a spoke half covered", estate(fwPolicy("10.0.0.0/20", "10.16.0.0/17", "10.32.0.0/16")),
			[]want{{fpURN, "HOME_NET does not cover dev/dev-vpc 10.16.0.0/16"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, firewallHomeNet, tt.res, tt.wants...) })
	}
}

func TestCovered(t *testing.T) {
	p := netip.MustParsePrefix
	assert.True(t, covered(p("10.1.2.0/24"), []netip.Prefix{p("10.0.0.0/8")}))
	assert.True(t, covered(p("10.1.0.0/16"), []netip.Prefix{p("10.1.0.0/18"), p("10.1.64.0/18"), p("10.1.128.0/17")}))
	assert.False(t, covered(p("10.1.0.0/16"), []netip.Prefix{p("10.1.0.0/18"), p("10.1.128.0/17")}))
	assert.False(t, covered(p("10.1.0.0/16"), []netip.Prefix{p("10.2.0.0/16")}))
	assert.False(t, covered(p("10.1.0.0/16"), []netip.Prefix{p("::/0")}), "IPv6 does not cover IPv4")
}
