package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/plan"
)

func TestSpotServiceLinkedRole(t *testing.T) {
	const devAccount = "100000000001"
	pool := func(name, op string, capacity ...any) plan.Resource {
		return res("dev", typeNodePool, name, map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
			"requirements": []any{
				map[string]any{"key": "kubernetes.io/arch", "operator": "In", "values": []any{"arm64"}},
				map[string]any{"key": "karpenter.sh/capacity-type", "operator": op, "values": capacity},
			}}}}})
	}
	nodeGroup := res("dev", typeNodeGroup, "system", nil, at(devAccount, "us-east-1"))
	spotRole := func(s, account string) plan.Resource {
		return res(s, typeServiceLinkedRole, "spot", map[string]any{"awsServiceName": "spot.amazonaws.com"}, at(account, "us-east-1"))
	}
	dev := func(rs ...plan.Resource) plan.StackPlan {
		return stack("dev", "workload", append([]plan.Resource{nodeGroup, pool("on-demand", "In", "on-demand")}, rs...)...)
	}
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"on-demand only", result(dev()), nil},
		{"spot excluded", result(dev(pool("no-spot", "NotIn", "spot"))), nil},
		{"spot with the role in the stack", result(dev(pool("spot", "In", "spot", "on-demand"), spotRole("dev", devAccount))), nil},
		{"spot with the role from an account baseline", result(stack("security", "security", spotRole("security", devAccount)),
			dev(pool("spot", "In", "spot"))), nil},
		{"spot without the role", result(dev(pool("spot-b", "In", "spot"), pool("spot-a", "In", "spot"))),
			[]want{{urn("dev", typeNodePool, "spot-a"), "stack dev has spot NodePools (spot-a, spot-b) but the plan creates no service-linked role for spot.amazonaws.com in account " + devAccount}}},
		{"spot with the role in another account", result(dev(pool("spot", "In", "spot"), spotRole("dev", "100000000009"))),
			[]want{{urn("dev", typeNodePool, "spot"), "in account " + devAccount}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, spotServiceLinkedRole, tt.res, tt.wants...) })
	}
}

func TestEKSNodeRolesPassed(t *testing.T) {
	cluster := func(in map[string]any) *plan.Result {
		return result(stack("dev", "workload", res("dev", typeEKSCluster, "dev-eks", in)))
	}
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"node roles passed", cluster(map[string]any{"instanceRoles": []any{urn("dev", "aws:iam/role:Role", "node")}}), nil},
		{"no instanceRoles", cluster(map[string]any{"skipDefaultNodeGroup": true}),
			[]want{{urn("dev", typeEKSCluster, "dev-eks"), "EKS cluster dev-eks has no instanceRoles"}}},
		{"empty instanceRoles", cluster(map[string]any{"instanceRoles": []any{}}),
			[]want{{urn("dev", typeEKSCluster, "dev-eks"), "has no instanceRoles"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, eksNodeRolesPassed, tt.res, tt.wants...) })
	}
}
