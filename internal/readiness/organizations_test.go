package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/plan"
)

func TestOrgPolicyAfterPolicyTypes(t *testing.T) {
	org := res("org", typeOrganization, "org-organization", map[string]any{"enabledPolicyTypes": []any{"SERVICE_CONTROL_POLICY"}})
	guardrails := res("org", "platform:org:Guardrails", "guardrails", nil, deps(org.URN))
	bare := res("org", "platform:org:Guardrails", "guardrails", nil)
	scp := func(opts ...opt) plan.Resource {
		return res("org", typeOrgPolicy, "scp", map[string]any{"type": "SERVICE_CONTROL_POLICY"}, opts...)
	}
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"policy depends on the organization", result(stack("org", "organization", org, scp(deps(org.URN)))), nil},
		{"its component depends on the organization", result(stack("org", "organization", org, guardrails, scp(parent(guardrails.URN)))), nil},
		{"no organization in the stack", result(stack("other", "organization", scp())), nil},
		{"policy with no path to the organization", result(stack("org", "organization", org, bare, scp(parent(bare.URN)))),
			[]want{{urn("org", typeOrgPolicy, "scp"), "SERVICE_CONTROL_POLICY policy scp does not depend on the organization org-organization"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, orgPolicyAfterPolicyTypes, tt.res, tt.wants...) })
	}
}
