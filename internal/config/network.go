package config

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/innovate-inc/platform/internal/cidr"
)

// Network configures the network layer (stack network, Networking/Shared Services account).
type Network struct {
	// Domain is the company's public DNS domain; each environment gets <env>.<domain> delegated.
	Domain string `json:"domain"`
	// AZCount is how many AZs the inspection and egress VPC spans (at least 2).
	AZCount int `json:"azCount,omitempty"`
	// NATPerAZ runs a NAT gateway in every AZ (about $33/month each plus data). Off, one NAT serves all AZs:
	// cheaper, but an AZ outage stops all egress and traffic crosses AZs.
	NATPerAZ *bool `json:"natPerAz,omitempty"`
	// InspectionCIDR and SharedServicesCIDR are the hub VPCs.
	InspectionCIDR     string `json:"inspectionCidr"`
	SharedServicesCIDR string `json:"sharedServicesCidr"`
	// RouteDomains are the supernets of the prod and non-prod spokes; they never route to each other.
	RouteDomains RouteDomains `json:"routeDomains"`
	Firewall     Firewall     `json:"firewall"`
	Endpoints    Endpoints    `json:"endpoints"`
	// VPN, when set, connects an on-premises network through a site-to-site VPN on the Transit Gateway.
	VPN *VPN `json:"vpn,omitempty"`
	// TransitGatewayASN is the Amazon side ASN of the Transit Gateway.
	TransitGatewayASN int `json:"transitGatewayAsn,omitempty"`
	// ShareWithOUs are the OUs (names in the org stack) whose accounts may attach to the Transit Gateway.
	ShareWithOUs []string `json:"shareWithOus,omitempty"`
	// Alarms are the network stack's platform alarms (operations).
	Alarms NetworkAlarms `json:"alarms,omitempty"`
}

// RouteDomains holds the supernet of each route domain.
type RouteDomains struct {
	Prod    string `json:"prod"`
	NonProd string `json:"nonProd"`
}

// Firewall configures AWS Network Firewall's egress policy.
type Firewall struct {
	// AllowedDomains are the only destinations (TLS SNI or HTTP Host) egress may reach; ".example.com" matches
	// every subdomain.
	AllowedDomains []string `json:"allowedDomains"`
}

// Endpoints configures the central interface endpoints (PrivateLink).
type Endpoints struct {
	// Services are endpoint service short names (sts, ecr.dkr, ...).
	Services []string `json:"services,omitempty"`
	// AZCount is how many AZs each endpoint has a network interface in ($7.30/month per endpoint per AZ).
	AZCount int `json:"azCount,omitempty"`
}

// VPN is an optional site-to-site VPN.
type VPN struct {
	CustomerGatewayIP string `json:"customerGatewayIp"`
	BGPASN            int    `json:"bgpAsn"`
	// OnPremCIDR is the on-premises network.
	OnPremCIDR string `json:"onPremCidr"`
}

// EndpointServices are the interface endpoint services the platform uses and the central endpoints offer.
var EndpointServices = []string{
	"autoscaling", "ec2", "ec2messages", "ecr.api", "ecr.dkr", "eks", "eks-auth", "elasticloadbalancing",
	"kms", "logs", "secretsmanager", "sqs", "ssm", "ssmmessages", "sts",
}

// Defaults of the network layer.
const (
	DefaultNetworkAZCount    = 3
	DefaultEndpointAZCount   = 2
	DefaultTransitGatewayASN = 64512
)

var (
	domainPattern      = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	allowDomainPattern = regexp.MustCompile(`^\.?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

// regionAZs is the number of AZs open to new accounts in the regions the platform is likely to use; other
// regions are assumed to have 3.
var regionAZs = map[string]int{"us-east-1": 6, "us-west-2": 4, "us-east-2": 3, "us-west-1": 2, "eu-west-1": 3, "eu-central-1": 3}

// RegionAZCount is how many AZs a region offers.
func RegionAZCount(region string) int {
	if n, ok := regionAZs[region]; ok {
		return n
	}
	return 3
}

// parseCIDR checks a CIDR and its prefix length, recording problems; ok reports a usable prefix.
func parseCIDR(p *problems, key keyPath, value string, minBits, maxBits int) (netip.Prefix, bool) {
	if value == "" {
		p.missing(key, "an IPv4 CIDR")
		return netip.Prefix{}, false
	}
	pfx, err := cidr.Parse(value)
	if err != nil {
		p.bad(key, value, "%v", err)
		return netip.Prefix{}, false
	}
	if pfx.Bits() < minBits || pfx.Bits() > maxBits {
		p.bad(key, value, "must be between /%d and /%d", minBits, maxBits)
		return netip.Prefix{}, false
	}
	if !pfx.Addr().IsPrivate() {
		p.bad(key, value, "is not private (RFC 1918) address space")
		return netip.Prefix{}, false
	}
	return pfx, true
}

// namedPrefix is a CIDR the config holds, with its key.
type namedPrefix struct {
	key keyPath
	pfx netip.Prefix
}

func (n Network) validate(p *problems, path keyPath, e Estate) {
	if !domainPattern.MatchString(n.Domain) {
		p.bad(path.Field("domain"), n.Domain, "is not a lowercase DNS domain such as example.com")
	}
	if n.AZCount != 0 && (n.AZCount < 2 || n.AZCount > RegionAZCount(e.HomeRegion)) {
		p.bad(path.Field("azCount"), n.AZCount, "must be between 2 and the %d AZs of %s", RegionAZCount(e.HomeRegion), e.HomeRegion)
	}
	if n.Endpoints.AZCount != 0 && (n.Endpoints.AZCount < 1 || n.Endpoints.AZCount > RegionAZCount(e.HomeRegion)) {
		p.bad(path.Field("endpoints").Field("azCount"), n.Endpoints.AZCount, "must be between 1 and the %d AZs of %s", RegionAZCount(e.HomeRegion), e.HomeRegion)
	}
	all := n.validateCIDRs(p, path)
	allowed := path.Field("firewall").Field("allowedDomains")
	if len(n.Firewall.AllowedDomains) == 0 {
		p.missing(allowed, "the domains egress may reach; everything else is dropped")
	}
	seen := map[string]bool{}
	for i, d := range n.Firewall.AllowedDomains {
		if !allowDomainPattern.MatchString(d) {
			p.bad(allowed.Index(i), d, "is not a lowercase domain (a leading '.' allows every subdomain)")
		} else if seen[d] {
			p.bad(allowed.Index(i), d, "is listed twice")
		}
		seen[d] = true
	}
	for i, s := range n.Endpoints.Services {
		if !slices.Contains(EndpointServices, s) {
			p.bad(path.Field("endpoints").Field("services").Index(i), s, "is not an endpoint service the platform offers: allowed are %s", strings.Join(EndpointServices, ", "))
		}
	}
	if n.VPN != nil {
		n.VPN.validate(p, path.Field("vpn"), n.TransitGatewayASN, all)
	}
	n.Alarms.validate(p, path.Field("alarms"))
	if a := n.TransitGatewayASN; a != 0 && !((a >= 64512 && a <= 65534) || (a >= 4200000000 && a <= 4294967294)) {
		p.bad(path.Field("transitGatewayAsn"), a, "must be a private ASN: 64512-65534 or 4200000000-4294967294")
	}
}

// validateCIDRs checks the hub VPCs and the route domains, which must not overlap, and returns the usable ones.
func (n Network) validateCIDRs(p *problems, path keyPath) []namedPrefix {
	var all []namedPrefix
	for _, c := range []struct {
		key              keyPath
		value            string
		minBits, maxBits int
	}{
		{path.Field("inspectionCidr"), n.InspectionCIDR, 16, 23},
		{path.Field("sharedServicesCidr"), n.SharedServicesCIDR, 16, 22},
		{path.Field("routeDomains").Field("prod"), n.RouteDomains.Prod, 8, 16},
		{path.Field("routeDomains").Field("nonProd"), n.RouteDomains.NonProd, 8, 16},
	} {
		if pfx, ok := parseCIDR(p, c.key, c.value, c.minBits, c.maxBits); ok {
			all = append(all, namedPrefix{c.key, pfx})
		}
	}
	for i := range all {
		for j := 0; j < i; j++ {
			if cidr.Overlaps(all[i].pfx, all[j].pfx) {
				p.bad(all[i].key, all[i].pfx.String(), "overlaps %s %q", all[j].key, all[j].pfx.String())
			}
		}
	}
	return all
}

// validate checks the site-to-site VPN against the Transit Gateway's ASN and the estate's address space.
func (v VPN) validate(p *problems, path keyPath, tgwASN int, estate []namedPrefix) {
	ip, err := netip.ParseAddr(v.CustomerGatewayIP)
	if err != nil || !ip.Is4() || ip.IsPrivate() || ip.IsLoopback() || ip.IsUnspecified() {
		p.bad(path.Field("customerGatewayIp"), v.CustomerGatewayIP, "must be the public IPv4 address of the customer gateway")
	}
	if v.BGPASN < 1 || v.BGPASN > 4294967294 || v.BGPASN == tgwASN {
		p.bad(path.Field("bgpAsn"), v.BGPASN, "must be a BGP ASN (1-4294967294) different from the Transit Gateway's")
	}
	if pfx, ok := parseCIDR(p, path.Field("onPremCidr"), v.OnPremCIDR, 8, 28); ok {
		for _, a := range estate {
			if cidr.Overlaps(pfx, a.pfx) {
				p.bad(path.Field("onPremCidr"), v.OnPremCIDR, "overlaps %s %q", a.key, a.pfx.String())
			}
		}
	}
}

func (n *Network) fillDefaults() {
	setInt(&n.AZCount, DefaultNetworkAZCount)
	setInt(&n.Endpoints.AZCount, DefaultEndpointAZCount)
	setInt(&n.TransitGatewayASN, DefaultTransitGatewayASN)
	if n.NATPerAZ == nil {
		on := true
		n.NATPerAZ = &on
	}
	if len(n.Endpoints.Services) == 0 {
		// A copy: the completed config must not share the package's list.
		n.Endpoints.Services = slices.Clone(EndpointServices)
	}
	if len(n.ShareWithOUs) == 0 {
		n.ShareWithOUs = []string{"Workloads"}
	}
}

func (n Network) validateComplete(p *problems, path keyPath, e Estate) {
	n.Alarms.validateComplete(p, path.Field("alarms"))
	if n.AZCount > RegionAZCount(e.HomeRegion) {
		p.bad(path.Field("azCount"), n.AZCount, "is more than the %d AZs of %s", RegionAZCount(e.HomeRegion), e.HomeRegion)
	}
	if n.Endpoints.AZCount > n.AZCount {
		p.bad(path.Field("endpoints").Field("azCount"), n.Endpoints.AZCount, "is more than azCount %d", n.AZCount)
	}
}

// NamedCIDR is an address range a stack's config claims, with the key that claims it.
type NamedCIDR struct {
	Key    string
	Prefix netip.Prefix
}

// CIDRs returns the VPC address ranges the stack's config claims, for the cross-stack overlap check.
func (s Stack) CIDRs() []NamedCIDR {
	var out []NamedCIDR
	add := func(key keyPath, value string) {
		if pfx, err := cidr.Parse(value); err == nil {
			out = append(out, NamedCIDR{string(key), pfx})
		}
	}
	if n := s.Network; n != nil {
		add(keyPath(KeyNetwork).Field("inspectionCidr"), n.InspectionCIDR)
		add(keyPath(KeyNetwork).Field("sharedServicesCidr"), n.SharedServicesCIDR)
	}
	if w := s.Workload; w != nil {
		add(keyPath(KeyWorkload).Field("vpc").Field("cidr"), w.VPC.CIDR)
	}
	return out
}

// parseAny reads a canonical IPv4 CIDR, public or private.
func parseAny(s string) (netip.Prefix, error) { return cidr.Parse(s) }
