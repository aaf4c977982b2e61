package mocks

import (
	"fmt"
	"strings"
)

// route53Handlers answer Amazon Route 53: hosted zones and VPC association authorizations.
var route53Handlers = map[string]handler{
	"aws:route53/zone:Zone": zone,
	"aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization": func(r *registration) {
		r.id = r.in("zoneId") + ":" + r.in("vpcId")
	},
}

// zone gives a public zone its four delegation name servers, one per TLD as Route 53 does; a private zone
// (one with VPCs) has none.
func zone(r *registration) {
	urn := r.urn
	r.id = "Z" + strings.ToUpper(lowerAlnum(urn, 20))
	r.set("zoneId", r.id)
	r.set("arn", "arn:aws:route53:::hostedzone/"+r.id)
	if _, private := r.args.Inputs["vpcs"]; private {
		r.set("nameServers", []any{})
		return
	}
	r.set("nameServers", []any{
		fmt.Sprintf("ns-%d.awsdns-%02d.com", 100+byteOf(urn, 0), byteOf(urn, 1)%64),
		fmt.Sprintf("ns-%d.awsdns-%02d.net", 600+byteOf(urn, 2), byteOf(urn, 3)%64),
		fmt.Sprintf("ns-%d.awsdns-%02d.org", 1100+byteOf(urn, 4), byteOf(urn, 5)%64),
		fmt.Sprintf("ns-%d.awsdns-%02d.co.uk", 1600+byteOf(urn, 6), byteOf(urn, 7)%64),
	})
}
