// Package azfailure answers, from the plan alone, what each stack loses when one of its availability zones
// goes down. For every AZ a stack's subnets use it removes that AZ and checks:
//
//   - subnets: every subnet tier (subnets named <tier>-<az>) and every multi-subnet placement (TGW attachments,
//     interface endpoints, database subnet groups, the firewall) keeps a subnet in another AZ;
//   - routes: every route stays in its AZ: a route table associated with a subnet in one AZ never targets a NAT
//     gateway or firewall endpoint in another (a single NAT gateway for every AZ, natPerAz false, is accepted
//     as a designed single-AZ dependency and reported as such);
//   - database: RDS instances are Multi-AZ where the environment requires it (multiAz in
//     platform:estate.environments, every production environment);
//   - nodes: managed node groups and Karpenter NodePools (through their EC2NodeClass subnet selectors) can place
//     nodes in the remaining AZs;
//   - replicas: Deployments of two or more replicas spread over zones and have a PodDisruptionBudget.
package azfailure

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/innovate-inc/platform/internal/plan"
)

// Type tokens the analysis reads.
const (
	typeSubnet        = "aws:ec2/subnet:Subnet"
	typeRouteTable    = "aws:ec2/routeTable:RouteTable"
	typeRoute         = "aws:ec2/route:Route"
	typeRTAssociation = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	typeNAT           = "aws:ec2/natGateway:NatGateway"
	typeFirewall      = "aws:networkfirewall/firewall:Firewall"
	typeTGWAttachment = "aws:ec2transitgateway/vpcAttachment:VpcAttachment"
	typeVPCEndpoint   = "aws:ec2/vpcEndpoint:VpcEndpoint"
	typeDBSubnetGroup = "aws:rds/subnetGroup:SubnetGroup"
	typeDBInstance    = "aws:rds/instance:Instance"
	typeNodeGroup     = "aws:eks/nodeGroup:NodeGroup"
	typeNodePool      = "kubernetes:karpenter.sh/v1:NodePool"
	typeNodeClass     = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"
	typeDeployment    = "kubernetes:apps/v1:Deployment"
	typePDB           = "kubernetes:policy/v1:PodDisruptionBudget"
)

// zoneKey is the topology key of a zone spread.
const zoneKey = "topology.kubernetes.io/zone"

// Analyze fills the AZFailure of every reported stack.
func Analyze(res *plan.Result) {
	for i := range res.Stacks {
		res.Stacks[i].AZFailure = Stack(res.Stacks[i])
	}
}

// Stack analyses one stack; a stack without subnets uses no AZ and gets an empty analysis that survives.
func Stack(s plan.StackPlan) *plan.AZFailure {
	g := index(s)
	out := &plan.AZFailure{Zones: g.zones, Verdicts: []plan.AZVerdict{}}
	if len(g.zones) > 0 {
		for _, check := range []func(*graph) []plan.AZVerdict{subnets, routes, database, nodes, replicas} {
			out.Verdicts = append(out.Verdicts, check(g)...)
		}
	}
	out.Survives = true
	for _, v := range out.Verdicts {
		if v.Status != plan.AZOK {
			out.Survives = false
		}
	}
	return out
}

// Failures counts the verdicts that fail (accepted single-AZ dependencies are not failures).
func Failures(a *plan.AZFailure) int {
	if a == nil {
		return 0
	}
	n := 0
	for _, v := range a.Verdicts {
		if v.Status == plan.AZFail {
			n++
		}
	}
	return n
}

// graph indexes a stack's resources by what the checks look up.
type graph struct {
	stack    plan.StackPlan
	byType   map[string][]plan.Resource
	subnetAZ map[string]string // subnet ID -> AZ
	zones    []string
}

func index(s plan.StackPlan) *graph {
	g := &graph{stack: s, byType: map[string][]plan.Resource{}, subnetAZ: map[string]string{}}
	set := map[string]bool{}
	for _, r := range s.Resources {
		g.byType[r.Type] = append(g.byType[r.Type], r)
		if r.Type == typeSubnet {
			az := str(r.Inputs, "availabilityZone")
			if az == "" {
				continue
			}
			g.subnetAZ[r.ID] = az
			set[az] = true
		}
	}
	g.zones = slices.Sorted(maps.Keys(set))
	return g
}

// zonesOf returns the sorted AZs of subnet IDs the stack knows; unknown IDs are ignored.
func (g *graph) zonesOf(ids []string) []string {
	set := map[string]bool{}
	for _, id := range ids {
		if az, ok := g.subnetAZ[id]; ok {
			set[az] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func ok(check, msg string) plan.AZVerdict {
	return plan.AZVerdict{Check: check, Status: plan.AZOK, Message: msg}
}

// survivors reports, for a resource placed in zones, a failing verdict for each zone whose loss leaves it none.
func (g *graph) survivors(check, resource, what string, zones []string) []plan.AZVerdict {
	var out []plan.AZVerdict
	if len(zones) == 1 {
		out = append(out, plan.AZVerdict{Check: check, Status: plan.AZFail, Zone: zones[0], Resource: resource,
			Message: fmt.Sprintf("%s only in %s: losing it leaves none", what, zones[0])})
	}
	return out
}

// subnets checks that every subnet tier and every multi-subnet placement keeps a subnet after any zone is lost.
func subnets(g *graph) []plan.AZVerdict {
	const check = "subnets"
	var out []plan.AZVerdict
	tiers := map[string][]string{}
	for _, r := range g.byType[typeSubnet] {
		az := str(r.Inputs, "availabilityZone")
		tiers[strings.TrimSuffix(r.Name, "-"+az)] = append(tiers[strings.TrimSuffix(r.Name, "-"+az)], r.ID)
	}
	for _, tier := range slices.Sorted(maps.Keys(tiers)) {
		out = append(out, g.survivors(check, tier, "subnet tier "+tier, g.zonesOf(tiers[tier]))...)
	}
	placements := 0
	for _, typ := range []string{typeTGWAttachment, typeVPCEndpoint, typeDBSubnetGroup, typeFirewall} {
		for _, r := range g.byType[typ] {
			ids := strs(r.Inputs, "subnetIds")
			for _, m := range list(r.Inputs, "subnetMappings") {
				if mm, ok := m.(map[string]any); ok {
					ids = append(ids, str(mm, "subnetId"))
				}
			}
			if len(ids) == 0 {
				continue
			}
			placements++
			out = append(out, g.survivors(check, r.Name, typ[strings.LastIndex(typ, ":")+1:]+" "+r.Name, g.zonesOf(ids))...)
		}
	}
	if len(out) == 0 {
		out = append(out, ok(check, fmt.Sprintf("%d subnet tiers and %d placements keep a subnet in another AZ", len(tiers), placements)))
	}
	return out
}

// routes checks that a route table associated with a subnet in one AZ only targets zonal resources of that AZ.
func routes(g *graph) []plan.AZVerdict {
	const check = "routes"
	// The zone of each zonal target: NAT gateways by their subnet, firewall endpoints by their sync state.
	targetAZ := map[string]string{}
	natsPerVPC := map[string]int{}
	for _, r := range g.byType[typeNAT] {
		targetAZ[r.ID] = g.subnetAZ[str(r.Inputs, "subnetId")]
		natsPerVPC[g.vpcOfSubnet(str(r.Inputs, "subnetId"))]++
	}
	for _, r := range g.byType[typeFirewall] {
		for az, id := range r.ZoneEndpoints {
			targetAZ[id] = az
		}
	}
	tableAZs := map[string]map[string]bool{}
	for _, r := range g.byType[typeRTAssociation] {
		rt, az := str(r.Inputs, "routeTableId"), g.subnetAZ[str(r.Inputs, "subnetId")]
		if az == "" {
			continue
		}
		if tableAZs[rt] == nil {
			tableAZs[rt] = map[string]bool{}
		}
		tableAZs[rt][az] = true
	}
	type route struct {
		name, table string
		in          map[string]any
	}
	var all []route
	for _, r := range g.byType[typeRoute] {
		all = append(all, route{r.Name, str(r.Inputs, "routeTableId"), r.Inputs})
	}
	for _, t := range g.byType[typeRouteTable] {
		for i, x := range list(t.Inputs, "routes") {
			if m, ok := x.(map[string]any); ok {
				all = append(all, route{fmt.Sprintf("%s[%d]", t.Name, i), t.ID, m})
			}
		}
	}
	var out []plan.AZVerdict
	zonal := 0
	for _, r := range all {
		target, kind := str(r.in, "natGatewayId"), "NAT gateway"
		if target == "" {
			target, kind = str(r.in, "vpcEndpointId"), "firewall endpoint"
		}
		if target == "" || len(tableAZs[r.table]) == 0 {
			continue
		}
		zonal++
		taz, known := targetAZ[target]
		if !known {
			if kind == "firewall endpoint" && g.isInterfaceEndpoint(target) {
				continue
			}
			out = append(out, plan.AZVerdict{Check: check, Status: plan.AZFail, Zone: "any", Resource: r.name,
				Message: fmt.Sprintf("targets %s %s whose AZ the plan does not know", kind, target)})
			continue
		}
		for _, az := range slices.Sorted(maps.Keys(tableAZs[r.table])) {
			if az == taz {
				continue
			}
			v := plan.AZVerdict{Check: check, Status: plan.AZFail, Zone: taz, Resource: r.name,
				Message: fmt.Sprintf("subnets in %s reach %s %s in %s: losing %s cuts %s off", az, kind, target, taz, taz, az)}
			if kind == "NAT gateway" && natsPerVPC[g.vpcOfRouteTable(r.table)] == 1 {
				v.Status = plan.AZAccepted
				v.Message = fmt.Sprintf("one NAT gateway serves every AZ (natPerAz false): losing %s stops egress from %s", taz, az)
			}
			out = append(out, v)
		}
	}
	if len(out) == 0 && zonal == 0 {
		out = append(out, ok(check, "no route targets a zonal NAT gateway or firewall endpoint (egress leaves through the regional TGW)"))
	}
	if len(out) == 0 {
		out = append(out, ok(check, fmt.Sprintf("%d routes to NAT gateways and firewall endpoints stay in their AZ", zonal)))
	}
	return out
}

func (g *graph) vpcOfSubnet(id string) string {
	for _, r := range g.byType[typeSubnet] {
		if r.ID == id {
			return str(r.Inputs, "vpcId")
		}
	}
	return ""
}

func (g *graph) vpcOfRouteTable(id string) string {
	for _, r := range g.byType[typeRouteTable] {
		if r.ID == id {
			return str(r.Inputs, "vpcId")
		}
	}
	return ""
}

func (g *graph) isInterfaceEndpoint(id string) bool {
	for _, r := range g.byType[typeVPCEndpoint] {
		if r.ID == id {
			return true
		}
	}
	return false
}

// database checks Multi-AZ on the RDS instances of a workload stack whose environment requires it.
func database(g *graph) []plan.AZVerdict {
	const check = "database"
	var out []plan.AZVerdict
	for _, r := range g.byType[typeDBInstance] {
		env := str(mapOf(r.Inputs, "tags"), "environment")
		if env == "" {
			env = g.stack.Name
		}
		if b, _ := r.Inputs["multiAz"].(bool); b {
			out = append(out, plan.AZVerdict{Check: check, Status: plan.AZOK, Resource: r.Name,
				Message: "Multi-AZ: a standby in another AZ takes over"})
			continue
		}
		v := plan.AZVerdict{Check: check, Status: plan.AZAccepted, Zone: "any", Resource: r.Name,
			Message: fmt.Sprintf("single-AZ, allowed in %s: losing its AZ stops the database until it is restored elsewhere", env)}
		if e := g.stack.Environment; e != nil && e.RequiresMultiAZ() {
			v.Status = plan.AZFail
			v.Message = fmt.Sprintf("single-AZ in %s, which requires Multi-AZ: losing its AZ stops the database", env)
		}
		out = append(out, v)
	}
	return out
}

// nodes checks that node groups and NodePools can place nodes in every AZ that remains.
func nodes(g *graph) []plan.AZVerdict {
	const check = "nodes"
	var out []plan.AZVerdict
	place := func(name, what string, zones []string) {
		var missing []string
		for _, z := range g.zones {
			if !slices.Contains(zones, z) {
				missing = append(missing, z)
			}
		}
		switch {
		case len(zones) == 0:
			out = append(out, plan.AZVerdict{Check: check, Status: plan.AZFail, Zone: "any", Resource: name,
				Message: what + " selects no subnet of the stack"})
		case len(zones) == 1:
			out = append(out, g.survivors(check, name, what, zones)...)
		case len(missing) > 0:
			out = append(out, plan.AZVerdict{Check: check, Status: plan.AZFail, Zone: zones[0], Resource: name,
				Message: fmt.Sprintf("%s spans %s but not %s: after losing an AZ it cannot use the AZ it omits",
					what, strings.Join(zones, ", "), strings.Join(missing, ", "))})
		default:
			out = append(out, plan.AZVerdict{Check: check, Status: plan.AZOK, Resource: name,
				Message: fmt.Sprintf("%s spans %s", what, strings.Join(zones, ", "))})
		}
	}
	for _, r := range g.byType[typeNodeGroup] {
		place(r.Name, "node group", g.zonesOf(strs(r.Inputs, "subnetIds")))
	}
	classes := map[string][]string{}
	for _, r := range g.byType[typeNodeClass] {
		classes[str(mapOf(r.Inputs, "metadata"), "name")] = g.selectSubnets(list(mapOf(r.Inputs, "spec"), "subnetSelectorTerms"))
	}
	for _, r := range g.byType[typeNodePool] {
		tmpl := mapOf(mapOf(mapOf(r.Inputs, "spec"), "template"), "spec")
		zones := g.zonesOf(classes[str(mapOf(tmpl, "nodeClassRef"), "name")])
		for _, req := range list(tmpl, "requirements") {
			m, _ := req.(map[string]any)
			if str(m, "key") == zoneKey && str(m, "operator") == "In" {
				allowed := strs(m, "values")
				zones = slices.DeleteFunc(zones, func(z string) bool { return !slices.Contains(allowed, z) })
			}
		}
		place(r.Name, "NodePool", zones)
	}
	return out
}

// selectSubnets returns the IDs of the stack's subnets a Karpenter subnetSelectorTerms list selects (by tags or ID).
func (g *graph) selectSubnets(terms []any) []string {
	var ids []string
	for _, r := range g.byType[typeSubnet] {
		tags := mapOf(r.Inputs, "tags")
		for _, t := range terms {
			term, _ := t.(map[string]any)
			if id := str(term, "id"); id != "" {
				if id == r.ID {
					ids = append(ids, r.ID)
				}
				continue
			}
			want := mapOf(term, "tags")
			if len(want) == 0 {
				continue
			}
			match := true
			for k, v := range want {
				if fmt.Sprint(tags[k]) != fmt.Sprint(v) {
					match = false
				}
			}
			if match {
				ids = append(ids, r.ID)
				break
			}
		}
	}
	return ids
}

// replicas checks that Deployments of two or more replicas spread over zones and have a PodDisruptionBudget.
func replicas(g *graph) []plan.AZVerdict {
	const check = "replicas"
	var out []plan.AZVerdict
	for _, r := range g.byType[typeDeployment] {
		spec := mapOf(r.Inputs, "spec")
		n := num(spec["replicas"])
		if n < 2 {
			continue
		}
		ns := str(mapOf(r.Inputs, "metadata"), "namespace")
		pod := mapOf(spec, "template")
		labels := mapOf(mapOf(pod, "metadata"), "labels")
		var problems []string
		spread := false
		for _, c := range list(mapOf(pod, "spec"), "topologySpreadConstraints") {
			if m, _ := c.(map[string]any); str(m, "topologyKey") == zoneKey {
				spread = true
			}
		}
		if !spread {
			problems = append(problems, "no topology spread over "+zoneKey+" (all replicas may land in one AZ)")
		}
		if !g.hasPDB(ns, labels) {
			problems = append(problems, "no PodDisruptionBudget (draining the surviving nodes may evict every replica)")
		}
		if len(problems) > 0 {
			out = append(out, plan.AZVerdict{Check: check, Status: plan.AZFail, Zone: "any", Resource: r.Name,
				Message: fmt.Sprintf("%g replicas: %s", n, strings.Join(problems, "; "))})
			continue
		}
		out = append(out, plan.AZVerdict{Check: check, Status: plan.AZOK, Resource: r.Name,
			Message: fmt.Sprintf("%g replicas spread over zones, with a PodDisruptionBudget", n)})
	}
	return out
}

// hasPDB reports whether a PDB in the namespace selects pods with these labels.
func (g *graph) hasPDB(ns string, labels map[string]any) bool {
	for _, p := range g.byType[typePDB] {
		if str(mapOf(p.Inputs, "metadata"), "namespace") != ns {
			continue
		}
		sel := mapOf(mapOf(mapOf(p.Inputs, "spec"), "selector"), "matchLabels")
		if len(sel) == 0 {
			continue
		}
		match := true
		for k, v := range sel {
			if fmt.Sprint(labels[k]) != fmt.Sprint(v) {
				match = false
			}
		}
		if match {
			return true
		}
	}
	return false
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func mapOf(m map[string]any, k string) map[string]any {
	v, _ := m[k].(map[string]any)
	return v
}

func list(m map[string]any, k string) []any {
	v, _ := m[k].([]any)
	return v
}

func strs(m map[string]any, k string) []string {
	var out []string
	for _, x := range list(m, k) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// num reads a number as the plan (float64) or a hand-built test (int) holds it.
func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	}
	return 0
}
