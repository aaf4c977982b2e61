package program

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/internal/stackref"
	"github.com/innovate-inc/platform/network"
	"github.com/innovate-inc/platform/security"
)

// networkLayer builds stack network in the Networking/Shared Services account and returns its outputs. It reads
// its upstream stacks, runs every cross-stack check and its invokes before it registers any resource (only the
// provider, which the invokes need): a failed check leaves no half-built stack.
func networkLayer(ctx *pulumi.Context, cfg *config.Stack) (pulumi.Map, error) {
	in, err := readNetworkInputs(ctx, cfg)
	if err != nil {
		return nil, err
	}
	built, err := buildNetwork(ctx, cfg, in)
	if err != nil {
		return nil, err
	}
	return networkOutputs(cfg, in, built), nil
}

// networkInputs is everything the network stack reads before it builds.
type networkInputs struct {
	sec *stackref.Security
	// scope is the networking account in the home region.
	scope    scope.Scope
	azs      []string
	shareOUs []string
	// org and dr (the networking account in the DR region) are read for delivery only.
	org *stackref.Org
	dr  scope.Scope
}

// readNetworkInputs reads the org and security stacks, checks the estate and the OUs to share with against the
// org stack, and creates the networking account's provider to list its AZs: it registers nothing else.
func readNetworkInputs(ctx *pulumi.Context, cfg *config.Stack) (*networkInputs, error) {
	n := *cfg.Network
	up, errs, err := readUpstream(ctx, cfg, false)
	if err != nil {
		return nil, err
	}
	in := &networkInputs{sec: up.sec}
	for i, ou := range n.ShareWithOUs {
		arn, ok := up.org.OUARN(ou)
		if !ok {
			errs = append(errs, fmt.Errorf("%s.shareWithOus[%d] %q is not an OU of the org stack", config.KeyNetwork, i, ou))
			continue
		}
		in.shareOUs = append(in.shareOUs, arn)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	accountID := up.org.AccountIDsByRole[string(config.RoleNetworking)]
	if in.scope, err = up.accountScope(ctx, cfg, accountNames(up.org)[accountID], accountID, cfg.Estate.HomeRegion); err != nil {
		return nil, err
	}
	if in.azs, err = availabilityZones(ctx, in.scope, n.AZCount, config.KeyNetwork+".azCount"); err != nil {
		return nil, err
	}
	if cfg.Delivery != nil {
		in.org = up.org
		if in.dr, err = up.accountScope(ctx, cfg, accountNames(up.org)[accountID], accountID, cfg.Estate.DRRegion); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// networkComponents is what buildNetwork registered.
type networkComponents struct {
	hub        *network.Hub
	inspection *network.Inspection
	shared     *network.SharedServices
	dns        *network.PublicDNS
	vpn        *network.VPN
	delivery   *networkDelivery
}

// buildNetwork registers the network components.
func buildNetwork(ctx *pulumi.Context, cfg *config.Stack, in *networkInputs) (*networkComponents, error) {
	n, sc := *cfg.Network, in.scope
	domains := n.RouteDomains
	// The ranges behind the TGW: the spoke domains and the shared-services VPC.
	behindTGW := map[string]string{"prod": domains.Prod, "nonprod": domains.NonProd, "shared": n.SharedServicesCIDR}
	homeNet := []string{domains.Prod, domains.NonProd, n.SharedServicesCIDR, n.InspectionCIDR}
	if n.VPN != nil {
		// On-premises traffic from the spokes reaches the inspection VPC by the default route; after the firewall it
		// must go back to the TGW (and the VPN), not out through the NAT gateways.
		behindTGW["onprem"] = n.VPN.OnPremCIDR
		homeNet = append(homeNet, n.VPN.OnPremCIDR)
	}
	var c networkComponents
	var err error
	if c.hub, err = network.NewHub(ctx, sc.Name("hub", ""), network.HubArgs{
		Scope: sc, ASN: n.TransitGatewayASN, ShareWithOUARNs: in.shareOUs, ProdCIDR: domains.Prod, NonProdCIDR: domains.NonProd,
	}); err != nil {
		return nil, err
	}
	if c.inspection, err = network.NewInspection(ctx, sc.Name("inspection", ""), network.InspectionArgs{
		Scope: sc, CIDR: netip.MustParsePrefix(n.InspectionCIDR), AZs: in.azs, NATPerAZ: *n.NATPerAZ, Hub: c.hub,
		ReturnCIDRs: behindTGW,
		Policy: network.FirewallPolicyArgs{AllowedDomains: n.Firewall.AllowedDomains, HomeNet: homeNet,
			ProdNet: []string{domains.Prod}, NonProdNet: []string{domains.NonProd}},
		FlowLogsBucketARN: in.sec.LogBucketARNs[security.PurposeFlowLogs], FirewallLogsBucket: in.sec.LogBuckets[security.PurposeNetworkFirewall],
	}); err != nil {
		return nil, err
	}
	if c.shared, err = network.NewSharedServices(ctx, sc.Name("shared-services", ""), network.SharedServicesArgs{
		Scope: sc, CIDR: netip.MustParsePrefix(n.SharedServicesCIDR), AZs: in.azs, EndpointAZs: n.Endpoints.AZCount,
		Services: n.Endpoints.Services, Hub: c.hub, ClientCIDRs: homeNet, FlowLogsBucketARN: in.sec.LogBucketARNs[security.PurposeFlowLogs],
	}); err != nil {
		return nil, err
	}
	if c.delivery, err = buildNetworkDelivery(ctx, cfg, in, c.shared); err != nil {
		return nil, err
	}
	if c.dns, err = network.NewPublicDNS(ctx, sc.Name("public-dns", ""), network.PublicDNSArgs{Scope: sc, Domain: n.Domain}); err != nil {
		return nil, err
	}
	if v := n.VPN; v != nil {
		if c.vpn, err = network.NewVPN(ctx, sc.Name("vpn", ""), network.VPNArgs{
			Scope: sc, CustomerGatewayIP: v.CustomerGatewayIP, BGPASN: v.BGPASN, Hub: c.hub,
			InspectionAttachmentID: c.inspection.AttachmentID,
		}); err != nil {
			return nil, err
		}
	}
	if err := networkAlarms(ctx, cfg, in, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// networkOutputs are what the workload stacks read through stackref.Network.
func networkOutputs(cfg *config.Stack, in *networkInputs, c *networkComponents) pulumi.Map {
	n := *cfg.Network
	routeTables := pulumi.StringMap{}
	for d, rt := range c.hub.RouteTables {
		routeTables[d] = rt.ID().ToStringOutput()
	}
	out := pulumi.Map{
		stackref.NetTransitGatewayID:    c.hub.TransitGateway.ID(),
		stackref.NetRouteTableIDs:       routeTables,
		stackref.NetRAMShareARN:         c.hub.ShareARN,
		stackref.NetEndpointZoneIDs:     toStringMap(c.shared.ZoneIDs),
		stackref.NetPublicZoneID:        c.dns.Zone.ZoneID,
		stackref.NetPublicZoneName:      pulumi.String(n.Domain),
		stackref.NetPublicNameServers:   c.dns.Zone.NameServers,
		stackref.NetFirewallARN:         c.inspection.Firewall.Arn,
		stackref.NetFirewallEndpointIDs: toStringMap(c.inspection.EndpointIDs),
		stackref.NetHubCIDRs:            pulumi.StringMap{"inspection": pulumi.String(n.InspectionCIDR), "shared": pulumi.String(n.SharedServicesCIDR)},
		stackref.NetRouteDomainCIDRs:    pulumi.StringMap{"prod": pulumi.String(n.RouteDomains.Prod), "nonprod": pulumi.String(n.RouteDomains.NonProd)},
		stackref.NetInspectionAttachID:  c.inspection.AttachmentID,
		stackref.NetSharedVPCID:         c.shared.VPC.ID(),
		stackref.NetNetworkingAccountID: pulumi.String(in.scope.AccountID),
	}
	c.delivery.outputs(out)
	return out
}
