package readiness

import (
	"fmt"

	"github.com/innovate-inc/platform/internal/plan"
)

const (
	typeOrganization = "aws:organizations/organization:Organization"
	typeOrgPolicy    = "aws:organizations/policy:Policy"
)

var orgPolicyAfterPolicyTypes = Rule{
	ID:       "DR002",
	Title:    "org-policy-after-policy-types",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/organizations/latest/APIReference/API_EnablePolicyType.html",
}

// The organization resource enables the policy types (enabledPolicyTypes). A policy of a type that is not yet
// enabled cannot be attached, and on a first deploy nothing orders a policy after the organization unless the
// policy depends on it: the engine creates them in parallel.
func checkOrgPolicyAfterPolicyTypes(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	for _, s := range allStacks(res) {
		orgs := inStack(s, typeOrganization)
		if len(orgs) == 0 {
			continue
		}
		org := orgs[0].res
		for _, p := range inStack(s, typeOrgPolicy) {
			if dependsOn(s, p.res, org.URN) {
				continue
			}
			out = append(out, orgPolicyAfterPolicyTypes.finding(p.res.URN, fmt.Sprintf(
				"%s policy %s does not depend on the organization %s, which enables its policy type: on a first deploy it can be created before the type is enabled (PolicyTypeNotEnabledException when attached)",
				str(inputs(p.res), "type"), p.res.Name, org.Name)))
		}
	}
	return out
}
