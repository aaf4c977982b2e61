package mocks

import "fmt"

// networkFirewallHandlers answer AWS Network Firewall: firewalls (with an endpoint per AZ of their subnets),
// firewall policies and rule groups.
var networkFirewallHandlers = map[string]handler{
	"aws:networkfirewall/firewall:Firewall": firewall,
	"aws:networkfirewall/firewallPolicy:FirewallPolicy": func(r *registration) {
		r.id = fmt.Sprintf("arn:aws:network-firewall:%s:%s:firewall-policy/%s", r.region, r.acct, r.name)
		r.set("arn", r.id)
	},
	"aws:networkfirewall/ruleGroup:RuleGroup": func(r *registration) {
		r.id = fmt.Sprintf("arn:aws:network-firewall:%s:%s:stateful-rulegroup/%s", r.region, r.acct, r.name)
		r.set("arn", r.id)
	},
}

// firewall reports one sync state per subnet mapping, in the AZ the subnet was registered in: routes to the
// firewall endpoint of each AZ read them.
func firewall(r *registration) {
	arn := fmt.Sprintf("arn:aws:network-firewall:%s:%s:firewall/%s", r.region, r.acct, r.name)
	r.id = arn
	r.set("arn", arn)
	var states []any
	if mappings, ok := r.plain()["subnetMappings"].([]any); ok {
		for _, mp := range mappings {
			subnet, _ := mp.(map[string]any)["subnetId"].(string)
			r.m.mu.Lock()
			az := r.m.subnetAZ[subnet]
			r.m.mu.Unlock()
			states = append(states, map[string]any{"availabilityZone": az, "attachments": []any{map[string]any{
				"endpointId": "vpce-" + hexID(r.urn+az, 17), "subnetId": subnet}}})
		}
	}
	r.set("firewallStatuses", []any{map[string]any{"syncStates": states}})
}
