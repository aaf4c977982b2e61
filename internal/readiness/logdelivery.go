package readiness

import (
	"fmt"
	"sort"
	"strings"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

const (
	typeFirewallLogging = "aws:networkfirewall/loggingConfiguration:LoggingConfiguration"
	typeFlowLog         = "aws:ec2/flowLog:FlowLog"
	typeTrail           = "aws:cloudtrail/trail:Trail"
	typeGuardDutyExport = "aws:guardduty/publishingDestination:PublishingDestination"
)

// The bucket-policy pages of each log writer: the finding names the one for the writer it is about.
const (
	docFirewallLogs  = "https://docs.aws.amazon.com/network-firewall/latest/developerguide/logging-s3.html"
	docFlowLogs      = "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html"
	docConfigBucket  = "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html"
	docTrailBucket   = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html"
	docGuardDutyLogs = "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html"
)

var logDeliveryPathAllowed = Rule{
	ID:       "DR005",
	Title:    "log-delivery-path-allowed",
	Severity: High,
	Doc:      docFirewallLogs,
}

// writer is one service writing log objects into a bucket on behalf of one resource.
type writer struct {
	at      located
	what    string
	service string
	bucket  string
	keys    []string
	context map[string]string
	doc     string
}

// Every log writer is created without error whatever the bucket policy says; it is the first delivery, minutes
// later, that fails, and nothing reports it but a missing object. So the plan asks the destination bucket's
// policy, as S3 would, whether the write each writer will make is allowed: the object key (prefix, AWSLogs,
// account, service layout) and the condition keys the service sends.
func checkLogDeliveryPathAllowed(res *plan.Result) []plan.Finding {
	org := orgOutputs(res)
	orgID, _ := org["organizationId"].(string)
	var out []plan.Finding
	var writers []writer
	report := func(at located, msg string) {
		out = append(out, logDeliveryPathAllowed.finding(at.res.URN, msg))
	}
	for _, l := range ofType(res, typeFirewallLogging) {
		writers = append(writers, firewallWriters(l)...)
	}
	for _, l := range ofType(res, typeFlowLog) {
		writers = append(writers, flowLogWriters(l)...)
	}
	for _, l := range ofType(res, typeDeliveryChannel) {
		writers = append(writers, configWriters(l)...)
	}
	for _, l := range ofType(res, typeTrail) {
		w, err := trailWriters(l, org)
		if err != "" {
			report(l, err)
			continue
		}
		writers = append(writers, w...)
	}
	for _, l := range ofType(res, typeGuardDutyExport) {
		writers = append(writers, guardDutyWriters(l)...)
	}
	for _, l := range ofType(res, typeIngressClassParams) {
		writers = append(writers, albLogWriters(l)...)
	}

	policies := bucketPolicies(res)
	buckets := map[string]bool{}
	for _, b := range ofType(res, typeBucket) {
		buckets[str(inputs(b.res), "bucket")] = true
	}
	for _, w := range writers {
		if !known(w.bucket) {
			continue
		}
		bp, ok := policies[w.bucket]
		if !ok {
			if buckets[w.bucket] {
				report(w.at, fmt.Sprintf("%s %s writes to bucket %q, which has no bucket policy: %s cannot write to it (see %s)",
					w.what, w.at.res.Name, w.bucket, w.service, w.doc))
			} else {
				report(w.at, fmt.Sprintf("%s %s writes to bucket %q, which is not in the plan: its policy cannot be checked (see %s)",
					w.what, w.at.res.Name, w.bucket, w.doc))
			}
			continue
		}
		ctx := map[string]string{"aws:SecureTransport": "true"}
		if orgID != "" {
			ctx["aws:SourceOrgID"] = orgID
		}
		for k, v := range w.context {
			ctx[k] = v
		}
		for _, key := range w.keys {
			d := iampolicy.Evaluate(bp.doc, iampolicy.Request{Service: w.service, Action: "s3:PutObject",
				Resource: "arn:aws:s3:::" + w.bucket + "/" + key, Context: ctx})
			if d.Allowed {
				continue
			}
			report(w.at, fmt.Sprintf("%s %s cannot write s3://%s/%s as %s with %s: bucket policy %s (stack %s): %s (see %s)",
				w.what, w.at.res.Name, w.bucket, key, w.service, describeContext(ctx), bp.at.res.Name, bp.at.stack.Name, d.Reason, w.doc))
		}
	}
	return out
}

type bucketPolicy struct {
	at  located
	doc iampolicy.Document
}

// bucketPolicies maps a bucket name to its policy: the BucketPolicy whose bucket input, or whose statements'
// resources, name the bucket, in any stack.
func bucketPolicies(res *plan.Result) map[string]bucketPolicy {
	out := map[string]bucketPolicy{}
	for _, l := range ofType(res, typeBucketPolicy) {
		doc, err := iampolicy.Parse(str(inputs(l.res), "policy"))
		if err != nil {
			continue
		}
		names := []string{str(inputs(l.res), "bucket")}
		for _, st := range doc.Statement {
			for _, r := range st.Resource {
				if b, _, ok := bucketFromARN(r); ok {
					names = append(names, b)
				}
			}
		}
		for _, n := range names {
			if _, taken := out[n]; !taken && known(n) {
				out[n] = bucketPolicy{l, doc}
			}
		}
	}
	return out
}

func describeContext(ctx map[string]string) string {
	keys := make([]string, 0, len(ctx))
	for k := range ctx {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + ctx[k]
	}
	return strings.Join(parts, " ")
}

// objectKey joins an optional prefix to the service's key layout.
func objectKey(prefix string, parts ...string) string {
	key := strings.Join(parts, "/")
	if p := strings.Trim(prefix, "/"); p != "" {
		return p + "/" + key
	}
	return key
}

// logsSourceARN is the aws:SourceArn the log delivery service (delivery.logs) sends for an account and region.
func logsSourceARN(region, account string) string {
	return fmt.Sprintf("arn:aws:logs:%s:%s:*", region, account)
}

func firewallWriters(l located) []writer {
	acct, region := l.res.Account, l.res.Region
	var out []writer
	for _, c := range list(inputs(l.res), "loggingConfiguration", "logDestinationConfigs") {
		if str(c, "logDestinationType") != "S3" {
			continue
		}
		logType := strings.ToLower(str(c, "logType"))
		out = append(out, writer{at: l, what: "network firewall " + logType + " logging", service: "delivery.logs.amazonaws.com",
			bucket:  str(c, "logDestination", "bucketName"),
			keys:    []string{objectKey(str(c, "logDestination", "prefix"), "AWSLogs", acct, "network-firewall", logType, region, "x")},
			context: map[string]string{"aws:SourceAccount": acct, "aws:SourceArn": logsSourceARN(region, acct)},
			doc:     docFirewallLogs})
	}
	return out
}

func flowLogWriters(l located) []writer {
	in := inputs(l.res)
	if !strings.EqualFold(str(in, "logDestinationType"), "s3") {
		return nil
	}
	bucket, prefix, ok := bucketFromARN(str(in, "logDestination"))
	if !ok {
		return nil
	}
	acct, region := l.res.Account, l.res.Region
	key := objectKey(prefix, "AWSLogs", acct, "vpcflowlogs", region, "x")
	if hive, _ := boolean(in, "destinationOptions", "hiveCompatiblePartitions"); hive {
		key = objectKey(prefix, "AWSLogs", "aws-account-id="+acct, "aws-service=vpcflowlogs", "aws-region="+region, "x")
	}
	return []writer{{at: l, what: "flow log", service: "delivery.logs.amazonaws.com", bucket: bucket, keys: []string{key},
		context: map[string]string{"aws:SourceAccount": acct, "aws:SourceArn": logsSourceARN(region, acct)}, doc: docFlowLogs}}
}

func configWriters(l located) []writer {
	in := inputs(l.res)
	acct := l.res.Account
	return []writer{{at: l, what: "config delivery channel", service: "config.amazonaws.com", bucket: str(in, "s3BucketName"),
		keys:    []string{objectKey(str(in, "s3KeyPrefix"), "AWSLogs", acct, "Config", "x")},
		context: map[string]string{"aws:SourceAccount": acct}, doc: docConfigBucket}}
}

// trailWriters returns the writes of a trail, or why they cannot be computed. An organization trail writes the
// management account's events and each member's, under the organization ID, and is owned by the management
// account even when a delegated administrator creates it: that account is its aws:SourceAccount.
func trailWriters(l located, org map[string]any) ([]writer, string) {
	in := inputs(l.res)
	name := str(in, "name")
	if name == "" {
		name = l.res.Name
	}
	owner, prefix := l.res.Account, str(in, "s3KeyPrefix")
	var keys []string
	if isOrg, _ := boolean(in, "isOrganizationTrail"); isOrg {
		mgmt, _ := org["managementAccountId"].(string)
		orgID, _ := org["organizationId"].(string)
		if mgmt == "" || orgID == "" {
			return nil, fmt.Sprintf("organization trail %s: the plan has no organization stack outputs managementAccountId and organizationId to compute its object keys (see %s)", l.res.Name, docTrailBucket)
		}
		owner = mgmt
		keys = append(keys, objectKey(prefix, "AWSLogs", mgmt, "x"))
		if member := memberAccount(org, mgmt); member != "" {
			keys = append(keys, objectKey(prefix, "AWSLogs", orgID, member, "x"))
		}
	} else {
		keys = append(keys, objectKey(prefix, "AWSLogs", owner, "x"))
	}
	return []writer{{at: l, what: "trail", service: "cloudtrail.amazonaws.com", bucket: str(in, "s3BucketName"), keys: keys,
		context: map[string]string{"aws:SourceAccount": owner,
			"aws:SourceArn": fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", l.res.Region, owner, name)},
		doc: docTrailBucket}}, ""
}

// memberAccount picks a member account (the first by name that is not the management account), "" if none.
func memberAccount(org map[string]any, mgmt string) string {
	ids, _ := org["accountIds"].(map[string]any)
	names := make([]string, 0, len(ids))
	for n := range ids {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if id, _ := ids[n].(string); id != "" && id != mgmt {
			return id
		}
	}
	return ""
}

func guardDutyWriters(l located) []writer {
	in := inputs(l.res)
	bucket, prefix, ok := bucketFromARN(str(in, "destinationArn"))
	if !ok {
		return nil
	}
	acct, region := l.res.Account, l.res.Region
	return []writer{{at: l, what: "guardduty findings export", service: "guardduty.amazonaws.com", bucket: bucket,
		keys: []string{objectKey(prefix, "AWSLogs", acct, "GuardDuty", region, "x")},
		context: map[string]string{"aws:SourceAccount": acct,
			"aws:SourceArn": fmt.Sprintf("arn:aws:guardduty:%s:%s:detector/%s", region, acct, str(in, "detectorId"))},
		doc: docGuardDutyLogs}}
}
