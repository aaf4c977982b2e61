package mocks

import "fmt"

// transitGatewayHandlers answer EC2 Transit Gateway: gateways, route tables, VPC attachments and their
// cross-account accepters.
var transitGatewayHandlers = map[string]handler{
	"aws:ec2transitgateway/transitGateway:TransitGateway": func(r *registration) {
		r.id = "tgw-" + hexID(r.urn, 17)
		r.set("arn", fmt.Sprintf("arn:aws:ec2:%s:%s:transit-gateway/%s", r.region, r.acct, r.id))
		r.set("ownerId", r.acct)
	},
	"aws:ec2transitgateway/routeTable:RouteTable": func(r *registration) {
		r.id = "tgw-rtb-" + hexID(r.urn, 17)
		r.set("arn", fmt.Sprintf("arn:aws:ec2:%s:%s:transit-gateway-route-table/%s", r.region, r.acct, r.id))
	},
	"aws:ec2transitgateway/vpcAttachment:VpcAttachment": func(r *registration) {
		r.id = "tgw-attach-" + hexID(r.urn, 17)
		r.set("vpcOwnerId", r.acct)
	},
	"aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter": func(r *registration) {
		r.id = r.in("transitGatewayAttachmentId")
	},
}
