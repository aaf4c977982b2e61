package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/plan"
)

func TestDesignateAfterEnable(t *testing.T) {
	const mgmt, tooling = "100000000001", "100000000002"
	detector := func(account, region string) plan.Resource {
		return res("security", typeGuardDutyDetector, "detector-"+region, map[string]any{"enable": true}, at(account, region))
	}
	hub := res("security", typeSecurityHubAccount, "hub", nil, at(tooling, "us-east-1"))
	detURN := urn("security", typeGuardDutyDetector, "detector-us-east-1")
	gdAdmin := func(opts ...opt) plan.Resource {
		return res("security", typeGuardDutyAdmin, "gd-admin", map[string]any{"adminAccountId": tooling}, append(opts, at(mgmt, "us-east-1"))...)
	}
	shAdmin := func(opts ...opt) plan.Resource {
		return res("security", typeSecurityHubAdmin, "sh-admin", map[string]any{"adminAccountId": tooling}, append(opts, at(mgmt, "us-east-1"))...)
	}
	gdURN, shURN := urn("security", typeGuardDutyAdmin, "gd-admin"), urn("security", typeSecurityHubAdmin, "sh-admin")
	sec := func(rs ...plan.Resource) *plan.Result { return result(stack("security", "security", rs...)) }
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"detector and hub first", sec(detector(tooling, "us-east-1"), hub, gdAdmin(deps(detURN)), shAdmin(deps(hub.URN))), nil},
		{"no detector", sec(gdAdmin()),
			[]want{{gdURN, "GuardDuty administrator designation gd-admin names account " + tooling + " in us-east-1, but stack security creates no detector there"}}},
		{"detector in another region", sec(detector(tooling, "us-west-2"), gdAdmin(deps(urn("security", typeGuardDutyDetector, "detector-us-west-2")))),
			[]want{{gdURN, "creates no detector there"}}},
		{"detector in another account", sec(detector(mgmt, "us-east-1"), gdAdmin(deps(detURN))),
			[]want{{gdURN, "creates no detector there"}}},
		{"detector in another stack", result(stack("security", "security", gdAdmin()), stack("baseline", "security", res("baseline", typeGuardDutyDetector, "d", nil, at(tooling, "us-east-1")))),
			[]want{{gdURN, "stack security creates no detector"}}},
		{"detector not depended on", sec(detector(tooling, "us-east-1"), gdAdmin()),
			[]want{{gdURN, "does not depend on detector detector-us-east-1 of account " + tooling}}},
		{"hub not depended on", sec(hub, shAdmin()),
			[]want{{shURN, "Security Hub administrator designation sh-admin does not depend on Security Hub account hub"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, designateAfterEnable, tt.res, tt.wants...) })
	}
}
