package readiness

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

const typeBackupPlan = "aws:backup/plan:Plan"

var backupCopyOneHop = Rule{
	ID:       "DR009",
	Title:    "backup-copy-one-hop",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html",
}

// RDS, Aurora, DocumentDB and Neptune snapshots cannot be copied to another account and another Region in one
// copy action: the job fails for those resource types (others succeed, so the failure hides). Copy across
// accounts in the same Region, then across Regions from there.
func checkBackupCopyOneHop(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	for _, l := range ofType(res, typeBackupPlan) {
		for _, rule := range list(inputs(l.res), "rules") {
			for _, ca := range list(rule, "copyActions") {
				arn := str(ca, "destinationVaultArn")
				region, account, ok := vaultARN(arn)
				if !ok || account == l.res.Account || region == l.res.Region {
					continue
				}
				out = append(out, backupCopyOneHop.finding(l.res.URN, fmt.Sprintf(
					"backup plan %s rule %s copies from account %s in %s to %s, another account and another Region in one action: RDS, Aurora, DocumentDB and Neptune copies fail; copy cross-account in %s first",
					l.res.Name, str(rule, "ruleName"), l.res.Account, l.res.Region, arn, l.res.Region)))
			}
		}
	}
	for _, l := range ofType(res, typeOrgPolicy) {
		in := inputs(l.res)
		if str(in, "type") != "BACKUP_POLICY" || !known(str(in, "content")) {
			continue
		}
		var content struct {
			Plans map[string]struct {
				Regions struct {
					Assign []string `json:"@@assign"`
				} `json:"regions"`
				Rules map[string]struct {
					CopyActions map[string]struct {
						Target struct {
							Assign string `json:"@@assign"`
						} `json:"target_backup_vault_arn"`
					} `json:"copy_actions"`
				} `json:"rules"`
			} `json:"plans"`
		}
		if err := json.Unmarshal([]byte(str(in, "content")), &content); err != nil {
			out = append(out, backupCopyOneHop.finding(l.res.URN, fmt.Sprintf("backup policy %s content is not a backup policy document: %v", l.res.Name, err)))
			continue
		}
		for _, planName := range sortedKeys(content.Plans) {
			p := content.Plans[planName]
			for _, ruleName := range sortedKeys(p.Rules) {
				for _, key := range sortedKeys(p.Rules[ruleName].CopyActions) {
					arn := p.Rules[ruleName].CopyActions[key].Target.Assign
					if arn == "" {
						arn = key
					}
					region, account, ok := vaultARN(arn)
					// "$account" is the member account the policy runs in: a vault there is a same-account copy.
					if !ok || account == "$account" {
						continue
					}
					var from []string
					for _, r := range p.Regions.Assign {
						if r != region {
							from = append(from, r)
						}
					}
					if len(from) == 0 {
						continue
					}
					out = append(out, backupCopyOneHop.finding(l.res.URN, fmt.Sprintf(
						"backup policy %s plan %s rule %s copies from each member account in %s to %s, another account and another Region in one action: RDS, Aurora, DocumentDB and Neptune copies fail",
						l.res.Name, planName, ruleName, strings.Join(from, ", "), arn)))
				}
			}
		}
	}
	return out
}

// vaultARN splits arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME.
func vaultARN(arn string) (region, account string, ok bool) {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || parts[0] != "arn" || parts[2] != "backup" || parts[5] != "backup-vault" {
		return "", "", false
	}
	return parts[3], parts[4], true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var copyDestinationCanUseSourceKey = Rule{
	ID:       "DR016",
	Title:    "copy-destination-can-use-source-key",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html",
}

// A cross-account copy of an RDS snapshot encrypted with a customer managed key is made by the destination
// account, which must be able to use the source key: decrypt it and create a grant on it. Without that in the key
// policy every copy job fails (the backups themselves succeed, so nothing else shows it).
func checkCopyDestinationCanUseSourceKey(res *plan.Result) []plan.Finding {
	keys := keysByReference(res)
	var out []plan.Finding
	for _, p := range ofType(res, typeBackupPlan) {
		var dests []string
		seen := map[string]bool{}
		for _, rule := range list(inputs(p.res), "rules") {
			for _, ca := range list(rule, "copyActions") {
				_, account, ok := vaultARN(str(ca, "destinationVaultArn"))
				if ok && account != p.res.Account && !seen[account] {
					seen[account] = true
					dests = append(dests, account)
				}
			}
		}
		if len(dests) == 0 {
			continue
		}
		for _, db := range inStack(p.stack, typeDBInstance) {
			key, ok := keys[str(inputs(db.res), "kmsKeyId")]
			if !ok {
				continue
			}
			doc, err := iampolicy.Parse(str(inputs(key.res), "policy"))
			if err != nil {
				continue // DR004 reports a policy that does not parse
			}
			for _, d := range dests {
				inAccount := func(st iampolicy.Statement) bool {
					return namesPrincipal(st, func(p string) bool { return principalInAccount(p, d) })
				}
				missing := missingActions(doc, inAccount, "kms:Decrypt", "kms:CreateGrant")
				if len(missing) == 0 {
					continue
				}
				out = append(out, copyDestinationCanUseSourceKey.finding(key.res.URN, fmt.Sprintf(
					"key %s encrypts database %s, which backup plan %s copies to account %s, but its policy does not allow account %s %s: the cross-account copy jobs fail",
					key.res.Name, db.res.Name, p.res.Name, d, d, strings.Join(missing, " and "))))
			}
		}
	}
	return out
}

// principalInAccount reports whether a policy principal admits the account's IAM principals: the account (its
// root or its ID), any role in it, or everyone.
func principalInAccount(p, account string) bool {
	return p == "*" || p == account || p == "arn:aws:iam::"+account+":root" ||
		strings.HasPrefix(p, "arn:aws:iam::"+account+":role/")
}

const typeEKSAddon = "aws:eks/addon:Addon"

var backupPolicyTagCarried = Rule{
	ID:       "DR023",
	Title:    "backup-policy-tag-carried",
	Severity: Medium,
	Doc:      "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_backup_syntax.html",
}

// A backup policy selects resources by tag, and reports nothing when no resource carries the tag: every job
// succeeds with nothing to back up. EBS volumes that the CSI driver creates carry the tags of its
// controller.extraVolumeTags, not of any resource of the program.
func checkBackupPolicyTagCarried(res *plan.Result) []plan.Finding {
	carried := map[[2]string]bool{}
	workloads := false
	for _, s := range allStacks(res) {
		if s.Layer == "organization" {
			continue
		}
		workloads = true
		for i := range s.Resources {
			r := &s.Resources[i]
			if tags, ok := path(inputs(r), "tags").(map[string]any); ok {
				for k, v := range tags {
					if v, ok := v.(string); ok {
						carried[[2]string{k, v}] = true
					}
				}
			}
			if r.Type != typeEKSAddon || str(inputs(r), "addonName") != "aws-ebs-csi-driver" {
				continue
			}
			var values struct {
				Controller struct {
					ExtraVolumeTags map[string]string `json:"extraVolumeTags"`
				} `json:"controller"`
			}
			if json.Unmarshal([]byte(str(inputs(r), "configurationValues")), &values) == nil {
				for k, v := range values.Controller.ExtraVolumeTags {
					carried[[2]string{k, v}] = true
				}
			}
		}
	}
	if !workloads {
		return nil // the resources the policy would select are not in the plan
	}
	var out []plan.Finding
	for _, l := range ofType(res, typeOrgPolicy) {
		in := inputs(l.res)
		if str(in, "type") != "BACKUP_POLICY" || !known(str(in, "content")) {
			continue
		}
		var content struct {
			Plans map[string]struct {
				Selections struct {
					Tags map[string]struct {
						Key struct {
							Assign string `json:"@@assign"`
						} `json:"tag_key"`
						Value struct {
							Assign []string `json:"@@assign"`
						} `json:"tag_value"`
					} `json:"tags"`
				} `json:"selections"`
			} `json:"plans"`
		}
		if json.Unmarshal([]byte(str(in, "content")), &content) != nil {
			continue // DR009 reports content that is not a backup policy document
		}
		for _, planName := range sortedKeys(content.Plans) {
			sel := content.Plans[planName].Selections.Tags
			for _, selName := range sortedKeys(sel) {
				key, values := sel[selName].Key.Assign, sel[selName].Value.Assign
				if key == "" || slices.ContainsFunc(values, func(v string) bool { return carried[[2]string{key, v}] }) {
					continue
				}
				out = append(out, backupPolicyTagCarried.finding(l.res.URN, fmt.Sprintf(
					"backup policy %s plan %s selection %s selects resources tagged %s = %s, but no resource of the plan outside the organization stack carries that tag (nor the EBS CSI driver's extraVolumeTags): the policy backs up nothing",
					l.res.Name, planName, selName, key, strings.Join(values, " or "))))
			}
		}
	}
	return out
}
