package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

func TestOIDCTrustScoped(t *testing.T) {
	const fed = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
	provider := res("security", typeOIDCProvider, "github-oidc", map[string]any{"url": "https://token.actions.githubusercontent.com"}, withID(fed))
	trust := func(cond iampolicy.Condition) plan.Resource {
		return res("network", typeIAMRole, "publisher", map[string]any{"assumeRolePolicy": policy(iampolicy.Statement{
			Effect: iampolicy.Allow, Principal: &iampolicy.Principal{Federated: []string{fed}},
			Action: []string{"sts:AssumeRoleWithWebIdentity"}, Condition: cond})})
	}
	const aud, sub = "token.actions.githubusercontent.com:aud", "token.actions.githubusercontent.com:sub"
	role := urn("network", typeIAMRole, "publisher")
	plans := func(r plan.Resource) *plan.Result {
		return result(stack("security", "security", provider), stack("network", "network", r))
	}
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"scoped to a branch of one repository", plans(trust(iampolicy.Condition{"StringEquals": {
			aud: {"sts.amazonaws.com"}, sub: {"repo:innovate-inc/backend:ref:refs/heads/main"}}})), nil},
		{"wildcard ref of one repository", plans(trust(iampolicy.Condition{"StringEquals": {aud: {"sts.amazonaws.com"}},
			"StringLike": {sub: {"repo:innovate-inc/backend:*"}}})), nil},
		{"no sub", plans(trust(iampolicy.Condition{"StringEquals": {aud: {"sts.amazonaws.com"}}})),
			[]want{{role, "without a sub condition"}}},
		{"no aud", plans(trust(iampolicy.Condition{"StringEquals": {sub: {"repo:innovate-inc/backend:pull_request"}}})),
			[]want{{role, "without an aud condition"}}},
		{"wildcard repository", plans(trust(iampolicy.Condition{"StringEquals": {aud: {"sts.amazonaws.com"}},
			"StringLike": {sub: {"repo:innovate-inc/*:ref:refs/heads/main"}}})),
			[]want{{role, `with sub "repo:innovate-inc/*:ref:refs/heads/main", which does not name one repository`}}},
		{"any subject", plans(trust(iampolicy.Condition{"StringEquals": {aud: {"sts.amazonaws.com"}}, "StringLike": {sub: {"*"}}})),
			[]want{{role, `with sub "*"`}}},
		{"sub only in a negated condition", plans(trust(iampolicy.Condition{"StringEquals": {aud: {"sts.amazonaws.com"}},
			"StringNotEquals": {sub: {"repo:innovate-inc/backend:pull_request"}}})),
			[]want{{role, "without a sub condition"}}},
		{"provider nowhere in the plan", result(stack("network", "network", trust(iampolicy.Condition{"StringEquals": {
			aud: {"sts.amazonaws.com"}, sub: {"repo:innovate-inc/backend:ref:refs/heads/main"}}}))),
			[]want{{role, "which no stack of the plan creates"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, oidcTrustScoped, tt.res, tt.wants...) })
	}
}
