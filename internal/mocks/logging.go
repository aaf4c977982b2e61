package mocks

import "fmt"

// loggingHandlers answer AWS CloudTrail and CloudWatch Logs: trails, CloudTrail's delegated administrator and
// log groups.
var loggingHandlers = map[string]handler{
	"aws:cloudwatch/logGroup:LogGroup": func(r *registration) {
		r.id = r.name
		r.set("arn", fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", r.region, r.acct, r.name))
	},
	"aws:cloudtrail/trail:Trail": func(r *registration) {
		arn := fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", r.region, r.acct, r.name)
		r.id = arn
		r.set("arn", arn)
		r.set("homeRegion", r.region)
	},
	"aws:cloudtrail/organizationDelegatedAdminAccount:OrganizationDelegatedAdminAccount": organizationAdminAccount,
}
