package readiness

import (
	"fmt"

	"github.com/innovate-inc/platform/internal/plan"
)

const (
	typeReplication = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
	typeVersioning  = "aws:s3/bucketVersioningV2:BucketVersioningV2"
)

var replicationAfterDestinationVersioning = Rule{
	ID:       "DR003",
	Title:    "replication-after-destination-versioning",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html",
}

// S3 rejects a replication configuration unless both the source and every destination bucket have versioning
// enabled. Versioning is its own resource, so only a dependency orders the replication after it; a versioning
// resource in another stack is ordered by the stacks' deploy order.
func checkReplicationAfterVersioning(res *plan.Result) []plan.Finding {
	// The versioning resource's bucket input is the bucket's ID, which for S3 is its name.
	versioning := map[string]located{}
	for _, v := range ofType(res, typeVersioning) {
		versioning[str(inputs(v.res), "bucket")] = v
	}
	var out []plan.Finding
	for _, rc := range ofType(res, typeReplication) {
		own := str(inputs(rc.res), "bucket")
		buckets := []struct{ name, role string }{{own, "source"}}
		for _, rule := range list(inputs(rc.res), "rules") {
			if dest, _, ok := bucketFromARN(str(rule, "destination", "bucket")); ok {
				buckets = append(buckets, struct{ name, role string }{dest, "destination"})
			}
		}
		seen := map[string]bool{}
		for _, b := range buckets {
			if seen[b.name] || !known(b.name) {
				continue
			}
			seen[b.name] = true
			v, ok := versioning[b.name]
			var problem string
			switch {
			case !ok:
				problem = "has no versioning resource in the plan"
			case str(inputs(v.res), "versioningConfiguration", "status") != "Enabled":
				problem = fmt.Sprintf("has versioning %s %q, not Enabled", v.res.Name,
					str(inputs(v.res), "versioningConfiguration", "status"))
			case v.stack == rc.stack && !dependsOn(rc.stack, rc.res, v.res.URN):
				problem = fmt.Sprintf("has versioning %s, which the replication configuration does not depend on", v.res.Name)
			default:
				continue
			}
			out = append(out, replicationAfterDestinationVersioning.finding(rc.res.URN, fmt.Sprintf(
				"replication %s: %s bucket %q %s: S3 rejects replication until both buckets are versioned",
				rc.res.Name, b.role, b.name, problem)))
		}
	}
	return out
}
