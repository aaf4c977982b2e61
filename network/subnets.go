// Package network builds the network layer in the Networking/Shared Services account: the Transit Gateway hub
// with its route domains, the inspection and egress VPC (AWS Network Firewall and NAT in every AZ), the
// shared-services VPC with the central PrivateLink endpoints, DNS and the optional VPN; and the workload VPC
// component the workload stacks use, with its hub-side attachment.
package network

import (
	"fmt"
	"net/netip"

	"github.com/innovate-inc/platform/internal/cidr"
)

// HubPlan is the subnet plan of a hub VPC: per AZ a /28 for the TGW attachment, and the tier subnets.
type HubPlan struct {
	TGW      []netip.Prefix
	Firewall []netip.Prefix // inspection VPC only
	Public   []netip.Prefix // inspection VPC only (NAT gateways)
	Private  []netip.Prefix // shared-services VPC only (interface endpoints), a /24 per AZ
}

// InspectionPlan splits the inspection VPC: the TGW, firewall and public /28s of AZ i are slots i, 8+i and 16+i.
func InspectionPlan(vpc netip.Prefix, azs int) (HubPlan, error) {
	if vpc.Bits() > 23 || azs > 8 {
		return HubPlan{}, fmt.Errorf("inspection VPC %s cannot hold %d AZs of /28 subnets (at most /23 and 8 AZs)", vpc, azs)
	}
	var p HubPlan
	n := 28 - vpc.Bits()
	for i := range azs {
		p.TGW = append(p.TGW, cidr.MustSubnet(vpc, n, i))
		p.Firewall = append(p.Firewall, cidr.MustSubnet(vpc, n, 8+i))
		p.Public = append(p.Public, cidr.MustSubnet(vpc, n, 16+i))
	}
	return p, nil
}

// SharedServicesPlan splits the shared-services VPC: the TGW /28s in the first /24, then a /24 per AZ for the
// endpoints.
func SharedServicesPlan(vpc netip.Prefix, azs int) (HubPlan, error) {
	if vpc.Bits() > 22 || azs > 3 {
		return HubPlan{}, fmt.Errorf("shared-services VPC %s cannot hold %d AZs (at most /22 and 3 AZs)", vpc, azs)
	}
	var p HubPlan
	for i := range azs {
		p.TGW = append(p.TGW, cidr.MustSubnet(vpc, 28-vpc.Bits(), i))
		p.Private = append(p.Private, cidr.MustSubnet(vpc, 24-vpc.Bits(), 1+i))
	}
	return p, nil
}

// SpokePlan is the subnet plan of a workload VPC, per AZ.
type SpokePlan struct {
	Private  []netip.Prefix // EKS nodes and pods: a quarter of the VPC each
	Public   []netip.Prefix // load balancers
	Database []netip.Prefix // RDS, no route out
	TGW      []netip.Prefix // the TGW attachment
}

// PlanSpoke splits a /16-/20 workload VPC for up to 3 AZs: quarters 0-2 are the private subnets; the last quarter
// is split again for public, then database, then TGW subnets (for a /16: /18 private, /20 public, /22 database,
// /24 TGW).
func PlanSpoke(vpc netip.Prefix, azs int) (SpokePlan, error) {
	if vpc.Bits() < 16 || vpc.Bits() > 20 {
		return SpokePlan{}, fmt.Errorf("workload VPC %s must be between /16 and /20", vpc)
	}
	if azs < 2 || azs > 3 {
		return SpokePlan{}, fmt.Errorf("workload VPC needs 2 or 3 AZs, not %d", azs)
	}
	rest := cidr.MustSubnet(vpc, 2, 3)
	rest2 := cidr.MustSubnet(rest, 2, 3)
	rest3 := cidr.MustSubnet(rest2, 2, 3)
	var p SpokePlan
	for i := range azs {
		p.Private = append(p.Private, cidr.MustSubnet(vpc, 2, i))
		p.Public = append(p.Public, cidr.MustSubnet(rest, 2, i))
		p.Database = append(p.Database, cidr.MustSubnet(rest2, 2, i))
		p.TGW = append(p.TGW, cidr.MustSubnet(rest3, 2, i))
	}
	return p, nil
}
