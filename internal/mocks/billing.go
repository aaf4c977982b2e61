package mocks

import "fmt"

// billingHandlers answer AWS Budgets and Cost Explorer: budgets, budget actions, anomaly monitors and
// subscriptions, cost allocation tags.
var billingHandlers = map[string]handler{
	"aws:budgets/budget:Budget": func(r *registration) {
		r.id = r.acct + ":" + r.name
		r.set("name", r.name)
		r.set("accountId", r.acct)
		r.set("arn", fmt.Sprintf("arn:aws:budgets::%s:budget/%s", r.acct, r.name))
	},
	"aws:budgets/budgetAction:BudgetAction": func(r *registration) {
		actionID := uuid(r.urn)
		r.id = r.acct + ":" + actionID + ":" + r.in("budgetName")
		r.set("actionId", actionID)
		r.set("status", "STANDBY")
		r.set("arn", fmt.Sprintf("arn:aws:budgets::%s:budget/%s/action/%s", r.acct, r.in("budgetName"), actionID))
	},
	"aws:costexplorer/anomalyMonitor:AnomalyMonitor": func(r *registration) {
		r.id = fmt.Sprintf("arn:aws:ce::%s:anomalymonitor/%s", r.acct, uuid(r.urn))
		r.set("arn", r.id)
	},
	"aws:costexplorer/anomalySubscription:AnomalySubscription": func(r *registration) {
		r.id = fmt.Sprintf("arn:aws:ce::%s:anomalysubscription/%s", r.acct, uuid(r.urn))
		r.set("arn", r.id)
		r.set("accountId", r.acct)
	},
	"aws:costexplorer/costAllocationTag:CostAllocationTag": func(r *registration) {
		r.id = r.in("tagKey")
		r.set("type", "UserDefined")
	},
}
