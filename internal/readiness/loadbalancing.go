package readiness

import (
	"fmt"
	"strings"

	"github.com/innovate-inc/platform/internal/elblogs"
	"github.com/innovate-inc/platform/internal/plan"
)

const (
	typeIngressClassParams = "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams"
	typeIngress            = "kubernetes:networking.k8s.io/v1:Ingress"
	typeK8sService         = "kubernetes:core/v1:Service"
	typeSubnet             = "aws:ec2/subnet:Subnet"
	typeCertificate        = "aws:acm/certificate:Certificate"
	typeCertValidation     = "aws:acm/certificateValidation:CertificateValidation"
	typeRecord             = "aws:route53/record:Record"
	typeZone               = "aws:route53/zone:Zone"
)

const docALBAccessLogs = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html"

// albLogWriters are the access logs of the ALBs an IngressClassParams asks for, as DR005 checks every log writer:
// objects under <prefix>/AWSLogs/<account>/elasticloadbalancing/<region>/, written by the region's Elastic Load
// Balancing account (regions before August 2022) or by the log-delivery service principal. The account and region
// are the certificate's: an ALB uses ACM certificates of its own account and region only.
func albLogWriters(l located) []writer {
	attrs := map[string]string{}
	for _, a := range list(inputs(l.res), "spec", "loadBalancerAttributes") {
		attrs[str(a, "key")] = str(a, "value")
	}
	if attrs["access_logs.s3.enabled"] != "true" {
		return nil
	}
	certs := stringList(inputs(l.res), "spec", "certificateArn")
	if len(certs) == 0 {
		return nil
	}
	parts := strings.Split(certs[0], ":")
	if len(parts) < 5 {
		return nil
	}
	region, acct := parts[3], parts[4]
	w := writer{at: l, what: "load balancer access logging", bucket: attrs["access_logs.s3.bucket"],
		keys: []string{objectKey(attrs["access_logs.s3.prefix"], "AWSLogs", acct, "elasticloadbalancing", region, "2026", "01", "01", "x.log.gz")},
		doc:  docALBAccessLogs}
	if principal, ok := elblogs.Account(region); ok {
		w.service = principal
	} else {
		w.service = elblogs.ServicePrincipal
		w.context = map[string]string{"aws:SourceAccount": acct}
	}
	return []writer{w}
}

var albLogBucketSSES3 = Rule{
	ID:       "DR027",
	Title:    "alb-log-bucket-sse-s3",
	Severity: High,
	Doc:      docALBAccessLogs + "#access-log-create-bucket",
}

// ALB access logs can only be delivered to a bucket encrypted with S3-managed keys (SSE-S3): with SSE-KMS as the
// bucket's default the load balancer's attribute update fails ("Access Denied for bucket"), and the controller
// retries forever with the Ingress stuck.
func checkALBLogBucketSSES3(res *plan.Result) []plan.Finding {
	sse := byInput(res, typeBucketSSE, "bucket")
	var out []plan.Finding
	for _, l := range ofType(res, typeIngressClassParams) {
		for _, w := range albLogWriters(l) {
			enc, ok := sse[w.bucket]
			if !ok {
				continue // DR005 reports a bucket outside the plan; encryption at rest one without configuration
			}
			for _, r := range list(inputs(enc.res), "rules") {
				if alg := str(r, "applyServerSideEncryptionByDefault", "sseAlgorithm"); alg != "AES256" {
					out = append(out, albLogBucketSSES3.finding(l.res.URN, fmt.Sprintf(
						"%s sends ALB access logs to bucket %q, whose default encryption is %s (%s, stack %s): ALB access logs need SSE-S3 (AES256)",
						l.res.Name, w.bucket, alg, enc.res.Name, enc.stack.Name)))
				}
			}
		}
	}
	return out
}

var lbSubnetsDiscoverable = Rule{
	ID:       "DR028",
	Title:    "lb-subnets-discoverable",
	Severity: High,
	Doc:      "https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/subnet_discovery/",
}

// The load balancer controller finds the subnets of a load balancer by tag: kubernetes.io/role/elb=1 for
// internet-facing ones, kubernetes.io/role/internal-elb=1 for internal ones, and an ALB needs subnets in at least
// two AZs. Without them the Ingress or Service reports "couldn't auto-discover subnets" and never gets an address;
// Pulumi waits for it until the update times out.
func checkLBSubnetsDiscoverable(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	for _, s := range allStacks(res) {
		zones := map[string]map[string]bool{"kubernetes.io/role/elb": {}, "kubernetes.io/role/internal-elb": {}}
		for _, sn := range inStack(s, typeSubnet) {
			for tag, azs := range zones {
				if str(inputs(sn.res), "tags", tag) == "1" {
					azs[str(inputs(sn.res), "availabilityZone")] = true
				}
			}
		}
		need := func(l located, scheme, tag string) {
			if n := len(zones[tag]); n < 2 {
				out = append(out, lbSubnetsDiscoverable.finding(l.res.URN, fmt.Sprintf(
					"%s asks for an %s load balancer, but stack %s has subnets tagged %s=1 in %d AZs: the controller needs them in at least two",
					l.res.Name, scheme, s.Name, tag, n)))
			}
		}
		for _, l := range inStack(s, typeIngressClassParams) {
			if scheme := str(inputs(l.res), "spec", "scheme"); scheme == "internet-facing" {
				need(l, scheme, "kubernetes.io/role/elb")
			} else {
				need(l, "internal", "kubernetes.io/role/internal-elb")
			}
		}
		for _, l := range inStack(s, typeK8sService) {
			if str(inputs(l.res), "spec", "type") != "LoadBalancer" {
				continue
			}
			if str(inputs(l.res), "metadata", "annotations", "service.beta.kubernetes.io/aws-load-balancer-scheme") == "internet-facing" {
				need(l, "internet-facing", "kubernetes.io/role/elb")
			} else {
				need(l, "internal", "kubernetes.io/role/internal-elb")
			}
		}
	}
	return out
}

var certificateDNSValidated = Rule{
	ID:       "DR029",
	Title:    "certificate-dns-validated",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html",
}

// A DNS-validated ACM certificate is issued only once its CNAME resolves publicly: the validation record must be
// in a public zone of the plan whose name the domain falls under, and a CertificateValidation must wait for it,
// or whatever uses the certificate (an ALB listener) fails with "certificate not found" or "not issued".
func checkCertificateDNSValidated(res *plan.Result) []plan.Finding {
	zones := map[string]located{}
	for _, z := range ofType(res, typeZone) {
		zones[z.res.ID] = z
	}
	var out []plan.Finding
	for _, s := range allStacks(res) {
		for _, c := range inStack(s, typeCertificate) {
			if str(inputs(c.res), "validationMethod") != "DNS" {
				continue
			}
			domain := str(inputs(c.res), "domainName")
			var validation *plan.Resource
			for _, v := range inStack(s, typeCertValidation) {
				if dependsOn(s, v.res, c.res.URN) {
					validation = v.res
				}
			}
			if validation == nil {
				out = append(out, certificateDNSValidated.finding(c.res.URN, fmt.Sprintf(
					"%s (%s) has no CertificateValidation: nothing waits for it to be issued", c.res.Name, domain)))
				continue
			}
			if msg := validationRecordProblem(s, validation, domain, zones); msg != "" {
				out = append(out, certificateDNSValidated.finding(c.res.URN, fmt.Sprintf("%s (%s): %s", c.res.Name, domain, msg)))
			}
		}
	}
	return out
}

// validationRecordProblem says what is wrong with the validation record a CertificateValidation waits for, ""
// when it is a CNAME under the domain in a public zone that holds the domain.
func validationRecordProblem(s *plan.StackPlan, validation *plan.Resource, domain string, zones map[string]located) string {
	for _, r := range inStack(s, typeRecord) {
		if !dependsOn(s, validation, r.res.URN) {
			continue
		}
		in := inputs(r.res)
		name := strings.TrimSuffix(str(in, "name"), ".")
		if str(in, "type") != "CNAME" || !strings.HasSuffix(name, "."+domain) {
			continue
		}
		z, ok := zones[str(in, "zoneId")]
		switch {
		case !ok:
			return fmt.Sprintf("its validation record %s is in zone %s, which no stack of the plan creates", r.res.Name, str(in, "zoneId"))
		case path(inputs(z.res), "vpcs") != nil:
			return fmt.Sprintf("its validation record %s is in private zone %s: ACM resolves it publicly", r.res.Name, z.res.Name)
		case domain != strings.TrimSuffix(str(inputs(z.res), "name"), ".") && !strings.HasSuffix(domain, "."+strings.TrimSuffix(str(inputs(z.res), "name"), ".")):
			return fmt.Sprintf("its validation record %s is in zone %s (%s), which does not hold %s", r.res.Name, z.res.Name, str(inputs(z.res), "name"), domain)
		}
		return ""
	}
	return "its CertificateValidation waits for no CNAME record under the domain"
}
