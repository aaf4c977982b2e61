package readiness

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/innovate-inc/platform/internal/plan"
)

const (
	typeFirewallPolicy = "aws:networkfirewall/firewallPolicy:FirewallPolicy"
	typeVPC            = "aws:ec2/vpc:Vpc"
)

var firewallHomeNet = Rule{
	ID:       "DR007",
	Title:    "firewall-home-net",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateful-rule-groups-limitations.html",
}

// Suricata rules written against $HOME_NET default to the CIDR of the VPC the firewall is deployed in. In a
// central inspection VPC that is the inspection VPC alone, so traffic from every spoke VPC is "external" and
// egress rules keyed on $HOME_NET silently do not apply to it. HOME_NET must cover every VPC the firewall sees.
func checkFirewallHomeNet(res *plan.Result) []plan.Finding {
	type vpc struct {
		name, stack string
		cidr        netip.Prefix
	}
	var vpcs []vpc
	for _, l := range ofType(res, typeVPC) {
		if p, err := netip.ParsePrefix(str(inputs(l.res), "cidrBlock")); err == nil {
			vpcs = append(vpcs, vpc{l.res.Name, l.stack.Name, p.Masked()})
		}
	}
	var out []plan.Finding
	for _, l := range ofType(res, typeFirewallPolicy) {
		var defs []netip.Prefix
		found := false
		for _, v := range list(inputs(l.res), "firewallPolicy", "policyVariables", "ruleVariables") {
			if str(v, "key") != "HOME_NET" {
				continue
			}
			found = true
			for _, d := range stringList(v, "ipSet", "definitions") {
				if p, err := netip.ParsePrefix(d); err == nil {
					defs = append(defs, p.Masked())
				}
			}
		}
		if !found {
			out = append(out, firewallHomeNet.finding(l.res.URN, fmt.Sprintf(
				"firewall policy %s defines no HOME_NET rule variable (firewallPolicy.policyVariables.ruleVariables): $HOME_NET defaults to the firewall's own VPC, so traffic from the other %d VPCs of the plan is not HOME_NET",
				l.res.Name, max(len(vpcs)-1, 0))))
			continue
		}
		var missing []string
		for _, v := range vpcs {
			if !covered(v.cidr, defs) {
				missing = append(missing, fmt.Sprintf("%s/%s %s", v.stack, v.name, v.cidr))
			}
		}
		if len(missing) > 0 {
			out = append(out, firewallHomeNet.finding(l.res.URN, fmt.Sprintf(
				"firewall policy %s HOME_NET does not cover %s: rules keyed on $HOME_NET do not apply to traffic from there",
				l.res.Name, strings.Join(missing, ", "))))
		}
	}
	return out
}

// covered reports whether the prefixes together contain every address of p.
func covered(p netip.Prefix, by []netip.Prefix) bool {
	overlapping := false
	for _, d := range by {
		if d.Addr().Is4() != p.Addr().Is4() {
			continue
		}
		if d.Bits() <= p.Bits() && d.Contains(p.Addr()) {
			return true
		}
		if d.Overlaps(p) {
			overlapping = true
		}
	}
	if !overlapping || p.Bits() == p.Addr().BitLen() {
		return false
	}
	// Only narrower prefixes overlap p: p is covered when both of its halves are.
	lo := netip.PrefixFrom(p.Addr(), p.Bits()+1)
	hiAddr := p.Addr().AsSlice()
	bit := p.Bits()
	hiAddr[bit/8] |= 0x80 >> (bit % 8)
	hi, _ := netip.AddrFromSlice(hiAddr)
	return covered(lo, by) && covered(netip.PrefixFrom(hi, p.Bits()+1), by)
}
