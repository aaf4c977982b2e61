package readiness

import (
	"fmt"
	"slices"
	"strings"

	"github.com/innovate-inc/platform/internal/plan"
)

const (
	typeDeployment    = "kubernetes:apps/v1:Deployment"
	typePriorityClass = "kubernetes:scheduling.k8s.io/v1:PriorityClass"
)

var podsSchedulable = Rule{
	ID:       "DR025",
	Title:    "pods-schedulable",
	Severity: High,
	Doc:      "https://karpenter.sh/docs/concepts/scheduling/",
}

// The API server and the mocks accept a Deployment whatever its pods ask for; the pods then never run. A pod
// naming a priority class nobody creates is refused by the Priority admission plugin; a pod that requires a node
// label value no NodePool of its cluster offers (the seed's karpenter.k8s.aws/capacity-type: SPOT), or that
// requires a capacity type at all (no On-Demand fallback when Spot is short), stays Pending.
func checkPodsSchedulable(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	for _, s := range allStacks(res) {
		classes := map[string]bool{}
		for _, pc := range inStack(s, typePriorityClass) {
			classes[str(inputs(pc.res), "metadata", "name")] = true
		}
		offered := map[string][]string{}
		pools := inStack(s, typeNodePool)
		for _, np := range pools {
			labels, _ := path(inputs(np.res), "spec", "template", "metadata", "labels").(map[string]any)
			for k, v := range labels {
				offered[k] = append(offered[k], fmt.Sprint(v))
			}
			for _, r := range list(inputs(np.res), "spec", "template", "spec", "requirements") {
				if str(r, "operator") == "In" {
					offered[str(r, "key")] = append(offered[str(r, "key")], stringList(r, "values")...)
				}
			}
		}
		for _, d := range inStack(s, typeDeployment) {
			spec := path(inputs(d.res), "spec", "template", "spec")
			if pc := str(spec, "priorityClassName"); pc != "" && !classes[pc] && !strings.HasPrefix(pc, "system-") {
				out = append(out, podsSchedulable.finding(d.res.URN, fmt.Sprintf(
					"Deployment %s names priority class %q, which the stack does not create: the API server refuses its pods", d.res.Name, pc)))
			}
			if len(pools) == 0 {
				continue
			}
			required := map[string][]string{}
			if sel, ok := path(spec, "nodeSelector").(map[string]any); ok {
				for k, v := range sel {
					required[k] = append(required[k], fmt.Sprint(v))
				}
			}
			for _, term := range list(spec, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms") {
				for _, e := range list(term, "matchExpressions") {
					if str(e, "operator") == "In" {
						required[str(e, "key")] = append(required[str(e, "key")], stringList(e, "values")...)
					}
				}
			}
			for _, key := range sortedKeys(required) {
				if key == "karpenter.sh/capacity-type" || key == "karpenter.k8s.aws/capacity-type" {
					out = append(out, podsSchedulable.finding(d.res.URN, fmt.Sprintf(
						"Deployment %s requires %s %s: its pods stay Pending when that capacity has none; prefer it with a weighted preferred node affinity",
						d.res.Name, key, strings.Join(required[key], ","))))
					continue
				}
				if _, constrained := offered[key]; !constrained {
					continue // a label the pools do not constrain (zone, hostname): any node may carry it
				}
				if !slices.ContainsFunc(required[key], func(v string) bool { return slices.Contains(offered[key], v) }) {
					out = append(out, podsSchedulable.finding(d.res.URN, fmt.Sprintf(
						"Deployment %s requires %s in %s, which no NodePool offers (%s): its pods stay Pending",
						d.res.Name, key, strings.Join(required[key], ","), strings.Join(offered[key], ","))))
				}
			}
		}
	}
	return out
}
