package readiness

import (
	"fmt"
	"slices"
	"strings"

	"github.com/innovate-inc/platform/internal/plan"
)

var podSecurity = Rule{
	ID: "PC010", Title: "pod-security-standards", Severity: High, Category: CategoryCompliance, Doc: docPSS,
	Controls: []string{pss + "baseline (namespace enforce label)", pss + "baseline: privileged, hostNetwork, hostPID, hostIPC",
		cisEKS + "4.2.1", cisEKS + "4.2.2", cisEKS + "4.2.3", cisEKS + "4.2.4"},
}

// workloadTypes are the Kubernetes objects that hold a pod template, by the path of their pod spec.
var workloadTypes = map[string][]string{
	"kubernetes:core/v1:Pod":         {"spec"},
	"kubernetes:apps/v1:Deployment":  {"spec", "template", "spec"},
	"kubernetes:apps/v1:DaemonSet":   {"spec", "template", "spec"},
	"kubernetes:apps/v1:StatefulSet": {"spec", "template", "spec"},
	"kubernetes:batch/v1:Job":        {"spec", "template", "spec"},
	"kubernetes:apps/v1:ReplicaSet":  {"spec", "template", "spec"},
	"kubernetes:batch/v1:CronJob":    {"spec", "jobTemplate", "spec", "template", "spec"},
}

// Namespaces the platform creates enforce the baseline or restricted Pod Security Standard, and the pods it
// declares itself use no host namespaces and no privileged containers. Helm charts render in the cluster, not
// in the plan: their pods are not seen here (Karpenter's chart runs unprivileged pods).
func checkPodSecurity(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	bad := func(l located, format string, args ...any) {
		out = append(out, podSecurity.finding(l.res.URN, fmt.Sprintf(l.res.Name+" "+format, args...)))
	}
	for _, l := range ofType(res, typeNamespace) {
		level := str(inputs(l.res), "metadata", "labels", "pod-security.kubernetes.io/enforce")
		if level != "baseline" && level != "restricted" {
			bad(l, "does not enforce a Pod Security Standard (label pod-security.kubernetes.io/enforce %q)", level)
		}
	}
	for _, s := range allStacks(res) {
		for i := range s.Resources {
			r := &s.Resources[i]
			at, ok := workloadTypes[r.Type]
			if !ok {
				continue
			}
			l := located{s, r}
			spec := path(inputs(r), at...)
			for _, host := range []string{"hostNetwork", "hostPID", "hostIPC"} {
				if truthy(spec, host) {
					bad(l, "uses the host namespace (%s)", host)
				}
			}
			var privileged []string
			for _, key := range []string{"containers", "initContainers"} {
				for _, c := range list(spec, key) {
					if truthy(c, "securityContext", "privileged") {
						privileged = append(privileged, str(c, "name"))
					}
				}
			}
			slices.Sort(privileged)
			if len(privileged) > 0 {
				bad(l, "runs privileged containers (%s)", strings.Join(privileged, ", "))
			}
		}
	}
	return out
}
