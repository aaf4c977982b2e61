package mocks

import "fmt"

// ramHandlers answer AWS Resource Access Manager: resource shares.
var ramHandlers = map[string]handler{
	"aws:ram/resourceShare:ResourceShare": func(r *registration) {
		r.id = fmt.Sprintf("arn:aws:ram:%s:%s:resource-share/%s", r.region, r.acct, uuid(r.urn))
		r.set("arn", r.id)
	},
}
