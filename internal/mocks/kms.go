package mocks

import "fmt"

// kmsHandlers answer AWS KMS: keys (UUID key IDs) and aliases.
var kmsHandlers = map[string]handler{
	"aws:kms/key:Key": func(r *registration) {
		r.id = uuid(r.urn)
		r.set("keyId", r.id)
		r.set("arn", fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", r.region, r.acct, r.id))
	},
	"aws:kms/alias:Alias": func(r *registration) {
		r.id = r.name
		r.set("arn", fmt.Sprintf("arn:aws:kms:%s:%s:%s", r.region, r.acct, r.name))
		r.set("targetKeyArn", fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", r.region, r.acct, uuid(r.in("targetKeyId"))))
	},
}
