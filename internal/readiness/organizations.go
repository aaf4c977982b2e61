package readiness

import (
	"fmt"
	"iter"
	"slices"
	"strings"

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
	for s, org := range organizations(res) {
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

const typeOrganizationsFeatures = "aws:iam/organizationsFeatures:OrganizationsFeatures"

var rootAccessCentralized = Rule{
	ID:       "DR020",
	Title:    "root-access-centralized",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html",
}

// With root access management on (RootCredentialsManagement and RootSessions, which need IAM's trusted access),
// accounts created afterwards have no root credentials at all. An account created before it keeps its root
// password recovery and can get access keys and MFA, which someone must then find and delete by hand.
func checkRootAccessCentralized(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	for s, org := range organizations(res) {
		if !slices.Contains(stringList(inputs(org), "awsServiceAccessPrincipals"), "iam.amazonaws.com") {
			out = append(out, rootAccessCentralized.finding(org.URN, fmt.Sprintf(
				"organization %s does not enable trusted access for iam.amazonaws.com (awsServiceAccessPrincipals): root access management cannot be enabled without it",
				org.Name)))
		}
		features := inStack(s, typeOrganizationsFeatures)
		if len(features) == 0 {
			out = append(out, rootAccessCentralized.finding(org.URN, fmt.Sprintf(
				"stack %s registers organization %s but no %s: member accounts keep root credentials (password recovery, access keys, MFA)",
				s.Name, org.Name, typeOrganizationsFeatures)))
			continue
		}
		f := features[0].res
		var missing []string
		enabled := stringList(inputs(f), "enabledFeatures")
		for _, want := range []string{"RootCredentialsManagement", "RootSessions"} {
			if !slices.Contains(enabled, want) {
				missing = append(missing, want)
			}
		}
		if len(missing) > 0 {
			out = append(out, rootAccessCentralized.finding(f.URN, fmt.Sprintf(
				"%s enabledFeatures lacks %s: root access of member accounts is not managed centrally",
				f.Name, strings.Join(missing, " and "))))
		}
		if !dependsOn(s, f, org.URN) {
			out = append(out, rootAccessCentralized.finding(f.URN, fmt.Sprintf(
				"%s does not depend on organization %s, which enables IAM's trusted access: on a first deploy it can run first and fail",
				f.Name, org.Name)))
		}
		for _, a := range inStack(s, typeOrgAccount) {
			if dependsOn(s, a.res, f.URN) {
				continue
			}
			out = append(out, rootAccessCentralized.finding(a.res.URN, fmt.Sprintf(
				"account %s does not depend on %s: it can be created before root access management is on, and then keeps root credentials",
				a.res.Name, f.Name)))
		}
	}
	return out
}

// organizations yields every stack that registers the organization, with the organization's registration.
func organizations(res *plan.Result) iter.Seq2[*plan.StackPlan, *plan.Resource] {
	return func(yield func(*plan.StackPlan, *plan.Resource) bool) {
		for _, s := range allStacks(res) {
			if orgs := inStack(s, typeOrganization); len(orgs) > 0 && !yield(s, orgs[0].res) {
				return
			}
		}
	}
}
