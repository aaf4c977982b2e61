package security_test

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/iampolicy/iamref"
	"github.com/innovate-inc/platform/internal/mocks"
	"github.com/innovate-inc/platform/internal/providers"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/security"
)

func TestBucketNamesFitAndDiffer(t *testing.T) {
	a := security.BucketName("innovate", "security", "network-firewall", "ap-southeast-7")
	b := security.BucketName("innovate", "security", "network-firewall", "ap-southeast-6")
	assert.LessOrEqual(t, len(a), 63)
	assert.NotEqual(t, a, b)
	assert.Regexp(t, `^[a-z0-9][a-z0-9-]*[a-z0-9]$`, a, "S3 bucket naming rules")
}

func TestBucketPolicyPerWriter(t *testing.T) {
	c := iamref.Catalog()
	for _, spec := range security.Buckets {
		for _, region := range []string{"us-east-1", "ap-southeast-7"} {
			doc := security.BucketPolicy(security.BucketPolicyArgs{Spec: spec, BucketARN: "arn:aws:s3:::b", Region: region,
				AccountID: "111111111111", ReaderRole: security.InvestigationRoleName, Writers: testWriters})
			assert.Empty(t, c.Check(doc, iampolicy.Resource), "%s %s", spec.Purpose, region)
			assert.Equal(t, "DenyInsecureTransport", doc.Statement[0].Sid)
			for _, st := range doc.Statement {
				if st.Effect != iampolicy.Allow || st.Principal == nil || len(st.Principal.Service) == 0 {
					continue
				}
				// A service writes only for the organization's own accounts or resources, never on aws:SourceOrgID alone.
				scoped := false
				for _, keys := range st.Condition {
					_, acct := keys["aws:SourceAccount"]
					_, arn := keys["aws:SourceArn"]
					scoped = scoped || acct || arn
				}
				assert.True(t, scoped, "%s %s statement %s", spec.Purpose, region, st.Sid)
			}
		}
	}
	elb := security.BucketPolicy(security.BucketPolicyArgs{Spec: security.BucketSpec{Writer: security.WriterELB}, BucketARN: "arn:aws:s3:::b",
		Region: "ap-southeast-7", Writers: testWriters})
	last := elb.Statement[len(elb.Statement)-1]
	assert.Equal(t, []string{"logdelivery.elasticloadbalancing.amazonaws.com"}, last.Principal.Service,
		"newer regions use the log-delivery service principal")
	assert.Equal(t, []string{"arn:aws:s3:::b/AWSLogs/111111111111/*", "arn:aws:s3:::b/AWSLogs/222222222222/*"}, last.Resource,
		"load balancers write under their own account's path only")
	trail := security.BucketPolicy(security.BucketPolicyArgs{Spec: security.BucketSpec{Writer: security.WriterCloudTrail}, BucketARN: "arn:aws:s3:::b",
		Region: "us-east-1", Writers: testWriters})
	write := trail.Statement[len(trail.Statement)-1]
	assert.Equal(t, []string{"arn:aws:s3:::b/AWSLogs/999999999999/*", "arn:aws:s3:::b/AWSLogs/o-abc/*"}, write.Resource)
	assert.Equal(t, []string{testWriters.TrailARN}, write.Condition["StringEquals"]["aws:SourceArn"])
}

var testWriters = security.Writers{OrgID: "o-abc", ManagementAccountID: "999999999999", SecurityToolingID: "333333333333",
	TrailARN:        "arn:aws:cloudtrail:us-east-1:999999999999:trail/security-org-trail",
	TrailCreatorARN: "arn:aws:iam::333333333333:role/OrganizationAccountAccessRole",
	AccountIDs:      []string{"111111111111", "222222222222"}}

// The CloudTrail statements follow "Configure AWS KMS key policies for CloudTrail": encryption under the trail's
// ARN and encryption context, and DescribeKey in a statement of its own (it never carries an encryption context).
func TestLogKeyPolicyCloudTrail(t *testing.T) {
	doc := security.LogKeyPolicy("222222222222", security.InvestigationRoleName, testWriters)
	assert.Empty(t, iamref.Catalog().Check(doc, iampolicy.Resource))
	bySid := map[string]iampolicy.Statement{}
	for _, st := range doc.Statement {
		bySid[st.Sid] = st
	}
	enc := bySid["CloudTrailEncrypts"]
	assert.Equal(t, []string{"kms:GenerateDataKey*"}, enc.Action)
	assert.Equal(t, []string{testWriters.TrailARN}, enc.Condition["StringEquals"]["aws:SourceArn"])
	assert.Equal(t, []string{"arn:aws:cloudtrail:*:999999999999:trail/*"}, enc.Condition["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"])
	desc := bySid["CloudTrailDescribesKey"]
	assert.Equal(t, []string{"kms:DescribeKey"}, desc.Action)
	assert.NotContains(t, desc.Condition, "StringLike", "DescribeKey carries no encryption context")
	assert.Equal(t, []string{testWriters.TrailCreatorARN}, bySid["TrailCreatorDecrypts"].Principal.AWS)
}

func TestExpandAccounts(t *testing.T) {
	ids := map[string]string{"dev": "1", "prod": "2", "staging": "3"}
	assert.Equal(t, []string{"dev", "prod", "staging"}, security.ExpandAccounts([]string{config.AllAccounts, "dev"}, ids))
	assert.Equal(t, []string{"prod", "staging"}, security.ExpandAccounts([]string{"staging", "prod"}, ids))
}

// bucketSpec returns the Log Archive bucket spec of a purpose.
func bucketSpec(t *testing.T, purpose security.Purpose) security.BucketSpec {
	t.Helper()
	i := slices.IndexFunc(security.Buckets, func(b security.BucketSpec) bool { return b.Purpose == purpose })
	require.GreaterOrEqual(t, i, 0, "no Log Archive bucket for %q", purpose)
	return security.Buckets[i]
}

// A single bucket without a replica, under the shared mocks.
func TestLogBucketAlone(t *testing.T) {
	spec := bucketSpec(t, security.PurposeFlowLogs)
	mon, err := fixtures.Run(t, "security", "us-west-2", func(ctx *pulumi.Context) error {
		p, err := providers.New(ctx, "security", providers.Target{Key: "log-archive", Region: "us-west-2",
			AccountID: "222222222222", RoleName: "OrganizationAccountAccessRole"}, nil)
		if err != nil {
			return err
		}
		_, err = security.NewLogBucket(ctx, "flow-logs", security.LogBucketArgs{
			Scope:   scope.Scope{Stack: "security", Region: "us-west-2", Provider: p, AccountID: "222222222222"},
			Company: "acme", Spec: spec,
			Logs:   config.LogRetention{RetentionDays: 400, ObjectLockDays: 365, InfrequentAccessAfterDays: 30, GlacierAfterDays: 90},
			KeyARN: pulumi.String("arn:aws:kms:us-west-2:222222222222:key/k"), Writers: testWriters,
			ReaderRole: security.InvestigationRoleName, AccessLogsBucket: pulumi.String("sink"),
		})
		return err
	})
	require.NoError(t, err)
	assert.Empty(t, mon.ByType("aws:s3/bucketReplicationConfig:BucketReplicationConfig"), "no replica, no replication")
	assert.Empty(t, mon.ByType("aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"), "flow logs are not locked")
	b := mon.ByType("aws:s3/bucketV2:BucketV2")
	require.Len(t, b, 1)
	assert.Equal(t, "222222222222", b[0].Account)
	assert.Equal(t, security.BucketName("acme", "security", "flow-logs", "us-west-2"), mocks.Plain(b[0].Inputs)["bucket"])
	logging := mon.ByType("aws:s3/bucketLoggingV2:BucketLoggingV2")
	require.Len(t, logging, 1)
	assert.Equal(t, "sink", mocks.Plain(logging[0].Inputs)["targetBucket"])
}
