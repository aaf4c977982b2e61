package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

func TestCachePullPermitted(t *testing.T) {
	const (
		net, dev = "111111111111", "222222222222"
		image    = net + ".dkr.ecr.us-east-1.amazonaws.com/ecr-public/karpenter/controller"
		repo     = "arn:aws:ecr:us-east-1:" + net + ":repository/ecr-public/*"
		nodeRole = "arn:aws:iam::" + dev + ":role/dev-node"
	)
	org := stack("org", "organization")
	org.Outputs["organizationId"] = "o-abc"
	fill := []string{"ecr:CreateRepository", "ecr:BatchImportUpstreamImage"}
	registry := func(actions ...string) plan.StackPlan {
		return stack("network", "network",
			res("network", typeCacheRule, "cache-ecr-public", map[string]any{"ecrRepositoryPrefix": "ecr-public", "upstreamRegistryUrl": "public.ecr.aws"}, at(net, "us-east-1")),
			res("network", typeRegistryPolicy, "registry-policy", map[string]any{"policy": policy(iampolicy.Statement{Effect: iampolicy.Allow,
				Principal: &iampolicy.Principal{AWS: []string{"arn:aws:iam::" + dev + ":root"}}, Action: actions, Resource: []string{repo},
				Condition: iampolicy.Condition{"StringEquals": {"aws:PrincipalOrgID": {"o-abc"}}}})}, at(net, "us-east-1")))
	}
	workload := func(inline bool, img string) plan.StackPlan {
		rs := []plan.Resource{
			res("dev", typeIAMRole, "node-role", map[string]any{"name": "dev-node",
				"assumeRolePolicy": iampolicy.ServiceTrust("ec2.amazonaws.com", "").MustJSON()}, at(dev, "us-east-1")),
			res("dev", chartTypes[0], "karpenter", map[string]any{"values": map[string]any{"controller": map[string]any{"image": map[string]any{"repository": img}}}}),
		}
		if inline {
			rs = append(rs, res("dev", typeRolePolicy, "node-caches", map[string]any{"role": "dev-node",
				"policy": iampolicy.FillPullThroughCaches([]string{repo}).MustJSON()}, at(dev, "us-east-1")))
		}
		return stack("dev", "workload", rs...)
	}
	chart := urn("dev", chartTypes[0], "karpenter")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"both sides allow", result(org, registry(fill...), workload(true, image)), nil},
		{"a public image is not this rule's", result(org, registry(fill...), workload(false, "public.ecr.aws/karpenter/controller")), nil},
		{"node role without the actions", result(org, registry(fill...), workload(false, image)),
			[]want{{chart, "node role " + nodeRole + " has no policy allowing ecr:CreateRepository"},
				{chart, "node role " + nodeRole + " has no policy allowing ecr:BatchImportUpstreamImage"}}},
		{"registry policy without the import", result(org, registry("ecr:CreateRepository"), workload(true, image)),
			[]want{{chart, "does not let " + nodeRole + " ecr:BatchImportUpstreamImage it"}}},
		{"no cache rule for the prefix", result(org, registry(fill...), workload(true, net+".dkr.ecr.us-east-1.amazonaws.com/quay/argoproj/argocd")),
			[]want{{chart, `has no pull-through cache rule for prefix "quay"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, cachePullPermitted, tt.res, tt.wants...) })
	}
}
