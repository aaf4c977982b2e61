package network_test

import (
	"net/netip"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/mocks"
	"github.com/innovate-inc/platform/internal/providers"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/network"
)

const (
	workloadAccount   = "111111111111"
	networkingAccount = "222222222222"
)

var routeTables = map[string]string{"prod": "tgw-rtb-prod", "nonprod": "tgw-rtb-nonprod", "shared": "tgw-rtb-shared", "inspection": "tgw-rtb-inspection"}

func TestPlanSpoke(t *testing.T) {
	p, err := network.PlanSpoke(netip.MustParsePrefix("10.16.0.0/16"), 3)
	require.NoError(t, err)
	str := func(ps []netip.Prefix) []string {
		var out []string
		for _, x := range ps {
			out = append(out, x.String())
		}
		return out
	}
	assert.Equal(t, []string{"10.16.0.0/18", "10.16.64.0/18", "10.16.128.0/18"}, str(p.Private))
	assert.Equal(t, []string{"10.16.192.0/20", "10.16.208.0/20", "10.16.224.0/20"}, str(p.Public))
	assert.Equal(t, []string{"10.16.240.0/22", "10.16.244.0/22", "10.16.248.0/22"}, str(p.Database))
	assert.Equal(t, []string{"10.16.252.0/24", "10.16.253.0/24", "10.16.254.0/24"}, str(p.TGW))
	// No two subnets overlap.
	all := append(append(append(append([]netip.Prefix{}, p.Private...), p.Public...), p.Database...), p.TGW...)
	for i := range all {
		for j := range i {
			assert.False(t, all[i].Overlaps(all[j]), "%s overlaps %s", all[i], all[j])
		}
	}
	_, err = network.PlanSpoke(netip.MustParsePrefix("10.16.0.0/22"), 3)
	assert.ErrorContains(t, err, "between /16 and /20")
	_, err = network.PlanSpoke(netip.MustParsePrefix("10.16.0.0/16"), 4)
	assert.ErrorContains(t, err, "2 or 3 AZs")
}

func TestHubPlans(t *testing.T) {
	p, err := network.InspectionPlan(netip.MustParsePrefix("10.0.0.0/20"), 3)
	require.NoError(t, err)
	assert.Equal(t, "10.0.0.0/28", p.TGW[0].String())
	assert.Equal(t, "10.0.0.128/28", p.Firewall[0].String())
	assert.Equal(t, "10.0.1.32/28", p.Public[2].String())
	s, err := network.SharedServicesPlan(netip.MustParsePrefix("10.0.16.0/20"), 2)
	require.NoError(t, err)
	assert.Equal(t, "10.0.16.16/28", s.TGW[1].String())
	assert.Equal(t, "10.0.18.0/24", s.Private[1].String())
	_, err = network.InspectionPlan(netip.MustParsePrefix("10.0.0.0/24"), 3)
	assert.Error(t, err)
}

func TestEndpointZoneNames(t *testing.T) {
	assert.Equal(t, "sts.us-east-1.amazonaws.com", network.EndpointZoneName("sts", "us-east-1"))
	assert.Equal(t, "dkr.ecr.us-west-2.amazonaws.com", network.EndpointZoneName("ecr.dkr", "us-west-2"))
	assert.Equal(t, "eks-auth.us-east-1.api.aws", network.EndpointZoneName("eks-auth", "us-east-1"))
	assert.Equal(t, "prod", network.DomainOf("prod"))
	assert.Equal(t, "nonprod", network.DomainOf("dev"))
	assert.Equal(t, 200, network.AllowListCapacity(16))
	assert.Equal(t, 400, network.AllowListCapacity(80))
}

func runSpoke(t *testing.T, env string, edit ...func(*network.WorkloadVPCArgs)) (*mocks.Monitor, error) {
	return fixtures.Run(t, env, "us-east-1", func(ctx *pulumi.Context) error {
		spoke, err := providers.New(ctx, env, providers.Target{Key: env, Region: "us-east-1", AccountID: workloadAccount, RoleName: "OrganizationAccountAccessRole"}, nil)
		if err != nil {
			return err
		}
		hub, err := providers.New(ctx, env, providers.Target{Key: "networking", Region: "us-east-1", AccountID: networkingAccount, RoleName: "OrganizationAccountAccessRole"}, nil)
		if err != nil {
			return err
		}
		args := network.WorkloadVPCArgs{
			Scope: scope.Scope{Stack: env, AccountID: workloadAccount, Region: "us-east-1", Provider: spoke},
			CIDR:  netip.MustParsePrefix("10.16.0.0/16"), AZs: []string{"us-east-1a", "us-east-1b", "us-east-1c"}, HubProvider: hub, TransitGatewayID: "tgw-hub", RouteTableIDs: routeTables,
			EndpointZoneIDs: map[string]string{"sts": "ZSTS", "ecr.dkr": "ZECR"}, FlowLogsBucketARN: "arn:aws:s3:::flow-logs",
			DatabasePort: 5432, ClusterName: env + "-eks",
		}
		for _, e := range edit {
			e(&args)
		}
		_, err = network.NewWorkloadVPC(ctx, env+"-vpc", args)
		return err
	})
}

func in(r mocks.Resource) map[string]any { return mocks.Plain(r.Inputs) }

func TestWorkloadVPCRoutesEgressThroughTheHub(t *testing.T) {
	mon, err := runSpoke(t, "prod")
	require.NoError(t, err)
	assert.Empty(t, mon.ByType("aws:ec2/natGateway:NatGateway"), "no NAT in the spoke: egress is centralized")
	routes := map[string]map[string]any{}
	for _, r := range mon.ByType("aws:ec2/route:Route") {
		routes[r.Name] = in(r)
	}
	assert.Equal(t, "tgw-hub", routes["prod-vpc-private-default-to-tgw"]["transitGatewayId"])
	assert.Contains(t, routes["prod-vpc-public-default-to-igw"]["gatewayId"], "igw-")
	assert.Len(t, routes, 2, "database and TGW subnets have no route out")

	assoc := mon.ByType("aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation")
	require.Len(t, assoc, 1)
	assert.Equal(t, "tgw-rtb-prod", in(assoc[0])["transitGatewayRouteTableId"])
	assert.Equal(t, networkingAccount, assoc[0].Account, "the hub side is created in the networking account")
	var propagated []string
	for _, p := range mon.ByType("aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation") {
		propagated = append(propagated, in(p)["transitGatewayRouteTableId"].(string))
		assert.Equal(t, networkingAccount, p.Account)
	}
	assert.ElementsMatch(t, []string{"tgw-rtb-inspection", "tgw-rtb-shared"}, propagated, "never into the other domain")
	accepter := mon.ByType("aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter")
	require.Len(t, accepter, 1)
	assert.Equal(t, networkingAccount, accepter[0].Account)
}

func TestNonProdSpokeJoinsTheNonProdDomain(t *testing.T) {
	mon, err := runSpoke(t, "dev", func(a *network.WorkloadVPCArgs) {
		a.CIDR = netip.MustParsePrefix("10.32.0.0/16")
		a.AZs = a.AZs[:2]
	})
	require.NoError(t, err)
	assoc := mon.ByType("aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation")
	require.Len(t, assoc, 1)
	assert.Equal(t, "tgw-rtb-nonprod", in(assoc[0])["transitGatewayRouteTableId"])
	assert.Len(t, mon.ByType("aws:ec2/subnet:Subnet"), 8, "four tiers in two AZs")
}

func TestWorkloadSubnetsAreTaggedAndTheDatabaseIsClosed(t *testing.T) {
	mon, err := runSpoke(t, "prod")
	require.NoError(t, err)
	tiers := map[string]int{}
	for _, s := range mon.ByType("aws:ec2/subnet:Subnet") {
		tags := in(s)["tags"].(map[string]any)
		switch {
		case tags["kubernetes.io/role/elb"] == "1":
			tiers["public"]++
		case tags["kubernetes.io/role/internal-elb"] == "1":
			tiers["private"]++
			assert.Equal(t, "prod-eks", tags["karpenter.sh/discovery"])
		default:
			tiers["other"]++
		}
		assert.Equal(t, workloadAccount, s.Account)
	}
	assert.Equal(t, map[string]int{"public": 3, "private": 3, "other": 6}, tiers)

	acl := mon.ByType("aws:ec2/networkAcl:NetworkAcl")
	require.Len(t, acl, 1)
	rules := in(acl[0])
	var sources []string
	for _, r := range rules["ingress"].([]any) {
		r := r.(map[string]any)
		assert.Equal(t, 5432.0, r["fromPort"])
		assert.Equal(t, 5432.0, r["toPort"])
		assert.Equal(t, "allow", r["action"])
		sources = append(sources, r["cidrBlock"].(string))
	}
	assert.Equal(t, []string{"10.16.0.0/18", "10.16.64.0/18", "10.16.128.0/18"}, sources, "only the private subnets")
	assert.Len(t, rules["subnetIds"], 3)

	gw := map[string]bool{}
	for _, e := range mon.ByType("aws:ec2/vpcEndpoint:VpcEndpoint") {
		gw[in(e)["serviceName"].(string)] = in(e)["vpcEndpointType"] == "Gateway"
	}
	assert.Equal(t, map[string]bool{"com.amazonaws.us-east-1.s3": true, "com.amazonaws.us-east-1.dynamodb": true}, gw)

	auth := mon.ByType("aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization")
	zoneAssoc := mon.ByType("aws:route53/zoneAssociation:ZoneAssociation")
	require.Len(t, auth, 2)
	require.Len(t, zoneAssoc, 2)
	assert.Equal(t, networkingAccount, auth[0].Account, "the zone owner authorizes")
	assert.Equal(t, workloadAccount, zoneAssoc[0].Account, "the VPC owner associates")
	assert.Len(t, mon.ByType("aws:ec2/flowLog:FlowLog"), 1)
	assert.Len(t, mon.ByType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"), 1)
}

func TestWorkloadVPCNeedsTheRouteTablesOfItsDomain(t *testing.T) {
	_, err := runSpoke(t, "staging", func(a *network.WorkloadVPCArgs) {
		a.RouteTableIDs = map[string]string{"prod": "x", "shared": "y", "inspection": "z"}
	})
	assert.ErrorContains(t, err, `the network stack exports no "nonprod" route table`)
}

func TestEnvironmentZoneDelegatesFromTheHub(t *testing.T) {
	mon, err := fixtures.Run(t, "dev", "us-east-1", func(ctx *pulumi.Context) error {
		spoke, _ := providers.New(ctx, "dev", providers.Target{Key: "dev", Region: "us-east-1", AccountID: workloadAccount, RoleName: "R"}, nil)
		hub, _ := providers.New(ctx, "dev", providers.Target{Key: "networking", Region: "us-east-1", AccountID: networkingAccount, RoleName: "R"}, nil)
		_, err := network.NewEnvironmentZone(ctx, "dev-zone", network.EnvironmentZoneArgs{
			Scope: scope.Scope{Stack: "dev", AccountID: workloadAccount, Region: "us-east-1", Provider: spoke}, Domain: "example.com",
			ParentZoneID: pulumi.String("ZPARENT"), HubProvider: hub})
		return err
	})
	require.NoError(t, err)
	zone := mon.ByType("aws:route53/zone:Zone")
	require.Len(t, zone, 1)
	assert.Equal(t, "dev.example.com", in(zone[0])["name"])
	assert.Equal(t, workloadAccount, zone[0].Account)
	ns := mon.ByType("aws:route53/record:Record")
	require.Len(t, ns, 1)
	assert.Equal(t, "NS", in(ns[0])["type"])
	assert.Equal(t, "ZPARENT", in(ns[0])["zoneId"])
	assert.Equal(t, networkingAccount, ns[0].Account)
	assert.Len(t, in(ns[0])["records"], 4)
}
