package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/plan"
)

func TestTrailNotLoggingItself(t *testing.T) {
	trail := func(field string, values ...any) *plan.Result {
		return result(stack("security", "security", res("security", typeTrail, "org-trail", map[string]any{
			"s3BucketName": "trail-logs",
			"advancedEventSelectors": []any{
				map[string]any{"name": "management", "fieldSelectors": []any{map[string]any{"field": "eventCategory", "equals": []any{"Management"}}}},
				map[string]any{"name": "audit-buckets", "fieldSelectors": []any{
					map[string]any{"field": "eventCategory", "equals": []any{"Data"}},
					map[string]any{"field": "resources.ARN", field: values},
				}},
			}})))
	}
	trailURN := urn("security", typeTrail, "org-trail")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"other buckets", trail("startsWiths", "arn:aws:s3:::config-logs/", "arn:aws:s3:::trail-logs-dr/"), nil},
		{"its own bucket excluded", trail("notStartsWiths", "arn:aws:s3:::trail-logs/"), nil},
		{"its own bucket", trail("startsWiths", "arn:aws:s3:::config-logs/", "arn:aws:s3:::trail-logs/"),
			[]want{{trailURN, `trail org-trail selector "audit-buckets" logs data events on arn:aws:s3:::trail-logs/*, its own log bucket "trail-logs" (startsWith arn:aws:s3:::trail-logs/)`}}},
		{"every bucket", trail("startsWiths", "arn:aws:s3:::"), []want{{trailURN, "startsWith arn:aws:s3:::)"}}},
		{"one object of its bucket", trail("equals", "arn:aws:s3:::trail-logs/AWSLogs/x"), []want{{trailURN, "equals arn:aws:s3:::trail-logs/AWSLogs/x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, trailNotLoggingItself, tt.res, tt.wants...) })
	}
}
