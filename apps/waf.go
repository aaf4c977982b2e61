package apps

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/naming"
)

// WebACLType is the AWS provider's regional/CloudFront web ACL. It is registered by its type token rather than
// through the SDK's wafv2 package: that package is 12 MB of generated Go, compiled into every build of the
// program for a resource the shipped config leaves off (see docs/PERFORMANCE.md). The inputs below are the
// provider schema's (pulumi-aws v6 wafv2.WebAclArgs): tests check every key against the SDK's wafv2 Go types.
const WebACLType = "aws:wafv2/webAcl:WebAcl"

// ManagedRuleGroups are the AWS managed rule groups of the frontend's web ACL, in priority order: the core rule
// set (OWASP Top 10 classes), known bad inputs (Log4j, Java deserialization), and Amazon's IP reputation list.
var ManagedRuleGroups = []string{"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"}

// RateLimitPerIP is the rate-based rule's limit: requests per client IP in any 5-minute window before it is blocked.
const RateLimitPerIP = 2000

// webACL is a wafv2 web ACL registered by type token; only its ARN is read.
type webACL struct {
	pulumi.CustomResourceState

	Arn pulumi.StringOutput `pulumi:"arn"`
}

func visibility(metric string) map[string]any {
	return map[string]any{"cloudwatchMetricsEnabled": true, "metricName": metric, "sampledRequestsEnabled": true}
}

// WebACLInputs are the web ACL's inputs: regional, allow by default, the managed rule groups with their own rule
// actions (no override), then the per-IP rate limit that blocks.
func WebACLInputs(name string, tags map[string]string) map[string]any {
	var rules []any
	for i, group := range ManagedRuleGroups {
		rules = append(rules, map[string]any{
			"name":             group,
			"priority":         i,
			"overrideAction":   map[string]any{"none": map[string]any{}},
			"statement":        map[string]any{"managedRuleGroupStatement": map[string]any{"name": group, "vendorName": "AWS"}},
			"visibilityConfig": visibility(group),
		})
	}
	rules = append(rules, map[string]any{
		"name":             "rate-limit-per-ip",
		"priority":         len(ManagedRuleGroups),
		"action":           map[string]any{"block": map[string]any{}},
		"statement":        map[string]any{"rateBasedStatement": map[string]any{"limit": RateLimitPerIP, "aggregateKeyType": "IP"}},
		"visibilityConfig": visibility("rate-limit-per-ip"),
	})
	tagMap := map[string]any{}
	for k, v := range tags {
		tagMap[k] = v
	}
	return map[string]any{
		"name":             name,
		"description":      "Frontend ALB: AWS managed rule groups and a per-IP rate limit",
		"scope":            "REGIONAL",
		"defaultAction":    map[string]any{"allow": map[string]any{}},
		"rules":            rules,
		"visibilityConfig": visibility(name),
		"tags":             tagMap,
	}
}

// MaxWebACLName is AWS WAF's limit on a web ACL's name (letters, digits, hyphens and underscores).
const MaxWebACLName = 128

// webACLName is the frontend web ACL's name.
func (s steps) webACLName() string { return naming.Limited(s.n("frontend-waf"), MaxWebACLName) }

// webACL creates the frontend's web ACL when the ingress config asks for one, and returns its ARN ("" without).
func (s steps) webACL(ctx *pulumi.Context) (pulumi.StringOutput, error) {
	a := s.args
	if !a.Ingress.WAF {
		return pulumi.String("").ToStringOutput(), nil
	}
	name := s.webACLName()
	var acl webACL
	if err := ctx.RegisterResource(WebACLType, s.n("frontend", "waf"), pulumi.ToMap(WebACLInputs(name, a.Tags.With(name))), &acl, a.In(s.c)...); err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating the web ACL: %w", err)
	}
	return acl.Arn, nil
}
