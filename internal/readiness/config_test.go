package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/plan"
)

func TestConfigDeliveryNoObjectLock(t *testing.T) {
	channel := func(bucket string) plan.Resource {
		return res("security", typeDeliveryChannel, "dev-config-delivery", map[string]any{"s3BucketName": bucket})
	}
	// The buckets live in another stack: the rule looks across stacks.
	archive := stack("archive", "security",
		res("archive", typeBucket, "config", map[string]any{"bucket": "config-bucket", "objectLockEnabled": false}),
		res("archive", typeBucket, "locked", map[string]any{"bucket": "locked-bucket", "objectLockEnabled": true}))
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"plain bucket", result(stack("security", "security", channel("config-bucket")), archive), nil},
		{"bucket not in the plan", result(stack("security", "security", channel("elsewhere"))), nil},
		{"object lock bucket", result(stack("security", "security", channel("locked-bucket")), archive),
			[]want{{urn("security", typeDeliveryChannel, "dev-config-delivery"), `bucket "locked-bucket", which has S3 Object Lock enabled`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, configDeliveryNoObjectLock, tt.res, tt.wants...) })
	}
}
