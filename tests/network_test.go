package tests

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/plan"
)

var networkingID = accountID("aws-networking@example.com")

func networkStack(t *testing.T) stackView {
	s, ok := fullPlan(t).Stack("network")
	require.True(t, ok)
	assert.Equal(t, []string{"org", "security"}, s.References)
	return stackView{t, s}
}

// routeGraph indexes a stack's VPC routing by IDs, the way AWS would evaluate it.
type routeGraph struct {
	subnetAZ     map[string]string // subnet ID -> AZ
	subnetName   map[string]string // subnet ID -> logical name
	subnetTable  map[string]string // subnet ID -> route table ID
	routes       map[string]map[string]map[string]any
	natSubnet    map[string]string // NAT ID -> subnet ID
	igws         map[string]bool
	tgwID        string
	endpointByAZ map[string]string
}

func newRouteGraph(v stackView) routeGraph {
	g := routeGraph{subnetAZ: map[string]string{}, subnetName: map[string]string{}, subnetTable: map[string]string{},
		routes: map[string]map[string]map[string]any{}, natSubnet: map[string]string{}, igws: map[string]bool{},
		endpointByAZ: map[string]string{}}
	for _, r := range v.s.Resources {
		switch r.Type {
		case "aws:ec2/subnet:Subnet":
			g.subnetAZ[r.ID] = r.Inputs["availabilityZone"].(string)
			g.subnetName[r.ID] = r.Name
		case "aws:ec2/routeTableAssociation:RouteTableAssociation":
			g.subnetTable[r.Inputs["subnetId"].(string)] = r.Inputs["routeTableId"].(string)
		case "aws:ec2/route:Route":
			rt := r.Inputs["routeTableId"].(string)
			if g.routes[rt] == nil {
				g.routes[rt] = map[string]map[string]any{}
			}
			g.routes[rt][r.Inputs["destinationCidrBlock"].(string)] = r.Inputs
		case "aws:ec2/natGateway:NatGateway":
			g.natSubnet[r.ID] = r.Inputs["subnetId"].(string)
		case "aws:ec2/internetGateway:InternetGateway":
			g.igws[r.ID] = true
		case "aws:ec2transitgateway/transitGateway:TransitGateway":
			g.tgwID = r.ID
		}
	}
	for az, ep := range v.s.Outputs["firewallEndpointIds"].(map[string]any) {
		g.endpointByAZ[az] = ep.(string)
	}
	return g
}

// next is where a subnet sends traffic for dst: the route's target kind and ID.
func (g routeGraph) next(t *testing.T, subnet, dst string) (string, string) {
	rt := g.subnetTable[subnet]
	require.NotEmpty(t, rt, "subnet %s has a route table", g.subnetName[subnet])
	r, ok := g.routes[rt][dst]
	require.True(t, ok, "subnet %s has a route to %s", g.subnetName[subnet], dst)
	for _, k := range []string{"vpcEndpointId", "natGatewayId", "gatewayId", "transitGatewayId"} {
		if id, ok := r[k].(string); ok && id != "" {
			return k, id
		}
	}
	t.Fatalf("route to %s of %s has no target", dst, g.subnetName[subnet])
	return "", ""
}

func (g routeGraph) subnets(prefix string) []string {
	var out []string
	for id, name := range g.subnetName {
		if strings.HasPrefix(name, prefix) {
			out = append(out, id)
		}
	}
	return out
}

// The inspection path in each AZ: TGW subnet -> firewall endpoint in the same AZ -> NAT in the same AZ ->
// internet gateway, and the way back through the same AZ's endpoint.
func TestInspectionPathStaysInItsAZ(t *testing.T) {
	v := networkStack(t)
	g := newRouteGraph(v)
	tgwSubnets := g.subnets("network-inspection-tgw-")
	require.Len(t, tgwSubnets, 3)
	for _, s := range tgwSubnets {
		az := g.subnetAZ[s]
		kind, endpoint := g.next(t, s, "0.0.0.0/0")
		assert.Equal(t, "vpcEndpointId", kind)
		assert.Equal(t, g.endpointByAZ[az], endpoint, "TGW subnet in %s goes to the firewall endpoint in %s", az, az)

		fw := findSubnet(t, g, "network-inspection-firewall-", az)
		kind, nat := g.next(t, fw, "0.0.0.0/0")
		assert.Equal(t, "natGatewayId", kind)
		assert.Equal(t, az, g.subnetAZ[g.natSubnet[nat]], "firewall subnet in %s goes to the NAT in %s", az, az)

		pub := g.natSubnet[nat]
		kind, igw := g.next(t, pub, "0.0.0.0/0")
		assert.Equal(t, "gatewayId", kind)
		assert.True(t, g.igws[igw])
		for _, back := range []string{"10.16.0.0/12", "10.32.0.0/12", "10.0.16.0/20"} {
			kind, ep := g.next(t, pub, back)
			assert.Equal(t, "vpcEndpointId", kind)
			assert.Equal(t, g.endpointByAZ[az], ep, "replies to %s go back through the %s endpoint", back, az)
			kind, tgw := g.next(t, fw, back)
			assert.Equal(t, "transitGatewayId", kind)
			assert.Equal(t, g.tgwID, tgw)
		}
	}
}

func findSubnet(t *testing.T, g routeGraph, prefix, az string) string {
	for _, s := range g.subnets(prefix) {
		if g.subnetAZ[s] == az {
			return s
		}
	}
	t.Fatalf("no %s subnet in %s", prefix, az)
	return ""
}

func TestRouteDomainsKeepProdAndNonProdApart(t *testing.T) {
	v := networkStack(t)
	rtIDs := v.s.Outputs["tgwRouteTableIds"].(map[string]any)
	inspectionAttachment := v.s.Outputs["inspectionAttachmentId"].(string)
	prodNet, nonProdNet := netip.MustParsePrefix("10.16.0.0/12"), netip.MustParsePrefix("10.32.0.0/12")
	routes := map[string][]map[string]any{}
	for _, r := range v.byType("aws:ec2transitgateway/route:Route") {
		rt := r.Inputs["transitGatewayRouteTableId"].(string)
		routes[rt] = append(routes[rt], r.Inputs)
	}
	check := func(domain string, other netip.Prefix) {
		var blackholed, defaulted bool
		for _, r := range routes[rtIDs[domain].(string)] {
			dst := netip.MustParsePrefix(r["destinationCidrBlock"].(string))
			switch {
			case r["blackhole"] == true:
				assert.Equal(t, other, dst, "%s blackholes the other domain", domain)
				blackholed = true
			case dst.Bits() == 0:
				assert.Equal(t, inspectionAttachment, r["transitGatewayAttachmentId"], "%s egress goes to inspection", domain)
				defaulted = true
			default:
				assert.False(t, dst.Overlaps(other), "%s has a route into the other domain", domain)
			}
		}
		assert.True(t, blackholed && defaulted, domain)
	}
	check("prod", nonProdNet)
	check("nonprod", prodNet)

	// Only the shared-services attachment propagates into the domain tables from the network stack.
	for _, p := range v.byType("aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation") {
		assert.True(t, strings.HasPrefix(p.Name, "network-shared-services-tgw-propagation-"), p.Name)
	}
	att := v.named("aws:ec2transitgateway/vpcAttachment:VpcAttachment", "network-inspection-tgw-attachment")
	assert.Equal(t, "enable", att.Inputs["applianceModeSupport"], "symmetric routing through the firewall")
}

func TestTransitGatewayAndShare(t *testing.T) {
	v := networkStack(t)
	tgw := v.byType("aws:ec2transitgateway/transitGateway:TransitGateway")
	require.Len(t, tgw, 1)
	in := tgw[0].Inputs
	assert.Equal(t, "disable", in["defaultRouteTableAssociation"])
	assert.Equal(t, "disable", in["defaultRouteTablePropagation"])
	assert.Equal(t, "disable", in["autoAcceptSharedAttachments"])
	assert.Equal(t, "enable", in["dnsSupport"])
	share := v.byType("aws:ram/resourceShare:ResourceShare")
	require.Len(t, share, 1)
	assert.Equal(t, false, share[0].Inputs["allowExternalPrincipals"])
	org, _ := fullPlan(t).Stack("org")
	ou := org.Outputs["organizationalUnitIds"].(map[string]any)["Workloads"].(string)
	principal := v.byType("aws:ram/principalAssociation:PrincipalAssociation")[0].Inputs["principal"].(string)
	assert.True(t, strings.HasSuffix(principal, "/"+ou), principal)
	for _, r := range v.s.Resources {
		if r.Custom && r.Type != "pulumi:providers:aws" && r.Type != "pulumi:pulumi:StackReference" {
			assert.Equal(t, networkingID, r.Account, "%s %s lives in the networking account", r.Type, r.Name)
		}
	}
}

func TestFirewallPolicyAndProtection(t *testing.T) {
	v := networkStack(t)
	fw := v.byType("aws:networkfirewall/firewall:Firewall")
	require.Len(t, fw, 1)
	assert.Equal(t, true, fw[0].Inputs["deleteProtection"])
	assert.Equal(t, true, fw[0].Inputs["subnetChangeProtection"])
	assert.Equal(t, "CUSTOMER_KMS", fw[0].Inputs["encryptionConfiguration"].(map[string]any)["type"])
	assert.Len(t, fw[0].Inputs["subnetMappings"], 3, "one endpoint per AZ")

	policy := v.byType("aws:networkfirewall/firewallPolicy:FirewallPolicy")[0].Inputs["firewallPolicy"].(map[string]any)
	assert.Equal(t, []any{"aws:forward_to_sfe"}, policy["statelessDefaultActions"])
	assert.Equal(t, "STRICT_ORDER", policy["statefulEngineOptions"].(map[string]any)["ruleOrder"])
	assert.Equal(t, []any{"aws:drop_established", "aws:alert_established"}, policy["statefulDefaultActions"])
	refs := policy["statefulRuleGroupReferences"].([]any)
	require.Len(t, refs, 2)

	var allow plan.Resource
	for _, g := range v.byType("aws:networkfirewall/ruleGroup:RuleGroup") {
		if strings.Contains(g.Name, "allow-list") {
			allow = g
		}
	}
	list := allow.Inputs["ruleGroup"].(map[string]any)["rulesSource"].(map[string]any)["rulesSourceList"].(map[string]any)
	assert.Equal(t, "ALLOWLIST", list["generatedRulesType"])
	assert.Equal(t, []any{"TLS_SNI", "HTTP_HOST"}, list["targetTypes"])
	assert.Contains(t, list["targets"], ".amazonaws.com")

	logging := v.byType("aws:networkfirewall/loggingConfiguration:LoggingConfiguration")[0].Inputs["loggingConfiguration"].(map[string]any)
	kinds := []string{}
	for _, d := range logging["logDestinationConfigs"].([]any) {
		d := d.(map[string]any)
		kinds = append(kinds, d["logType"].(string))
		assert.Contains(t, d["logDestination"].(map[string]any)["bucketName"], "innovate-security-network-firewall-us-east-1-")
	}
	assert.Equal(t, []string{"FLOW", "ALERT"}, kinds)
}

func TestEndpointsAndZones(t *testing.T) {
	v := networkStack(t)
	eps := v.byType("aws:ec2/vpcEndpoint:VpcEndpoint")
	require.Len(t, eps, 15)
	for _, e := range eps {
		assert.Equal(t, false, e.Inputs["privateDnsEnabled"], "DNS is served by the central zones")
		assert.Len(t, e.Inputs["subnetIds"], 2, "endpoints.azCount")
	}
	zones := map[string]bool{}
	for _, z := range v.byType("aws:route53/zone:Zone") {
		zones[z.Inputs["name"].(string)] = true
	}
	for _, name := range []string{"sts.us-east-1.amazonaws.com", "dkr.ecr.us-east-1.amazonaws.com", "api.ecr.us-east-1.amazonaws.com", "eks-auth.us-east-1.api.aws", "example.com"} {
		assert.True(t, zones[name], name)
	}
	public := v.named("aws:route53/zone:Zone", "network-public-dns-zone")
	assert.True(t, public.Protect)
	var wildcard bool
	for _, r := range v.byType("aws:route53/record:Record") {
		if r.Inputs["name"] == "*.dkr.ecr.us-east-1.amazonaws.com" {
			wildcard = true
		}
	}
	assert.True(t, wildcard, "ECR's registry names resolve through the wildcard")
	sg := v.named("aws:ec2/securityGroup:SecurityGroup", "network-shared-services-endpoints-sg")
	for _, rule := range sg.Inputs["ingress"].([]any) {
		rule := rule.(map[string]any)
		assert.Equal(t, 443.0, rule["fromPort"])
		assert.NotContains(t, rule["cidrBlocks"], "0.0.0.0/0")
	}
}

func TestEveryVPCHasFlowLogsAndAClosedDefaultSecurityGroup(t *testing.T) {
	v := networkStack(t)
	vpcs := v.byType("aws:ec2/vpc:Vpc")
	logs := v.byType("aws:ec2/flowLog:FlowLog")
	dsg := v.byType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
	require.Len(t, logs, len(vpcs))
	require.Len(t, dsg, len(vpcs))
	for _, l := range logs {
		assert.Equal(t, "ALL", l.Inputs["trafficType"])
		assert.Contains(t, l.Inputs["logDestination"], "arn:aws:s3:::innovate-security-flow-logs-us-east-1-")
	}
	for _, d := range dsg {
		assert.Nil(t, d.Inputs["ingress"])
		assert.Nil(t, d.Inputs["egress"])
	}
}
