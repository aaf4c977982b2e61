package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

const (
	toolAcct = "100000000002"
	mgmtAcct = "100000000001"
	topicARN = "arn:aws:sns:us-east-1:" + toolAcct + ":alerts-critical"
	ruleARN  = "arn:aws:events:us-east-1:" + toolAcct + ":rule/alerts-root"
)

func topicKey(service string, account string) plan.Resource {
	return res("security", typeKey, "alerts-key", map[string]any{"policy": policy(
		iampolicy.AccountAdministers(toolAcct),
		iampolicy.Statement{Effect: iampolicy.Allow, Principal: &iampolicy.Principal{Service: []string{service}},
			Action: []string{"kms:GenerateDataKey*", "kms:Decrypt"}, Resource: []string{"*"},
			Condition: iampolicy.Condition{"StringEquals": {"aws:SourceAccount": {account}}}})},
		at(toolAcct, "us-east-1"), withID("1234abcd-0000-0000-0000-000000000000"))
}

func alertGraph(key plan.Resource, keyRef string, publishers ...string) *plan.Result {
	in := func(m map[string]any) map[string]any { return m }
	topicPolicy := policy(iampolicy.Statement{Effect: iampolicy.Allow, Principal: &iampolicy.Principal{Service: []string{"events.amazonaws.com"}},
		Action: []string{"sns:Publish"}, Resource: []string{topicARN},
		Condition: iampolicy.Condition{"ArnEquals": {"aws:SourceArn": publishers}}})
	return result(stack("security", "security",
		key,
		res("security", typeTopic, "alerts-critical", in(map[string]any{"name": "alerts-critical", "kmsMasterKeyId": keyRef}), at(toolAcct, "us-east-1")),
		res("security", typeTopicPolicy, "alerts-critical-policy", map[string]any{"arn": topicARN, "policy": topicPolicy}, at(toolAcct, "us-east-1")),
		res("security", typeEventRule, "alerts-root", map[string]any{"name": "alerts-root"}, at(toolAcct, "us-east-1")),
		res("security", typeEventTarget, "alerts-root-target", map[string]any{"rule": "alerts-root", "arn": topicARN}, at(toolAcct, "us-east-1")),
	))
}

func TestAlertPublisherCanDeliver(t *testing.T) {
	keyARN := "arn:aws:kms:us-east-1:" + toolAcct + ":key/1234abcd-0000-0000-0000-000000000000"
	target := urn("security", typeEventTarget, "alerts-root-target")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"rule named, key admits EventBridge", alertGraph(topicKey("events.amazonaws.com", toolAcct), keyARN, ruleARN), nil},
		{"topic policy names another rule", alertGraph(topicKey("events.amazonaws.com", toolAcct), keyARN, "arn:aws:events:us-east-1:"+toolAcct+":rule/other"),
			[]want{{target, "the topic policy does not let events.amazonaws.com publish for " + ruleARN}}},
		{"key admits CloudWatch only", alertGraph(topicKey("cloudwatch.amazonaws.com", toolAcct), keyARN, ruleARN),
			[]want{{target, "does not let events.amazonaws.com kms:GenerateDataKey"}, {target, "does not let events.amazonaws.com kms:Decrypt"}}},
		{"key admits another account", alertGraph(topicKey("events.amazonaws.com", "999999999999"), keyARN, ruleARN),
			[]want{{target, "does not let events.amazonaws.com kms:GenerateDataKey"}, {target, "does not let events.amazonaws.com kms:Decrypt"}}},
		{"AWS managed key", alertGraph(topicKey("events.amazonaws.com", toolAcct), "alias/aws/sns", ruleARN),
			[]want{{target, "encrypted with the AWS managed key alias/aws/sns"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, alertPublisherCanDeliver, tt.res, tt.wants...) })
	}

	// An alarm publishing to a topic whose policy admits EventBridge only.
	g := alertGraph(topicKey("events.amazonaws.com", toolAcct), keyARN, ruleARN)
	g.Stacks[0].Resources = append(g.Stacks[0].Resources, res("security", typeMetricAlarm, "cpu",
		map[string]any{"name": "cpu", "alarmActions": []any{topicARN}}, at(toolAcct, "us-east-1")))
	alarm := urn("security", typeMetricAlarm, "cpu")
	expect(t, alertPublisherCanDeliver, g,
		want{alarm, "the topic policy does not let cloudwatch.amazonaws.com publish"},
		want{alarm, "does not let cloudwatch.amazonaws.com kms:GenerateDataKey"},
		want{alarm, "does not let cloudwatch.amazonaws.com kms:Decrypt"})

	// A budget notifying (twice) a topic whose policy and key admit EventBridge only: one finding per check.
	g = alertGraph(topicKey("events.amazonaws.com", toolAcct), keyARN, ruleARN)
	notify := map[string]any{"subscriberSnsTopicArns": []any{topicARN}}
	g.Stacks[0].Resources = append(g.Stacks[0].Resources, res("security", typeBudget, "compute",
		map[string]any{"name": "compute", "notifications": []any{notify, notify}}, at(toolAcct, "us-east-1")))
	budget := urn("security", typeBudget, "compute")
	expect(t, alertPublisherCanDeliver, g,
		want{budget, "the topic policy does not let budgets.amazonaws.com publish for arn:aws:budgets::" + toolAcct + ":budget/compute"},
		want{budget, "does not let budgets.amazonaws.com kms:GenerateDataKey"},
		want{budget, "does not let budgets.amazonaws.com kms:Decrypt"})
}

func TestEventForwardingAdmitted(t *testing.T) {
	bus := "arn:aws:events:us-east-1:" + toolAcct + ":event-bus/default"
	role := "arn:aws:iam::" + mgmtAcct + ":role/forward"
	forward := func(roleARN string, account string, policyPrincipal string) *plan.Result {
		in := map[string]any{"rule": "fwd", "arn": bus}
		if roleARN != "" {
			in["roleArn"] = roleARN
		}
		return result(stack("security", "security",
			res("security", typeEventTarget, "fwd-target", in, at(account, "us-west-2")),
			res("security", typeEventBusPolicy, "bus-policy", map[string]any{"eventBusName": "default", "policy": policy(iampolicy.Statement{
				Effect: iampolicy.Allow, Principal: &iampolicy.Principal{AWS: []string{policyPrincipal}},
				Action: []string{"events:PutEvents"}, Resource: []string{bus}})}, at(toolAcct, "us-east-1")),
		))
	}
	target := urn("security", typeEventTarget, "fwd-target")
	expect(t, eventForwardingAdmitted, forward(role, mgmtAcct, role))
	expect(t, eventForwardingAdmitted, forward("arn:aws:iam::"+toolAcct+":role/fwd", toolAcct, role), nil...)
	expect(t, eventForwardingAdmitted, forward("", mgmtAcct, role), want{target, "without a roleArn"})
	expect(t, eventForwardingAdmitted, forward(role, mgmtAcct, "arn:aws:iam::"+mgmtAcct+":role/someone-else"),
		want{target, "no planned policy of that bus allows events:PutEvents for the role or account " + mgmtAcct})
}

func TestGlobalEventsInUSEast1(t *testing.T) {
	rule := func(region, pattern string) *plan.Result {
		return result(stack("security", "security", res("security", typeEventRule, "r", map[string]any{"eventPattern": pattern}, at(mgmtAcct, region))))
	}
	r := urn("security", typeEventRule, "r")
	orgs := `{"source":["aws.organizations"],"detail-type":["AWS API Call via CloudTrail"]}`
	expect(t, globalEventsInUSEast1, rule("us-east-1", orgs))
	expect(t, globalEventsInUSEast1, rule("us-west-2", `{"source":["aws.cloudtrail"]}`))
	expect(t, globalEventsInUSEast1, rule("us-west-2", orgs), want{r, "matches only global services (aws.organizations)"})
	expect(t, globalEventsInUSEast1, rule("us-west-2", `{"source":["aws.signin","aws.iam"]}`), want{r, "never fires"})
}
