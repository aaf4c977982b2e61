package readiness

import (
	"fmt"
	"strings"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

const (
	typeIAMRole      = "aws:iam/role:Role"
	typeOIDCProvider = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
)

var oidcTrustScoped = Rule{
	ID:       "DR026",
	Title:    "oidc-trust-scoped",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub",
}

// A role trusting an OIDC provider without the audience and the subject lets any token of that issuer in: for
// GitHub, any workflow of any repository on github.com. IAM refuses to create a GitHub Actions trust without a
// sub condition, and a wildcard in the repository part of sub is the same hole by another name. The provider the
// trust names must exist too, in this stack or an upstream one, or IAM rejects the principal.
func checkOIDCTrustScoped(res *plan.Result) []plan.Finding {
	providers := map[string]bool{}
	for _, p := range ofType(res, typeOIDCProvider) {
		providers[p.res.ID] = true
	}
	var out []plan.Finding
	for _, r := range ofType(res, typeIAMRole) {
		doc, err := iampolicy.Parse(str(inputs(r.res), "assumeRolePolicy"))
		if err != nil {
			continue
		}
		for i, s := range doc.Statement {
			if s.Effect != iampolicy.Allow || s.Principal == nil {
				continue
			}
			for _, fed := range s.Principal.Federated {
				_, host, ok := strings.Cut(fed, ":oidc-provider/")
				if !ok {
					continue
				}
				for _, problem := range oidcTrustProblems(s, host) {
					out = append(out, oidcTrustScoped.finding(r.res.URN, fmt.Sprintf("%s trusts %s (statement %d) %s", r.res.Name, host, i, problem)))
				}
				if !providers[fed] {
					out = append(out, oidcTrustScoped.finding(r.res.URN, fmt.Sprintf(
						"%s trusts %s, which no stack of the plan creates: IAM rejects the principal", r.res.Name, fed)))
				}
			}
		}
	}
	return out
}

// oidcTrustProblems lists what is missing from the conditions of a web-identity statement.
func oidcTrustProblems(s iampolicy.Statement, host string) []string {
	var aud, sub []string
	for op, keys := range s.Condition {
		if strings.HasPrefix(op, "StringNot") || strings.HasPrefix(op, "ForAllValues:") {
			continue
		}
		for k, v := range keys {
			switch strings.ToLower(k) {
			case strings.ToLower(host) + ":aud":
				aud = append(aud, v...)
			case strings.ToLower(host) + ":sub":
				sub = append(sub, v...)
			}
		}
	}
	var out []string
	if len(aud) == 0 {
		out = append(out, "without an aud condition: a token minted for any audience is accepted")
	}
	if len(sub) == 0 {
		out = append(out, "without a sub condition: any workflow of any repository may assume it")
	}
	for _, v := range sub {
		if repo := subjectRepository(v); strings.ContainsAny(repo, "*?") || repo == "" {
			out = append(out, fmt.Sprintf("with sub %q, which does not name one repository", v))
		}
	}
	return out
}

// subjectRepository is the owner/repository part of a GitHub sub claim (repo:<owner>/<repo>:<context>), or the
// whole value when it is not of that form.
func subjectRepository(sub string) string {
	rest, ok := strings.CutPrefix(sub, "repo:")
	if !ok {
		return sub
	}
	repo, _, _ := strings.Cut(rest, ":")
	if !strings.Contains(repo, "/") {
		return ""
	}
	return repo
}
