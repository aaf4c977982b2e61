package readiness

import (
	"fmt"

	"github.com/innovate-inc/platform/internal/plan"
)

const (
	typeDeliveryChannel = "aws:cfg/deliveryChannel:DeliveryChannel"
	typeBucket          = "aws:s3/bucketV2:BucketV2"
)

var configDeliveryNoObjectLock = Rule{
	ID:       "DR001",
	Title:    "config-delivery-no-object-lock",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-deliverychannel.html",
}

// AWS Config does not deliver to a bucket with S3 Object Lock enabled: the delivery channel is created, then
// every snapshot and history file fails to arrive.
func checkConfigDeliveryNoObjectLock(res *plan.Result) []plan.Finding {
	locked := map[string]bool{}
	for _, b := range ofType(res, typeBucket) {
		if on, _ := boolean(inputs(b.res), "objectLockEnabled"); on {
			locked[str(inputs(b.res), "bucket")] = true
		}
	}
	var out []plan.Finding
	for _, dc := range ofType(res, typeDeliveryChannel) {
		bucket := str(inputs(dc.res), "s3BucketName")
		if locked[bucket] {
			out = append(out, configDeliveryNoObjectLock.finding(dc.res.URN, fmt.Sprintf(
				"delivery channel %s delivers to bucket %q, which has S3 Object Lock enabled: AWS Config does not support delivery to an Object Lock bucket",
				dc.res.Name, bucket)))
		}
	}
	return out
}
