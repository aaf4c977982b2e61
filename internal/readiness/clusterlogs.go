package readiness

import (
	"fmt"

	"github.com/innovate-inc/platform/internal/plan"
)

const typeLogGroup = "aws:cloudwatch/logGroup:LogGroup"

var controlPlaneLogGroupManaged = Rule{
	ID:       "DR043",
	Title:    "control-plane-log-group-managed",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html",
}

// A cluster with control-plane logging creates /aws/eks/<cluster>/cluster itself on its first log, unencrypted
// and kept forever, unless the group already exists; the stack can then not create it (ResourceAlreadyExists)
// without an import. So the plan must hold that group, encrypted and with a retention, in the cluster's stack,
// and the cluster must wait for it.
func checkControlPlaneLogGroupManaged(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	for _, s := range allStacks(res) {
		groups := map[string]*plan.Resource{}
		for _, g := range inStack(s, typeLogGroup) {
			groups[str(inputs(g.res), "name")] = g.res
		}
		for _, l := range inStack(s, typeEKSCluster) {
			in := inputs(l.res)
			name := str(in, "name")
			if len(stringList(in, "enabledClusterLogTypes")) == 0 || !known(name) {
				continue
			}
			groupName := "/aws/eks/" + name + "/cluster"
			report := func(format string, args ...any) {
				out = append(out, controlPlaneLogGroupManaged.finding(l.res.URN, fmt.Sprintf("EKS cluster %s logs its control plane to %s: ", name, groupName)+fmt.Sprintf(format, args...)))
			}
			g, ok := groups[groupName]
			if !ok {
				report("the plan does not create that log group, so EKS creates it unencrypted and kept forever")
				continue
			}
			if str(inputs(g), "kmsKeyId") == "" {
				report("the log group %s is not encrypted with a KMS key", g.Name)
			}
			if _, set := number(inputs(g), "retentionInDays"); !set {
				report("the log group %s has no retention, so it is kept forever", g.Name)
			}
			if !dependsOn(s, l.res, g.URN) {
				report("the cluster does not depend on the log group %s, so EKS may create it first and the stack then fails to", g.Name)
			}
		}
	}
	return out
}
