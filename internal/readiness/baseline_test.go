package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/plan"
)

func TestEveryAccountBaselined(t *testing.T) {
	const mgmt, dev = "100000000001", "100000000002"
	regions := []string{"us-east-1", "us-west-2"}
	orgStack := func() plan.StackPlan {
		s := stack("org", "organization")
		s.Outputs = map[string]any{"accountIds": map[string]any{"dev": dev}, "managementAccountId": mgmt, "allowedRegions": []any{"us-east-1", "us-west-2"}}
		return s
	}
	baseline := func(account string, skip ...string) []plan.Resource {
		skipped := map[string]bool{}
		for _, s := range skip {
			skipped[s] = true
		}
		var rs []plan.Resource
		for _, r := range regions {
			if !skipped["recorder-"+r] {
				rs = append(rs, res("security", typeConfigRecorder, "recorder-"+account+"-"+r, nil, at(account, r)))
			}
			if !skipped["ebs-"+r] {
				rs = append(rs, res("security", typeEBSEncryption, "ebs-"+account+"-"+r, map[string]any{"enabled": true}, at(account, r)))
			}
		}
		if !skipped["pab"] {
			rs = append(rs, res("security", typeAccountPublicAccess, "pab-"+account, nil, at(account, "us-east-1")))
		}
		if !skipped["role"] {
			rs = append(rs, res("security", typeRole, "investigation-"+account, map[string]any{"name": "platform-investigation"}, at(account, "us-east-1")))
		}
		return rs
	}
	ref := res("security", typeStackReference, "innovate-inc/platform/org", map[string]any{"name": "innovate-inc/platform/org"})
	secStack := func(rs ...plan.Resource) plan.StackPlan {
		s := stack("security", "security", append([]plan.Resource{ref}, rs...)...)
		s.Outputs = map[string]any{"investigationRoleName": "platform-investigation"}
		return s
	}
	both := func(devSkips ...string) []plan.Resource { return append(baseline(mgmt), baseline(dev, devSkips...)...) }
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"every account baselined", result(orgStack(), secStack(both()...)), nil},
		{"security stack upstream of a single-stack plan", &plan.Result{Project: "platform", Stacks: []plan.StackPlan{stack("network", "network")},
			Upstream: []plan.StackPlan{orgStack(), secStack(both()...)}}, nil},
		{"no security stack in the plan", result(orgStack()), nil},
		{"no org stack in the plan", result(secStack()), nil},
		{"a region missing", result(orgStack(), secStack(both("recorder-us-west-2")...)),
			[]want{{ref.URN, "account dev (" + dev + ") is not baselined: no Config recorder in us-west-2"}}},
		{"management account not baselined", result(orgStack(), secStack(baseline(dev)...)),
			[]want{{ref.URN, "account management (" + mgmt + ") is not baselined: no Config recorder in us-east-1, us-west-2; no EBS encryption by default in us-east-1, us-west-2; no account-level S3 public access block; no investigation role platform-investigation"}}},
		{"no public access block nor role", result(orgStack(), secStack(both("pab", "role")...)),
			[]want{{ref.URN, "account dev (" + dev + ") is not baselined: no account-level S3 public access block; no investigation role platform-investigation"}}},
		{"baseline in another account", result(orgStack(), secStack(append(baseline(mgmt), baseline("100000000009")...)...)),
			[]want{{ref.URN, "account dev (" + dev + ") is not baselined: no Config recorder in us-east-1, us-west-2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, everyAccountBaselined, tt.res, tt.wants...) })
	}
}
