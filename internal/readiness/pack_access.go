package readiness

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

var imdsv2 = Rule{
	ID: "PC005", Title: "imdsv2-required", Severity: High, Category: CategoryCompliance, Doc: docFSBP,
	Controls: []string{cisAWS + "5.6", fsbp + "EC2.8", fsbp + "EC2.170"},
}

// Every instance the platform launches requires IMDSv2 session tokens: launch templates, Karpenter's
// EC2NodeClasses (Karpenter's default is required, so only an explicit optional is a finding), instances, and
// managed node groups, which get the setting only from a launch template.
func checkIMDSv2(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	bad := func(l located, format string, args ...any) {
		out = append(out, imdsv2.finding(l.res.URN, fmt.Sprintf(l.res.Name+" "+format, args...)))
	}
	for _, typ := range []string{typeLaunchTemplate, typeInstance} {
		for _, l := range ofType(res, typ) {
			if t := str(inputs(l.res), "metadataOptions", "httpTokens"); t != "required" {
				bad(l, "does not require IMDSv2 (metadataOptions.httpTokens %q)", t)
			}
		}
	}
	for _, l := range ofType(res, typeEC2NodeClass) {
		if t := str(inputs(l.res), "spec", "metadataOptions", "httpTokens"); t != "" && t != "required" {
			bad(l, "does not require IMDSv2 (spec.metadataOptions.httpTokens %q)", t)
		}
	}
	for _, l := range ofType(res, typeNodeGroup) {
		if path(inputs(l.res), "launchTemplate") == nil {
			bad(l, "has no launch template, so nothing requires IMDSv2 on its nodes")
		}
	}
	return out
}

var leastPrivilege = Rule{
	ID: "PC006", Title: "least-privilege", Severity: Critical, Category: CategoryCompliance, Doc: docFSBP,
	Controls: []string{cisAWS + "1.16", fsbp + "IAM.1", fsbp + "IAM.21", cisEKS + "4.1.1"},
}

// adminPolicies are AWS managed policies that grant *:*.
var adminPolicies = []string{"arn:aws:iam::aws:policy/AdministratorAccess"}

// No identity policy allows every action on every resource, and no permission set or role is given
// AdministratorAccess; no resource or trust policy allows a wildcard principal without a condition; every OIDC
// trust names the subject (":sub") it trusts, not just the audience.
func checkLeastPrivilege(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	bad := func(l located, format string, args ...any) {
		out = append(out, leastPrivilege.finding(l.res.URN, fmt.Sprintf(l.res.Name+" "+format, args...)))
	}
	for _, s := range allStacks(res) {
		for i := range s.Resources {
			l := located{s, &s.Resources[i]}
			docs := policyDocs(l.res)
			fields := make([]string, 0, len(docs))
			for f := range docs {
				fields = append(fields, f)
			}
			sort.Strings(fields)
			for _, f := range fields {
				for j, st := range docs[f].Statement {
					if st.Effect != iampolicy.Allow {
						continue
					}
					if st.Principal == nil && slices.Contains(st.Action, "*") && slices.Contains(st.Resource, "*") {
						bad(l, "%s %s allows *:* (every action on every resource)", f, sid(st, j))
					}
					if st.Principal != nil && slices.Contains(st.Principal.AWS, "*") && len(st.Condition) == 0 {
						bad(l, "%s %s allows any principal (\"*\") without a condition", f, sid(st, j))
					}
					if st.Principal != nil && isOIDCTrust(st) && !conditionKeySuffix(st, ":sub") {
						bad(l, "%s %s trusts OIDC provider %v without a condition on its subject (:sub)", f, sid(st, j), st.Principal.Federated)
					}
				}
			}
		}
	}
	for _, typ := range []string{typeRoleAttachment, typePermissionSetMP} {
		for _, l := range ofType(res, typ) {
			arn := str(inputs(l.res), "policyArn")
			if arn == "" {
				arn = str(inputs(l.res), "managedPolicyArn")
			}
			if slices.Contains(adminPolicies, arn) {
				bad(l, "attaches %s, which allows *:*", arn)
			}
		}
	}
	return out
}

func isOIDCTrust(st iampolicy.Statement) bool {
	for _, f := range st.Principal.Federated {
		if strings.Contains(f, ":oidc-provider/") {
			return true
		}
	}
	return false
}

func conditionKeySuffix(st iampolicy.Statement, suffix string) bool {
	for _, keys := range st.Condition {
		for k := range keys {
			if strings.HasSuffix(k, suffix) {
				return true
			}
		}
	}
	return false
}
