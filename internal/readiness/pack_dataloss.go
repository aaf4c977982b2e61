package readiness

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/innovate-inc/platform/internal/plan"
)

var dataLossGuards = Rule{
	ID: "PC007", Title: "data-loss-guards", Severity: High, Category: CategoryCompliance, Doc: docFSBP,
	Controls: []string{fsbp + "RDS.8", fsbp + "RDS.11", fsbp + "NetworkFirewall.9", fsbp + "S3.15"},
}

// Stateful resources survive a mistaken `pulumi destroy` or replacement, and the evidence and backups survive a
// compromised administrator: buckets, keys, databases and vaults are protected and retained (and never
// force-destroyed), databases have deletion protection, a final snapshot and keep their automated backups, the
// firewall has delete protection, the trail's bucket has Object Lock, and every vault that backups are copied
// to has a Vault Lock.
func checkDataLossGuards(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	bad := func(l located, format string, args ...any) {
		out = append(out, dataLossGuards.finding(l.res.URN, fmt.Sprintf(l.res.Name+" "+format, args...)))
	}
	for _, typ := range []string{typeBucket, typeKey, typeDBInstance, typeVault} {
		for _, l := range ofType(res, typ) {
			if !l.res.Protect || !l.res.RetainOnDelete {
				bad(l, "is stateful but not protected and retained on delete (protect %t, retainOnDelete %t)", l.res.Protect, l.res.RetainOnDelete)
			}
			if truthy(inputs(l.res), "forceDestroy") {
				bad(l, "sets forceDestroy: deleting it deletes its contents")
			}
		}
	}
	for _, l := range ofType(res, typeDBInstance) {
		in := inputs(l.res)
		if !truthy(in, "deletionProtection") {
			bad(l, "has no deletion protection")
		}
		if truthy(in, "skipFinalSnapshot") || str(in, "finalSnapshotIdentifier") == "" {
			bad(l, "takes no final snapshot on delete")
		}
		if on, set := boolean(in, "deleteAutomatedBackups"); !set || on {
			bad(l, "deletes its automated backups with it (deleteAutomatedBackups is not false)")
		}
		if n, _ := number(in, "backupRetentionPeriod"); n < 7 {
			bad(l, "keeps automated backups %v days, under 7", n)
		}
	}
	for _, l := range ofType(res, typeFirewall) {
		if !truthy(inputs(l.res), "deleteProtection") {
			bad(l, "has no delete protection")
		}
	}
	locks := map[string]bool{}
	for _, l := range ofType(res, typeBucketObjectLock) {
		mode := str(inputs(l.res), "rule", "defaultRetention", "mode")
		if mode == "COMPLIANCE" || mode == "GOVERNANCE" {
			locks[str(inputs(l.res), "bucket")] = true
		}
	}
	for _, l := range ofType(res, typeTrail) {
		if b := str(inputs(l.res), "s3BucketName"); known(b) && !locks[b] {
			bad(l, "delivers to bucket %q, which has no Object Lock default retention", b)
		}
	}
	// Vault locks live in the security layer: a plan of the organization stack alone cannot see them.
	securityPlanned := false
	for _, s := range allStacks(res) {
		securityPlanned = securityPlanned || s.Layer == "security"
	}
	vaultLocks := map[string]bool{}
	for _, l := range ofType(res, typeVaultLock) {
		vaultLocks[vaultLockARN(l.res.Region, l.res.Account, str(inputs(l.res), "backupVaultName"))] = true
	}
	for _, dest := range copyDestinations(res) {
		if securityPlanned && !vaultLocks[dest.arn] {
			bad(dest.from, "copies recovery points to %s, which has no Vault Lock in the plan", dest.arn)
		}
	}
	return out
}

func vaultLockARN(region, account, name string) string {
	return fmt.Sprintf("arn:aws:backup:%s:%s:backup-vault:%s", region, account, name)
}

type copyDestination struct {
	from located
	arn  string
}

// copyDestinations are the vaults backup plans and organization backup policies copy to.
func copyDestinations(res *plan.Result) []copyDestination {
	var out []copyDestination
	seen := map[string]bool{}
	add := func(l located, arn string) {
		if known(arn) && !seen[l.res.URN+arn] {
			seen[l.res.URN+arn] = true
			out = append(out, copyDestination{l, arn})
		}
	}
	for _, l := range ofType(res, typeBackupPlan) {
		for _, r := range list(inputs(l.res), "rules") {
			for _, c := range list(r, "copyActions") {
				add(l, str(c, "destinationVaultArn"))
			}
		}
	}
	for _, l := range ofType(res, typeOrgPolicy) {
		if str(inputs(l.res), "type") != "BACKUP_POLICY" {
			continue
		}
		var content any
		if json.Unmarshal([]byte(str(inputs(l.res), "content")), &content) != nil {
			continue
		}
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				for k, c := range x {
					if k == "target_backup_vault_arn" {
						if a, ok := path(c, "@@assign").(string); ok && strings.HasPrefix(a, "arn:") {
							add(l, a)
						}
					}
					walk(c)
				}
			case []any:
				for _, c := range x {
					walk(c)
				}
			}
		}
		walk(content)
	}
	return out
}
