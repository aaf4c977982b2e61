package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/plan"
)

func TestControlPlaneLogGroupManaged(t *testing.T) {
	const acct = "100000000010"
	groupURN := urn("dev", typeLogGroup, "dev-cluster-logs-control-plane")
	cluster := func(logTypes []any, opts ...opt) plan.Resource {
		return res("dev", typeEKSCluster, "dev-eks", map[string]any{"name": "dev-eks", "enabledClusterLogTypes": logTypes},
			append(opts, at(acct, "us-east-1"))...)
	}
	group := func(in map[string]any) plan.Resource {
		return res("dev", typeLogGroup, "dev-cluster-logs-control-plane", in, at(acct, "us-east-1"))
	}
	managed := map[string]any{"name": "/aws/eks/dev-eks/cluster", "kmsKeyId": "arn:aws:kms:us-east-1:" + acct + ":key/k", "retentionInDays": 14.0}
	c := urn("dev", typeEKSCluster, "dev-eks")
	logs := []any{"api", "audit"}

	expect(t, controlPlaneLogGroupManaged, result(stack("dev", "workload", group(managed), cluster(logs, deps(groupURN)))))
	expect(t, controlPlaneLogGroupManaged, result(stack("dev", "workload", cluster(nil))))
	expect(t, controlPlaneLogGroupManaged, result(stack("dev", "workload", cluster(logs))),
		want{c, "the plan does not create that log group"})
	expect(t, controlPlaneLogGroupManaged, result(stack("dev", "workload", group(managed), cluster(logs))),
		want{c, "the cluster does not depend on the log group"})
	expect(t, controlPlaneLogGroupManaged, result(stack("dev", "workload",
		group(map[string]any{"name": "/aws/eks/dev-eks/cluster"}), cluster(logs, deps(groupURN)))),
		want{c, "is not encrypted with a KMS key"}, want{c, "has no retention"})
	// A group of another cluster's name does not count.
	other := map[string]any{"name": "/aws/eks/staging-eks/cluster", "kmsKeyId": "k", "retentionInDays": 14.0}
	expect(t, controlPlaneLogGroupManaged, result(stack("dev", "workload", group(other), cluster(logs, deps(groupURN)))),
		want{c, "the plan does not create that log group"})
}
