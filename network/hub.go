package network

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2transitgateway"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ram"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/scope"
)

// Route domains: the Transit Gateway route tables.
const (
	DomainProd       = "prod"
	DomainNonProd    = "nonprod"
	DomainShared     = "shared"
	DomainInspection = "inspection"
)

// SpokeDomain is the route domain a workload environment's VPC joins: prod for a production environment,
// nonprod for every other (the environment's tier, platform:estate.environments).
func SpokeDomain(production bool) string {
	if production {
		return DomainProd
	}
	return DomainNonProd
}

// HubArgs configures the Hub.
type HubArgs struct {
	scope.Scope // the networking account, home region
	ASN         int
	// ShareWithOUARNs receive the RAM share: every account in these OUs (Workloads) can attach to the TGW.
	ShareWithOUARNs []string
	// ProdCIDR and NonProdCIDR are the route domains' supernets; each is blackholed in the other's table.
	ProdCIDR, NonProdCIDR string
}

// Hub creates, in the networking account, the Transit Gateway (default association and propagation off,
// shared attachments not auto-accepted, DNS support on), its RAM share to the Workloads OU (no external
// principals), and the route tables of the route domains: prod and nonprod (each blackholes the other's
// supernet, so they can never reach each other, not even through the inspection VPC), shared and inspection.
// Default routes and propagations are added by the attachments that use them.
//
// Cost: $0.05 per attachment-hour ($36.50/month each) plus $0.02 per GB processed.
//
// It exports the TGW ID, the route table IDs by domain and the RAM share ARN.
type Hub struct {
	pulumi.ResourceState

	TransitGateway *ec2transitgateway.TransitGateway
	RouteTables    map[string]*ec2transitgateway.RouteTable
	ShareARN       pulumi.StringOutput
}

// NewHub registers the Transit Gateway hub.
func NewHub(ctx *pulumi.Context, name string, args HubArgs, opts ...pulumi.ResourceOption) (_ *Hub, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("hub %s: %w", name, err)
		}
	}()
	c := &Hub{}
	if err := ctx.RegisterComponentResource("platform:network:Hub", name, c, opts...); err != nil {
		return nil, err
	}
	if c.TransitGateway, err = transitGateway(ctx, name, args, c); err != nil {
		return nil, err
	}
	if c.ShareARN, err = shareTransitGateway(ctx, name, args, c.TransitGateway, c); err != nil {
		return nil, err
	}
	if c.RouteTables, err = routeDomains(ctx, name, args, c.TransitGateway, c); err != nil {
		return nil, err
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"transitGatewayId": c.TransitGateway.ID()})
}

// transitGateway creates the Transit Gateway, protected: every attachment of every stack depends on it.
func transitGateway(ctx *pulumi.Context, name string, args HubArgs, parent pulumi.Resource) (*ec2transitgateway.TransitGateway, error) {
	tgwName := scope.Child(name, "tgw")
	tgw, err := ec2transitgateway.NewTransitGateway(ctx, tgwName, &ec2transitgateway.TransitGatewayArgs{
		Description:                  pulumi.String("Innovate hub: route domains prod, nonprod, shared, inspection"),
		AmazonSideAsn:                pulumi.Int(args.ASN),
		AutoAcceptSharedAttachments:  pulumi.String("disable"),
		DefaultRouteTableAssociation: pulumi.String("disable"),
		DefaultRouteTablePropagation: pulumi.String("disable"),
		DnsSupport:                   pulumi.String("enable"),
		VpnEcmpSupport:               pulumi.String("enable"),
		Tags:                         pulumi.StringMap{"Name": pulumi.String(tgwName)},
	}, args.In(parent, pulumi.Protect(true))...)
	if err != nil {
		return nil, fmt.Errorf("creating transit gateway %s: %w", tgwName, err)
	}
	return tgw, nil
}

// shareTransitGateway shares the Transit Gateway through RAM with the configured OUs, and with nobody outside
// the organization.
func shareTransitGateway(ctx *pulumi.Context, name string, args HubArgs, tgw *ec2transitgateway.TransitGateway,
	parent pulumi.Resource) (pulumi.StringOutput, error) {
	child := args.In(parent)
	shareName := scope.Child(name, "share")
	share, err := ram.NewResourceShare(ctx, shareName, &ram.ResourceShareArgs{
		Name:                    pulumi.String(shareName),
		AllowExternalPrincipals: pulumi.Bool(false),
	}, child...)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating RAM share %s: %w", shareName, err)
	}
	if _, err := ram.NewResourceAssociation(ctx, scope.Child(shareName, "tgw"), &ram.ResourceAssociationArgs{
		ResourceShareArn: share.Arn, ResourceArn: tgw.Arn,
	}, child...); err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("adding the transit gateway to RAM share %s: %w", shareName, err)
	}
	for _, ou := range args.ShareWithOUARNs {
		if _, err := ram.NewPrincipalAssociation(ctx, scope.Child(shareName, ou[strings.LastIndex(ou, "/")+1:]), &ram.PrincipalAssociationArgs{
			ResourceShareArn: share.Arn, Principal: pulumi.String(ou),
		}, child...); err != nil {
			return pulumi.StringOutput{}, fmt.Errorf("sharing RAM share %s with %s: %w", shareName, ou, err)
		}
	}
	return share.Arn, nil
}

// routeDomains creates a route table per route domain, and in prod and nonprod the blackhole route to the other.
func routeDomains(ctx *pulumi.Context, name string, args HubArgs, tgw *ec2transitgateway.TransitGateway,
	parent pulumi.Resource) (map[string]*ec2transitgateway.RouteTable, error) {
	child := args.In(parent)
	tables := map[string]*ec2transitgateway.RouteTable{}
	for _, d := range []string{DomainProd, DomainNonProd, DomainShared, DomainInspection} {
		rtName := scope.Child(name, "rt", d)
		rt, err := ec2transitgateway.NewRouteTable(ctx, rtName, &ec2transitgateway.RouteTableArgs{
			TransitGatewayId: tgw.ID(),
			Tags:             pulumi.StringMap{"Name": pulumi.String(rtName)},
		}, child...)
		if err != nil {
			return nil, fmt.Errorf("creating TGW route table %s: %w", rtName, err)
		}
		tables[d] = rt
	}
	for domain, other := range map[string]string{DomainProd: args.NonProdCIDR, DomainNonProd: args.ProdCIDR} {
		if _, err := ec2transitgateway.NewRoute(ctx, scope.Child(name, "rt", domain, "blackhole-other-domain"), &ec2transitgateway.RouteArgs{
			TransitGatewayRouteTableId: tables[domain].ID(),
			DestinationCidrBlock:       pulumi.String(other),
			Blackhole:                  pulumi.Bool(true),
		}, child...); err != nil {
			return nil, fmt.Errorf("blackholing %s in the %s route table: %w", other, domain, err)
		}
	}
	return tables, nil
}

// attach associates an attachment with one route table and propagates it into others (the hub side of an
// attachment); route tables are given by ID so the workload stacks can pass what the network stack exports.
func attach(ctx *pulumi.Context, name string, attachment, associate pulumi.StringInput,
	propagate map[string]pulumi.StringInput, opts ...pulumi.ResourceOption) error {
	if _, err := ec2transitgateway.NewRouteTableAssociation(ctx, name+"-association", &ec2transitgateway.RouteTableAssociationArgs{
		TransitGatewayAttachmentId: attachment, TransitGatewayRouteTableId: associate,
	}, opts...); err != nil {
		return fmt.Errorf("associating %s with its TGW route table: %w", name, err)
	}
	for _, domain := range slices.Sorted(maps.Keys(propagate)) {
		if _, err := ec2transitgateway.NewRouteTablePropagation(ctx, name+"-propagation-"+domain, &ec2transitgateway.RouteTablePropagationArgs{
			TransitGatewayAttachmentId: attachment, TransitGatewayRouteTableId: propagate[domain],
		}, opts...); err != nil {
			return fmt.Errorf("propagating %s into the %s TGW route table: %w", name, domain, err)
		}
	}
	return nil
}

// rtID is a route table's ID as an input.
func rtID(rt *ec2transitgateway.RouteTable) pulumi.StringInput { return rt.ID().ToStringOutput() }
