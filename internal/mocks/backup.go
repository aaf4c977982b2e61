package mocks

import "fmt"

// backupHandlers answer AWS Backup: vaults, backup plans and restore testing plans.
var backupHandlers = map[string]handler{
	"aws:backup/vault:Vault": func(r *registration) {
		r.id = r.name
		r.set("arn", fmt.Sprintf("arn:aws:backup:%s:%s:backup-vault:%s", r.region, r.acct, r.name))
		r.set("recoveryPoints", 0)
	},
	"aws:backup/plan:Plan": func(r *registration) {
		r.id = uuid(r.urn)
		r.set("arn", fmt.Sprintf("arn:aws:backup:%s:%s:backup-plan:%s", r.region, r.acct, r.id))
		r.set("version", hexID(r.urn, 32))
	},
	"aws:backup/restoreTestingPlan:RestoreTestingPlan": func(r *registration) {
		r.id = r.in("name")
		r.set("arn", fmt.Sprintf("arn:aws:backup:%s:%s:restore-testing-plan:%s-%s", r.region, r.acct, r.id, uuid(r.urn)))
	},
}
