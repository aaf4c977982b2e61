package readiness

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

const (
	typeEventRule      = "aws:cloudwatch/eventRule:EventRule"
	typeEventTarget    = "aws:cloudwatch/eventTarget:EventTarget"
	typeEventBusPolicy = "aws:cloudwatch/eventBusPolicy:EventBusPolicy"
	typeMetricAlarm    = "aws:cloudwatch/metricAlarm:MetricAlarm"
	typeTopic          = "aws:sns/topic:Topic"
	typeTopicPolicy    = "aws:sns/topicPolicy:TopicPolicy"
	typeBudget         = "aws:budgets/budget:Budget"
)

// Rule IDs DR040 and up are the operations rules (alerts and alarms), numbered apart from the others.
var alertPublisherCanDeliver = Rule{
	ID:       "DR040",
	Title:    "alert-publisher-can-deliver",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
}

var eventForwardingAdmitted = Rule{
	ID:       "DR041",
	Title:    "event-forwarding-admitted",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html",
}

var globalEventsInUSEast1 = Rule{
	ID:       "DR042",
	Title:    "global-service-events-in-us-east-1",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html#eb-service-event-cloudtrail",
}

// publisher is a rule or an alarm that publishes to an SNS topic.
type publisher struct {
	at      located
	service string
	arn     string
	topic   string
}

// An EventBridge rule, a CloudWatch alarm or an AWS Budgets notification publishing to an encrypted topic is created without error whatever
// the topic and key policies say; each delivery then fails, and nothing reports it but a missing alert. So the
// plan asks, as SNS and KMS would: does the topic policy let this service publish for this rule or alarm (its
// aws:SourceArn), and does the topic's key let the service generate a data key and decrypt.
func checkAlertPublisherCanDeliver(res *plan.Result) []plan.Finding {
	pubs := alertPublishers(res)
	topics := map[string]located{}
	for _, l := range ofType(res, typeTopic) {
		topics[fmt.Sprintf("arn:aws:sns:%s:%s:%s", l.res.Region, l.res.Account, str(inputs(l.res), "name"))] = l
	}
	policies := map[string]iampolicy.Document{}
	for _, l := range ofType(res, typeTopicPolicy) {
		if doc, err := iampolicy.Parse(str(inputs(l.res), "policy")); err == nil {
			policies[str(inputs(l.res), "arn")] = doc
		}
	}
	keys := keysByReference(res)
	var out []plan.Finding
	for _, p := range pubs {
		out = append(out, publisherProblems(p, topics, policies, keys)...)
	}
	return out
}

// alertPublishers are the EventBridge rules, alarms and budgets that publish to SNS topics.
func alertPublishers(res *plan.Result) []publisher {
	var pubs []publisher
	rules := map[string]located{} // account/region/name -> rule
	for _, l := range ofType(res, typeEventRule) {
		rules[l.res.Account+"/"+l.res.Region+"/"+str(inputs(l.res), "name")] = l
	}
	for _, t := range ofType(res, typeEventTarget) {
		in := inputs(t.res)
		arn := str(in, "arn")
		if !strings.HasPrefix(arn, "arn:aws:sns:") {
			continue
		}
		name := str(in, "rule")
		if _, ok := rules[t.res.Account+"/"+t.res.Region+"/"+name]; !ok || !known(name) {
			continue
		}
		ruleARN := fmt.Sprintf("arn:aws:events:%s:%s:rule/%s", t.res.Region, t.res.Account, name)
		if bus := str(in, "eventBusName"); bus != "" && bus != "default" {
			ruleARN = fmt.Sprintf("arn:aws:events:%s:%s:rule/%s/%s", t.res.Region, t.res.Account, bus, name)
		}
		pubs = append(pubs, publisher{at: t, service: "events.amazonaws.com", arn: ruleARN, topic: arn})
	}
	for _, a := range ofType(res, typeMetricAlarm) {
		in := inputs(a.res)
		alarm := fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", a.res.Region, a.res.Account, str(in, "name"))
		for _, key := range []string{"alarmActions", "okActions", "insufficientDataActions"} {
			for _, action := range stringList(in, key) {
				if strings.HasPrefix(action, "arn:aws:sns:") {
					pubs = append(pubs, publisher{at: a, service: "cloudwatch.amazonaws.com", arn: alarm, topic: action})
				}
			}
		}
	}
	for _, b := range ofType(res, typeBudget) {
		budget := fmt.Sprintf("arn:aws:budgets::%s:budget/%s", b.res.Account, str(inputs(b.res), "name"))
		seen := map[string]bool{}
		for _, n := range list(inputs(b.res), "notifications") {
			for _, topic := range stringList(n, "subscriberSnsTopicArns") {
				if strings.HasPrefix(topic, "arn:aws:sns:") && !seen[topic] {
					seen[topic] = true
					pubs = append(pubs, publisher{at: b, service: "budgets.amazonaws.com", arn: budget, topic: topic})
				}
			}
		}
	}
	return pubs
}

// publisherProblems checks one publisher against its topic's policy and key.
func publisherProblems(p publisher, topics map[string]located, policies map[string]iampolicy.Document, keys map[string]located) []plan.Finding {
	var out []plan.Finding
	report := func(format string, args ...any) {
		out = append(out, alertPublisherCanDeliver.finding(p.at.res.URN, fmt.Sprintf("%s publishes to %s: ", p.at.res.Name, p.topic)+fmt.Sprintf(format, args...)))
	}
	acct := p.at.res.Account
	doc, ok := policies[p.topic]
	if !ok {
		if _, planned := topics[p.topic]; planned {
			report("the topic has no topic policy, and the default one does not admit %s", p.service)
		}
		return out
	}
	d := iampolicy.Evaluate(doc, iampolicy.Request{Service: p.service, Action: "sns:Publish", Resource: p.topic,
		Context: map[string]string{"aws:SourceArn": p.arn, "aws:SourceAccount": acct, "aws:SecureTransport": "true"}})
	if !d.Allowed {
		report("the topic policy does not let %s publish for %s (%s)", p.service, p.arn, d.Reason)
	}
	topic, ok := topics[p.topic]
	if !ok {
		return out
	}
	keyRef := str(inputs(topic.res), "kmsMasterKeyId")
	if keyRef == "" || strings.HasPrefix(keyRef, "alias/aws/") {
		if keyRef != "" {
			report("the topic is encrypted with the AWS managed key %s, whose policy cannot admit %s: use a customer managed key", keyRef, p.service)
		}
		return out
	}
	key, ok := keys[keyRef]
	if !ok {
		return out
	}
	kdoc, err := iampolicy.Parse(str(inputs(key.res), "policy"))
	if err != nil {
		return out
	}
	for _, action := range []string{"kms:GenerateDataKey", "kms:Decrypt"} {
		d := iampolicy.Evaluate(kdoc, iampolicy.Request{Service: p.service, Action: action, Resource: "*",
			Context: map[string]string{"aws:SourceArn": p.arn, "aws:SourceAccount": acct}})
		if !d.Allowed {
			report("the topic's key %s does not let %s %s (%s)", key.res.Name, p.service, action, d.Reason)
		}
	}
	return out
}

// A rule targeting an event bus of another account or region puts events there through the role it names (AWS
// recommends one for every bus target, and requires it across regions); across accounts the destination bus's
// resource policy must admit that role (or its account), or every event is dropped.
func checkEventForwardingAdmitted(res *plan.Result) []plan.Finding {
	busPolicies := map[string][]iampolicy.Document{} // bus ARN -> policies
	for _, l := range ofType(res, typeEventBusPolicy) {
		bus := str(inputs(l.res), "eventBusName")
		if bus == "" {
			bus = "default"
		}
		arn := fmt.Sprintf("arn:aws:events:%s:%s:event-bus/%s", l.res.Region, l.res.Account, bus)
		if doc, err := iampolicy.Parse(str(inputs(l.res), "policy")); err == nil {
			busPolicies[arn] = append(busPolicies[arn], doc)
		}
	}
	var out []plan.Finding
	for _, t := range ofType(res, typeEventTarget) {
		in := inputs(t.res)
		bus := str(in, "arn")
		parts := strings.Split(bus, ":")
		if !strings.HasPrefix(bus, "arn:aws:events:") || len(parts) < 6 || !strings.HasPrefix(parts[5], "event-bus/") {
			continue
		}
		region, account := parts[3], parts[4]
		if region == t.res.Region && account == t.res.Account {
			continue
		}
		role := str(in, "roleArn")
		if role == "" {
			out = append(out, eventForwardingAdmitted.finding(t.res.URN, fmt.Sprintf(
				"%s sends events to %s in another account or region without a roleArn: EventBridge needs a role to put events on another bus", t.res.Name, bus)))
			continue
		}
		if account == t.res.Account {
			continue
		}
		if !busAdmits(busPolicies[bus], role, t.res.Account, bus) {
			out = append(out, eventForwardingAdmitted.finding(t.res.URN, fmt.Sprintf(
				"%s sends events to %s through %s, but no planned policy of that bus allows events:PutEvents for the role or account %s",
				t.res.Name, bus, role, t.res.Account)))
		}
	}
	return out
}

// busAdmits reports whether a policy allows events:PutEvents on the bus to the role or its whole account.
func busAdmits(docs []iampolicy.Document, role, account, bus string) bool {
	for _, doc := range docs {
		for _, st := range doc.Statement {
			if st.Effect != iampolicy.Allow || st.Principal == nil || !st.CoversAction("events:PutEvents") || !st.CoversResource(bus) {
				continue
			}
			if namesPrincipal(st, func(p string) bool {
				return p == "*" || p == role || p == account || p == "arn:aws:iam::"+account+":root"
			}) {
				return true
			}
		}
	}
	return false
}

// globalServiceSources are the EventBridge sources of global services, whose CloudTrail events are delivered in
// us-east-1 only.
var globalServiceSources = map[string]bool{"aws.iam": true, "aws.organizations": true, "aws.signin": true,
	"aws.cloudfront": true, "aws.route53": true, "aws.account": true}

// A rule matching only global services' CloudTrail events anywhere but us-east-1 is created and never fires.
func checkGlobalEventsInUSEast1(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	for _, l := range ofType(res, typeEventRule) {
		text := str(inputs(l.res), "eventPattern")
		if !known(text) || l.res.Region == "us-east-1" {
			continue
		}
		var p map[string]any
		if err := json.Unmarshal([]byte(text), &p); err != nil {
			out = append(out, globalEventsInUSEast1.finding(l.res.URN, fmt.Sprintf("%s eventPattern is not JSON: %v", l.res.Name, err)))
			continue
		}
		sources := stringList(p, "source")
		if len(sources) == 0 {
			continue
		}
		global := true
		for _, s := range sources {
			global = global && globalServiceSources[s]
		}
		if global {
			out = append(out, globalEventsInUSEast1.finding(l.res.URN, fmt.Sprintf(
				"%s in %s matches only global services (%s), whose events EventBridge delivers in us-east-1 only: the rule never fires",
				l.res.Name, l.res.Region, strings.Join(sources, ", "))))
		}
	}
	return out
}
