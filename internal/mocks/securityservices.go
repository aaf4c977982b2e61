package mocks

import "fmt"

// securityServicesHandlers answer the detective services: GuardDuty, Security Hub, AWS Config and IAM Access
// Analyzer, with their delegated administrators.
var securityServicesHandlers = map[string]handler{
	"aws:guardduty/organizationAdminAccount:OrganizationAdminAccount":   organizationAdminAccount,
	"aws:securityhub/organizationAdminAccount:OrganizationAdminAccount": organizationAdminAccount,
	"aws:guardduty/detector:Detector": func(r *registration) {
		r.id = hexID(r.urn, 32)
		r.set("accountId", r.acct)
		r.set("arn", fmt.Sprintf("arn:aws:guardduty:%s:%s:detector/%s", r.region, r.acct, r.id))
	},
	"aws:securityhub/account:Account": func(r *registration) {
		r.id = r.acct
		r.set("arn", fmt.Sprintf("arn:aws:securityhub:%s:%s:hub/default", r.region, r.acct))
	},
	"aws:securityhub/findingAggregator:FindingAggregator": func(r *registration) {
		r.id = fmt.Sprintf("arn:aws:securityhub:%s:%s:finding-aggregator/%s", r.region, r.acct, uuid(r.urn))
	},
	"aws:securityhub/configurationPolicy:ConfigurationPolicy": func(r *registration) {
		r.id = uuid(r.urn)
		r.set("arn", fmt.Sprintf("arn:aws:securityhub:%s:%s:configuration-policy/%s", r.region, r.acct, r.id))
	},
	"aws:cfg/configurationAggregator:ConfigurationAggregator": func(r *registration) {
		r.id = r.name
		r.set("arn", fmt.Sprintf("arn:aws:config:%s:%s:config-aggregator/config-aggregator-%s", r.region, r.acct, lowerAlnum(r.urn, 8)))
	},
	"aws:cfg/recorder:Recorder":               idIsName,
	"aws:cfg/deliveryChannel:DeliveryChannel": idIsName,
	"aws:cfg/recorderStatus:RecorderStatus":   idIsName,
	"aws:accessanalyzer/analyzer:Analyzer": func(r *registration) {
		r.id = r.in("analyzerName")
		r.set("arn", fmt.Sprintf("arn:aws:access-analyzer:%s:%s:analyzer/%s", r.region, r.acct, r.id))
	},
}

// idIsName answers a resource whose physical ID is its name.
func idIsName(r *registration) { r.id = r.name }
