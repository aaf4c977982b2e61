package readiness

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

const (
	typeOrgPolicyAttachment = "aws:organizations/policyAttachment:PolicyAttachment"
	typeOrgUnit             = "aws:organizations/organizationalUnit:OrganizationalUnit"
	typeOrgAccount          = "aws:organizations/account:Account"
	typeBudgetAction        = "aws:budgets/budgetAction:BudgetAction"
)

// scp is a service control policy of the plan with its parsed content.
type scp struct {
	at  located
	doc iampolicy.Document
}

// scps returns the service control policies whose content parses, in plan order.
func scps(res *plan.Result) []scp {
	var out []scp
	for _, l := range ofType(res, typeOrgPolicy) {
		if str(inputs(l.res), "type") != "SERVICE_CONTROL_POLICY" {
			continue
		}
		if doc, err := iampolicy.Parse(str(inputs(l.res), "content")); err == nil {
			out = append(out, scp{l, doc})
		}
	}
	return out
}

// principalExemptions returns the aws:PrincipalArn patterns of a statement's negated conditions (ArnNotLike,
// StringNotLike and their IfExists forms): the principals a Deny does not apply to.
func principalExemptions(st iampolicy.Statement) []string {
	var out []string
	for op, keys := range st.Condition {
		switch strings.TrimSuffix(op, "IfExists") {
		case "ArnNotLike", "StringNotLike":
		default:
			continue
		}
		for k, values := range keys {
			if strings.EqualFold(k, "aws:PrincipalArn") {
				out = append(out, values...)
			}
		}
	}
	return out
}

// onlyPrincipalExemptions reports whether every condition of a statement only exempts principals by ARN, so that
// the statement applies to every other principal.
func onlyPrincipalExemptions(st iampolicy.Statement) bool {
	for op, keys := range st.Condition {
		switch strings.TrimSuffix(op, "IfExists") {
		case "ArnNotLike", "ArnNotEquals", "StringNotLike", "StringNotEquals":
		default:
			return false
		}
		for k := range keys {
			if !strings.EqualFold(k, "aws:PrincipalArn") {
				return false
			}
		}
	}
	return true
}

var guardrailExemptNamesProtected = Rule{
	ID:       "DR018",
	Title:    "guardrail-exempt-names-protected",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html",
}

// exemptRole is a guardrail exemption by role name in any account: arn:aws:iam::*:role/NAME.
var exemptRole = regexp.MustCompile(`^arn:aws:iam::\*:role/([^/*]+)$`)

// An SCP exemption by role name holds for any role of that name, in any account, whoever created it. Unless the
// name itself is protected, anyone allowed iam:CreateRole creates a role of the exempt name and steps outside every
// guardrail. Names under a path (aws-reserved/sso.amazonaws.com/...) are left out: only IAM Identity Center can
// create roles there.
func checkGuardrailExemptNamesProtected(res *plan.Result) []plan.Finding {
	policies := scps(res)
	where := orgPlacement(res)
	var out []plan.Finding
	for _, p := range policies {
		seen := map[string]bool{}
		for _, st := range p.doc.Statement {
			for _, pattern := range principalExemptions(st) {
				m := exemptRole.FindStringSubmatch(pattern)
				if m == nil || strings.HasPrefix(m[1], "AWSReservedSSO") || seen[m[1]] {
					continue
				}
				seen[m[1]] = true
				if createRoleDenied(policies, where, p, m[1]) {
					continue
				}
				out = append(out, guardrailExemptNamesProtected.finding(p.at.res.URN, fmt.Sprintf(
					"SCP %s exempts principals %s, but no SCP applying where it does denies iam:CreateRole on that role name: anyone allowed iam:CreateRole can create a role named %s in a member account and step outside the guardrail",
					p.at.res.Name, pattern, m[1])))
			}
		}
	}
	return out
}

// createRoleDenied reports whether an SCP applying wherever exempting applies denies everyone (but its own
// exempt principals) iam:CreateRole on the role name.
func createRoleDenied(policies []scp, where placement, exempting scp, name string) bool {
	arn := "arn:aws:iam::*:role/" + name
	for _, q := range policies {
		if !where.covers(q.at.res, exempting.at.res) {
			continue
		}
		for _, st := range q.doc.Statement {
			if st.Effect == iampolicy.Deny && st.CoversAction("iam:CreateRole") && st.CoversResource(arn) && onlyPrincipalExemptions(st) {
				return true
			}
		}
	}
	return false
}

// placement is where the plan attaches policies: policy ID to target IDs (roots, OUs, accounts), by policy
// attachments and budget actions, and each OU's and account's parent.
type placement struct {
	targets map[string][]string
	parent  map[string]string
}

func orgPlacement(res *plan.Result) placement {
	p := placement{targets: map[string][]string{}, parent: map[string]string{}}
	for _, l := range ofType(res, typeOrgPolicyAttachment) {
		id := str(inputs(l.res), "policyId")
		p.targets[id] = append(p.targets[id], str(inputs(l.res), "targetId"))
	}
	for _, l := range ofType(res, typeBudgetAction) {
		id := str(inputs(l.res), "definition", "scpActionDefinition", "policyId")
		p.targets[id] = append(p.targets[id], stringList(inputs(l.res), "definition", "scpActionDefinition", "targetIds")...)
	}
	for _, typ := range []string{typeOrgUnit, typeOrgAccount} {
		for _, l := range ofType(res, typ) {
			if known(l.res.ID) {
				p.parent[l.res.ID] = str(inputs(l.res), "parentId")
			}
		}
	}
	return p
}

// covers reports whether policy q applies wherever policy p does: it is p, or it is attached to each of p's
// targets or above it. When the plan does not show where either is attached, it is taken to apply.
func (pl placement) covers(q, p *plan.Resource) bool {
	if q.URN == p.URN {
		return true
	}
	tq, tp := pl.targets[q.ID], pl.targets[p.ID]
	if len(tq) == 0 || len(tp) == 0 {
		return true
	}
	on := map[string]bool{}
	for _, t := range tq {
		if strings.HasPrefix(t, "r-") {
			return true
		}
		on[t] = true
	}
	for _, t := range tp {
		found := false
		for at, hops := t, 0; at != "" && hops < 10; at, hops = pl.parent[at], hops+1 {
			if on[at] {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

var spendLimitSparesReplacements = Rule{
	ID:       "DR019",
	Title:    "spend-limit-spares-replacements",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html",
}

// launchActions are what Karpenter calls to replace a node (CreateFleet) and to launch one (RunInstances, which
// CreateFleet calls on its behalf).
var launchActions = []string{"ec2:RunInstances", "ec2:CreateFleet"}

// A budget action's SCP stops new spending, but it applies to Karpenter too: denied instance launches, Karpenter
// cannot replace a node that is interrupted, expires or is consolidated, and the environment shrinks to nothing
// instead of holding. The controller roles must be exempt from every Deny of launches in those SCPs.
func checkSpendLimitSparesReplacements(res *plan.Result) []plan.Finding {
	var controllers []string
	for _, l := range ofType(res, typeRole) {
		if name := str(inputs(l.res), "name"); strings.Contains(name, "-karpenter-controller") && known(l.res.Account) {
			controllers = append(controllers, "arn:aws:iam::"+l.res.Account+":role/"+name)
		}
	}
	byID := map[string]scp{}
	for _, p := range scps(res) {
		byID[p.at.res.ID] = p
	}
	attachedBy := map[string][]string{}
	var order []string
	for _, l := range ofType(res, typeBudgetAction) {
		id := str(inputs(l.res), "definition", "scpActionDefinition", "policyId")
		if _, ok := byID[id]; !ok {
			continue
		}
		if len(attachedBy[id]) == 0 {
			order = append(order, id)
		}
		attachedBy[id] = append(attachedBy[id], l.res.Name)
	}
	var out []plan.Finding
	for _, id := range order {
		p := byID[id]
		for i, st := range p.doc.Statement {
			if st.Effect != iampolicy.Deny {
				continue
			}
			var denied []string
			for _, a := range launchActions {
				if st.CoversAction(a) {
					denied = append(denied, a)
				}
			}
			if len(denied) == 0 {
				continue
			}
			for _, arn := range controllers {
				if exempted(st, arn) {
					continue
				}
				out = append(out, spendLimitSparesReplacements.finding(p.at.res.URN, fmt.Sprintf(
					"SCP %s, applied by budget actions %s, statement %s denies %s to Karpenter controller role %s (no ArnNotLike aws:PrincipalArn exemption matches it): once the limit is reached, Karpenter cannot replace a single node",
					p.at.res.Name, strings.Join(attachedBy[id], ", "), sid(st, i), strings.Join(denied, " and "), arn)))
			}
		}
	}
	return out
}

// exempted reports whether a Deny statement's aws:PrincipalArn exemptions match a principal ARN.
func exempted(st iampolicy.Statement, arn string) bool {
	for _, pattern := range principalExemptions(st) {
		if iampolicy.Like(pattern, arn) {
			return true
		}
	}
	return false
}
