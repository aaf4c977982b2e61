package readiness

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/innovate-inc/platform/internal/plan"
)

func TestAnomalyMonitorType(t *testing.T) {
	monitor := func(in map[string]any) *plan.Result {
		in["name"] = "cost-anomaly"
		return result(stack("org", "organization", res("org", typeAnomalyMonitor, "cost-anomaly", in)))
	}
	linked := func(n int) string {
		vals := make([]string, n)
		for i := range vals {
			vals[i] = fmt.Sprintf("1000000000%02d", i)
		}
		b, _ := json.Marshal(map[string]any{"Or": []any{
			map[string]any{"Dimensions": map[string]any{"Key": "LINKED_ACCOUNT", "Values": vals[:n/2]}},
			map[string]any{"Dimensions": map[string]any{"Key": "LINKED_ACCOUNT", "Values": vals[n/2:]}},
		}})
		return string(b)
	}
	monURN := urn("org", typeAnomalyMonitor, "cost-anomaly")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"custom monitor of 10 accounts", monitor(map[string]any{"monitorType": "CUSTOM", "monitorSpecification": linked(10)}), nil},
		{"dimensional services monitor", monitor(map[string]any{"monitorType": "DIMENSIONAL", "monitorDimension": "SERVICE"}),
			[]want{{monURN, "anomaly monitor cost-anomaly is DIMENSIONAL (SERVICE): an account has at most one"}}},
		{"custom monitor of 11 accounts", monitor(map[string]any{"monitorType": "CUSTOM", "monitorSpecification": linked(11)}),
			[]want{{monURN, "names 11 LINKED_ACCOUNT values: a custom monitor allows at most 10"}}},
		{"custom monitor specification that is not JSON", monitor(map[string]any{"monitorType": "CUSTOM", "monitorSpecification": "{"}),
			[]want{{monURN, "monitorSpecification is not JSON"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, anomalyMonitorType, tt.res, tt.wants...) })
	}
}
