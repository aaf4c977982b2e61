package mocks

import "fmt"

// s3Handlers answer Amazon S3: buckets, and the bucket configuration resources whose ID is the bucket name.
var s3Handlers = map[string]handler{
	"aws:s3/bucketV2:BucketV2": func(r *registration) {
		r.id = r.in("bucket")
		r.set("arn", "arn:aws:s3:::"+r.id)
		r.set("bucketDomainName", r.id+".s3.amazonaws.com")
		r.set("bucketRegionalDomainName", fmt.Sprintf("%s.s3.%s.amazonaws.com", r.id, r.region))
		r.set("region", r.region)
		r.set("hostedZoneId", "Z3AQBSTGFYJSTF")
	},
	"aws:s3/bucketPolicy:BucketPolicy":                                                           bucketName,
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     bucketName,
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     bucketName,
	"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               bucketName,
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": bucketName,
	"aws:s3/bucketLoggingV2:BucketLoggingV2":                                                     bucketName,
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       bucketName,
	"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2":                     bucketName,
	"aws:s3/bucketReplicationConfig:BucketReplicationConfig":                                     bucketName,
}

func bucketName(r *registration) { r.id = r.in("bucket") }
