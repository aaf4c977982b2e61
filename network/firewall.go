package network

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/networkfirewall"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/scope"
)

// FirewallRules are the Suricata rules of the drop rule group, in strict order. $PROD_NET and $NONPROD_NET are
// the route domains' supernets: even if a route ever sent prod traffic to non-prod through the inspection VPC,
// the firewall drops it.
var FirewallRules = []string{
	`drop ip $PROD_NET any <> $NONPROD_NET any (msg:"prod and non-prod are kept apart"; sid:1000001; rev:1;)`,
	`drop tcp $HOME_NET any -> $EXTERNAL_NET [22,23,445,3389] (msg:"no SSH, Telnet, SMB or RDP to the internet"; flow:to_server; sid:1000002; rev:1;)`,
	`drop udp $HOME_NET any -> $EXTERNAL_NET 53 (msg:"DNS goes through the VPC resolver only"; sid:1000003; rev:1;)`,
	`drop tls $HOME_NET any -> $EXTERNAL_NET any (msg:"TLS below 1.2"; ssl_version:sslv2,sslv3,tls1.0,tls1.1; flow:to_server; sid:1000004; rev:1;)`,
}

// FirewallPolicyArgs configures the egress policy.
type FirewallPolicyArgs struct {
	AllowedDomains []string
	HomeNet        []string // every private range the platform routes (spoke domains and hubs)
	ProdNet        []string
	NonProdNet     []string
}

// newFirewallPolicy creates the rule groups and the policy, named <name>-firewall-<role> after the inspection
// component, all encrypted with keyARN.
func newFirewallPolicy(ctx *pulumi.Context, name string, a FirewallPolicyArgs, keyARN pulumi.StringInput,
	opts ...pulumi.ResourceOption) (*networkfirewall.FirewallPolicy, error) {
	drop, err := dropRules(ctx, scope.Child(name, "firewall", "drop-rules"), a, keyARN, opts...)
	if err != nil {
		return nil, err
	}
	allow, err := egressAllowList(ctx, scope.Child(name, "firewall", "egress-allow-list"), a, keyARN, opts...)
	if err != nil {
		return nil, err
	}
	return firewallPolicy(ctx, scope.Child(name, "firewall", "policy"), a, keyARN, drop, allow, opts...)
}

// dropRules is the rule group of FirewallRules, in strict order.
func dropRules(ctx *pulumi.Context, name string, a FirewallPolicyArgs, keyARN pulumi.StringInput,
	opts ...pulumi.ResourceOption) (*networkfirewall.RuleGroup, error) {
	g, err := networkfirewall.NewRuleGroup(ctx, name, &networkfirewall.RuleGroupArgs{
		Name:                    pulumi.String(name),
		Description:             pulumi.String("Known-bad and forbidden traffic"),
		Type:                    pulumi.String("STATEFUL"),
		Capacity:                pulumi.Int(100),
		EncryptionConfiguration: ruleGroupKey(keyARN),
		RuleGroup: networkfirewall.RuleGroupRuleGroupArgs{
			RuleVariables: networkfirewall.RuleGroupRuleGroupRuleVariablesArgs{IpSets: networkfirewall.RuleGroupRuleGroupRuleVariablesIpSetArray{
				ipSet("HOME_NET", a.HomeNet), ipSet("PROD_NET", a.ProdNet), ipSet("NONPROD_NET", a.NonProdNet),
			}},
			RulesSource:         networkfirewall.RuleGroupRuleGroupRulesSourceArgs{RulesString: pulumi.String(strings.Join(FirewallRules, "\n"))},
			StatefulRuleOptions: strictOrder(),
		},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating drop rule group %s: %w", name, err)
	}
	return g, nil
}

// egressAllowList is the rule group of the only domains egress may reach.
func egressAllowList(ctx *pulumi.Context, name string, a FirewallPolicyArgs, keyARN pulumi.StringInput,
	opts ...pulumi.ResourceOption) (*networkfirewall.RuleGroup, error) {
	g, err := networkfirewall.NewRuleGroup(ctx, name, &networkfirewall.RuleGroupArgs{
		Name:                    pulumi.String(name),
		Description:             pulumi.String("The only domains egress may reach (TLS SNI and HTTP Host)"),
		Type:                    pulumi.String("STATEFUL"),
		Capacity:                pulumi.Int(AllowListCapacity(len(a.AllowedDomains))),
		EncryptionConfiguration: ruleGroupKey(keyARN),
		RuleGroup: networkfirewall.RuleGroupRuleGroupArgs{
			RuleVariables: networkfirewall.RuleGroupRuleGroupRuleVariablesArgs{IpSets: networkfirewall.RuleGroupRuleGroupRuleVariablesIpSetArray{
				ipSet("HOME_NET", a.HomeNet),
			}},
			RulesSource: networkfirewall.RuleGroupRuleGroupRulesSourceArgs{
				RulesSourceList: networkfirewall.RuleGroupRuleGroupRulesSourceRulesSourceListArgs{
					GeneratedRulesType: pulumi.String("ALLOWLIST"),
					TargetTypes:        pulumi.ToStringArray([]string{"TLS_SNI", "HTTP_HOST"}),
					Targets:            pulumi.ToStringArray(a.AllowedDomains),
				},
			},
			StatefulRuleOptions: strictOrder(),
		},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating allow-list rule group %s: %w", name, err)
	}
	return g, nil
}

// firewallPolicy sends all stateless traffic to the stateful engine, which evaluates the rules in strict order
// (drop rules first, then the domain allow-list) and drops and alerts on what nothing allows (established flows).
func firewallPolicy(ctx *pulumi.Context, name string, a FirewallPolicyArgs, keyARN pulumi.StringInput,
	drop, allow *networkfirewall.RuleGroup, opts ...pulumi.ResourceOption) (*networkfirewall.FirewallPolicy, error) {
	p, err := networkfirewall.NewFirewallPolicy(ctx, name, &networkfirewall.FirewallPolicyArgs{
		Name:                    pulumi.String(name),
		Description:             pulumi.String("Egress: drop rules, then the domain allow-list, then drop"),
		EncryptionConfiguration: networkfirewall.FirewallPolicyEncryptionConfigurationArgs{Type: pulumi.String("CUSTOMER_KMS"), KeyId: keyARN},
		FirewallPolicy: networkfirewall.FirewallPolicyFirewallPolicyArgs{
			// HOME_NET is every range the platform routes: left unset it is the inspection VPC alone, and
			// $EXTERNAL_NET (its negation) would include the spokes.
			PolicyVariables: networkfirewall.FirewallPolicyFirewallPolicyPolicyVariablesArgs{
				RuleVariables: networkfirewall.FirewallPolicyFirewallPolicyPolicyVariablesRuleVariableArray{
					networkfirewall.FirewallPolicyFirewallPolicyPolicyVariablesRuleVariableArgs{
						Key:   pulumi.String("HOME_NET"),
						IpSet: networkfirewall.FirewallPolicyFirewallPolicyPolicyVariablesRuleVariableIpSetArgs{Definitions: pulumi.ToStringArray(a.HomeNet)},
					},
				},
			},
			StatelessDefaultActions:         pulumi.ToStringArray([]string{"aws:forward_to_sfe"}),
			StatelessFragmentDefaultActions: pulumi.ToStringArray([]string{"aws:forward_to_sfe"}),
			StatefulEngineOptions: networkfirewall.FirewallPolicyFirewallPolicyStatefulEngineOptionsArgs{
				RuleOrder:             pulumi.String("STRICT_ORDER"),
				StreamExceptionPolicy: pulumi.String("DROP"),
			},
			StatefulDefaultActions: pulumi.ToStringArray([]string{"aws:drop_established", "aws:alert_established"}),
			StatefulRuleGroupReferences: networkfirewall.FirewallPolicyFirewallPolicyStatefulRuleGroupReferenceArray{
				networkfirewall.FirewallPolicyFirewallPolicyStatefulRuleGroupReferenceArgs{Priority: pulumi.Int(100), ResourceArn: drop.Arn},
				networkfirewall.FirewallPolicyFirewallPolicyStatefulRuleGroupReferenceArgs{Priority: pulumi.Int(200), ResourceArn: allow.Arn},
			},
		},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating firewall policy %s: %w", name, err)
	}
	return p, nil
}

func strictOrder() networkfirewall.RuleGroupRuleGroupStatefulRuleOptionsArgs {
	return networkfirewall.RuleGroupRuleGroupStatefulRuleOptionsArgs{RuleOrder: pulumi.String("STRICT_ORDER")}
}

func ruleGroupKey(keyARN pulumi.StringInput) networkfirewall.RuleGroupEncryptionConfigurationArgs {
	return networkfirewall.RuleGroupEncryptionConfigurationArgs{Type: pulumi.String("CUSTOMER_KMS"), KeyId: keyARN}
}

func ipSet(key string, defs []string) networkfirewall.RuleGroupRuleGroupRuleVariablesIpSetArgs {
	return networkfirewall.RuleGroupRuleGroupRuleVariablesIpSetArgs{Key: pulumi.String(key),
		IpSet: networkfirewall.RuleGroupRuleGroupRuleVariablesIpSetIpSetArgs{Definitions: pulumi.ToStringArray(defs)}}
}

// AllowListCapacity is the capacity a domain allow-list needs: two rules (SNI and Host) per domain, with room to
// grow, since a rule group's capacity cannot change after creation.
func AllowListCapacity(domains int) int {
	c := 200
	for c < 4*domains {
		c *= 2
	}
	return c
}
