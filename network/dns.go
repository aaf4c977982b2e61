package network

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2transitgateway"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/naming"
)

// PublicDNS creates the company's public hosted zone in the networking account, protected: its name servers are
// registered with the domain registrar, and recreating the zone would change them. Each environment's subdomain
// is delegated by the workload stack (EnvironmentZone). Cost: $0.50/month plus queries.
//
// It exports the zone ID and its name servers.
type PublicDNS struct {
	pulumi.ResourceState

	Zone *route53.Zone
}

// NewPublicDNS registers the public zone.
func NewPublicDNS(ctx *pulumi.Context, name, env, domain string, provider *aws.Provider, opts ...pulumi.ResourceOption) (*PublicDNS, error) {
	c := &PublicDNS{}
	if err := ctx.RegisterComponentResource("platform:network:PublicDNS", name, c, opts...); err != nil {
		return nil, err
	}
	zone, err := route53.NewZone(ctx, naming.Name(env, "dns", "public-zone"), &route53.ZoneArgs{
		Name:    pulumi.String(domain),
		Comment: pulumi.String("Public zone; each environment's subdomain is delegated to its workload account"),
	}, pulumi.Parent(c), pulumi.Provider(provider), pulumi.Protect(true))
	if err != nil {
		return nil, fmt.Errorf("creating public zone %s: %w", domain, err)
	}
	c.Zone = zone
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"zoneId": zone.ZoneId})
}

// EnvironmentZoneArgs configures an EnvironmentZone.
type EnvironmentZoneArgs struct {
	Env string
	// Domain is the parent zone's name and ParentZoneID its ID (in the networking account).
	Domain       string
	ParentZoneID pulumi.StringInput
	Provider     *aws.Provider // the workload account
	HubProvider  *aws.Provider // the networking account
}

// EnvironmentZone creates, for a workload stack, the public zone <env>.<domain> in the workload account and its
// delegation (an NS record) in the parent zone through the hub provider: the environment's load balancers and
// certificates are managed in its own account.
type EnvironmentZone struct {
	pulumi.ResourceState

	Zone *route53.Zone
}

// NewEnvironmentZone registers an environment's delegated zone.
func NewEnvironmentZone(ctx *pulumi.Context, name string, args EnvironmentZoneArgs, opts ...pulumi.ResourceOption) (*EnvironmentZone, error) {
	c := &EnvironmentZone{}
	if err := ctx.RegisterComponentResource("platform:network:EnvironmentZone", name, c, opts...); err != nil {
		return nil, err
	}
	fqdn := args.Env + "." + args.Domain
	zone, err := route53.NewZone(ctx, naming.Name(args.Env, "dns", "zone"), &route53.ZoneArgs{
		Name:    pulumi.String(fqdn),
		Comment: pulumi.String("Public zone of the " + args.Env + " environment"),
	}, pulumi.Parent(c), pulumi.Provider(args.Provider), pulumi.Protect(true))
	if err != nil {
		return nil, err
	}
	c.Zone = zone
	if _, err := route53.NewRecord(ctx, naming.Name(args.Env, "dns", "delegation"), &route53.RecordArgs{
		ZoneId:  args.ParentZoneID,
		Name:    pulumi.String(fqdn),
		Type:    pulumi.String("NS"),
		Ttl:     pulumi.Int(172800),
		Records: zone.NameServers,
	}, pulumi.Parent(c), pulumi.Provider(args.HubProvider)); err != nil {
		return nil, err
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"zoneId": zone.ZoneId})
}

// VPNArgs configures the optional site-to-site VPN.
type VPNArgs struct {
	Env               string
	Provider          *aws.Provider // the networking account
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
}

// NewVPN registers the VPN.
func NewVPN(ctx *pulumi.Context, name string, a VPNArgs, opts ...pulumi.ResourceOption) (*VPN, error) {
	c := &VPN{}
	if err := ctx.RegisterComponentResource("platform:network:VPN", name, c, opts...); err != nil {
		return nil, err
	}
	if err := newVPN(ctx, a, pulumi.Parent(c), pulumi.Provider(a.Provider)); err != nil {
		return nil, err
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{})
}

func newVPN(ctx *pulumi.Context, a VPNArgs, opts ...pulumi.ResourceOption) error {
	cgw, err := ec2.NewCustomerGateway(ctx, naming.Name(a.Env, "vpn", "customer-gateway"), &ec2.CustomerGatewayArgs{
		BgpAsn:    pulumi.String(strconv.Itoa(a.BGPASN)),
		IpAddress: pulumi.String(a.CustomerGatewayIP),
		Type:      pulumi.String("ipsec.1"),
	}, opts...)
	if err != nil {
		return fmt.Errorf("creating customer gateway: %w", err)
	}
	vpn, err := ec2.NewVpnConnection(ctx, naming.Name(a.Env, "vpn", "connection"), &ec2.VpnConnectionArgs{
		CustomerGatewayId: cgw.ID(),
		TransitGatewayId:  a.Hub.TransitGateway.ID(),
		Type:              pulumi.String("ipsec.1"),
		StaticRoutesOnly:  pulumi.Bool(false),
	}, opts...)
	if err != nil {
		return fmt.Errorf("creating VPN connection: %w", err)
	}
	rtName := naming.Name(a.Env, "tgw-rt", "onprem")
	rt, err := ec2transitgateway.NewRouteTable(ctx, rtName, &ec2transitgateway.RouteTableArgs{
		TransitGatewayId: a.Hub.TransitGateway.ID(), Tags: pulumi.StringMap{"Name": pulumi.String(rtName)},
	}, opts...)
	if err != nil {
		return err
	}
	if _, err := ec2transitgateway.NewRoute(ctx, naming.Name(a.Env, "tgw-rt", "onprem", "default-to-inspection"), &ec2transitgateway.RouteArgs{
		TransitGatewayRouteTableId: rt.ID(), DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
		TransitGatewayAttachmentId: a.InspectionAttachmentID,
	}, opts...); err != nil {
		return err
	}
	return attach(ctx, naming.Name(a.Env, "vpn", "tgw"), vpn.TransitGatewayAttachmentId, rtID(rt),
		map[string]pulumi.StringInput{DomainInspection: rtID(a.Hub.RouteTables[DomainInspection])}, opts...)
}
