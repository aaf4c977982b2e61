package network

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2transitgateway"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/naming"
)

// EndpointZoneName is the private DNS name a service's endpoint answers for in a region.
func EndpointZoneName(service, region string) string {
	switch service {
	case "ecr.api":
		return "api.ecr." + region + ".amazonaws.com"
	case "ecr.dkr":
		return "dkr.ecr." + region + ".amazonaws.com"
	case "eks-auth":
		return "eks-auth." + region + ".api.aws"
	}
	return service + "." + region + ".amazonaws.com"
}

// wildcardServices answer on subdomains of their zone (<account>.dkr.ecr...).
var wildcardServices = map[string]bool{"ecr.dkr": true}

// SharedServicesArgs configures SharedServices.
type SharedServicesArgs struct {
	Env      string
	Region   string
	Provider *aws.Provider // the networking account, home region
	CIDR     netip.Prefix
	AZs      []string // the VPC's AZs; endpoints use the first EndpointAZs of them
	// EndpointAZs is how many AZs each endpoint has an interface in.
	EndpointAZs int
	Services    []string
	Hub         *Hub
	// ClientCIDRs may reach the endpoints on 443 (the route domains and the hub VPCs).
	ClientCIDRs       []string
	FlowLogsBucketARN string
	Tags              map[string]string
}

// SharedServices creates, in the networking account, the shared-services VPC attached to the TGW (associated
// with the shared route table and propagated into every other, so each domain reaches it directly), the central
// interface endpoints with private DNS off, and for each a Route 53 private hosted zone with the service's
// regional name aliased to the endpoint: workload VPCs associate with these zones (the association
// authorizations are created by the workload stacks through the hub provider) and resolve AWS APIs to the
// central endpoints.
//
// Cost: $0.01 per endpoint per AZ per hour ($7.30/month; 15 services x 2 AZs = ~$220/month) plus $0.01/GB;
// $0.50 per hosted zone per month.
//
// It exports the VPC ID, the attachment ID and the endpoint zone IDs by service.
type SharedServices struct {
	pulumi.ResourceState

	VPC          *ec2.Vpc
	AttachmentID pulumi.StringOutput
	ZoneIDs      map[string]pulumi.StringOutput
}

// NewSharedServices registers the shared-services VPC and its endpoints.
func NewSharedServices(ctx *pulumi.Context, name string, args SharedServicesArgs, opts ...pulumi.ResourceOption) (*SharedServices, error) {
	c := &SharedServices{ZoneIDs: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource("platform:network:SharedServices", name, c, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Provider)}
	n := func(role string, q ...string) string { return naming.Name(args.Env, "shared", role, q...) }
	plan, err := SharedServicesPlan(args.CIDR, len(args.AZs))
	if err != nil {
		return nil, err
	}
	vpc, err := newVPC(ctx, vpcArgs{Name: n("vpc"), CIDR: args.CIDR, FlowLogsBucketARN: args.FlowLogsBucketARN, Tags: args.Tags}, child...)
	if err != nil {
		return nil, err
	}
	c.VPC = vpc
	tgwTier, err := newTier(ctx, n("tgw"), vpc, args.AZs, plan.TGW, args.Tags, true, child...)
	if err != nil {
		return nil, err
	}
	epTier, err := newTier(ctx, n("endpoints"), vpc, args.AZs, plan.Private, args.Tags, true, child...)
	if err != nil {
		return nil, err
	}
	attachment, err := ec2transitgateway.NewVpcAttachment(ctx, n("tgw-attachment"), &ec2transitgateway.VpcAttachmentArgs{
		TransitGatewayId: args.Hub.TransitGateway.ID(),
		VpcId:            vpc.ID(),
		SubnetIds:        tgwTier.SubnetIDs(),
		DnsSupport:       pulumi.String("enable"),
		TransitGatewayDefaultRouteTableAssociation: pulumi.Bool(false),
		TransitGatewayDefaultRouteTablePropagation: pulumi.Bool(false),
		Tags: pulumi.ToStringMap(withName(args.Tags, n("tgw-attachment"))),
	}, child...)
	if err != nil {
		return nil, err
	}
	c.AttachmentID = attachment.ID().ToStringOutput()
	rts := args.Hub.RouteTables
	if err := attach(ctx, n("tgw"), c.AttachmentID, rtID(rts[DomainShared]), map[string]pulumi.StringInput{
		DomainProd: rtID(rts[DomainProd]), DomainNonProd: rtID(rts[DomainNonProd]), DomainInspection: rtID(rts[DomainInspection]),
	}, child...); err != nil {
		return nil, err
	}
	for _, t := range []struct {
		name string
		rt   *ec2.RouteTable
	}{{"tgw", tgwTier.RouteTables[0]}, {"endpoints", epTier.RouteTables[0]}} {
		if _, err := ec2.NewRoute(ctx, n(t.name, "default-to-tgw"), &ec2.RouteArgs{
			RouteTableId: t.rt.ID(), DestinationCidrBlock: pulumi.String("0.0.0.0/0"), TransitGatewayId: args.Hub.TransitGateway.ID(),
		}, append(child, pulumi.DependsOn([]pulumi.Resource{attachment}))...); err != nil {
			return nil, err
		}
	}

	var ingress ec2.SecurityGroupIngressArray
	for _, cidr := range args.ClientCIDRs {
		ingress = append(ingress, ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("HTTPS to AWS APIs from " + cidr),
			Protocol:    pulumi.String("tcp"), FromPort: pulumi.Int(443), ToPort: pulumi.Int(443),
			CidrBlocks: pulumi.ToStringArray([]string{cidr}),
		})
	}
	sg, err := ec2.NewSecurityGroup(ctx, n("endpoints-sg"), &ec2.SecurityGroupArgs{
		Name:        pulumi.String(n("endpoints")),
		Description: pulumi.String("Interface endpoints: HTTPS from the platform's networks only"),
		VpcId:       vpc.ID(),
		Ingress:     ingress,
		Tags:        pulumi.ToStringMap(withName(args.Tags, n("endpoints"))),
	}, child...)
	if err != nil {
		return nil, err
	}
	var subnets pulumi.StringArray
	for _, s := range epTier.Subnets[:args.EndpointAZs] {
		subnets = append(subnets, s.ID())
	}
	for _, svc := range args.Services {
		key := strings.ReplaceAll(svc, ".", "-")
		ep, err := ec2.NewVpcEndpoint(ctx, n("endpoint", key), &ec2.VpcEndpointArgs{
			VpcId:             vpc.ID(),
			ServiceName:       pulumi.String(fmt.Sprintf("com.amazonaws.%s.%s", args.Region, svc)),
			VpcEndpointType:   pulumi.String("Interface"),
			PrivateDnsEnabled: pulumi.Bool(false),
			SubnetIds:         subnets,
			SecurityGroupIds:  pulumi.StringArray{sg.ID()},
			Tags:              pulumi.ToStringMap(withName(args.Tags, n("endpoint", key))),
		}, child...)
		if err != nil {
			return nil, fmt.Errorf("creating %s endpoint: %w", svc, err)
		}
		zoneName := EndpointZoneName(svc, args.Region)
		zone, err := route53.NewZone(ctx, n("zone", key), &route53.ZoneArgs{
			Name:    pulumi.String(zoneName),
			Comment: pulumi.String("Central " + svc + " endpoint; workload VPCs associate with this zone"),
			Vpcs:    route53.ZoneVpcArray{route53.ZoneVpcArgs{VpcId: vpc.ID(), VpcRegion: pulumi.String(args.Region)}},
		}, append(child, pulumi.IgnoreChanges([]string{"vpcs"}))...) // spoke associations are managed by the spokes
		if err != nil {
			return nil, err
		}
		c.ZoneIDs[svc] = zone.ZoneId
		entry := ep.DnsEntries.Index(pulumi.Int(0))
		names := []string{zoneName}
		if wildcardServices[svc] {
			names = append(names, "*."+zoneName)
		}
		for i, recordName := range names {
			suffix := "apex"
			if i > 0 {
				suffix = "wildcard"
			}
			if _, err := route53.NewRecord(ctx, n("record", key, suffix), &route53.RecordArgs{
				ZoneId: zone.ZoneId,
				Name:   pulumi.String(recordName),
				Type:   pulumi.String("A"),
				Aliases: route53.RecordAliasArray{route53.RecordAliasArgs{
					Name: entry.DnsName().Elem(), ZoneId: entry.HostedZoneId().Elem(), EvaluateTargetHealth: pulumi.Bool(true),
				}},
			}, child...); err != nil {
				return nil, err
			}
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"vpcId": vpc.ID()})
}
