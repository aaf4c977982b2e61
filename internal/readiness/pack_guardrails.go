package readiness

import (
	"fmt"
	"slices"
	"strings"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

var scpGuardrails = Rule{
	ID: "PC009", Title: "scp-guardrails", Severity: Critical, Category: CategoryCompliance, Doc: docSCP,
	Controls: []string{cisAWS + "3.1", cisAWS + "5.6", fsbp + "CloudTrail.1", fsbp + "EC2.8"},
}

// guardrail is one preventive control an SCP must hold: a Deny statement the predicate recognises.
type guardrail struct {
	name string
	has  func(iampolicy.Statement) bool
}

func denies(actions ...string) func(iampolicy.Statement) bool {
	return func(st iampolicy.Statement) bool {
		for _, a := range actions {
			if slices.Contains(st.Action, a) {
				return true
			}
		}
		return false
	}
}

func conditionOn(key string) func(iampolicy.Statement) bool {
	return func(st iampolicy.Statement) bool {
		for _, keys := range st.Condition {
			for k := range keys {
				if strings.EqualFold(k, key) {
					return true
				}
			}
		}
		return false
	}
}

// guardrails are the preventive controls every organization must have: members cannot leave, the trail and
// the detective services cannot be stopped, only allowed regions can be used, instances must use IMDSv2.
var guardrails = []guardrail{
	{"deny leaving the organization", denies("organizations:LeaveOrganization")},
	{"deny stopping or deleting CloudTrail", denies("cloudtrail:StopLogging", "cloudtrail:DeleteTrail")},
	{"deny disabling GuardDuty", denies("guardduty:DeleteDetector", "guardduty:DisassociateFromMasterAccount", "guardduty:DisassociateFromAdministratorAccount")},
	{"deny regions outside the allowed list", conditionOn("aws:RequestedRegion")},
	{"require IMDSv2", conditionOn("ec2:MetadataHttpTokens")},
}

// An organization has SCPs holding each guardrail, and each of those SCPs is attached (to the root or an OU):
// an SCP that is not attached restricts nothing.
func checkSCPGuardrails(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	attached := map[string]bool{}
	for _, l := range ofType(res, typeOrgPolicyAttachment) {
		attached[str(inputs(l.res), "policyId")] = true
	}
	for _, org := range ofType(res, typeOrganization) {
		for _, g := range guardrails {
			var holders, unattached []string
			for _, l := range inStack(org.stack, typeOrgPolicy) {
				if str(inputs(l.res), "type") != "SERVICE_CONTROL_POLICY" {
					continue
				}
				doc, err := iampolicy.Parse(str(inputs(l.res), "content"))
				if err != nil {
					continue
				}
				for _, st := range doc.Statement {
					if st.Effect == iampolicy.Deny && g.has(st) {
						if attached[l.res.ID] {
							holders = append(holders, l.res.Name)
						} else {
							unattached = append(unattached, l.res.Name)
						}
						break
					}
				}
			}
			switch {
			case len(holders) > 0:
			case len(unattached) > 0:
				out = append(out, scpGuardrails.finding(org.res.URN, fmt.Sprintf(
					"organization %s: guardrail %q is only in SCPs attached nowhere (%s)", org.res.Name, g.name, strings.Join(unattached, ", "))))
			default:
				out = append(out, scpGuardrails.finding(org.res.URN, fmt.Sprintf(
					"organization %s has no SCP holding the guardrail %q", org.res.Name, g.name)))
			}
		}
	}
	return out
}
