package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

const (
	mgmtAccount    = "100000000000"
	networkAccount = "200000000000"
	auditAccount   = "300000000000"
	orgID          = "o-abc123"
)

func orgStack() plan.StackPlan {
	s := stack("org", "organization")
	s.Outputs = map[string]any{"organizationId": orgID, "managementAccountId": mgmtAccount,
		"accountIds": map[string]any{"networking": networkAccount, "security-tooling": auditAccount}}
	return s
}

// logBucket is a bucket in the security stack with a policy that denies plain HTTP and allows the statements.
func logBucket(name string, allow ...iampolicy.Statement) []plan.Resource {
	sts := append([]iampolicy.Statement{iampolicy.DenyInsecureTransport([]string{"s3:*"}, "arn:aws:s3:::"+name, "arn:aws:s3:::"+name+"/*")}, allow...)
	return []plan.Resource{
		res("security", typeBucket, name, map[string]any{"bucket": name}),
		res("security", typeBucketPolicy, name+"-policy", map[string]any{"bucket": name, "policy": policy(sts...)}),
	}
}

func allowWrite(service, resource string, cond iampolicy.Condition) iampolicy.Statement {
	return iampolicy.Statement{Sid: "ServiceWrite", Effect: iampolicy.Allow, Principal: &iampolicy.Principal{Service: []string{service}},
		Action: []string{"s3:PutObject"}, Resource: []string{resource}, Condition: cond}
}

func sourceAccounts(accounts ...string) iampolicy.Condition {
	return iampolicy.Condition{"StringEquals": {"aws:SourceAccount": accounts}}
}

func TestLogDeliveryPathAllowed(t *testing.T) {
	inNetwork := at(networkAccount, "us-east-1")
	firewallLogging := func(prefix string) plan.Resource {
		dest := map[string]any{"bucketName": "fw-logs"}
		if prefix != "" {
			dest["prefix"] = prefix
		}
		return res("network", typeFirewallLogging, "fw-logging", map[string]any{"loggingConfiguration": map[string]any{
			"logDestinationConfigs": []any{
				map[string]any{"logDestinationType": "S3", "logType": "FLOW", "logDestination": dest},
				map[string]any{"logDestinationType": "CloudWatchLogs", "logType": "ALERT", "logDestination": map[string]any{"logGroup": "g"}},
			}}}, inNetwork)
	}
	flowLog := func(dest string, hive bool) plan.Resource {
		return res("network", typeFlowLog, "vpc-flow-logs", map[string]any{"logDestinationType": "s3", "logDestination": dest,
			"destinationOptions": map[string]any{"hiveCompatiblePartitions": hive}}, inNetwork)
	}
	delivery := logBucket("delivery-logs", allowWrite("delivery.logs.amazonaws.com", "arn:aws:s3:::delivery-logs/AWSLogs/*",
		iampolicy.Condition{"StringEquals": {"aws:SourceAccount": {networkAccount}}, "ArnLike": {"aws:SourceArn": {"arn:aws:logs:*:" + networkAccount + ":*"}}}))
	firewall := logBucket("fw-logs", allowWrite("delivery.logs.amazonaws.com", "arn:aws:s3:::fw-logs/AWSLogs/*", sourceAccounts(networkAccount)))
	security := func(rs ...[]plan.Resource) plan.StackPlan {
		var all []plan.Resource
		for _, r := range rs {
			all = append(all, r...)
		}
		return stack("security", "security", all...)
	}
	network := func(rs ...plan.Resource) plan.StackPlan { return stack("network", "network", rs...) }
	fwURN, flowURN := urn("network", typeFirewallLogging, "fw-logging"), urn("network", typeFlowLog, "vpc-flow-logs")

	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"firewall logs at the top of the bucket", result(orgStack(), security(firewall), network(firewallLogging(""))), nil},
		{"firewall logs under a prefix the policy does not allow", result(orgStack(), security(firewall), network(firewallLogging("network-firewall/FLOW"))),
			[]want{{fwURN, "cannot write s3://fw-logs/network-firewall/FLOW/AWSLogs/" + networkAccount + "/network-firewall/flow/us-east-1/x as delivery.logs.amazonaws.com"}}},
		{"flow log", result(orgStack(), security(delivery), network(flowLog("arn:aws:s3:::delivery-logs", false))), nil},
		{"flow log with Hive partitions", result(orgStack(), security(delivery), network(flowLog("arn:aws:s3:::delivery-logs", true))), nil},
		{"flow log under a prefix", result(orgStack(), security(delivery), network(flowLog("arn:aws:s3:::delivery-logs/vpc/", false))),
			[]want{{flowURN, "s3://delivery-logs/vpc/AWSLogs/" + networkAccount + "/vpcflowlogs/us-east-1/x"}}},
		{"policy allows only the organization", result(orgStack(), security(logBucket("delivery-logs", allowWrite("delivery.logs.amazonaws.com",
			"arn:aws:s3:::delivery-logs/AWSLogs/*", iampolicy.Condition{"StringEquals": {"aws:SourceOrgID": {orgID}}}))),
			network(flowLog("arn:aws:s3:::delivery-logs", false))), nil},
		{"policy allows another account", result(orgStack(), security(logBucket("delivery-logs", allowWrite("delivery.logs.amazonaws.com",
			"arn:aws:s3:::delivery-logs/AWSLogs/*", sourceAccounts(auditAccount)))), network(flowLog("arn:aws:s3:::delivery-logs", false))),
			[]want{{flowURN, "no Allow statement matches"}}},
		{"bucket with no policy", result(orgStack(), stack("security", "security", res("security", typeBucket, "delivery-logs",
			map[string]any{"bucket": "delivery-logs"})), network(flowLog("arn:aws:s3:::delivery-logs", false))),
			[]want{{flowURN, `writes to bucket "delivery-logs", which has no bucket policy`}}},
		{"bucket not in the plan", result(orgStack(), network(flowLog("arn:aws:s3:::elsewhere", false))),
			[]want{{flowURN, `writes to bucket "elsewhere", which is not in the plan`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, logDeliveryPathAllowed, tt.res, tt.wants...) })
	}
}

func TestLogDeliveryOfConfigTrailAndGuardDuty(t *testing.T) {
	inAudit := at(auditAccount, "us-east-1")
	channel := res("security", typeDeliveryChannel, "config", map[string]any{"s3BucketName": "config-logs", "s3KeyPrefix": "cfg"}, at(networkAccount, "us-west-2"))
	configAllowed := logBucket("config-logs", allowWrite("config.amazonaws.com", "arn:aws:s3:::config-logs/cfg/AWSLogs/*/Config/*", sourceAccounts(networkAccount)))
	// AWS Config sends no aws:SourceArn for deliveries, so a policy that requires one refuses them.
	configNeedsARN := logBucket("config-logs", allowWrite("config.amazonaws.com", "arn:aws:s3:::config-logs/cfg/AWSLogs/*",
		iampolicy.Condition{"ArnLike": {"aws:SourceArn": {"arn:aws:config:*:" + networkAccount + ":*"}}}))

	trail := res("security", typeTrail, "org-trail", map[string]any{"name": "org-trail", "s3BucketName": "trail-logs",
		"isOrganizationTrail": true}, inAudit)
	trailArn := "arn:aws:cloudtrail:us-east-1:" + mgmtAccount + ":trail/org-trail"
	trailAllowed := logBucket("trail-logs", allowWrite("cloudtrail.amazonaws.com", "arn:aws:s3:::trail-logs/AWSLogs/*",
		iampolicy.Condition{"StringEquals": {"aws:SourceArn": {trailArn}}}))
	trailManagementOnly := logBucket("trail-logs", allowWrite("cloudtrail.amazonaws.com", "arn:aws:s3:::trail-logs/AWSLogs/"+mgmtAccount+"/*",
		iampolicy.Condition{"StringEquals": {"aws:SourceArn": {trailArn}}}))
	// The delegated administrator creates the trail, but the management account owns it.
	trailDelegatedOwner := logBucket("trail-logs", allowWrite("cloudtrail.amazonaws.com", "arn:aws:s3:::trail-logs/AWSLogs/*", sourceAccounts(auditAccount)))

	export := res("security", typeGuardDutyExport, "gd-export", map[string]any{"destinationArn": "arn:aws:s3:::gd-logs/findings",
		"detectorId": "d123"}, inAudit)
	gdAllowed := logBucket("gd-logs", allowWrite("guardduty.amazonaws.com", "arn:aws:s3:::gd-logs/findings/AWSLogs/"+auditAccount+"/GuardDuty/*",
		iampolicy.Condition{"StringEquals": {"aws:SourceArn": {"arn:aws:guardduty:us-east-1:" + auditAccount + ":detector/d123"}}}))
	gdOtherDetector := logBucket("gd-logs", allowWrite("guardduty.amazonaws.com", "arn:aws:s3:::gd-logs/*",
		iampolicy.Condition{"StringEquals": {"aws:SourceArn": {"arn:aws:guardduty:us-east-1:" + auditAccount + ":detector/other"}}}))

	sec := func(writer plan.Resource, bucket []plan.Resource) plan.StackPlan {
		return stack("security", "security", append([]plan.Resource{writer}, bucket...)...)
	}
	channelURN, trailURN, exportURN := urn("security", typeDeliveryChannel, "config"), urn("security", typeTrail, "org-trail"), urn("security", typeGuardDutyExport, "gd-export")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"config", result(orgStack(), sec(channel, configAllowed)), nil},
		{"config against a policy requiring a source ARN", result(orgStack(), sec(channel, configNeedsARN)),
			[]want{{channelURN, "s3://config-logs/cfg/AWSLogs/" + networkAccount + "/Config/x as config.amazonaws.com"}}},
		{"organization trail", result(orgStack(), sec(trail, trailAllowed)), nil},
		{"organization trail without the member path", result(orgStack(), sec(trail, trailManagementOnly)),
			[]want{{trailURN, "s3://trail-logs/AWSLogs/" + orgID + "/" + networkAccount + "/x"}}},
		{"organization trail scoped to the delegated administrator", result(orgStack(), sec(trail, trailDelegatedOwner)),
			[]want{{trailURN, "s3://trail-logs/AWSLogs/" + mgmtAccount + "/x"}, {trailURN, "s3://trail-logs/AWSLogs/" + orgID + "/"}}},
		{"organization trail without the organization stack", result(sec(trail, trailAllowed)),
			[]want{{trailURN, "no organization stack outputs"}}},
		{"guardduty export", result(orgStack(), sec(export, gdAllowed)), nil},
		{"guardduty export for another detector", result(orgStack(), sec(export, gdOtherDetector)),
			[]want{{exportURN, "s3://gd-logs/findings/AWSLogs/" + auditAccount + "/GuardDuty/us-east-1/x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, logDeliveryPathAllowed, tt.res, tt.wants...) })
	}
}
