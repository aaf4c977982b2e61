package mocks

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// loadBalancingHandlers answer ACM, the Route 53 records, and the Kubernetes objects the AWS Load Balancer
// Controller fronts: an Ingress of an ALB class and a Service of type LoadBalancer get the hostname the
// controller publishes in their status (Pulumi waits for it before it reports them created).
var loadBalancingHandlers = map[string]handler{
	"aws:acm/certificate:Certificate": func(r *registration) {
		r.set("arn", fmt.Sprintf("arn:aws:acm:%s:%s:certificate/%s", r.region, r.acct, uuid(r.urn)))
		domain := r.in("domainName")
		// DNS validation: one CNAME per name, under the name, pointing into acm-validations.aws.
		r.set("domainValidationOptions", []any{map[string]any{
			"domainName":          domain,
			"resourceRecordName":  fmt.Sprintf("_%s.%s.", hexID("acm-name:"+r.urn, 32), domain),
			"resourceRecordType":  "CNAME",
			"resourceRecordValue": fmt.Sprintf("_%s.%s.acm-validations.aws.", hexID("acm-value:"+r.urn, 32), lowerAlnum(r.urn, 10)),
		}})
		r.set("status", "PENDING_VALIDATION")
	},
	"aws:acm/certificateValidation:CertificateValidation": func(r *registration) {
		r.id = r.in("certificateArn")
	},
	"aws:route53/record:Record": func(r *registration) {
		name := strings.TrimSuffix(r.in("name"), ".")
		r.id = r.in("zoneId") + "_" + name + "_" + r.in("type")
		r.set("fqdn", name)
	},
	"kubernetes:networking.k8s.io/v1:Ingress": func(r *registration) {
		group := lowerAlnum("alb:"+r.urn, 8)
		r.set("status", map[string]any{"loadBalancer": map[string]any{"ingress": []any{map[string]any{
			"hostname": fmt.Sprintf("k8s-%s-%s.%s.elb.amazonaws.com", group, hexID(r.urn, 10), r.region),
		}}}})
	},
	"kubernetes:core/v1:Service": func(r *registration) {
		spec, _ := Plain(r.args.Inputs)["spec"].(map[string]any)
		if spec["type"] != "LoadBalancer" {
			return
		}
		meta, _ := Plain(r.args.Inputs)["metadata"].(map[string]any)
		name := fmt.Sprintf("k8s-%.8s-%.9s-%s", meta["namespace"], meta["name"], hexID(r.urn, 10))
		r.set("status", map[string]any{"loadBalancer": map[string]any{"ingress": []any{map[string]any{
			"hostname": fmt.Sprintf("%s.elb.%s.amazonaws.com", name, r.region),
		}}}})
	},
}

// elbHostedZones are the canonical hosted zones of Application and Network Load Balancers in the regions the
// tests plan (the provider's own table answers in a real run).
var elbHostedZones = map[string][2]string{
	"us-east-1": {"Z35SXDOTRQ7X7K", "Z26RNL4JYFTOTI"},
	"us-west-2": {"Z1H1FL5HABSF5", "Z18D5FSROUN65G"},
}

// lbHostedZone answers aws:lb/getHostedZoneId for a region and load-balancer type.
func lbHostedZone(region string, args resource.PropertyMap) (resource.PropertyMap, error) {
	zones, ok := elbHostedZones[region]
	if !ok {
		return nil, fmt.Errorf("mocks: no load balancer hosted zone for %s: add it to elbHostedZones", region)
	}
	id := zones[0]
	if stringInput(args, "loadBalancerType") == "network" {
		id = zones[1]
	}
	return resource.NewPropertyMapFromMap(map[string]any{"id": id}), nil
}
