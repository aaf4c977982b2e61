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

func TestRootAccessCentralized(t *testing.T) {
	organization := func(principals ...any) plan.Resource {
		return res("org", typeOrganization, "org-organization", map[string]any{"featureSet": "ALL", "awsServiceAccessPrincipals": principals})
	}
	org := organization("cloudtrail.amazonaws.com", "iam.amazonaws.com")
	features := func(enabled []any, opts ...opt) plan.Resource {
		return res("org", typeOrganizationsFeatures, "root-access", map[string]any{"enabledFeatures": enabled}, opts...)
	}
	both := []any{"RootCredentialsManagement", "RootSessions"}
	featURN := urn("org", typeOrganizationsFeatures, "root-access")
	account := func(opts ...opt) plan.Resource { return res("org", typeOrgAccount, "account-dev", nil, opts...) }
	accountURN, orgURN := urn("org", typeOrgAccount, "account-dev"), urn("org", typeOrganization, "org-organization")
	ou := res("org", typeOrgUnit, "ou", nil, deps(featURN))
	s := func(rs ...plan.Resource) *plan.Result { return result(stack("org", "organization", rs...)) }
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"features before accounts", s(org, features(both, deps(org.URN)), account(deps(featURN))), nil},
		{"account after an OU created after the features", s(org, features(both, deps(org.URN)), ou, account(deps(ou.URN))), nil},
		{"no organization in the stack", s(account()), nil},
		{"no features resource", s(org, account()),
			[]want{{orgURN, "stack org registers organization org-organization but no " + typeOrganizationsFeatures}}},
		{"no trusted access for IAM", s(organization("cloudtrail.amazonaws.com"), features(both, deps(org.URN)), account(deps(featURN))),
			[]want{{orgURN, "organization org-organization does not enable trusted access for iam.amazonaws.com"}}},
		{"root sessions off", s(org, features([]any{"RootCredentialsManagement"}, deps(org.URN)), account(deps(featURN))),
			[]want{{featURN, "root-access enabledFeatures lacks RootSessions"}}},
		{"features not after the organization", s(org, features(both), account(deps(featURN))),
			[]want{{featURN, "root-access does not depend on organization org-organization"}}},
		{"account not after the features", s(org, features(both, deps(org.URN)), account(deps(org.URN))),
			[]want{{accountURN, "account account-dev does not depend on root-access: it can be created before root access management is on"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, rootAccessCentralized, tt.res, tt.wants...) })
	}
}
