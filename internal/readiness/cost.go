package readiness

import (
	"encoding/json"
	"fmt"

	"github.com/innovate-inc/platform/internal/plan"
)

const typeAnomalyMonitor = "aws:costexplorer/anomalyMonitor:AnomalyMonitor"

// maxLinkedAccounts is how many linked accounts one custom anomaly monitor may name.
const maxLinkedAccounts = 10

var anomalyMonitorType = Rule{
	ID:       "DR008",
	Title:    "anomaly-monitor-type",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/cost-management/latest/userguide/management-limits.html",
}

// An account has at most one AWS services (DIMENSIONAL SERVICE) monitor, and an account that has opened Cost
// Explorer already has the default one, so creating another fails. A custom monitor is limited to 10 linked
// accounts.
func checkAnomalyMonitorType(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	for _, l := range ofType(res, typeAnomalyMonitor) {
		in := inputs(l.res)
		switch str(in, "monitorType") {
		case "DIMENSIONAL":
			out = append(out, anomalyMonitorType.finding(l.res.URN, fmt.Sprintf(
				"anomaly monitor %s is DIMENSIONAL (%s): an account has at most one, and AWS creates it when Cost Explorer is first opened, so this one fails to create; use a CUSTOM monitor or adopt the existing one",
				l.res.Name, str(in, "monitorDimension"))))
		case "CUSTOM":
			spec := str(in, "monitorSpecification")
			if !known(spec) {
				continue
			}
			var expr any
			if err := json.Unmarshal([]byte(spec), &expr); err != nil {
				out = append(out, anomalyMonitorType.finding(l.res.URN, fmt.Sprintf(
					"anomaly monitor %s monitorSpecification is not JSON: %v", l.res.Name, err)))
				continue
			}
			if n := linkedAccounts(expr); n > maxLinkedAccounts {
				out = append(out, anomalyMonitorType.finding(l.res.URN, fmt.Sprintf(
					"anomaly monitor %s names %d LINKED_ACCOUNT values: a custom monitor allows at most %d",
					l.res.Name, n, maxLinkedAccounts)))
			}
		}
	}
	return out
}

// linkedAccounts counts the LINKED_ACCOUNT values anywhere in a Cost Explorer expression (And/Or/Not nest).
func linkedAccounts(expr any) int {
	n := 0
	switch x := expr.(type) {
	case map[string]any:
		if x["Key"] == "LINKED_ACCOUNT" {
			if vals, ok := x["Values"].([]any); ok {
				n += len(vals)
			}
		}
		for _, v := range x {
			n += linkedAccounts(v)
		}
	case []any:
		for _, v := range x {
			n += linkedAccounts(v)
		}
	}
	return n
}
