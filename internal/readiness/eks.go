package readiness

import (
	"fmt"
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
