package network

import (
	"fmt"
	"maps"
	"net/netip"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2transitgateway"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/internal/tags"
)

// attachedVPCArgs is a VPC of the platform: its subnet tiers and its Transit Gateway attachment.
type attachedVPCArgs struct {
	scope.Scope
	CIDR netip.Prefix
	AZs  []string
	// FlowLogsBucketARN is the Log Archive bucket all VPC flow logs go to.
	FlowLogsBucketARN string
	// TGW is the tier the attachment's interfaces go in; Tiers are the VPC's other tiers.
	TGW   tierSpec
	Tiers []tierSpec
	// TransitGatewayID is the hub's Transit Gateway.
	TransitGatewayID pulumi.StringInput
	// ApplianceMode keeps both directions of a flow in one AZ, through one firewall endpoint.
	ApplianceMode bool
	// HubProvider reaches the networking account when the VPC is in another account: the attachment is then
	// accepted, associated and propagated through it. Nil when the VPC is in the networking account.
	HubProvider *aws.Provider
	// Associate is the TGW route table the attachment is associated with; Propagate are the tables (by domain)
	// it propagates into.
	Associate pulumi.StringInput
	Propagate map[string]pulumi.StringInput
}

// attachedVPC is what newAttachedVPC created.
type attachedVPC struct {
	VPC   *ec2.Vpc
	TGW   tier
	Tiers map[string]tier
	// AttachmentID is the attachment as the hub sees it (accepted, for a VPC in another account).
	AttachmentID pulumi.StringOutput
	// Attached is what routes to the TGW wait for: the attachment, or its acceptance.
	Attached pulumi.Resource
}

// newAttachedVPC creates a VPC (newVPC), its tiers, the TGW attachment in the TGW tier and the hub side of the
// attachment: acceptance for a VPC in another account, the association with one route table and the propagation
// into others. Names derive from name, the component's name; the VPC carries it itself.
func newAttachedVPC(ctx *pulumi.Context, name string, a attachedVPCArgs, parent pulumi.Resource) (*attachedVPC, error) {
	opts := a.In(parent)
	vpc, err := newVPC(ctx, vpcArgs{Name: name, CIDR: a.CIDR, FlowLogsBucketARN: a.FlowLogsBucketARN, Tags: a.Tags}, opts...)
	if err != nil {
		return nil, err
	}
	out := &attachedVPC{VPC: vpc, Tiers: map[string]tier{}}
	for _, spec := range append([]tierSpec{a.TGW}, a.Tiers...) {
		t, err := newTier(ctx, scope.Child(name, spec.Role), vpc, a.AZs, spec, a.Tags, opts...)
		if err != nil {
			return nil, err
		}
		out.Tiers[spec.Role] = t
	}
	out.TGW = out.Tiers[a.TGW.Role]
	delete(out.Tiers, a.TGW.Role)

	attachmentName := scope.Child(name, "tgw-attachment")
	args := &ec2transitgateway.VpcAttachmentArgs{
		TransitGatewayId: a.TransitGatewayID,
		VpcId:            vpc.ID(),
		SubnetIds:        out.TGW.SubnetIDs(),
		DnsSupport:       pulumi.String("enable"),
		Tags:             pulumi.ToStringMap(a.Tags.With(attachmentName)),
	}
	if a.ApplianceMode {
		args.ApplianceModeSupport = pulumi.String("enable")
	}
	hub := a.Scope
	if a.HubProvider == nil {
		// The hub's own attachments choose their route tables here; another account's, when accepted.
		args.TransitGatewayDefaultRouteTableAssociation = pulumi.Bool(false)
		args.TransitGatewayDefaultRouteTablePropagation = pulumi.Bool(false)
	} else {
		hub.Provider = a.HubProvider
	}
	attachment, err := ec2transitgateway.NewVpcAttachment(ctx, attachmentName, args, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating the TGW attachment of VPC %s: %w", name, err)
	}
	out.AttachmentID, out.Attached = attachment.ID().ToStringOutput(), attachment
	if a.HubProvider != nil {
		accepter, err := ec2transitgateway.NewVpcAttachmentAccepter(ctx, scope.Child(name, "tgw-accepter"), &ec2transitgateway.VpcAttachmentAccepterArgs{
			TransitGatewayAttachmentId:                 out.AttachmentID,
			TransitGatewayDefaultRouteTableAssociation: pulumi.Bool(false),
			TransitGatewayDefaultRouteTablePropagation: pulumi.Bool(false),
			Tags: pulumi.ToStringMap(a.Tags.With(attachmentName)),
		}, hub.In(parent)...)
		if err != nil {
			return nil, fmt.Errorf("accepting the TGW attachment of VPC %s in the networking account: %w", name, err)
		}
		out.AttachmentID, out.Attached = accepter.TransitGatewayAttachmentId, accepter
	}
	if err := attach(ctx, scope.Child(name, "tgw"), out.AttachmentID, a.Associate, a.Propagate, hub.In(parent)...); err != nil {
		return nil, err
	}
	return out, nil
}

// vpcArgs is what every VPC of the platform needs.
type vpcArgs struct {
	Name string
	CIDR netip.Prefix
	// FlowLogsBucketARN is the Log Archive bucket all VPC flow logs go to.
	FlowLogsBucketARN string
	Tags              tags.Set
}

// newVPC creates a VPC with DNS on, its default security group stripped of every rule, and flow logs of all
// traffic to the Log Archive. Callers pass the parent and provider options.
func newVPC(ctx *pulumi.Context, a vpcArgs, opts ...pulumi.ResourceOption) (*ec2.Vpc, error) {
	vpc, err := ec2.NewVpc(ctx, a.Name, &ec2.VpcArgs{
		CidrBlock:          pulumi.String(a.CIDR.String()),
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               pulumi.ToStringMap(a.Tags.With(a.Name)),
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating VPC %s: %w", a.Name, err)
	}
	// Managing the default security group with no rules removes the allow-all rules AWS puts in it.
	if _, err := ec2.NewDefaultSecurityGroup(ctx, a.Name+"-default-sg", &ec2.DefaultSecurityGroupArgs{
		VpcId: vpc.ID(),
		Tags:  pulumi.ToStringMap(a.Tags.With(a.Name + "-default-do-not-use")),
	}, opts...); err != nil {
		return nil, fmt.Errorf("managing the default security group of VPC %s: %w", a.Name, err)
	}
	if _, err := ec2.NewFlowLog(ctx, a.Name+"-flow-logs", &ec2.FlowLogArgs{
		VpcId:                  vpc.ID(),
		TrafficType:            pulumi.String("ALL"),
		LogDestinationType:     pulumi.String("s3"),
		LogDestination:         pulumi.String(a.FlowLogsBucketARN),
		MaxAggregationInterval: pulumi.Int(60),
		DestinationOptions: ec2.FlowLogDestinationOptionsArgs{
			FileFormat:               pulumi.String("parquet"),
			HiveCompatiblePartitions: pulumi.Bool(true),
			PerHourPartition:         pulumi.Bool(true),
		},
	}, opts...); err != nil {
		return nil, fmt.Errorf("creating the flow logs of VPC %s: %w", a.Name, err)
	}
	return vpc, nil
}

// tierSpec is one subnet tier of a VPC.
type tierSpec struct {
	// Role names the tier: its subnets and route tables are <vpc>-<role>-<az>.
	Role  string
	CIDRs []netip.Prefix // one per AZ
	// SharedRouteTable gives the tier one route table for every AZ instead of one per AZ.
	SharedRouteTable bool
	// Tags are the tier's own subnet tags (load balancer and Karpenter discovery).
	Tags map[string]string
}

// tier is one subnet per AZ with a route table per AZ (AZ-local routing needs one table per AZ).
type tier struct {
	Subnets     []*ec2.Subnet
	RouteTables []*ec2.RouteTable
}

// SubnetIDs returns the tier's subnet IDs in AZ order.
func (t tier) SubnetIDs() pulumi.StringArray {
	var out pulumi.StringArray
	for _, s := range t.Subnets {
		out = append(out, s.ID())
	}
	return out
}

// newTier creates the subnets of one tier and a route table per AZ (or one shared table).
func newTier(ctx *pulumi.Context, name string, vpc *ec2.Vpc, azs []string, spec tierSpec, stackTags tags.Set,
	opts ...pulumi.ResourceOption) (tier, error) {
	var t tier
	var one *ec2.RouteTable
	for i, az := range azs {
		subnetName := fmt.Sprintf("%s-%s", name, az)
		subnetTags := maps.Clone(spec.Tags)
		if subnetTags == nil {
			subnetTags = map[string]string{}
		}
		subnetTags["Name"] = subnetName
		subnet, err := ec2.NewSubnet(ctx, subnetName, &ec2.SubnetArgs{
			VpcId:            vpc.ID(),
			CidrBlock:        pulumi.String(spec.CIDRs[i].String()),
			AvailabilityZone: pulumi.String(az),
			Tags:             pulumi.ToStringMap(stackTags.Map(subnetTags)),
		}, opts...)
		if err != nil {
			return tier{}, fmt.Errorf("creating subnet %s: %w", subnetName, err)
		}
		rt := one
		if rt == nil {
			rtName := subnetName
			if spec.SharedRouteTable {
				rtName = name
			}
			// Route tables carry only their Name: provider default tags tag them.
			rt, err = ec2.NewRouteTable(ctx, rtName, &ec2.RouteTableArgs{
				VpcId: vpc.ID(),
				Tags:  pulumi.StringMap{"Name": pulumi.String(rtName)},
			}, opts...)
			if err != nil {
				return tier{}, fmt.Errorf("creating route table %s: %w", rtName, err)
			}
			if spec.SharedRouteTable {
				one = rt
			}
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, subnetName, &ec2.RouteTableAssociationArgs{
			SubnetId: subnet.ID(), RouteTableId: rt.ID(),
		}, opts...); err != nil {
			return tier{}, fmt.Errorf("associating subnet %s with its route table: %w", subnetName, err)
		}
		t.Subnets = append(t.Subnets, subnet)
		t.RouteTables = append(t.RouteTables, rt)
	}
	return t, nil
}

// route adds a route to a VPC route table: a names its target, destination and table are set here.
func route(ctx *pulumi.Context, name string, rt *ec2.RouteTable, destination string, a ec2.RouteArgs,
	opts ...pulumi.ResourceOption) error {
	a.RouteTableId, a.DestinationCidrBlock = rt.ID(), pulumi.String(destination)
	if _, err := ec2.NewRoute(ctx, name, &a, opts...); err != nil {
		return fmt.Errorf("creating route %s to %s: %w", name, destination, err)
	}
	return nil
}
