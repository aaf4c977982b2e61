// Package elblogs says who writes Elastic Load Balancing access logs into a bucket, per region: a plain table
// both the bucket policies (security) and the plan's rules (readiness) read, without the AWS SDK.
package elblogs

// ServicePrincipal writes access logs in the regions opened since August 2022.
const ServicePrincipal = "logdelivery.elasticloadbalancing.amazonaws.com"

// accounts are the Elastic Load Balancing accounts that write access logs in the regions older than August 2022
// (Elastic Load Balancing user guide, "Enable access logs": step 2, the bucket policy).
var accounts = map[string]string{
	"us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
	"eu-west-1": "156460612806", "eu-west-2": "652711504416", "eu-west-3": "009996457667", "eu-central-1": "054676820928",
	"eu-north-1": "897822967062", "ap-northeast-1": "582318560864", "ap-northeast-2": "600734575887",
	"ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266", "ap-south-1": "718504428378",
	"ca-central-1": "985666609251", "sa-east-1": "507241528517",
}

// Account is the principal that writes access logs in a region older than August 2022 (the region's Elastic Load
// Balancing account); false in newer regions, where ServicePrincipal writes.
func Account(region string) (string, bool) {
	acct, ok := accounts[region]
	if !ok {
		return "", false
	}
	return "arn:aws:iam::" + acct + ":root", true
}
