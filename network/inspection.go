package network

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2transitgateway"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/networkfirewall"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/kmskey"
	"github.com/innovate-inc/platform/internal/scope"
)

// InspectionArgs configures the Inspection VPC.
type InspectionArgs struct {
	scope.Scope // the networking account, home region
	CIDR        netip.Prefix
	AZs         []string
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
func NewInspection(ctx *pulumi.Context, name string, args InspectionArgs, opts ...pulumi.ResourceOption) (_ *Inspection, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("inspection %s: %w", name, err)
		}
	}()
	c := &Inspection{}
	if err := ctx.RegisterComponentResource("platform:network:Inspection", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering inspection %s: %w", name, err)
	}
	plan, err := InspectionPlan(args.CIDR, len(args.AZs))
	if err != nil {
		return nil, err
	}
	key, err := firewallKey(ctx, name, args, c)
	if err != nil {
		return nil, err
	}
	vpc, err := inspectionVPC(ctx, name, args, plan, c)
	if err != nil {
		return nil, err
	}
	c.VPC, c.AttachmentID = vpc.VPC, vpc.AttachmentID
	igw, nats, err := egress(ctx, name, args, vpc, c)
	if err != nil {
		return nil, err
	}
	c.NATs = nats
	if c.Firewall, err = firewall(ctx, name, args, vpc, key, c); err != nil {
		return nil, err
	}
	if err := defaultRoutesToInspection(ctx, name, args, c.AttachmentID, c); err != nil {
		return nil, err
	}
	if c.EndpointIDs, err = inspectionRoutes(ctx, name, args, vpc, c.Firewall, igw, nats, c); err != nil {
		return nil, err
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"firewallArn": c.Firewall.Arn})
}

// firewallKey is the customer-managed key of the firewall, its policy and rule groups.
func firewallKey(ctx *pulumi.Context, name string, args InspectionArgs, parent pulumi.Resource) (*kms.Key, error) {
	key, err := kmskey.New(ctx, scope.Child(name, "firewall-key"), pulumi.String("Encrypts the Network Firewall policy and rule groups"),
		pulumi.String(iampolicy.New(iampolicy.AccountAdministers(args.AccountID)).MustJSON()), args.In(parent)...)
	if err != nil {
		return nil, fmt.Errorf("creating the firewall key of %s: %w", name, err)
	}
	return key, nil
}

// inspectionVPC is the VPC with a TGW, a firewall and a public subnet per AZ, each with the AZ's own route table,
// attached in appliance mode and associated with the inspection route table.
func inspectionVPC(ctx *pulumi.Context, name string, args InspectionArgs, plan HubPlan, parent pulumi.Resource) (*attachedVPC, error) {
	return newAttachedVPC(ctx, name, attachedVPCArgs{
		Scope: args.Scope, CIDR: args.CIDR, AZs: args.AZs, FlowLogsBucketARN: args.FlowLogsBucketARN,
		TGW:              tierSpec{Role: "tgw", CIDRs: plan.TGW},
		Tiers:            []tierSpec{{Role: "firewall", CIDRs: plan.Firewall}, {Role: "public", CIDRs: plan.Public}},
		TransitGatewayID: args.Hub.TransitGateway.ID(),
		ApplianceMode:    true,
		Associate:        rtID(args.Hub.RouteTables[DomainInspection]),
	}, parent)
}

// egress creates the internet gateway, and a NAT gateway with its EIP in the public subnet of every AZ (or of
// the first AZ only, without NATPerAZ).
func egress(ctx *pulumi.Context, name string, args InspectionArgs, vpc *attachedVPC, parent pulumi.Resource) (*ec2.InternetGateway, []*ec2.NatGateway, error) {
	child := args.In(parent)
	igwName := scope.Child(name, "igw")
	igw, err := ec2.NewInternetGateway(ctx, igwName, &ec2.InternetGatewayArgs{
		VpcId: vpc.VPC.ID(), Tags: pulumi.ToStringMap(args.Tags.With(igwName)),
	}, child...)
	if err != nil {
		return nil, nil, fmt.Errorf("creating the internet gateway of %s: %w", name, err)
	}
	var nats []*ec2.NatGateway
	for i, az := range args.AZs {
		if i > 0 && !args.NATPerAZ {
			break
		}
		eipName, natName := scope.Child(name, "nat-eip", az), scope.Child(name, "nat", az)
		eip, err := ec2.NewEip(ctx, eipName, &ec2.EipArgs{
			Domain: pulumi.String("vpc"), Tags: pulumi.ToStringMap(args.Tags.With(eipName)),
		}, child...)
		if err != nil {
			return nil, nil, fmt.Errorf("allocating the NAT gateway's EIP in %s: %w", az, err)
		}
		nat, err := ec2.NewNatGateway(ctx, natName, &ec2.NatGatewayArgs{
			AllocationId: eip.ID(), SubnetId: vpc.Tiers["public"].Subnets[i].ID(),
			Tags: pulumi.ToStringMap(args.Tags.With(natName)),
		}, args.In(parent, pulumi.DependsOn([]pulumi.Resource{igw}))...)
		if err != nil {
			return nil, nil, fmt.Errorf("creating the NAT gateway in %s: %w", az, err)
		}
		nats = append(nats, nat)
	}
	return igw, nats, nil
}

// firewall creates the policy and AWS Network Firewall with an endpoint in the firewall subnet of every AZ,
// delete and subnet-change protection, the customer-managed key, and FLOW and ALERT logs to the Log Archive.
func firewall(ctx *pulumi.Context, name string, args InspectionArgs, vpc *attachedVPC, key *kms.Key,
	parent pulumi.Resource) (*networkfirewall.Firewall, error) {
	child := args.In(parent)
	policy, err := newFirewallPolicy(ctx, name, args.Policy, key.Arn, child...)
	if err != nil {
		return nil, err
	}
	var mappings networkfirewall.FirewallSubnetMappingArray
	for _, s := range vpc.Tiers["firewall"].Subnets {
		mappings = append(mappings, networkfirewall.FirewallSubnetMappingArgs{SubnetId: s.ID()})
	}
	fwName := scope.Child(name, "firewall")
	fw, err := networkfirewall.NewFirewall(ctx, fwName, &networkfirewall.FirewallArgs{
		Name:                   pulumi.String(fwName),
		Description:            pulumi.String("Centralized egress inspection"),
		VpcId:                  vpc.VPC.ID(),
		FirewallPolicyArn:      policy.Arn,
		SubnetMappings:         mappings,
		DeleteProtection:       pulumi.Bool(true),
		SubnetChangeProtection: pulumi.Bool(true),
		EncryptionConfiguration: networkfirewall.FirewallEncryptionConfigurationArgs{
			Type: pulumi.String("CUSTOMER_KMS"), KeyId: key.Arn},
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("creating network firewall %s: %w", fwName, err)
	}
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
	if _, err := networkfirewall.NewLoggingConfiguration(ctx, scope.Child(name, "firewall-logging"), &networkfirewall.LoggingConfigurationArgs{
		FirewallArn:          fw.Arn,
		LoggingConfiguration: networkfirewall.LoggingConfigurationLoggingConfigurationArgs{LogDestinationConfigs: logs},
	}, child...); err != nil {
		return nil, fmt.Errorf("configuring the logs of network firewall %s: %w", fwName, err)
	}
	return fw, nil
}

// defaultRoutesToInspection points the default route of the prod, nonprod and shared route domains at the
// inspection attachment.
func defaultRoutesToInspection(ctx *pulumi.Context, name string, args InspectionArgs, attachmentID pulumi.StringInput,
	parent pulumi.Resource) error {
	for _, d := range []string{DomainProd, DomainNonProd, DomainShared} {
		if _, err := ec2transitgateway.NewRoute(ctx, scope.Child(name, "default-from", d), &ec2transitgateway.RouteArgs{
			TransitGatewayRouteTableId: args.Hub.RouteTables[d].ID(),
			DestinationCidrBlock:       pulumi.String("0.0.0.0/0"),
			TransitGatewayAttachmentId: attachmentID,
		}, args.In(parent)...); err != nil {
			return fmt.Errorf("routing the %s route domain's default route to inspection: %w", d, err)
		}
	}
	return nil
}

// inspectionRoutes keeps traffic in its AZ: TGW subnet -> the AZ's firewall endpoint -> the AZ's NAT (or the
// only one) -> internet gateway, and replies to the ranges behind the TGW back through the same endpoint and
// the TGW. It returns the firewall's endpoint IDs by AZ.
func inspectionRoutes(ctx *pulumi.Context, name string, args InspectionArgs, vpc *attachedVPC, fw *networkfirewall.Firewall,
	igw *ec2.InternetGateway, nats []*ec2.NatGateway, parent pulumi.Resource) (map[string]pulumi.StringOutput, error) {
	child := args.In(parent)
	tgwTables, fwTables, pubTables := vpc.TGW.RouteTables, vpc.Tiers["firewall"].RouteTables, vpc.Tiers["public"].RouteTables
	endpoints := map[string]pulumi.StringOutput{}
	for i, az := range args.AZs {
		endpoint := EndpointIn(fw, az)
		endpoints[az] = endpoint
		nat := nats[0]
		if args.NATPerAZ {
			nat = nats[i]
		}
		if err := route(ctx, scope.Child(name, "tgw", az, "default-to-firewall"), tgwTables[i], "0.0.0.0/0", ec2.RouteArgs{VpcEndpointId: endpoint}, child...); err != nil {
			return nil, err
		}
		if err := route(ctx, scope.Child(name, "firewall", az, "default-to-nat"), fwTables[i], "0.0.0.0/0", ec2.RouteArgs{NatGatewayId: nat.ID()}, child...); err != nil {
			return nil, err
		}
		if err := route(ctx, scope.Child(name, "public", az, "default-to-igw"), pubTables[i], "0.0.0.0/0", ec2.RouteArgs{GatewayId: igw.ID()}, child...); err != nil {
			return nil, err
		}
		for _, to := range slices.Sorted(maps.Keys(args.ReturnCIDRs)) {
			back := args.ReturnCIDRs[to]
			if err := route(ctx, scope.Child(name, "firewall", az, "return-"+to+"-to-tgw"), fwTables[i], back,
				ec2.RouteArgs{TransitGatewayId: args.Hub.TransitGateway.ID()}, child...); err != nil {
				return nil, err
			}
			if err := route(ctx, scope.Child(name, "public", az, "return-"+to+"-to-firewall"), pubTables[i], back,
				ec2.RouteArgs{VpcEndpointId: endpoint}, child...); err != nil {
				return nil, err
			}
		}
	}
	return endpoints, nil
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
