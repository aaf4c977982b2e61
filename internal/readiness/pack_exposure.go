package readiness

import (
	"fmt"
	"slices"

	"github.com/innovate-inc/platform/internal/plan"
)

var publicExposure = Rule{
	ID: "PC003", Title: "no-public-exposure", Severity: Critical, Category: CategoryCompliance, Doc: docFSBP,
	Controls: []string{cisAWS + "2.1.4", cisAWS + "2.3.3", cisAWS + "5.2", cisAWS + "5.3", cisAWS + "5.4",
		fsbp + "S3.8", fsbp + "RDS.2", fsbp + "EC2.2", fsbp + "EC2.18", fsbp + "EC2.19", fsbp + "EKS.1",
		cisEKS + "5.4.1", cisEKS + "5.4.2"},
}

// webPorts are the only ports the internet may reach (through a load balancer).
var webPorts = []float64{80, 443}

// Nothing is reachable from the internet but web ports: buckets block public access, databases are private,
// no security group admits 0.0.0.0/0 or ::/0 on other ports, default security groups admit nothing, a public
// cluster endpoint is limited to named networks, and an internet-facing load balancer has security groups.
func checkPublicExposure(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	bad := func(l located, format string, args ...any) {
		out = append(out, publicExposure.finding(l.res.URN, fmt.Sprintf(l.res.Name+" "+format, args...)))
	}
	pab := byInput(res, typeBucketPAB, "bucket")
	for _, l := range ofType(res, typeBucket) {
		b := str(inputs(l.res), "bucket")
		p, ok := pab[b]
		if !ok {
			bad(l, "(bucket %q) has no public access block", b)
			continue
		}
		for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			if !truthy(inputs(p.res), k) {
				bad(l, "(bucket %q) public access block %s does not set %s", b, p.res.Name, k)
			}
		}
	}
	for _, l := range ofType(res, typeDBInstance) {
		if truthy(inputs(l.res), "publiclyAccessible") {
			bad(l, "is publicly accessible")
		}
	}
	openRule := func(l located, rule any) {
		cidrs := append(stringList(rule, "cidrBlocks"), stringList(rule, "ipv6CidrBlocks")...)
		if !slices.Contains(cidrs, "0.0.0.0/0") && !slices.Contains(cidrs, "::/0") {
			return
		}
		from, _ := number(rule, "fromPort")
		to, _ := number(rule, "toPort")
		if str(rule, "protocol") == "tcp" && from == to && slices.Contains(webPorts, from) {
			return
		}
		bad(l, "admits %v on protocol %s ports %v-%v: only 80 and 443 may be open to the internet", cidrs, str(rule, "protocol"), from, to)
	}
	for _, l := range ofType(res, typeSecurityGroup) {
		for _, r := range list(inputs(l.res), "ingress") {
			openRule(l, r)
		}
	}
	for _, l := range ofType(res, typeSecurityGroupRule) {
		if str(inputs(l.res), "type") == "ingress" {
			openRule(l, inputs(l.res))
		}
	}
	for _, l := range ofType(res, typeDefaultSG) {
		if len(list(inputs(l.res), "ingress"))+len(list(inputs(l.res), "egress")) > 0 {
			bad(l, "leaves rules on the default security group: it must admit nothing")
		}
	}
	for _, l := range ofType(res, typeEKSCluster) {
		if !truthy(inputs(l.res), "endpointPublicAccess") {
			continue
		}
		cidrs := stringList(inputs(l.res), "publicAccessCidrs")
		if len(cidrs) == 0 || slices.Contains(cidrs, "0.0.0.0/0") {
			bad(l, "has a public API endpoint open to the whole internet (publicAccessCidrs %v)", cidrs)
		}
	}
	for _, l := range ofType(res, typeLoadBalancer) {
		if truthy(inputs(l.res), "internal") {
			continue
		}
		if len(stringList(inputs(l.res), "securityGroups")) == 0 {
			bad(l, "is internet-facing without security groups: every listener port is open to the internet")
		}
	}
	return out
}
