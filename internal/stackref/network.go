package stackref

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Output keys of the network stack.
const (
	NetTransitGatewayID    = "transitGatewayId"
	NetRouteTableIDs       = "tgwRouteTableIds"
	NetRAMShareARN         = "ramShareArn"
	NetEndpointZoneIDs     = "endpointZoneIds"
	NetPublicZoneID        = "publicZoneId"
	NetPublicZoneName      = "publicZoneName"
	NetPublicNameServers   = "publicZoneNameServers"
	NetFirewallARN         = "firewallArn"
	NetFirewallEndpointIDs = "firewallEndpointIds"
	NetHubCIDRs            = "hubCidrs"
	NetRouteDomainCIDRs    = "routeDomainCidrs"
	NetInspectionAttachID  = "inspectionAttachmentId"
	NetSharedVPCID         = "sharedServicesVpcId"
	NetNetworkingAccountID = "networkingAccountId"
	// Delivery (exported when platform:delivery is set).
	NetRegistryHost   = "registryHost"
	NetRepositoryURLs = "repositoryUrls"
	NetDeployRunner   = "deployRunnerProject"
)

// NetworkStack is the name of the network layer's stack.
const NetworkStack = "network"

// Network is what the workload stacks read from the network stack.
type Network struct {
	TransitGatewayID string
	// RouteTableIDs by route domain: prod, nonprod, shared, inspection.
	RouteTableIDs map[string]string
	// EndpointZoneIDs by endpoint service.
	EndpointZoneIDs map[string]string
	PublicZoneID    string
	PublicZoneName  string
	// RouteDomainCIDRs are the supernets of the prod and nonprod domains; a spoke's VPC must lie in its domain's.
	RouteDomainCIDRs map[string]string
	// HubCIDRs are the hub VPCs' ranges: inspection and shared (where the deploy runner lives).
	HubCIDRs            map[string]string
	NetworkingAccountID string
}

// RouteDomainKeys are the route tables every workload stack needs.
var RouteDomainKeys = []string{"prod", "nonprod", "shared", "inspection"}

// ReadNetwork reads the network stack. Every missing key is reported.
func ReadNetwork(ctx *pulumi.Context, pulumiOrg string) (*Network, error) {
	r, err := open(ctx, pulumiOrg, NetworkStack)
	if err != nil {
		return nil, err
	}
	n := &Network{
		TransitGatewayID:    r.string(NetTransitGatewayID),
		RouteTableIDs:       r.stringMap(NetRouteTableIDs),
		EndpointZoneIDs:     r.stringMap(NetEndpointZoneIDs),
		PublicZoneID:        r.string(NetPublicZoneID),
		PublicZoneName:      r.string(NetPublicZoneName),
		RouteDomainCIDRs:    r.stringMap(NetRouteDomainCIDRs),
		HubCIDRs:            r.stringMap(NetHubCIDRs),
		NetworkingAccountID: r.string(NetNetworkingAccountID),
	}
	if n.RouteTableIDs != nil {
		r.require(NetRouteTableIDs, n.RouteTableIDs, RouteDomainKeys...)
	}
	if n.RouteDomainCIDRs != nil {
		r.require(NetRouteDomainCIDRs, n.RouteDomainCIDRs, "prod", "nonprod")
	}
	if n.HubCIDRs != nil {
		r.require(NetHubCIDRs, n.HubCIDRs, "inspection", "shared")
	}
	if err := r.err(); err != nil {
		return nil, err
	}
	return n, nil
}
