package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/plan"
)

func TestPodsSchedulable(t *testing.T) {
	pool := res("dev", typeNodePool, "graviton", map[string]any{"spec": map[string]any{"template": map[string]any{
		"metadata": map[string]any{"labels": map[string]any{"platform.innovate.io/pool": "graviton"}},
		"spec": map[string]any{"requirements": []any{
			map[string]any{"key": "kubernetes.io/arch", "operator": "In", "values": []any{"arm64"}},
			map[string]any{"key": "karpenter.sh/capacity-type", "operator": "In", "values": []any{"spot", "on-demand"}},
		}}}}})
	class := res("dev", typePriorityClass, "high", map[string]any{"metadata": map[string]any{"name": "application-high"}})
	deployment := func(pod map[string]any) plan.Resource {
		return res("dev", typeDeployment, "api", map[string]any{"spec": map[string]any{"template": map[string]any{"spec": pod}}})
	}
	required := func(key string, values ...any) map[string]any {
		return map[string]any{"priorityClassName": "application-high", "affinity": map[string]any{"nodeAffinity": map[string]any{
			"requiredDuringSchedulingIgnoredDuringExecution": map[string]any{"nodeSelectorTerms": []any{map[string]any{
				"matchExpressions": []any{map[string]any{"key": key, "operator": "In", "values": values}}}}}}}}
	}
	preferred := map[string]any{"priorityClassName": "application-high", "affinity": map[string]any{"nodeAffinity": map[string]any{
		"preferredDuringSchedulingIgnoredDuringExecution": []any{map[string]any{"weight": 100, "preference": map[string]any{
			"matchExpressions": []any{map[string]any{"key": "karpenter.sh/capacity-type", "operator": "In", "values": []any{"spot"}}}}}}}}}
	dev := func(rs ...plan.Resource) *plan.Result { return result(stack("dev", "workload", rs...)) }
	dURN := urn("dev", typeDeployment, "api")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"preferred capacity type", dev(pool, class, deployment(preferred)), nil},
		{"required architecture a pool offers", dev(pool, class, deployment(required("kubernetes.io/arch", "arm64"))), nil},
		{"required zone, which pools do not constrain", dev(pool, class, deployment(required("topology.kubernetes.io/zone", "us-east-1a"))), nil},
		{"required capacity type", dev(pool, class, deployment(required("karpenter.sh/capacity-type", "spot"))),
			[]want{{dURN, "Deployment api requires karpenter.sh/capacity-type spot: its pods stay Pending"}}},
		{"the seed's selector", dev(pool, class, deployment(map[string]any{"priorityClassName": "application-high",
			"nodeSelector": map[string]any{"karpenter.k8s.aws/capacity-type": "SPOT"}})),
			[]want{{dURN, "requires karpenter.k8s.aws/capacity-type SPOT"}}},
		{"architecture no pool offers", dev(pool, class, deployment(required("kubernetes.io/arch", "amd64"))),
			[]want{{dURN, "requires kubernetes.io/arch in amd64, which no NodePool offers (arm64)"}}},
		{"pool label no pool carries", dev(pool, class, deployment(map[string]any{"priorityClassName": "application-high",
			"nodeSelector": map[string]any{"platform.innovate.io/pool": "gpu"}})),
			[]want{{dURN, "requires platform.innovate.io/pool in gpu"}}},
		{"priority class nobody creates", dev(pool, deployment(preferred)),
			[]want{{dURN, `names priority class "application-high", which the stack does not create`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, podsSchedulable, tt.res, tt.wants...) })
	}
}
