package network

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2transitgateway"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/naming"
)

// WorkloadVPCArgs configures a WorkloadVPC.
type WorkloadVPCArgs struct {
	// Env is the workload environment (prod, staging, dev); it decides the route domain.
	Env         string
	Region      string
	CIDR        netip.Prefix
	AZs         []string
	Provider    *aws.Provider // the workload account
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
	Tags        map[string]string
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
func NewWorkloadVPC(ctx *pulumi.Context, name string, args WorkloadVPCArgs, opts ...pulumi.ResourceOption) (*WorkloadVPC, error) {
	c := &WorkloadVPC{}
	if err := ctx.RegisterComponentResource("platform:network:WorkloadVPC", name, c, opts...); err != nil {
		return nil, err
	}
	spoke := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Provider)}
	hub := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.HubProvider)}
	n := func(role string, q ...string) string { return naming.Name(args.Env, "vpc", role, q...) }
	plan, err := PlanSpoke(args.CIDR, len(args.AZs))
	if err != nil {
		return nil, err
	}
	domain := DomainOf(args.Env)
	for _, d := range []string{domain, DomainInspection, DomainShared} {
		if args.RouteTableIDs[d] == "" {
			return nil, fmt.Errorf("workload VPC %s: the network stack exports no %q route table", args.Env, d)
		}
	}

	vpc, err := newVPC(ctx, vpcArgs{Name: n("main"), CIDR: args.CIDR, FlowLogsBucketARN: args.FlowLogsBucketARN, Tags: args.Tags}, spoke...)
	if err != nil {
		return nil, err
	}
	c.VPC = vpc
	tagged := func(extra map[string]string) map[string]string {
		out := maps.Clone(args.Tags)
		if out == nil {
			out = map[string]string{}
		}
		maps.Copy(out, extra)
		return out
	}
	public, err := newTier(ctx, n("public"), vpc, args.AZs, plan.Public, tagged(map[string]string{"kubernetes.io/role/elb": "1"}), true, spoke...)
	if err != nil {
		return nil, err
	}
	private, err := newTier(ctx, n("private"), vpc, args.AZs, plan.Private, tagged(map[string]string{
		"kubernetes.io/role/internal-elb": "1", "karpenter.sh/discovery": args.ClusterName}), true, spoke...)
	if err != nil {
		return nil, err
	}
	database, err := newTier(ctx, n("database"), vpc, args.AZs, plan.Database, args.Tags, true, spoke...)
	if err != nil {
		return nil, err
	}
	tgwTier, err := newTier(ctx, n("tgw"), vpc, args.AZs, plan.TGW, args.Tags, true, spoke...)
	if err != nil {
		return nil, err
	}
	c.PublicSubnetIDs, c.PrivateSubnetIDs, c.DatabaseSubnetIDs = public.SubnetIDs(), private.SubnetIDs(), database.SubnetIDs()
	c.PrivateRouteTable = private.RouteTables[0]

	igw, err := ec2.NewInternetGateway(ctx, n("igw"), &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(), Tags: pulumi.ToStringMap(withName(args.Tags, n("igw"))),
	}, spoke...)
	if err != nil {
		return nil, err
	}
	if _, err := ec2.NewRoute(ctx, n("public", "default-to-igw"), &ec2.RouteArgs{
		RouteTableId: public.RouteTables[0].ID(), DestinationCidrBlock: pulumi.String("0.0.0.0/0"), GatewayId: igw.ID(),
	}, spoke...); err != nil {
		return nil, err
	}

	attachment, err := ec2transitgateway.NewVpcAttachment(ctx, n("tgw-attachment"), &ec2transitgateway.VpcAttachmentArgs{
		TransitGatewayId: pulumi.String(args.TransitGatewayID),
		VpcId:            vpc.ID(),
		SubnetIds:        tgwTier.SubnetIDs(),
		DnsSupport:       pulumi.String("enable"),
		Tags:             pulumi.ToStringMap(withName(args.Tags, n("tgw-attachment"))),
	}, spoke...)
	if err != nil {
		return nil, err
	}
	c.AttachmentID = attachment.ID().ToStringOutput()
	accepter, err := ec2transitgateway.NewVpcAttachmentAccepter(ctx, n("tgw-accepter"), &ec2transitgateway.VpcAttachmentAccepterArgs{
		TransitGatewayAttachmentId:                 c.AttachmentID,
		TransitGatewayDefaultRouteTableAssociation: pulumi.Bool(false),
		TransitGatewayDefaultRouteTablePropagation: pulumi.Bool(false),
		Tags: pulumi.ToStringMap(withName(args.Tags, n("tgw-attachment"))),
	}, hub...)
	if err != nil {
		return nil, err
	}
	accepted := accepter.TransitGatewayAttachmentId
	if err := attach(ctx, n("tgw"), accepted, pulumi.String(args.RouteTableIDs[domain]), map[string]pulumi.StringInput{
		DomainInspection: pulumi.String(args.RouteTableIDs[DomainInspection]), DomainShared: pulumi.String(args.RouteTableIDs[DomainShared]),
	}, hub...); err != nil {
		return nil, err
	}
	if _, err := ec2.NewRoute(ctx, n("private", "default-to-tgw"), &ec2.RouteArgs{
		RouteTableId: private.RouteTables[0].ID(), DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
		TransitGatewayId: pulumi.String(args.TransitGatewayID),
	}, append(spoke, pulumi.DependsOn([]pulumi.Resource{accepter}))...); err != nil {
		return nil, err
	}

	for _, svc := range []string{"s3", "dynamodb"} {
		if _, err := ec2.NewVpcEndpoint(ctx, n("endpoint", svc), &ec2.VpcEndpointArgs{
			VpcId:           vpc.ID(),
			ServiceName:     pulumi.String(fmt.Sprintf("com.amazonaws.%s.%s", args.Region, svc)),
			VpcEndpointType: pulumi.String("Gateway"),
			RouteTableIds:   pulumi.StringArray{private.RouteTables[0].ID()},
			Tags:            pulumi.ToStringMap(withName(args.Tags, n("endpoint", svc))),
		}, spoke...); err != nil {
			return nil, err
		}
	}

	if err := databaseACL(ctx, n("database-acl"), vpc, database, plan.Private, args.DatabasePort, args.Tags, spoke...); err != nil {
		return nil, err
	}

	for _, svc := range slices.Sorted(maps.Keys(args.EndpointZoneIDs)) {
		key := strings.ReplaceAll(svc, ".", "-")
		auth, err := route53.NewVpcAssociationAuthorization(ctx, n("zone-authorization", key), &route53.VpcAssociationAuthorizationArgs{
			VpcId: vpc.ID(), ZoneId: pulumi.String(args.EndpointZoneIDs[svc]), VpcRegion: pulumi.String(args.Region),
		}, hub...)
		if err != nil {
			return nil, err
		}
		if _, err := route53.NewZoneAssociation(ctx, n("zone-association", key), &route53.ZoneAssociationArgs{
			VpcId: vpc.ID(), ZoneId: auth.ZoneId, VpcRegion: pulumi.String(args.Region),
		}, spoke...); err != nil {
			return nil, err
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"vpcId": vpc.ID()})
}

// databaseACL lets the database subnets accept only the private subnets on the database port (and answer them on
// ephemeral ports); NACLs are stateless, and everything else hits the implicit deny.
func databaseACL(ctx *pulumi.Context, name string, vpc *ec2.Vpc, database tier, private []netip.Prefix, port int,
	tags map[string]string, opts ...pulumi.ResourceOption) error {
	var ingress ec2.NetworkAclIngressArray
	var egress ec2.NetworkAclEgressArray
	for i, p := range private {
		ingress = append(ingress, ec2.NetworkAclIngressArgs{RuleNo: pulumi.Int(100 + i), Action: pulumi.String("allow"),
			Protocol: pulumi.String("tcp"), CidrBlock: pulumi.String(p.String()), FromPort: pulumi.Int(port), ToPort: pulumi.Int(port)})
		egress = append(egress, ec2.NetworkAclEgressArgs{RuleNo: pulumi.Int(100 + i), Action: pulumi.String("allow"),
			Protocol: pulumi.String("tcp"), CidrBlock: pulumi.String(p.String()), FromPort: pulumi.Int(1024), ToPort: pulumi.Int(65535)})
	}
	var subnets pulumi.StringArray
	for _, s := range database.Subnets {
		subnets = append(subnets, s.ID())
	}
	_, err := ec2.NewNetworkAcl(ctx, name, &ec2.NetworkAclArgs{
		VpcId: vpc.ID(), SubnetIds: subnets, Ingress: ingress, Egress: egress,
		Tags: pulumi.ToStringMap(withName(tags, name)),
	}, opts...)
	return err
}
