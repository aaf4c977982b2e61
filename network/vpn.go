package network

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2transitgateway"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/scope"
)

// VPNArgs configures the optional site-to-site VPN.
type VPNArgs struct {
	scope.Scope       // the networking account
	CustomerGatewayIP string
	BGPASN            int
	Hub               *Hub
	// InspectionAttachmentID is where on-premises traffic goes first.
	InspectionAttachmentID pulumi.StringInput
}

// VPN creates the customer gateway and a BGP VPN attached to the Transit Gateway, with its own "onprem" route
// table: everything from on premises goes through inspection, and the inspection table learns the on-premises
// routes so replies find their way back. Cost: $0.05/h per connection (~$36/month) plus data.
type VPN struct {
	pulumi.ResourceState

	// ConnectionID is the VPN connection's ID (the VpnId of its CloudWatch metrics).
	ConnectionID pulumi.StringOutput
}

// NewVPN registers the VPN.
func NewVPN(ctx *pulumi.Context, name string, args VPNArgs, opts ...pulumi.ResourceOption) (_ *VPN, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("v p n %s: %w", name, err)
		}
	}()
	c := &VPN{}
	if err := ctx.RegisterComponentResource("platform:network:VPN", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering VPN %s: %w", name, err)
	}
	vpn, err := vpnConnection(ctx, name, args, c)
	if err != nil {
		return nil, err
	}
	c.ConnectionID = vpn.ID().ToStringOutput()
	if err := onPremDomain(ctx, name, args, vpn, c); err != nil {
		return nil, err
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{})
}

// vpnConnection creates the customer gateway and the BGP VPN connection to the Transit Gateway.
func vpnConnection(ctx *pulumi.Context, name string, args VPNArgs, parent pulumi.Resource) (*ec2.VpnConnection, error) {
	cgw, err := ec2.NewCustomerGateway(ctx, scope.Child(name, "customer-gateway"), &ec2.CustomerGatewayArgs{
		BgpAsn:    pulumi.String(strconv.Itoa(args.BGPASN)),
		IpAddress: pulumi.String(args.CustomerGatewayIP),
		Type:      pulumi.String("ipsec.1"),
	}, args.In(parent)...)
	if err != nil {
		return nil, fmt.Errorf("creating customer gateway: %w", err)
	}
	vpn, err := ec2.NewVpnConnection(ctx, scope.Child(name, "connection"), &ec2.VpnConnectionArgs{
		CustomerGatewayId: cgw.ID(),
		TransitGatewayId:  args.Hub.TransitGateway.ID(),
		Type:              pulumi.String("ipsec.1"),
		StaticRoutesOnly:  pulumi.Bool(false),
	}, args.In(parent)...)
	if err != nil {
		return nil, fmt.Errorf("creating VPN connection: %w", err)
	}
	return vpn, nil
}

// onPremDomain gives the VPN attachment its own TGW route table, whose default route goes to inspection, and
// propagates the on-premises routes into the inspection table.
func onPremDomain(ctx *pulumi.Context, name string, args VPNArgs, vpn *ec2.VpnConnection, parent pulumi.Resource) error {
	rtName := scope.Child(name, "rt", "onprem")
	rt, err := ec2transitgateway.NewRouteTable(ctx, rtName, &ec2transitgateway.RouteTableArgs{
		TransitGatewayId: args.Hub.TransitGateway.ID(), Tags: pulumi.StringMap{"Name": pulumi.String(rtName)},
	}, args.In(parent)...)
	if err != nil {
		return fmt.Errorf("creating TGW route table %s: %w", rtName, err)
	}
	if _, err := ec2transitgateway.NewRoute(ctx, scope.Child(rtName, "default-to-inspection"), &ec2transitgateway.RouteArgs{
		TransitGatewayRouteTableId: rt.ID(), DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
		TransitGatewayAttachmentId: args.InspectionAttachmentID,
	}, args.In(parent)...); err != nil {
		return fmt.Errorf("routing on-premises traffic to inspection: %w", err)
	}
	return attach(ctx, scope.Child(name, "tgw"), vpn.TransitGatewayAttachmentId, rtID(rt),
		map[string]pulumi.StringInput{DomainInspection: rtID(args.Hub.RouteTables[DomainInspection])}, args.In(parent)...)
}
