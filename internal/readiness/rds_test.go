package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/plan"
)

func TestRDSEngineMajorOnly(t *testing.T) {
	db := func(in map[string]any) *plan.Result {
		if in["engine"] == nil {
			in["engine"] = "postgres"
		}
		return result(stack("dev", "workload", res("dev", typeDBInstance, "dev-postgres", in)))
	}
	dbURN := urn("dev", typeDBInstance, "dev-postgres")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"major version only", db(map[string]any{"engineVersion": "17", "autoMinorVersionUpgrade": true}), nil},
		{"minor pin without automatic upgrades", db(map[string]any{"engineVersion": "17.6", "autoMinorVersionUpgrade": false}), nil},
		{"minor pin with automatic upgrades", db(map[string]any{"engineVersion": "17.6", "autoMinorVersionUpgrade": true}),
			[]want{{dbURN, `pins engineVersion "17.6" to a minor version and autoMinorVersionUpgrade is true`}}},
		{"MySQL major version", db(map[string]any{"engine": "mysql", "engineVersion": "8.0"}), nil},
		{"minor pin with the default", db(map[string]any{"engine": "mysql", "engineVersion": "8.0.39"}),
			[]want{{dbURN, `autoMinorVersionUpgrade is unset (AWS defaults it to true): after AWS upgrades the minor version the next deploy tries to downgrade it; set engineVersion to the major version ("8.0"); see https://github.com/hashicorp/terraform-provider-aws/issues/39579`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, rdsEngineMajorOnly, tt.res, tt.wants...) })
	}
}
