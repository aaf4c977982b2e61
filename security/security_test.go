package security_test

import (
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
				OrgID: "o-abc", AccountID: "111111111111", ReaderRole: security.InvestigationRoleName})
			assert.Empty(t, c.Check(doc, iampolicy.Resource), "%s %s", spec.Purpose, region)
			assert.Equal(t, "DenyInsecureTransport", doc.Statement[0].Sid)
		}
	}
	elb := security.BucketPolicy(security.BucketPolicyArgs{Spec: security.BucketSpec{Writer: security.WriterELB}, BucketARN: "arn:aws:s3:::b", Region: "ap-southeast-7"})
	assert.Equal(t, []string{"logdelivery.elasticloadbalancing.amazonaws.com"}, elb.Statement[len(elb.Statement)-1].Principal.Service,
		"newer regions use the log-delivery service principal")
}

func TestExpandAccounts(t *testing.T) {
	ids := map[string]string{"dev": "1", "prod": "2", "staging": "3"}
	assert.Equal(t, []string{"dev", "prod", "staging"}, security.ExpandAccounts([]string{config.AllAccounts, "dev"}, ids))
	assert.Equal(t, []string{"prod", "staging"}, security.ExpandAccounts([]string{"staging", "prod"}, ids))
}

// A single bucket without a replica, under the shared mocks.
func TestLogBucketAlone(t *testing.T) {
	mon, err := fixtures.Run(t, "security", "us-west-2", func(ctx *pulumi.Context) error {
		p, err := providers.New(ctx, "security", providers.Target{Key: "log-archive", Region: "us-west-2",
			AccountID: "222222222222", RoleName: "OrganizationAccountAccessRole"}, nil)
		if err != nil {
			return err
		}
		_, err = security.NewLogBucket(ctx, "flow-logs", security.LogBucketArgs{
			Env: "security", Company: "acme", Spec: security.Buckets[3], Region: "us-west-2", Provider: p,
			Logs:   config.LogRetention{RetentionDays: 400, ObjectLockDays: 365, InfrequentAccessAfterDays: 30, GlacierAfterDays: 90},
			KeyARN: pulumi.String("arn:aws:kms:us-west-2:222222222222:key/k"), OrgID: "o-abc", AccountID: "222222222222",
			ReaderRole: security.InvestigationRoleName, AccessLogsBucket: pulumi.String("sink"),
		})
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, "flow-logs", security.Buckets[3].Purpose)
	assert.Empty(t, mon.ByType("aws:s3/bucketReplicationConfig:BucketReplicationConfig"), "no replica, no replication")
	assert.Empty(t, mon.ByType("aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"), "flow logs are not locked")
	b := mon.ByType("aws:s3/bucketV2:BucketV2")
	require.Len(t, b, 1)
	assert.Equal(t, "222222222222", b[0].Account)
	logging := mon.ByType("aws:s3/bucketLoggingV2:BucketLoggingV2")
	require.Len(t, logging, 1)
	assert.Equal(t, "sink", mocks.Plain(logging[0].Inputs)["targetBucket"])
}
