package program

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/providers"
	"github.com/innovate-inc/platform/internal/stackref"
	"github.com/innovate-inc/platform/internal/tags"
	"github.com/innovate-inc/platform/network"
)

// networkLayer builds stack network in the Networking/Shared Services account and returns its outputs.
func networkLayer(ctx *pulumi.Context, cfg *config.Stack) (pulumi.Map, error) {
	env, e, n := cfg.Name, cfg.Estate, *cfg.Network
	org, err := stackref.ReadOrg(ctx, e.PulumiOrg)
	if err != nil {
		return nil, err
	}
	sec, err := stackref.ReadSecurity(ctx, e.PulumiOrg)
	if err != nil {
		return nil, err
	}
	errs := checkEstate(cfg, org)
	var shareOUs []string
	for i, ou := range n.ShareWithOUs {
		id, ok := org.OUIDs[ou]
		if !ok {
			errs = append(errs, fmt.Errorf("%s.shareWithOus[%d] %q is not an OU of the org stack", config.KeyNetwork, i, ou))
			continue
		}
		shareOUs = append(shareOUs, fmt.Sprintf("arn:aws:organizations::%s:ou/%s/%s", org.ManagementAccountID, org.OrganizationID, id))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	home := e.HomeRegion
	accountID := org.AccountIDsByRole[string(config.RoleNetworking)]
	p, err := providers.New(ctx, env, providers.Target{Key: accountNames(org)[accountID], Region: home,
		AccountID: accountID, RoleName: org.AccessRoleName}, tags.ForStack(*cfg).Map(nil))
	if err != nil {
		return nil, err
	}
	zones, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{State: pulumi.StringRef("available")}, pulumi.Provider(p))
	if err != nil {
		return nil, fmt.Errorf("listing the AZs of %s: %w", home, err)
	}
	if len(zones.Names) < n.AZCount {
		return nil, fmt.Errorf("%s.azCount %d: the networking account sees only %d AZs in %s", config.KeyNetwork, n.AZCount, len(zones.Names), home)
	}
	azs := zones.Names[:n.AZCount]

	inspectionCIDR := netip.MustParsePrefix(n.InspectionCIDR)
	sharedCIDR := netip.MustParsePrefix(n.SharedServicesCIDR)
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
	defaultTags := tags.ForStack(*cfg).Map(nil)

	hub, err := network.NewHub(ctx, naming.Name(env, "hub", ""), network.HubArgs{
		Env: env, Provider: p, ASN: n.TransitGatewayASN, ShareWithOUARNs: shareOUs,
		ProdCIDR: domains.Prod, NonProdCIDR: domains.NonProd,
	})
	if err != nil {
		return nil, err
	}
	inspection, err := network.NewInspection(ctx, naming.Name(env, "inspection", ""), network.InspectionArgs{
		Env: env, Provider: p, AccountID: accountID, CIDR: inspectionCIDR, AZs: azs, NATPerAZ: *n.NATPerAZ, Hub: hub,
		ReturnCIDRs: behindTGW,
		Policy: network.FirewallPolicyArgs{Env: env, AllowedDomains: n.Firewall.AllowedDomains, HomeNet: homeNet,
			ProdNet: []string{domains.Prod}, NonProdNet: []string{domains.NonProd}},
		FlowLogsBucketARN: sec.LogBucketARNs["flow-logs"], FirewallLogsBucket: sec.LogBuckets["network-firewall"],
		Tags: defaultTags,
	})
	if err != nil {
		return nil, err
	}
	shared, err := network.NewSharedServices(ctx, naming.Name(env, "shared-services", ""), network.SharedServicesArgs{
		Env: env, Region: home, Provider: p, CIDR: sharedCIDR, AZs: azs, EndpointAZs: n.Endpoints.AZCount,
		Services: n.Endpoints.Services, Hub: hub, ClientCIDRs: homeNet, FlowLogsBucketARN: sec.LogBucketARNs["flow-logs"],
		Tags: defaultTags,
	})
	if err != nil {
		return nil, err
	}
	dns, err := network.NewPublicDNS(ctx, naming.Name(env, "public-dns", ""), env, n.Domain, p)
	if err != nil {
		return nil, err
	}
	if v := n.VPN; v != nil {
		if _, err := network.NewVPN(ctx, naming.Name(env, "vpn", ""), network.VPNArgs{
			Env: env, Provider: p, CustomerGatewayIP: v.CustomerGatewayIP, BGPASN: v.BGPASN, Hub: hub,
			InspectionAttachmentID: inspection.AttachmentID,
		}); err != nil {
			return nil, err
		}
	}

	routeTables := pulumi.StringMap{}
	for d, rt := range hub.RouteTables {
		routeTables[d] = rt.ID().ToStringOutput()
	}
	return pulumi.Map{
		stackref.NetTransitGatewayID:    hub.TransitGateway.ID(),
		stackref.NetRouteTableIDs:       routeTables,
		stackref.NetRAMShareARN:         hub.ShareARN,
		stackref.NetEndpointZoneIDs:     toStringMap(shared.ZoneIDs),
		stackref.NetPublicZoneID:        dns.Zone.ZoneId,
		stackref.NetPublicZoneName:      pulumi.String(n.Domain),
		stackref.NetPublicNameServers:   dns.Zone.NameServers,
		stackref.NetFirewallARN:         inspection.Firewall.Arn,
		stackref.NetFirewallEndpointIDs: toStringMap(inspection.EndpointIDs),
		stackref.NetHubCIDRs:            pulumi.StringMap{"inspection": pulumi.String(n.InspectionCIDR), "shared": pulumi.String(n.SharedServicesCIDR)},
		stackref.NetRouteDomainCIDRs:    pulumi.StringMap{"prod": pulumi.String(domains.Prod), "nonprod": pulumi.String(domains.NonProd)},
		stackref.NetInspectionAttachID:  inspection.AttachmentID,
		stackref.NetSharedVPCID:         shared.VPC.ID(),
		stackref.NetNetworkingAccountID: pulumi.String(accountID),
	}, nil
}
