package network

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/scope"
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
	scope.Scope // the networking account, home region
	CIDR        netip.Prefix
	AZs         []string // the VPC's AZs; endpoints use the first EndpointAZs of them
	// EndpointAZs is how many AZs each endpoint has an interface in.
	EndpointAZs int
	Services    []string
	Hub         *Hub
	// ClientCIDRs may reach the endpoints on 443 (the route domains and the hub VPCs).
	ClientCIDRs       []string
	FlowLogsBucketARN string
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
	// SubnetIDs are the endpoint subnets, one per AZ: their default route goes to the TGW, so whatever else runs
	// there (the deploy runner) leaves through the inspection VPC's firewall.
	SubnetIDs pulumi.StringArray
}

// NewSharedServices registers the shared-services VPC and its endpoints.
func NewSharedServices(ctx *pulumi.Context, name string, args SharedServicesArgs, opts ...pulumi.ResourceOption) (_ *SharedServices, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("shared services %s: %w", name, err)
		}
	}()
	c := &SharedServices{}
	if err := ctx.RegisterComponentResource("platform:network:SharedServices", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering shared services %s: %w", name, err)
	}
	plan, err := SharedServicesPlan(args.CIDR, len(args.AZs))
	if err != nil {
		return nil, err
	}
	vpc, err := sharedServicesVPC(ctx, name, args, plan, c)
	if err != nil {
		return nil, err
	}
	c.VPC, c.AttachmentID = vpc.VPC, vpc.AttachmentID
	for _, s := range vpc.Tiers["endpoints"].Subnets {
		c.SubnetIDs = append(c.SubnetIDs, s.ID())
	}
	if err := defaultRoutesToTGW(ctx, name, args, vpc, c); err != nil {
		return nil, err
	}
	sg, err := endpointSecurityGroup(ctx, name, args, vpc.VPC, c)
	if err != nil {
		return nil, err
	}
	if c.ZoneIDs, err = centralEndpoints(ctx, name, args, vpc, sg, c); err != nil {
		return nil, err
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"vpcId": c.VPC.ID()})
}

// sharedServicesVPC is the VPC with a TGW and an endpoint subnet per AZ (one route table per tier: nothing in it
// needs AZ-local routing), attached to the TGW, associated with the shared route table and propagated into
// every other, so each domain reaches it directly.
func sharedServicesVPC(ctx *pulumi.Context, name string, args SharedServicesArgs, plan HubPlan, parent pulumi.Resource) (*attachedVPC, error) {
	rts := args.Hub.RouteTables
	return newAttachedVPC(ctx, name, attachedVPCArgs{
		Scope: args.Scope, CIDR: args.CIDR, AZs: args.AZs, FlowLogsBucketARN: args.FlowLogsBucketARN,
		TGW:              tierSpec{Role: "tgw", CIDRs: plan.TGW, SharedRouteTable: true},
		Tiers:            []tierSpec{{Role: "endpoints", CIDRs: plan.Private, SharedRouteTable: true}},
		TransitGatewayID: args.Hub.TransitGateway.ID(),
		Associate:        rtID(rts[DomainShared]),
		Propagate: map[string]pulumi.StringInput{
			DomainProd: rtID(rts[DomainProd]), DomainNonProd: rtID(rts[DomainNonProd]), DomainInspection: rtID(rts[DomainInspection]),
		},
	}, parent)
}

// defaultRoutesToTGW sends everything leaving the VPC to the TGW, once the attachment exists.
func defaultRoutesToTGW(ctx *pulumi.Context, name string, args SharedServicesArgs, vpc *attachedVPC, parent pulumi.Resource) error {
	for _, t := range []struct {
		role string
		rt   *ec2.RouteTable
	}{{"tgw", vpc.TGW.RouteTables[0]}, {"endpoints", vpc.Tiers["endpoints"].RouteTables[0]}} {
		if err := route(ctx, scope.Child(name, t.role, "default-to-tgw"), t.rt, "0.0.0.0/0",
			ec2.RouteArgs{TransitGatewayId: args.Hub.TransitGateway.ID()},
			args.In(parent, pulumi.DependsOn([]pulumi.Resource{vpc.Attached}))...); err != nil {
			return err
		}
	}
	return nil
}

// endpointSecurityGroup admits HTTPS from the platform's networks only.
func endpointSecurityGroup(ctx *pulumi.Context, name string, args SharedServicesArgs, vpc *ec2.Vpc, parent pulumi.Resource) (*ec2.SecurityGroup, error) {
	var ingress ec2.SecurityGroupIngressArray
	for _, cidr := range args.ClientCIDRs {
		ingress = append(ingress, ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("HTTPS to AWS APIs from " + cidr),
			Protocol:    pulumi.String("tcp"), FromPort: pulumi.Int(443), ToPort: pulumi.Int(443),
			CidrBlocks: pulumi.ToStringArray([]string{cidr}),
		})
	}
	sgName := scope.Child(name, "endpoints")
	sg, err := ec2.NewSecurityGroup(ctx, scope.Child(name, "endpoints-sg"), &ec2.SecurityGroupArgs{
		Name:        pulumi.String(sgName),
		Description: pulumi.String("Interface endpoints: HTTPS from the platform's networks only"),
		VpcId:       vpc.ID(),
		Ingress:     ingress,
		Tags:        pulumi.ToStringMap(args.Tags.With(sgName)),
	}, args.In(parent)...)
	if err != nil {
		return nil, fmt.Errorf("creating security group %s: %w", sgName, err)
	}
	return sg, nil
}

// centralEndpoints creates an interface endpoint per service, in the first EndpointAZs endpoint subnets, and its
// zone (centralEndpoint). It returns the zone IDs by service.
func centralEndpoints(ctx *pulumi.Context, name string, args SharedServicesArgs, vpc *attachedVPC, sg *ec2.SecurityGroup,
	parent pulumi.Resource) (map[string]pulumi.StringOutput, error) {
	var subnets pulumi.StringArray
	for _, s := range vpc.Tiers["endpoints"].Subnets[:args.EndpointAZs] {
		subnets = append(subnets, s.ID())
	}
	zones := map[string]pulumi.StringOutput{}
	for _, svc := range args.Services {
		zone, err := centralEndpoint(ctx, name, args, svc, vpc.VPC, subnets, sg, parent)
		if err != nil {
			return nil, err
		}
		zones[svc] = zone
	}
	return zones, nil
}

// centralEndpoint creates a service's interface endpoint with private DNS off and a private hosted zone with the
// service's regional name (and, for services answering on subdomains, a wildcard) aliased to the endpoint.
func centralEndpoint(ctx *pulumi.Context, name string, args SharedServicesArgs, svc string, vpc *ec2.Vpc,
	subnets pulumi.StringArray, sg *ec2.SecurityGroup, parent pulumi.Resource) (pulumi.StringOutput, error) {
	child := args.In(parent)
	key := strings.ReplaceAll(svc, ".", "-")
	epName := scope.Child(name, "endpoint", key)
	ep, err := ec2.NewVpcEndpoint(ctx, epName, &ec2.VpcEndpointArgs{
		VpcId:             vpc.ID(),
		ServiceName:       pulumi.String(fmt.Sprintf("com.amazonaws.%s.%s", args.Region, svc)),
		VpcEndpointType:   pulumi.String("Interface"),
		PrivateDnsEnabled: pulumi.Bool(false),
		SubnetIds:         subnets,
		SecurityGroupIds:  pulumi.StringArray{sg.ID()},
		Tags:              pulumi.ToStringMap(args.Tags.With(epName)),
	}, child...)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating %s endpoint: %w", svc, err)
	}
	zoneName := EndpointZoneName(svc, args.Region)
	zone, err := newZone(ctx, scope.Child(name, "zone", key), zone{
		Name:    zoneName,
		Comment: "Central " + svc + " endpoint; workload VPCs associate with this zone",
		VPCs:    []zoneVPC{{VPCID: vpc.ID().ToStringOutput(), VPCRegion: args.Region}},
	}, args.In(parent, pulumi.IgnoreChanges([]string{"vpcs"}))...) // spoke associations are managed by the spokes
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating private zone %s: %w", zoneName, err)
	}
	entry := ep.DnsEntries.Index(pulumi.Int(0))
	records := map[string]string{"apex": zoneName}
	if wildcardServices[svc] {
		records["wildcard"] = "*." + zoneName
	}
	for _, suffix := range slices.Sorted(maps.Keys(records)) {
		if _, err := NewRecord(ctx, scope.Child(name, "record", key, suffix), Record{
			ZoneID: zone.ZoneID,
			Name:   pulumi.String(records[suffix]),
			Type:   pulumi.String("A"),
			Aliases: []RecordAlias{{
				Name: entry.DnsName().Elem(), ZoneID: entry.HostedZoneId().Elem(), EvaluateTargetHealth: true,
			}},
		}, child...); err != nil {
			return pulumi.StringOutput{}, fmt.Errorf("creating record %s in zone %s: %w", records[suffix], zoneName, err)
		}
	}
	return zone.ZoneID, nil
}
