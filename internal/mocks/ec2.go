package mocks

import (
	"fmt"
	"strings"
)

// ec2Handlers answer Amazon EC2 and VPC: VPCs, subnets (whose AZs the firewall's endpoints read back), NAT
// gateways, Elastic IPs, endpoints, VPN connections, launch templates and the resources known only by an ID
// format.
var ec2Handlers = map[string]handler{
	"aws:ec2/vpc:Vpc":                 vpc,
	"aws:ec2/subnet:Subnet":           subnet,
	"aws:ec2/natGateway:NatGateway":   natGateway,
	"aws:ec2/eip:Eip":                 eip,
	"aws:ec2/vpcEndpoint:VpcEndpoint": vpcEndpoint,
	"aws:ec2/vpnConnection:VpnConnection": func(r *registration) {
		r.id = "vpn-" + hexID(r.urn, 17)
		r.set("transitGatewayAttachmentId", "tgw-attach-"+hexID(r.urn+"attach", 17))
	},
	"aws:ec2/launchTemplate:LaunchTemplate": func(r *registration) {
		r.id = "lt-" + hexID(r.urn, 17)
		r.set("latestVersion", 1)
		r.set("defaultVersion", 1)
	},
	"aws:ec2/securityGroupRule:SecurityGroupRule": func(r *registration) {
		r.id = "sgrule-" + hexID(r.urn, 10)
	},

	"aws:ec2/routeTable:RouteTable":                       prefixedID("rtb-"),
	"aws:ec2/routeTableAssociation:RouteTableAssociation": prefixedID("rtbassoc-"),
	"aws:ec2/route:Route":                                 prefixedID("r-rtb-"),
	"aws:ec2/internetGateway:InternetGateway":             prefixedID("igw-"),
	"aws:ec2/securityGroup:SecurityGroup":                 prefixedID("sg-"),
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":   prefixedID("sg-"),
	"aws:ec2/networkAcl:NetworkAcl":                       prefixedID("acl-"),
	"aws:ec2/flowLog:FlowLog":                             prefixedID("fl-"),
	"aws:ec2/customerGateway:CustomerGateway":             prefixedID("cgw-"),
}

// prefixedID answers an EC2 resource that needs only its ID format: the prefix and 17 hex digits.
func prefixedID(prefix string) handler {
	return func(r *registration) { r.id = prefix + hexID(r.urn, 17) }
}

func vpc(r *registration) {
	r.id = "vpc-" + hexID(r.urn, 17)
	r.set("arn", fmt.Sprintf("arn:aws:ec2:%s:%s:vpc/%s", r.region, r.acct, r.id))
	r.set("defaultSecurityGroupId", "sg-"+hexID(r.urn+"sg", 17))
	r.set("defaultNetworkAclId", "acl-"+hexID(r.urn+"acl", 17))
	r.set("mainRouteTableId", "rtb-"+hexID(r.urn+"rtb", 17))
	r.set("ownerId", r.acct)
}

// subnet records the subnet's AZ: a firewall reports its endpoints per AZ of the subnets it is given.
func subnet(r *registration) {
	r.id = "subnet-" + hexID(r.urn, 17)
	az := r.in("availabilityZone")
	r.m.mu.Lock()
	r.m.subnetAZ[r.id] = az
	r.m.mu.Unlock()
	r.set("arn", fmt.Sprintf("arn:aws:ec2:%s:%s:subnet/%s", r.region, r.acct, r.id))
	r.set("availabilityZoneId", regionCode(r.region)+"-az"+fmt.Sprint(strings.IndexByte("abcdef", lastByte(az))+1))
}

func natGateway(r *registration) {
	r.id = "nat-" + hexID(r.urn, 17)
	r.set("publicIp", publicIP(r.urn))
}

func eip(r *registration) {
	r.id = "eipalloc-" + hexID(r.urn, 17)
	r.set("allocationId", r.id)
	r.set("publicIp", publicIP(r.urn))
}

// publicIP is a deterministic address in 3.0.0.0/8, an Amazon range.
func publicIP(urn string) string {
	return fmt.Sprintf("3.%d.%d.%d", byteOf(urn, 0), byteOf(urn, 1), byteOf(urn, 2))
}

// vpcEndpoint gives an interface endpoint the DNS entry of its service; a gateway endpoint has none.
func vpcEndpoint(r *registration) {
	r.id = "vpce-" + hexID(r.urn, 17)
	r.set("arn", fmt.Sprintf("arn:aws:ec2:%s:%s:vpc-endpoint/%s", r.region, r.acct, r.id))
	if r.in("vpcEndpointType") == "Interface" {
		service := strings.TrimPrefix(r.in("serviceName"), "com.amazonaws."+r.region+".")
		r.set("dnsEntries", []any{map[string]any{
			"dnsName":      fmt.Sprintf("%s-%s.%s.%s.vpce.amazonaws.com", r.id, lowerAlnum(r.urn, 8), service, r.region),
			"hostedZoneId": "Z7HUB22UULQXV",
		}})
	}
	r.set("prefixListId", "pl-"+hexID(r.urn, 8))
}
