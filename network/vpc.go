package network

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// vpcArgs is what every VPC of the platform needs.
type vpcArgs struct {
	Name string
	CIDR netip.Prefix
	// FlowLogsBucketARN is the Log Archive bucket all VPC flow logs go to.
	FlowLogsBucketARN string
	Tags              map[string]string
}

// newVPC creates a VPC with DNS on, its default security group stripped of every rule, and flow logs of all
// traffic to the Log Archive. Callers pass the parent and provider options.
func newVPC(ctx *pulumi.Context, a vpcArgs, opts ...pulumi.ResourceOption) (*ec2.Vpc, error) {
	vpc, err := ec2.NewVpc(ctx, a.Name, &ec2.VpcArgs{
		CidrBlock:          pulumi.String(a.CIDR.String()),
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               pulumi.ToStringMap(withName(a.Tags, a.Name)),
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating VPC %s: %w", a.Name, err)
	}
	// Managing the default security group with no rules removes the allow-all rules AWS puts in it.
	if _, err := ec2.NewDefaultSecurityGroup(ctx, a.Name+"-default-sg", &ec2.DefaultSecurityGroupArgs{
		VpcId: vpc.ID(),
		Tags:  pulumi.ToStringMap(withName(a.Tags, a.Name+"-default-do-not-use")),
	}, opts...); err != nil {
		return nil, err
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
		return nil, err
	}
	return vpc, nil
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

// newTier creates the subnets of one tier and a route table per AZ (or one shared table when shared is set).
func newTier(ctx *pulumi.Context, name string, vpc *ec2.Vpc, azs []string, cidrs []netip.Prefix, tags map[string]string,
	shared bool, opts ...pulumi.ResourceOption) (tier, error) {
	var t tier
	var one *ec2.RouteTable
	for i, az := range azs {
		subnet, err := ec2.NewSubnet(ctx, fmt.Sprintf("%s-%s", name, az), &ec2.SubnetArgs{
			VpcId:            vpc.ID(),
			CidrBlock:        pulumi.String(cidrs[i].String()),
			AvailabilityZone: pulumi.String(az),
			Tags:             pulumi.ToStringMap(withName(tags, fmt.Sprintf("%s-%s", name, az))),
		}, opts...)
		if err != nil {
			return tier{}, err
		}
		rt := one
		if rt == nil {
			rtName := fmt.Sprintf("%s-%s", name, az)
			if shared {
				rtName = name
			}
			rt, err = ec2.NewRouteTable(ctx, rtName, &ec2.RouteTableArgs{
				VpcId: vpc.ID(),
				Tags:  pulumi.ToStringMap(withName(nil, rtName)),
			}, opts...)
			if err != nil {
				return tier{}, err
			}
			if shared {
				one = rt
			}
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, fmt.Sprintf("%s-%s", name, az), &ec2.RouteTableAssociationArgs{
			SubnetId: subnet.ID(), RouteTableId: rt.ID(),
		}, opts...); err != nil {
			return tier{}, err
		}
		t.Subnets = append(t.Subnets, subnet)
		t.RouteTables = append(t.RouteTables, rt)
	}
	return t, nil
}

func withName(tags map[string]string, name string) map[string]string {
	out := map[string]string{}
	for k, v := range tags {
		out[k] = v
	}
	out["Name"] = name
	return out
}
