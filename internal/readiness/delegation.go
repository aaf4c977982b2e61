package readiness

import (
	"fmt"

	"github.com/innovate-inc/platform/internal/plan"
)

const (
	typeGuardDutyAdmin       = "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount"
	typeGuardDutyDetector    = "aws:guardduty/detector:Detector"
	typeSecurityHubAdmin     = "aws:securityhub/organizationAdminAccount:OrganizationAdminAccount"
	typeSecurityHubAccount   = "aws:securityhub/account:Account"
	docGuardDutyDelegation   = "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_organizations.html"
	docSecurityHubDelegation = "https://docs.aws.amazon.com/securityhub/latest/userguide/designate-orgs-admin-account.html"
)

var designateAfterEnable = Rule{
	ID:       "DR014",
	Title:    "designate-after-enable",
	Severity: High,
	Doc:      docGuardDutyDelegation,
}

// delegation is a service whose organization administrator designation enables the service in the
// administrator account.
type delegation struct {
	service, admin, enabler, enablerName, doc string
}

var delegations = []delegation{
	{"GuardDuty", typeGuardDutyAdmin, typeGuardDutyDetector, "detector", docGuardDutyDelegation},
	{"Security Hub", typeSecurityHubAdmin, typeSecurityHubAccount, "Security Hub account", docSecurityHubDelegation},
}

// Designating the delegated administrator enables the service in that account and Region. A detector (or hub)
// the program creates there afterwards fails: "a detector already exists" (ResourceConflictException for Security
// Hub). So the program must create it, in the same stack, and designate only after it exists.
func checkDesignateAfterEnable(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	for _, d := range delegations {
		for _, l := range ofType(res, d.admin) {
			acct, region := str(inputs(l.res), "adminAccountId"), l.res.Region
			if !known(acct) {
				continue
			}
			var enablers []located
			for _, e := range inStack(l.stack, d.enabler) {
				if e.res.Account == acct && e.res.Region == region {
					enablers = append(enablers, e)
				}
			}
			if len(enablers) == 0 {
				out = append(out, designateAfterEnable.finding(l.res.URN, fmt.Sprintf(
					"%s administrator designation %s names account %s in %s, but stack %s creates no %s there: designating enables %s in that account, and a %s created later fails as already existing (see %s)",
					d.service, l.res.Name, acct, region, l.stack.Name, d.enablerName, d.service, d.enablerName, d.doc)))
				continue
			}
			for _, e := range enablers {
				if dependsOn(l.stack, l.res, e.res.URN) {
					continue
				}
				out = append(out, designateAfterEnable.finding(l.res.URN, fmt.Sprintf(
					"%s administrator designation %s does not depend on %s %s of account %s in %s: the designation can run first, enable %s there, and the %s then fails as already existing (see %s)",
					d.service, l.res.Name, d.enablerName, e.res.Name, acct, region, d.service, d.enablerName, d.doc)))
			}
		}
	}
	return out
}
