package network

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2transitgateway"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/networkfirewall"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/kmskey"
	"github.com/innovate-inc/platform/internal/naming"
)

// InspectionArgs configures the Inspection VPC.
type InspectionArgs struct {
	Env       string
	Provider  *aws.Provider // the networking account, home region
	AccountID string
	CIDR      netip.Prefix
	AZs       []string
	// NATPerAZ puts a NAT gateway in every AZ; off, the first AZ's NAT serves all.
	NATPerAZ bool
	Hub      *Hub
	// ReturnCIDRs are the private ranges behind the TGW (route domains and hub VPCs): traffic to them goes back
	// through the firewall and the TGW.
	ReturnCIDRs       map[string]string
	Policy            FirewallPolicyArgs
	FlowLogsBucketARN string
	// FirewallLogsBucket is the Log Archive bucket for FLOW and ALERT logs.
	FirewallLogsBucket string
	Tags               map[string]string
}

// Inspection creates, in the networking account, the inspection and egress VPC across the configured AZs: per AZ
// a TGW-attachment subnet, a firewall subnet and a public subnet, each with its own route table so that traffic
// never leaves its AZ (TGW subnet -> firewall endpoint in the AZ -> NAT in the AZ -> internet gateway, and back
// through the same firewall endpoint); AWS Network Firewall with one endpoint per AZ, delete and subnet-change
// protection, a customer-managed key and FLOW and ALERT logs to the Log Archive; an internet gateway; NAT
// gateways with EIPs; the TGW attachment in appliance mode (symmetric routing), associated with the inspection
// route table, and the default route of every other route domain pointing at it.
//
// Cost per AZ: firewall endpoint $0.395/h (~$288/month) plus $0.065/GB; NAT gateway ~$33/month plus $0.045/GB;
// with three AZs the inspection VPC is about $1,000/month before traffic. azCount and natPerAz trade that
// against resilience.
//
// It exports the firewall ARN, the endpoint IDs by AZ and the TGW attachment ID.
type Inspection struct {
	pulumi.ResourceState

	VPC          *ec2.Vpc
	Firewall     *networkfirewall.Firewall
	EndpointIDs  map[string]pulumi.StringOutput
	AttachmentID pulumi.StringOutput
	NATs         []*ec2.NatGateway
}

// NewInspection registers the inspection VPC.
func NewInspection(ctx *pulumi.Context, name string, args InspectionArgs, opts ...pulumi.ResourceOption) (*Inspection, error) {
	c := &Inspection{EndpointIDs: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource("platform:network:Inspection", name, c, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Provider)}
	plan, err := InspectionPlan(args.CIDR, len(args.AZs))
	if err != nil {
		return nil, err
	}
	n := func(role string, q ...string) string { return naming.Name(args.Env, "inspection", role, q...) }

	key, err := kmskey.New(ctx, n("firewall-key"), pulumi.String("Encrypts the Network Firewall policy and rule groups"), pulumi.String(iampolicy.New(iampolicy.AccountAdministers(args.AccountID)).MustJSON()), child...)
	if err != nil {
		return nil, err
	}
	vpc, err := newVPC(ctx, vpcArgs{Name: n("vpc"), CIDR: args.CIDR, FlowLogsBucketARN: args.FlowLogsBucketARN, Tags: args.Tags}, child...)
	if err != nil {
		return nil, err
	}
	c.VPC = vpc
	tgwTier, err := newTier(ctx, n("tgw"), vpc, args.AZs, plan.TGW, args.Tags, false, child...)
	if err != nil {
		return nil, err
	}
	fwTier, err := newTier(ctx, n("firewall"), vpc, args.AZs, plan.Firewall, args.Tags, false, child...)
	if err != nil {
		return nil, err
	}
	pubTier, err := newTier(ctx, n("public"), vpc, args.AZs, plan.Public, args.Tags, false, child...)
	if err != nil {
		return nil, err
	}
	igw, err := ec2.NewInternetGateway(ctx, n("igw"), &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(), Tags: pulumi.ToStringMap(withName(args.Tags, n("igw"))),
	}, child...)
	if err != nil {
		return nil, err
	}

	for i, az := range args.AZs {
		if i > 0 && !args.NATPerAZ {
			break
		}
		eip, err := ec2.NewEip(ctx, n("nat-eip", az), &ec2.EipArgs{
			Domain: pulumi.String("vpc"), Tags: pulumi.ToStringMap(withName(args.Tags, n("nat-eip", az))),
		}, child...)
		if err != nil {
			return nil, err
		}
		nat, err := ec2.NewNatGateway(ctx, n("nat", az), &ec2.NatGatewayArgs{
			AllocationId: eip.ID(), SubnetId: pubTier.Subnets[i].ID(),
			Tags: pulumi.ToStringMap(withName(args.Tags, n("nat", az))),
		}, append(child, pulumi.DependsOn([]pulumi.Resource{igw}))...)
		if err != nil {
			return nil, err
		}
		c.NATs = append(c.NATs, nat)
	}

	args.Policy.KeyARN = key.Arn
	policy, err := newFirewallPolicy(ctx, args.Policy, child...)
	if err != nil {
		return nil, err
	}
	var mappings networkfirewall.FirewallSubnetMappingArray
	for _, s := range fwTier.Subnets {
		mappings = append(mappings, networkfirewall.FirewallSubnetMappingArgs{SubnetId: s.ID()})
	}
	fwName := n("firewall")
	fw, err := networkfirewall.NewFirewall(ctx, fwName, &networkfirewall.FirewallArgs{
		Name:                   pulumi.String(fwName),
		Description:            pulumi.String("Centralized egress inspection"),
		VpcId:                  vpc.ID(),
		FirewallPolicyArn:      policy.Arn,
		SubnetMappings:         mappings,
		DeleteProtection:       pulumi.Bool(true),
		SubnetChangeProtection: pulumi.Bool(true),
		EncryptionConfiguration: networkfirewall.FirewallEncryptionConfigurationArgs{
			Type: pulumi.String("CUSTOMER_KMS"), KeyId: key.Arn},
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("creating network firewall: %w", err)
	}
	c.Firewall = fw
	var logs networkfirewall.LoggingConfigurationLoggingConfigurationLogDestinationConfigArray
	for _, t := range []string{"FLOW", "ALERT"} {
		logs = append(logs, networkfirewall.LoggingConfigurationLoggingConfigurationLogDestinationConfigArgs{
			LogType:            pulumi.String(t),
			LogDestinationType: pulumi.String("S3"),
			// No prefix: the objects land under AWSLogs/<account>/network-firewall/<flow|alert>/, the path the
			// bucket policy admits (a prefix would put them under <prefix>/AWSLogs/, which it refuses).
			LogDestination: pulumi.StringMap{"bucketName": pulumi.String(args.FirewallLogsBucket)},
		})
	}
	if _, err := networkfirewall.NewLoggingConfiguration(ctx, n("firewall-logging"), &networkfirewall.LoggingConfigurationArgs{
		FirewallArn:          fw.Arn,
		LoggingConfiguration: networkfirewall.LoggingConfigurationLoggingConfigurationArgs{LogDestinationConfigs: logs},
	}, child...); err != nil {
		return nil, err
	}

	route := func(rname string, rt *ec2.RouteTable, dest string, a ec2.RouteArgs) error {
		a.RouteTableId, a.DestinationCidrBlock = rt.ID(), pulumi.String(dest)
		_, err := ec2.NewRoute(ctx, rname, &a, child...)
		return err
	}
	attachment, err := ec2transitgateway.NewVpcAttachment(ctx, n("tgw-attachment"), &ec2transitgateway.VpcAttachmentArgs{
		TransitGatewayId: args.Hub.TransitGateway.ID(),
		VpcId:            vpc.ID(),
		SubnetIds:        tgwTier.SubnetIDs(),
		// Appliance mode keeps both directions of a flow in one AZ, through one firewall endpoint.
		ApplianceModeSupport: pulumi.String("enable"),
		DnsSupport:           pulumi.String("enable"),
		TransitGatewayDefaultRouteTableAssociation: pulumi.Bool(false),
		TransitGatewayDefaultRouteTablePropagation: pulumi.Bool(false),
		Tags: pulumi.ToStringMap(withName(args.Tags, n("tgw-attachment"))),
	}, child...)
	if err != nil {
		return nil, err
	}
	c.AttachmentID = attachment.ID().ToStringOutput()
	if err := attach(ctx, n("tgw"), c.AttachmentID, rtID(args.Hub.RouteTables[DomainInspection]), nil, child...); err != nil {
		return nil, err
	}
	for _, d := range []string{DomainProd, DomainNonProd, DomainShared} {
		if _, err := ec2transitgateway.NewRoute(ctx, naming.Name(args.Env, "tgw-rt", d, "default-to-inspection"), &ec2transitgateway.RouteArgs{
			TransitGatewayRouteTableId: args.Hub.RouteTables[d].ID(),
			DestinationCidrBlock:       pulumi.String("0.0.0.0/0"),
			TransitGatewayAttachmentId: c.AttachmentID,
		}, child...); err != nil {
			return nil, err
		}
	}

	for i, az := range args.AZs {
		endpoint := EndpointIn(fw, az)
		c.EndpointIDs[az] = endpoint
		nat := c.NATs[0]
		if args.NATPerAZ {
			nat = c.NATs[i]
		}
		if err := route(n("tgw", az, "default-to-firewall"), tgwTier.RouteTables[i], "0.0.0.0/0", ec2.RouteArgs{VpcEndpointId: endpoint}); err != nil {
			return nil, err
		}
		if err := route(n("firewall", az, "default-to-nat"), fwTier.RouteTables[i], "0.0.0.0/0", ec2.RouteArgs{NatGatewayId: nat.ID()}); err != nil {
			return nil, err
		}
		if err := route(n("public", az, "default-to-igw"), pubTier.RouteTables[i], "0.0.0.0/0", ec2.RouteArgs{GatewayId: igw.ID()}); err != nil {
			return nil, err
		}
		for _, to := range slices.Sorted(maps.Keys(args.ReturnCIDRs)) {
			back := args.ReturnCIDRs[to]
			if err := route(n("firewall", az, "return-"+to+"-to-tgw"), fwTier.RouteTables[i], back,
				ec2.RouteArgs{TransitGatewayId: args.Hub.TransitGateway.ID()}); err != nil {
				return nil, err
			}
			if err := route(n("public", az, "return-"+to+"-to-firewall"), pubTier.RouteTables[i], back,
				ec2.RouteArgs{VpcEndpointId: endpoint}); err != nil {
				return nil, err
			}
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"firewallArn": fw.Arn})
}

// EndpointIn is the firewall's endpoint in an AZ, read from the firewall's sync states.
func EndpointIn(fw *networkfirewall.Firewall, az string) pulumi.StringOutput {
	return fw.FirewallStatuses.ApplyT(func(statuses []networkfirewall.FirewallFirewallStatus) (string, error) {
		for _, st := range statuses {
			for _, s := range st.SyncStates {
				if s.AvailabilityZone == nil || *s.AvailabilityZone != az {
					continue
				}
				for _, a := range s.Attachments {
					if a.EndpointId != nil {
						return *a.EndpointId, nil
					}
				}
			}
		}
		return "", fmt.Errorf("network firewall has no endpoint in %s", az)
	}).(pulumi.StringOutput)
}
