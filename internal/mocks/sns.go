package mocks

import "fmt"

// snsHandlers answer Amazon SNS: topics, topic policies and subscriptions.
var snsHandlers = map[string]handler{
	"aws:sns/topic:Topic": func(r *registration) {
		arn := fmt.Sprintf("arn:aws:sns:%s:%s:%s", r.region, r.acct, r.name)
		r.id = arn
		r.set("name", r.name)
		r.set("arn", arn)
		r.set("owner", r.acct)
	},
	"aws:sns/topicPolicy:TopicPolicy": func(r *registration) {
		r.id = r.in("arn")
		r.set("owner", r.acct)
	},
	"aws:sns/topicSubscription:TopicSubscription": func(r *registration) {
		r.id = r.in("topic") + ":" + uuid(r.urn)
		r.set("arn", r.id)
	},
}
