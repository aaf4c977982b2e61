package readiness

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/innovate-inc/platform/internal/plan"
)

const (
	typeNodePool   = "kubernetes:karpenter.sh/v1:NodePool"
	typeNodeGroup  = "aws:eks/nodeGroup:NodeGroup"
	typeEKSCluster = "eks:index:Cluster"
)

var spotServiceLinkedRole = Rule{
	ID:       "DR012",
	Title:    "spot-service-linked-role",
	Severity: High,
	Doc:      "https://karpenter.sh/docs/troubleshooting/#missing-service-linked-role",
}

// Karpenter launches spot capacity through EC2 Fleet, which needs the account's spot service-linked role and does
// not create it: every spot launch fails (AuthFailure.ServiceLinkedRoleCreationNotPermitted) until someone does.
// The role may come from any stack of the plan (an account baseline, say) as long as it is in the account the
// nodes run in.
func checkSpotServiceLinkedRole(res *plan.Result) []plan.Finding {
	has := map[string]bool{}
	for _, l := range ofType(res, typeServiceLinkedRole) {
		if str(inputs(l.res), "awsServiceName") == "spot.amazonaws.com" {
			has[l.res.Account] = true
		}
	}
	var out []plan.Finding
	for _, s := range allStacks(res) {
		var spot []*plan.Resource
		for _, l := range inStack(s, typeNodePool) {
			if allowsSpot(l.res) {
				spot = append(spot, l.res)
			}
		}
		if len(spot) == 0 {
			continue
		}
		sort.Slice(spot, func(i, j int) bool { return spot[i].URN < spot[j].URN })
		acct := workloadAccount(s)
		if has[acct] {
			continue
		}
		names := make([]string, len(spot))
		for i, r := range spot {
			names[i] = r.Name
		}
		out = append(out, spotServiceLinkedRole.finding(spot[0].URN, fmt.Sprintf(
			"stack %s has spot NodePools (%s) but the plan creates no service-linked role for spot.amazonaws.com in account %s: Karpenter's spot launches fail until it exists",
			s.Name, strings.Join(names, ", "), acct)))
	}
	return out
}

// allowsSpot reports whether a NodePool's requirements admit spot capacity.
func allowsSpot(r *plan.Resource) bool {
	for _, req := range list(inputs(r), "spec", "template", "spec", "requirements") {
		if str(req, "key") != "karpenter.sh/capacity-type" {
			continue
		}
		op := str(req, "operator")
		for _, v := range stringList(req, "values") {
			if v == "spot" && (op == "In" || op == "") {
				return true
			}
		}
	}
	return false
}

// workloadAccount is the account a stack's nodes run in: its managed node group's, or else the account most of
// its AWS resources live in.
func workloadAccount(s *plan.StackPlan) string {
	for _, l := range inStack(s, typeNodeGroup) {
		if l.res.Account != "" {
			return l.res.Account
		}
	}
	counts := map[string]int{}
	best := ""
	for _, r := range s.Resources {
		if r.Account == "" {
			continue
		}
		counts[r.Account]++
		if c := counts[r.Account]; c > counts[best] || (c == counts[best] && r.Account < best) {
			best = r.Account
		}
	}
	return best
}

var eksNodeRolesPassed = Rule{
	ID:       "DR013",
	Title:    "eks-node-roles-passed",
	Severity: High,
	Doc:      "https://www.pulumi.com/registry/packages/eks/api-docs/cluster/#instanceroles_go",
}

// Without instanceRoles the eks.Cluster component creates a node role and instance profile of its own, with
// node access to the cluster, that no node uses: an unused identity that can join the cluster.
func checkEKSNodeRolesPassed(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	for _, l := range ofType(res, typeEKSCluster) {
		if len(list(inputs(l.res), "instanceRoles")) > 0 {
			continue
		}
		out = append(out, eksNodeRolesPassed.finding(l.res.URN, fmt.Sprintf(
			"EKS cluster %s has no instanceRoles: pulumi-eks then creates a node role with node access to the cluster that no node group uses; pass the node roles the node groups and Karpenter use",
			l.res.Name)))
	}
	return out
}

const (
	typeSecurityGroup     = "aws:ec2/securityGroup:SecurityGroup"
	typeSecurityGroupRule = "aws:ec2/securityGroupRule:SecurityGroupRule"
)

var clusterReachableByDeployer = Rule{
	ID:       "DR015",
	Title:    "cluster-reachable-by-deployer",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html",
}

// After creating the control plane, pulumi-eks (and every Kubernetes resource of the stack) talks to the API
// server with the kubeconfig it builds. With API authentication the deployer's own credentials have no access
// entry, so the kubeconfig must assume a role that has one (providerCredentialOpts.roleArn). With the public
// endpoint off, the API server is reachable only through the control-plane security group, which must admit
// HTTPS from where the deployer runs: the network layer's VPCs (the shared-services runner).
func checkClusterReachableByDeployer(res *plan.Result) []plan.Finding {
	var deployerNets []netip.Prefix
	network := false
	for _, s := range allStacks(res) {
		if s.Layer != "network" {
			continue
		}
		network = true
		for _, v := range inStack(s, typeVPC) {
			if p, err := netip.ParsePrefix(str(inputs(v.res), "cidrBlock")); err == nil {
				deployerNets = append(deployerNets, p.Masked())
			}
		}
	}
	groups := map[string]*plan.Resource{}
	for _, l := range ofType(res, typeSecurityGroup) {
		groups[l.res.URN] = l.res
	}
	var out []plan.Finding
	for _, l := range ofType(res, typeEKSCluster) {
		in := inputs(l.res)
		if !known(str(in, "providerCredentialOpts", "roleArn")) {
			out = append(out, clusterReachableByDeployer.finding(l.res.URN, fmt.Sprintf(
				"EKS cluster %s has no providerCredentialOpts.roleArn: its kubeconfig uses the deployer's own credentials, which have no access entry, so every Kubernetes resource of the stack fails Unauthorized; assume a role with an access entry",
				l.res.Name)))
		}
		if public, set := boolean(in, "endpointPublicAccess"); !set || public {
			continue
		}
		sg := groups[str(in, "clusterSecurityGroup")]
		if sg == nil || !known(sg.ID) {
			out = append(out, clusterReachableByDeployer.finding(l.res.URN, fmt.Sprintf(
				"EKS cluster %s has a private endpoint only and no control-plane security group of the plan (clusterSecurityGroup %q): nothing admits the deployer's HTTPS to the API server",
				l.res.Name, str(in, "clusterSecurityGroup"))))
			continue
		}
		if deployerIngress(res, sg, network, deployerNets) {
			continue
		}
		where := "from a CIDR"
		if network {
			where = "from a CIDR inside a network-layer VPC (" + prefixList(deployerNets) + ")"
		}
		out = append(out, clusterReachableByDeployer.finding(l.res.URN, fmt.Sprintf(
			"EKS cluster %s has a private endpoint only, but its control-plane security group %s (%s) has no ingress rule for TCP 443 %s: the deployer cannot reach the API server and every Kubernetes resource of the stack times out",
			l.res.Name, sg.Name, sg.ID, where)))
	}
	return out
}

// deployerIngress reports whether a security group admits TCP 443 from CIDRs, inside one of the deployer networks
// when the plan has a network layer; by a SecurityGroupRule or by the group's inline ingress.
func deployerIngress(res *plan.Result, sg *plan.Resource, network bool, nets []netip.Prefix) bool {
	var rules []any
	for _, l := range ofType(res, typeSecurityGroupRule) {
		in := inputs(l.res)
		if str(in, "securityGroupId") == sg.ID && str(in, "type") == "ingress" {
			rules = append(rules, in)
		}
	}
	rules = append(rules, list(inputs(sg), "ingress")...)
	for _, r := range rules {
		if !admitsHTTPS(r) {
			continue
		}
		for _, c := range stringList(r, "cidrBlocks") {
			p, err := netip.ParsePrefix(c)
			if err != nil {
				continue
			}
			if !network {
				return true
			}
			for _, n := range nets {
				if n.Bits() <= p.Bits() && n.Contains(p.Addr()) {
					return true
				}
			}
		}
	}
	return false
}

// admitsHTTPS reports whether an ingress rule's protocol and port range include TCP 443.
func admitsHTTPS(rule any) bool {
	switch strings.ToLower(str(rule, "protocol")) {
	case "-1", "all":
		return true
	case "tcp", "6":
		from, okFrom := number(rule, "fromPort")
		to, okTo := number(rule, "toPort")
		return okFrom && okTo && from <= 443 && 443 <= to
	}
	return false
}

func prefixList(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}
