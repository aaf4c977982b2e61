package readiness

import (
	"fmt"
	"sort"
	"strings"

	"github.com/innovate-inc/platform/internal/plan"
)

const (
	typeConfigRecorder        = "aws:cfg/recorder:Recorder"
	typeEBSEncryption         = "aws:ebs/encryptionByDefault:EncryptionByDefault"
	typeAccountPublicAccess   = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
	typeStackReference        = "pulumi:pulumi:StackReference"
	outputInvestigationRole   = "investigationRoleName"
	outputManagementAccountID = "managementAccountId"
)

var everyAccountBaselined = Rule{
	ID:       "DR024",
	Title:    "every-account-baselined",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html",
}

// Every account of the organization, the management account included, gets the same baseline: Config recording
// and EBS encryption by default in each allowed Region (both are per Region), the account-wide S3 public access
// block, and the role incident responders assume. An account the baseline misses is one nobody sees into; it
// shows only as failed CIS controls after the fact.
func checkEveryAccountBaselined(res *plan.Result) []plan.Finding {
	var org, sec *plan.StackPlan
	for _, s := range allStacks(res) {
		switch s.Layer {
		case "organization":
			org = s
		case "security":
			sec = s
		}
	}
	if org == nil || sec == nil {
		return nil
	}
	roleName, _ := sec.Outputs[outputInvestigationRole].(string)
	ids, _ := org.Outputs["accountIds"].(map[string]any)
	accounts := map[string]string{} // account ID -> name
	for name, id := range ids {
		if id, ok := id.(string); ok && known(id) {
			accounts[id] = name
		}
	}
	if mgmt, _ := org.Outputs[outputManagementAccountID].(string); known(mgmt) {
		accounts[mgmt] = "management"
	}
	regions := stringList(org.Outputs, "allowedRegions")

	type where struct{ account, region string }
	has := map[string]map[where]bool{}
	for _, typ := range []string{typeConfigRecorder, typeEBSEncryption, typeAccountPublicAccess} {
		has[typ] = map[where]bool{}
		for _, l := range ofType(res, typ) {
			has[typ][where{l.res.Account, l.res.Region}] = true
			has[typ][where{l.res.Account, ""}] = true
		}
	}
	roles := map[string]bool{}
	for _, l := range ofType(res, typeRole) {
		if roleName != "" && str(inputs(l.res), "name") == roleName {
			roles[l.res.Account] = true
		}
	}

	resource := ""
	for _, l := range inStack(sec, typeStackReference) {
		if strings.HasSuffix(str(inputs(l.res), "name"), "/"+org.Name) {
			resource = l.res.URN // where the security stack learns the accounts
		}
	}
	ordered := make([]string, 0, len(accounts))
	for id := range accounts {
		ordered = append(ordered, id)
	}
	sort.Slice(ordered, func(i, j int) bool { return accounts[ordered[i]] < accounts[ordered[j]] })
	var out []plan.Finding
	for _, id := range ordered {
		var missing []string
		for _, c := range []struct{ typ, what string }{
			{typeConfigRecorder, "Config recorder"}, {typeEBSEncryption, "EBS encryption by default"},
		} {
			var in []string
			for _, r := range regions {
				if !has[c.typ][where{id, r}] {
					in = append(in, r)
				}
			}
			if len(in) > 0 {
				missing = append(missing, fmt.Sprintf("no %s in %s", c.what, strings.Join(in, ", ")))
			}
		}
		if !has[typeAccountPublicAccess][where{id, ""}] {
			missing = append(missing, "no account-level S3 public access block")
		}
		if roleName != "" && !roles[id] {
			missing = append(missing, "no investigation role "+roleName)
		}
		if len(missing) == 0 {
			continue
		}
		out = append(out, everyAccountBaselined.finding(resource, fmt.Sprintf(
			"account %s (%s) is not baselined: %s", accounts[id], id, strings.Join(missing, "; "))))
	}
	return out
}
