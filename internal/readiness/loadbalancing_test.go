package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

const (
	lbCert   = "arn:aws:acm:us-east-1:222222222222:certificate/abc"
	lbBucket = "lb-logs"
)

// classParams is a public IngressClassParams with access logs to a bucket (and a prefix when given).
func classParams(bucket, prefix string) plan.Resource {
	attrs := []any{
		map[string]any{"key": "access_logs.s3.enabled", "value": "true"},
		map[string]any{"key": "access_logs.s3.bucket", "value": bucket},
	}
	if prefix != "" {
		attrs = append(attrs, map[string]any{"key": "access_logs.s3.prefix", "value": prefix})
	}
	return res("dev", typeIngressClassParams, "public-params", map[string]any{"spec": map[string]any{
		"scheme": "internet-facing", "certificateArn": []any{lbCert}, "loadBalancerAttributes": attrs}})
}

// logBucket is the Log Archive's load-balancer bucket: its encryption and a policy letting the us-east-1 ELB
// account write under the account's AWSLogs path.
func albLogBucket(algorithm string) []plan.Resource {
	return []plan.Resource{
		res("security", typeBucket, lbBucket, map[string]any{"bucket": lbBucket}),
		res("security", typeBucketSSE, lbBucket+"-sse", map[string]any{"bucket": lbBucket, "rules": []any{
			map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": algorithm}}}}),
		res("security", typeBucketPolicy, lbBucket+"-policy", map[string]any{"bucket": lbBucket, "policy": policy(iampolicy.Statement{
			Effect: iampolicy.Allow, Principal: &iampolicy.Principal{AWS: []string{"arn:aws:iam::127311923021:root"}},
			Action: []string{"s3:PutObject"}, Resource: []string{"arn:aws:s3:::" + lbBucket + "/AWSLogs/222222222222/*"}})}),
	}
}

func TestALBAccessLogsDelivered(t *testing.T) {
	params := urn("dev", typeIngressClassParams, "public-params")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"under the account's AWSLogs path", result(stack("security", "security", albLogBucket("AES256")...), stack("dev", "workload", classParams(lbBucket, ""))), nil},
		{"a prefix the policy does not admit", result(stack("security", "security", albLogBucket("AES256")...), stack("dev", "workload", classParams(lbBucket, "alb"))),
			[]want{{params, "cannot write s3://lb-logs/alb/AWSLogs/222222222222/elasticloadbalancing/us-east-1/"}}},
		{"a bucket outside the plan", result(stack("dev", "workload", classParams("elsewhere", ""))),
			[]want{{params, `writes to bucket "elsewhere", which is not in the plan`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, logDeliveryPathAllowed, tt.res, tt.wants...) })
	}
}

func TestALBLogBucketSSES3(t *testing.T) {
	params := urn("dev", typeIngressClassParams, "public-params")
	expect(t, albLogBucketSSES3, result(stack("security", "security", albLogBucket("AES256")...), stack("dev", "workload", classParams(lbBucket, ""))))
	expect(t, albLogBucketSSES3, result(stack("security", "security", albLogBucket("aws:kms")...), stack("dev", "workload", classParams(lbBucket, ""))),
		want{params, `bucket "lb-logs", whose default encryption is aws:kms`})
}

func subnet(name, az string, tags map[string]any) plan.Resource {
	return res("dev", typeSubnet, name, map[string]any{"availabilityZone": az, "tags": tags})
}

func TestLBSubnetsDiscoverable(t *testing.T) {
	public := map[string]any{"kubernetes.io/role/elb": "1"}
	private := map[string]any{"kubernetes.io/role/internal-elb": "1"}
	nlb := res("dev", typeK8sService, "backend", map[string]any{"spec": map[string]any{"type": "LoadBalancer"},
		"metadata": map[string]any{"annotations": map[string]any{"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"}}})
	clusterIP := res("dev", typeK8sService, "worker", map[string]any{"spec": map[string]any{"type": "ClusterIP"}})
	params, backend := urn("dev", typeIngressClassParams, "public-params"), urn("dev", typeK8sService, "backend")
	tagged := []plan.Resource{subnet("pub-a", "us-east-1a", public), subnet("pub-b", "us-east-1b", public),
		subnet("priv-a", "us-east-1a", private), subnet("priv-b", "us-east-1b", private), classParams(lbBucket, ""), nlb, clusterIP}
	expect(t, lbSubnetsDiscoverable, result(stack("dev", "workload", tagged...)))
	oneAZ := []plan.Resource{subnet("pub-a", "us-east-1a", public), subnet("pub-a2", "us-east-1a", public),
		subnet("priv-a", "us-east-1a", map[string]any{}), classParams(lbBucket, ""), nlb}
	expect(t, lbSubnetsDiscoverable, result(stack("dev", "workload", oneAZ...)),
		want{params, "subnets tagged kubernetes.io/role/elb=1 in 1 AZs"},
		want{backend, "subnets tagged kubernetes.io/role/internal-elb=1 in 0 AZs"})
}

func TestCertificateDNSValidated(t *testing.T) {
	const zoneID = "Z123"
	zone := res("dev", typeZone, "dev-zone", map[string]any{"name": "dev.example.com"}, withID(zoneID))
	private := res("dev", typeZone, "private-zone", map[string]any{"name": "dev.example.com", "vpcs": []any{map[string]any{"vpcId": "vpc-1"}}}, withID("ZPRIV"))
	cert := res("dev", typeCertificate, "cert", map[string]any{"domainName": "app.dev.example.com", "validationMethod": "DNS"})
	record := func(zone, name string) plan.Resource {
		return res("dev", typeRecord, "validation-record", map[string]any{"zoneId": zone, "name": name, "type": "CNAME"},
			deps(cert.URN))
	}
	validation := func(deps2 ...string) plan.Resource {
		return res("dev", typeCertValidation, "validation", map[string]any{}, deps(append([]string{cert.URN}, deps2...)...))
	}
	good := record(zoneID, "_abc.app.dev.example.com.")
	certURN := cert.URN
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"validated in the environment's zone", result(stack("dev", "workload", zone, cert, good, validation(good.URN))), nil},
		{"nothing waits for issuance", result(stack("dev", "workload", zone, cert, good)),
			[]want{{certURN, "has no CertificateValidation"}}},
		{"record in a private zone", result(stack("dev", "workload", private, cert, record("ZPRIV", "_abc.app.dev.example.com."), validation(urn("dev", typeRecord, "validation-record")))),
			[]want{{certURN, "is in private zone private-zone"}}},
		{"record in a zone outside the plan", result(stack("dev", "workload", cert, good, validation(good.URN))),
			[]want{{certURN, "in zone Z123, which no stack of the plan creates"}}},
		{"validation waits for no record", result(stack("dev", "workload", zone, cert, good, validation())),
			[]want{{certURN, "waits for no CNAME record under the domain"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, certificateDNSValidated, tt.res, tt.wants...) })
	}
}
