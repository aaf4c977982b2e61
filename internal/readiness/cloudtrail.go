package readiness

import (
	"fmt"
	"strings"

	"github.com/innovate-inc/platform/internal/plan"
)

var trailNotLoggingItself = Rule{
	ID:       "DR010",
	Title:    "trail-not-logging-itself",
	Severity: Medium,
	Doc:      "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html",
}

// A trail that records S3 data events on the bucket it delivers to records its own deliveries, each of which is
// a new data event: a feedback loop that multiplies the data-event bill and buries real events.
func checkTrailNotLoggingItself(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	for _, l := range ofType(res, typeTrail) {
		bucket := str(inputs(l.res), "s3BucketName")
		if !known(bucket) {
			continue
		}
		own := "arn:aws:s3:::" + bucket + "/"
		for _, sel := range list(inputs(l.res), "advancedEventSelectors") {
			for _, fs := range list(sel, "fieldSelectors") {
				if str(fs, "field") != "resources.ARN" {
					continue
				}
				var hits []string
				for _, v := range stringList(fs, "startsWiths") {
					// A prefix of the bucket's ARN selects all of it; a longer one selects part of it.
					if strings.HasPrefix(own, v) || strings.HasPrefix(v, own) {
						hits = append(hits, "startsWith "+v)
					}
				}
				for _, v := range stringList(fs, "equals") {
					if strings.HasPrefix(v, own) {
						hits = append(hits, "equals "+v)
					}
				}
				for _, h := range hits {
					out = append(out, trailNotLoggingItself.finding(l.res.URN, fmt.Sprintf(
						"trail %s selector %q logs data events on %s, its own log bucket %q (%s): each delivery is logged again",
						l.res.Name, str(sel, "name"), own+"*", bucket, h)))
				}
			}
		}
	}
	return out
}
