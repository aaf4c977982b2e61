package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

func TestServicePrincipalScoped(t *testing.T) {
	write := func(service string, cond iampolicy.Condition) iampolicy.Statement {
		return iampolicy.Statement{Sid: "ServiceWrite", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: []string{service}}, Action: []string{"s3:PutObject"},
			Resource: []string{"arn:aws:s3:::logs/AWSLogs/*"}, Condition: cond}
	}
	account := iampolicy.Condition{"StringEquals": {"aws:SourceAccount": {"111111111111"}}}
	sourceARN := iampolicy.Condition{"ArnLike": {"aws:SourceArn": {"arn:aws:logs:*:111111111111:*"}}}
	orgOnly := iampolicy.Condition{"StringEquals": {"aws:SourceOrgID": {"o-abc"}}}
	logsContext := iampolicy.Condition{"ArnLike": {"kms:EncryptionContext:aws:logs:arn": {"arn:aws:logs:us-east-1:111111111111:log-group:*"}}}
	denyAll := iampolicy.DenyInsecureTransport([]string{"s3:*"}, "arn:aws:s3:::logs/*")

	bucketPolicy := func(sts ...iampolicy.Statement) plan.Resource {
		return res("security", typeBucketPolicy, "logs-policy", map[string]any{"bucket": "logs", "policy": policy(sts...)})
	}
	role := func(doc iampolicy.Document) plan.Resource {
		return res("security", typeRole, "role", map[string]any{"assumeRolePolicy": doc.MustJSON()})
	}
	one := func(r plan.Resource) *plan.Result { return result(stack("security", "security", r)) }
	bpURN, roleURN := urn("security", typeBucketPolicy, "logs-policy"), urn("security", typeRole, "role")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"source account", one(bucketPolicy(denyAll, write("delivery.logs.amazonaws.com", account))), nil},
		{"source ARN", one(bucketPolicy(write("delivery.logs.amazonaws.com", sourceARN))), nil},
		{"CloudWatch Logs encryption context on a key", one(res("security", typeKey, "key", map[string]any{"policy": policy(
			iampolicy.Statement{Effect: iampolicy.Allow, Principal: &iampolicy.Principal{Service: []string{"logs.us-east-1.amazonaws.com"}},
				Action: []string{"kms:Decrypt"}, Resource: []string{"*"}, Condition: logsContext})})), nil},
		{"AWS principals are not this rule's business", one(bucketPolicy(iampolicy.Statement{Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: []string{"arn:aws:iam::111111111111:root"}}, Action: []string{"s3:GetObject"}})), nil},
		{"trust of a service that sends no source keys", one(role(iampolicy.ServiceTrust("ec2.amazonaws.com", ""))), nil},
		{"scoped trust", one(role(iampolicy.ServiceTrust("backup.amazonaws.com", "111111111111"))), nil},
		{"unscoped bucket policy", one(bucketPolicy(denyAll, write("delivery.logs.amazonaws.com", nil))),
			[]want{{bpURN, `logs-policy policy statement "ServiceWrite" allows service principal delivery.logs.amazonaws.com without an aws:SourceAccount or aws:SourceArn condition`}}},
		{"source org ID alone", one(bucketPolicy(write("cloudtrail.amazonaws.com", orgOnly))),
			[]want{{bpURN, "aws:SourceOrgID alone admits every account of the organization"}}},
		{"unscoped queue policy", one(res("dev", "aws:sqs/queuePolicy:QueuePolicy", "queue-policy", map[string]any{"policy": policy(
			iampolicy.Statement{Effect: iampolicy.Allow, Principal: &iampolicy.Principal{Service: []string{"events.amazonaws.com", "sqs.amazonaws.com"}},
				Action: []string{"sqs:SendMessage"}, Resource: []string{"*"}})})),
			[]want{{urn("dev", "aws:sqs/queuePolicy:QueuePolicy", "queue-policy"), "allows service principal events.amazonaws.com, sqs.amazonaws.com"}}},
		{"unscoped log resource policy", one(res("security", "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "lrp", map[string]any{
			"policyDocument": policy(iampolicy.Statement{Effect: iampolicy.Allow, Principal: &iampolicy.Principal{Service: []string{"delivery.logs.amazonaws.com"}},
				Action: []string{"logs:PutLogEvents"}, Resource: []string{"*"}})})),
			[]want{{urn("security", "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "lrp"), "lrp policyDocument statement [0]"}}},
		{"unscoped trust of a listed service", one(role(iampolicy.ServiceTrust("s3.amazonaws.com", ""))),
			[]want{{roleURN, `role assumeRolePolicy statement "ServiceAssumes" allows service principal s3.amazonaws.com`}}},
		{"policy that does not parse", one(res("security", typeKey, "key", map[string]any{"policy": "{not json"})),
			[]want{{urn("security", typeKey, "key"), "policy does not parse"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, servicePrincipalScoped, tt.res, tt.wants...) })
	}
}
