package network

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/bytoken"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/internal/tags"
)

// WorkloadVPCArgs configures a WorkloadVPC.
type WorkloadVPCArgs struct {
	// Scope is the workload account in the home region.
	scope.Scope
	// RouteDomain is the route domain the VPC joins (SpokeDomain of its environment's tier).
	RouteDomain string
	CIDR        netip.Prefix
	AZs         []string
	HubProvider *aws.Provider // the networking account, for the hub side of the attachment and DNS
	// TransitGatewayID and RouteTableIDs (by domain) come from the network stack.
	TransitGatewayID string
	RouteTableIDs    map[string]string
	// EndpointZoneIDs are the central endpoint zones (by service) the VPC resolves AWS APIs through.
	EndpointZoneIDs   map[string]string
	FlowLogsBucketARN string
	// DatabasePort is the only port the database subnets accept, from the private subnets only.
	DatabasePort int
	// ClusterName tags the private subnets for Karpenter discovery.
	ClusterName string
}

// WorkloadVPC creates a workload environment's VPC in its account: per AZ a public subnet (load balancers,
// tagged for the AWS Load Balancer Controller), a private subnet (EKS nodes; tagged for internal load balancers
// and Karpenter discovery), a database subnet with no route out and a NACL admitting only the private subnets on
// the database port, and a TGW-attachment subnet. The internet gateway serves inbound load balancers only:
// private egress goes to the Transit Gateway (centralized egress, no NAT in the spoke). The attachment is
// accepted, associated with the environment's route domain and propagated into the inspection and shared route
// tables in the networking account through the hub provider. S3 and DynamoDB gateway endpoints, the default
// security group with no rules, flow logs to the Log Archive, and the association with every central endpoint
// zone (authorized by the networking account) complete it.
//
// Cost: the TGW attachment ($36.50/month) and its data; gateway endpoints and NACLs are free.
//
// It exports the VPC ID, the subnet IDs by tier and the attachment ID.
type WorkloadVPC struct {
	pulumi.ResourceState

	VPC               *ec2.Vpc
	PublicSubnetIDs   pulumi.StringArray
	PrivateSubnetIDs  pulumi.StringArray
	DatabaseSubnetIDs pulumi.StringArray
	PrivateRouteTable *ec2.RouteTable
	AttachmentID      pulumi.StringOutput
}

// NewWorkloadVPC registers a workload VPC and its hub side.
func NewWorkloadVPC(ctx *pulumi.Context, name string, args WorkloadVPCArgs, opts ...pulumi.ResourceOption) (_ *WorkloadVPC, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("workload v p c %s: %w", name, err)
		}
	}()
	c := &WorkloadVPC{}
	if err := ctx.RegisterComponentResource("platform:network:WorkloadVPC", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering workload VPC %s: %w", name, err)
	}
	plan, err := PlanSpoke(args.CIDR, len(args.AZs))
	if err != nil {
		return nil, err
	}
	for _, d := range []string{args.RouteDomain, DomainInspection, DomainShared} {
		if args.RouteTableIDs[d] == "" {
			return nil, fmt.Errorf("workload VPC %s: the network stack exports no %q route table", args.Stack, d)
		}
	}
	vpc, err := spokeVPC(ctx, name, args, plan, c)
	if err != nil {
		return nil, err
	}
	c.VPC, c.AttachmentID = vpc.VPC, vpc.AttachmentID
	private, database := vpc.Tiers["private"], vpc.Tiers["database"]
	c.PublicSubnetIDs, c.PrivateSubnetIDs, c.DatabaseSubnetIDs = vpc.Tiers["public"].SubnetIDs(), private.SubnetIDs(), database.SubnetIDs()
	c.PrivateRouteTable = private.RouteTables[0]
	if err := spokeRoutes(ctx, name, args, vpc, c); err != nil {
		return nil, err
	}
	if err := gatewayEndpoints(ctx, name, args, vpc.VPC, c.PrivateRouteTable, c); err != nil {
		return nil, err
	}
	if err := databaseACL(ctx, scope.Child(name, "database-acl"), vpc.VPC, database, plan.Private, args.DatabasePort, args.Tags, args.In(c)...); err != nil {
		return nil, err
	}
	if err := endpointZoneAssociations(ctx, name, args, vpc.VPC, c); err != nil {
		return nil, err
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"vpcId": c.VPC.ID()})
}

// spokeVPC is the VPC with the public, private, database and TGW tiers (one route table per tier: egress is
// not AZ-local, it all goes to the TGW), attached to the TGW, accepted in the networking account, associated with
// the environment's route domain and propagated into the inspection and shared route tables.
func spokeVPC(ctx *pulumi.Context, name string, args WorkloadVPCArgs, plan SpokePlan, parent pulumi.Resource) (*attachedVPC, error) {
	rts := args.RouteTableIDs
	return newAttachedVPC(ctx, name, attachedVPCArgs{
		Scope: args.Scope, CIDR: args.CIDR, AZs: args.AZs, FlowLogsBucketARN: args.FlowLogsBucketARN,
		TGW: tierSpec{Role: "tgw", CIDRs: plan.TGW, SharedRouteTable: true},
		Tiers: []tierSpec{
			{Role: "public", CIDRs: plan.Public, SharedRouteTable: true, Tags: map[string]string{"kubernetes.io/role/elb": "1"}},
			{Role: "private", CIDRs: plan.Private, SharedRouteTable: true, Tags: map[string]string{
				"kubernetes.io/role/internal-elb": "1", "karpenter.sh/discovery": args.ClusterName}},
			{Role: "database", CIDRs: plan.Database, SharedRouteTable: true},
		},
		TransitGatewayID: pulumi.String(args.TransitGatewayID),
		HubProvider:      args.HubProvider,
		Associate:        pulumi.String(rts[args.RouteDomain]),
		Propagate: map[string]pulumi.StringInput{
			DomainInspection: pulumi.String(rts[DomainInspection]), DomainShared: pulumi.String(rts[DomainShared]),
		},
	}, parent)
}

// spokeRoutes gives the public subnets an internet gateway for inbound load balancers, and sends the private
// subnets' egress to the TGW once the attachment is accepted. The database and TGW subnets have no route out.
func spokeRoutes(ctx *pulumi.Context, name string, args WorkloadVPCArgs, vpc *attachedVPC, parent pulumi.Resource) error {
	igwName := scope.Child(name, "igw")
	igw, err := ec2.NewInternetGateway(ctx, igwName, &ec2.InternetGatewayArgs{
		VpcId: vpc.VPC.ID(), Tags: pulumi.ToStringMap(args.Tags.With(igwName)),
	}, args.In(parent)...)
	if err != nil {
		return fmt.Errorf("creating the internet gateway of %s: %w", name, err)
	}
	if err := route(ctx, scope.Child(name, "public", "default-to-igw"), vpc.Tiers["public"].RouteTables[0], "0.0.0.0/0",
		ec2.RouteArgs{GatewayId: igw.ID()}, args.In(parent)...); err != nil {
		return err
	}
	return route(ctx, scope.Child(name, "private", "default-to-tgw"), vpc.Tiers["private"].RouteTables[0], "0.0.0.0/0",
		ec2.RouteArgs{TransitGatewayId: pulumi.String(args.TransitGatewayID)},
		args.In(parent, pulumi.DependsOn([]pulumi.Resource{vpc.Attached}))...)
}

// gatewayEndpoints adds the S3 and DynamoDB gateway endpoints to the private route table: free, and that traffic
// never crosses the TGW.
func gatewayEndpoints(ctx *pulumi.Context, name string, args WorkloadVPCArgs, vpc *ec2.Vpc, private *ec2.RouteTable,
	parent pulumi.Resource) error {
	for _, svc := range []string{"s3", "dynamodb"} {
		epName := scope.Child(name, "endpoint", svc)
		if _, err := ec2.NewVpcEndpoint(ctx, epName, &ec2.VpcEndpointArgs{
			VpcId:           vpc.ID(),
			ServiceName:     pulumi.String(fmt.Sprintf("com.amazonaws.%s.%s", args.Region, svc)),
			VpcEndpointType: pulumi.String("Gateway"),
			RouteTableIds:   pulumi.StringArray{private.ID()},
			Tags:            pulumi.ToStringMap(args.Tags.With(epName)),
		}, args.In(parent)...); err != nil {
			return fmt.Errorf("creating the %s gateway endpoint of %s: %w", svc, name, err)
		}
	}
	return nil
}

// endpointZoneAssociations associates the VPC with every central endpoint zone: the networking account, which
// owns the zone, authorizes the association, and the workload account, which owns the VPC, makes it.
func endpointZoneAssociations(ctx *pulumi.Context, name string, args WorkloadVPCArgs, vpc *ec2.Vpc, parent pulumi.Resource) error {
	hub := args.Scope
	hub.Provider = args.HubProvider
	for _, svc := range slices.Sorted(maps.Keys(args.EndpointZoneIDs)) {
		key := strings.ReplaceAll(svc, ".", "-")
		auth, err := bytoken.Register[zoneAuthorization](ctx, vpcAssociationAuthorizationType, scope.Child(name, "zone-authorization", key), zoneAssociation{
			VPCID: vpc.ID().ToStringOutput(), ZoneID: pulumi.String(args.EndpointZoneIDs[svc]), VPCRegion: args.Region,
		}, hub.In(parent)...)
		if err != nil {
			return fmt.Errorf("authorizing %s to associate with the %s endpoint zone: %w", name, svc, err)
		}
		if _, err := bytoken.Register[bytoken.Resource](ctx, zoneAssociationType, scope.Child(name, "zone-association", key), zoneAssociation{
			VPCID: vpc.ID().ToStringOutput(), ZoneID: auth.ZoneID, VPCRegion: args.Region,
		}, args.In(parent)...); err != nil {
			return fmt.Errorf("associating %s with the %s endpoint zone: %w", name, svc, err)
		}
	}
	return nil
}

// databaseACL lets the database subnets accept only the private subnets on the database port (and answer them on
// ephemeral ports); NACLs are stateless, and everything else hits the implicit deny.
func databaseACL(ctx *pulumi.Context, name string, vpc *ec2.Vpc, database tier, private []netip.Prefix, port int,
	stackTags tags.Set, opts ...pulumi.ResourceOption) error {
	var ingress ec2.NetworkAclIngressArray
	var egress ec2.NetworkAclEgressArray
	for i, p := range private {
		ingress = append(ingress, ec2.NetworkAclIngressArgs{RuleNo: pulumi.Int(100 + i), Action: pulumi.String("allow"),
			Protocol: pulumi.String("tcp"), CidrBlock: pulumi.String(p.String()), FromPort: pulumi.Int(port), ToPort: pulumi.Int(port)})
		egress = append(egress, ec2.NetworkAclEgressArgs{RuleNo: pulumi.Int(100 + i), Action: pulumi.String("allow"),
			Protocol: pulumi.String("tcp"), CidrBlock: pulumi.String(p.String()), FromPort: pulumi.Int(1024), ToPort: pulumi.Int(65535)})
	}
	if _, err := ec2.NewNetworkAcl(ctx, name, &ec2.NetworkAclArgs{
		VpcId: vpc.ID(), SubnetIds: database.SubnetIDs(), Ingress: ingress, Egress: egress,
		Tags: pulumi.ToStringMap(stackTags.With(name)),
	}, opts...); err != nil {
		return fmt.Errorf("creating network ACL %s: %w", name, err)
	}
	return nil
}
