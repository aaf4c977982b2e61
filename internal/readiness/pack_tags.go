package readiness

import (
	"fmt"
	"sort"
	"strings"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/plan"
)

var requiredTags = Rule{
	ID: "PC008", Title: "required-tags", Severity: Medium, Category: CategoryCompliance,
	Doc:      "https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/cost-alloc-tags.html",
	Controls: []string{"AWS Resource Tagging Standard (Security Hub): tagging of every supported resource"},
}

// taggedThroughProvider are the types whose tags, under the AWS provider, are the resource's own tags merged with
// the provider's defaultTags. Under mocks the merge never happens, so the rule reads the provider.
var taggedThroughProvider = []string{
	typeVPC, "aws:ec2/subnet:Subnet", "aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip",
	"aws:ec2/internetGateway:InternetGateway", "aws:ec2/routeTable:RouteTable", typeSecurityGroup,
	"aws:ec2/vpcEndpoint:VpcEndpoint", typeFlowLog, "aws:ec2transitgateway/transitGateway:TransitGateway",
	"aws:ec2transitgateway/vpcAttachment:VpcAttachment", typeKey, typeBucket, typeDBInstance, typeNodeGroup,
	typeQueue, typeTopic, "aws:cloudwatch/logGroup:LogGroup", typeVault, typeBackupPlan, typeFirewall,
	"aws:route53/zone:Zone", typeRole, typeTrail, typeLoadBalancer, typeInstance,
}

// Every taggable resource carries the mandatory cost-allocation tags: its own tags merged with its provider's
// default tags; and launch templates (for instances and volumes) and EC2NodeClasses (for Karpenter's nodes),
// which provider default tags never reach, carry them themselves. The EKS cluster component takes its tags as
// an input.
func checkRequiredTags(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	report := func(l located, where string, tags map[string]any) {
		var missing []string
		for _, k := range config.MandatoryTagKeys {
			if v, _ := tags[k].(string); v == "" {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			out = append(out, requiredTags.finding(l.res.URN, fmt.Sprintf("%s %s lacks the mandatory tags %s",
				l.res.Name, where, strings.Join(missing, ", "))))
		}
	}
	for _, s := range allStacks(res) {
		for _, typ := range taggedThroughProvider {
			for _, l := range inStack(s, typ) {
				tags := map[string]any{}
				if p := providerOf(s, l.res); p != nil {
					if m, ok := path(inputs(p), "defaultTags", "tags").(map[string]any); ok {
						for k, v := range m {
							tags[k] = v
						}
					}
				}
				if m, ok := path(inputs(l.res), "tags").(map[string]any); ok {
					for k, v := range m {
						tags[k] = v
					}
				}
				report(l, "(own tags and provider default tags)", tags)
			}
		}
	}
	for _, l := range ofType(res, typeLaunchTemplate) {
		specs := map[string]map[string]any{}
		for _, ts := range list(inputs(l.res), "tagSpecifications") {
			m, _ := path(ts, "tags").(map[string]any)
			specs[str(ts, "resourceType")] = m
		}
		for _, rt := range []string{"instance", "volume"} {
			report(l, "tagSpecifications for "+rt, specs[rt])
		}
	}
	for _, l := range ofType(res, typeEC2NodeClass) {
		m, _ := path(inputs(l.res), "spec", "tags").(map[string]any)
		report(l, "spec.tags (Karpenter's nodes)", m)
	}
	for _, l := range ofType(res, typeEKSCluster) {
		m, _ := path(inputs(l.res), "tags").(map[string]any)
		report(l, "tags", m)
	}
	return out
}
