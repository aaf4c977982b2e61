package diagram

import (
	"fmt"
	"sort"
	"strings"

	"github.com/innovate-inc/platform/internal/plan"
)

// Stack draws one stack of a plan. Upstream stacks (res.Upstream or other reported stacks) name what the stack
// refers to by ID: the Transit Gateway route domains a workload VPC joins.
func Stack(res *plan.Result, name string) (*Graph, error) {
	s, ok := res.Stack(name)
	if !ok {
		return nil, fmt.Errorf("no stack %q in the plan", name)
	}
	d := &drawing{g: &Graph{Group: Group{ID: id(name)}}, s: s, names: map[string]plan.Resource{},
		attachments: map[string]string{}, byType: map[string][]plan.Resource{}}
	for _, other := range append(append([]plan.StackPlan(nil), res.Stacks...), res.Upstream...) {
		for _, r := range other.Resources {
			if r.ID != "" {
				d.names[r.ID] = r
			}
			if r.Type == "aws:ec2transitgateway/vpcAttachment:VpcAttachment" {
				d.attachments[r.ID] = r.Name
			}
		}
	}
	for _, r := range s.Resources {
		d.byType[r.Type] = append(d.byType[r.Type], r)
	}
	for _, typ := range d.byType {
		sort.Slice(typ, func(i, j int) bool { return typ[i].Name < typ[j].Name })
	}
	d.organization()
	d.hub()
	d.vpcs()
	d.cluster()
	d.database()
	if len(d.g.Nodes) == 0 && len(d.g.Groups) == 0 {
		d.g.Nodes = append(d.g.Nodes, Node{id(name, "empty"), "stack " + name + ": nothing the diagrams draw"})
	}
	d.g.sortEdges()
	return d.g, nil
}

type drawing struct {
	g     *Graph
	s     plan.StackPlan
	names map[string]plan.Resource // physical ID -> resource, across the plan
	// attachments names TGW attachments by ID (their accepter reports the same ID).
	attachments map[string]string
	byType      map[string][]plan.Resource
	hubG        *Group
	// subnetsOf maps a route table ID to the subnet node IDs associated with it.
	subnetsOf map[string][]string
	subnetAZ  map[string]string
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func mapOf(m map[string]any, k string) map[string]any {
	v, _ := m[k].(map[string]any)
	return v
}

func strs(m map[string]any, k string) []string {
	var out []string
	l, _ := m[k].([]any)
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// organization draws the root, OUs and accounts, each OU with the policies attached to it.
func (d *drawing) organization() {
	ous := d.byType["aws:organizations/organizationalUnit:OrganizationalUnit"]
	if len(ous) == 0 {
		return
	}
	policies := map[string]string{}
	for _, p := range d.byType["aws:organizations/policy:Policy"] {
		policies[p.ID] = strings.TrimPrefix(str(p.Inputs, "name"), "org-guardrails-")
	}
	attached := map[string][]string{}
	for _, a := range d.byType["aws:organizations/policyAttachment:PolicyAttachment"] {
		t := str(a.Inputs, "targetId")
		attached[t] = append(attached[t], policies[str(a.Inputs, "policyId")])
	}
	label := func(name, target string) string {
		ps := attached[target]
		sort.Strings(ps)
		if len(ps) == 0 {
			return name
		}
		return name + "\n" + strings.Join(ps, "\n")
	}
	isOU := map[string]bool{}
	for _, o := range ous {
		isOU[o.ID] = true
	}
	org := &Group{ID: "organization", Label: "AWS Organization"}
	d.g.Groups = append(d.g.Groups, org)
	roots := map[string]bool{}
	for _, o := range ous {
		parent := str(o.Inputs, "parentId")
		if !isOU[parent] && !roots[parent] {
			roots[parent] = true
			org.Nodes = append(org.Nodes, Node{id("root"), label("Root", parent)})
		}
		from := id("ou", parent)
		if !isOU[parent] {
			from = id("root")
		}
		org.Nodes = append(org.Nodes, Node{id("ou", o.ID), label(str(o.Inputs, "name"), o.ID)})
		d.g.edge(from, id("ou", o.ID), "", false)
	}
	for _, a := range d.byType["aws:organizations/account:Account"] {
		org.Nodes = append(org.Nodes, Node{id("account", a.Name), "account " + str(a.Inputs, "name")})
		d.g.edge(id("ou", str(a.Inputs, "parentId")), id("account", a.Name), "", false)
	}
}

// hub draws the Transit Gateway's route domains: associations, propagations and routes.
func (d *drawing) hub() {
	assoc := d.byType["aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation"]
	if len(d.byType["aws:ec2transitgateway/transitGateway:TransitGateway"]) == 0 && len(assoc) == 0 {
		return
	}
	d.hubG = &Group{ID: "hub", Label: "Transit Gateway route domains"}
	d.g.Groups = append(d.g.Groups, d.hubG)
	blackholes := map[string][]string{}
	for _, r := range d.byType["aws:ec2transitgateway/route:Route"] {
		if b, _ := r.Inputs["blackhole"].(bool); b {
			rt := str(r.Inputs, "transitGatewayRouteTableId")
			blackholes[rt] = append(blackholes[rt], str(r.Inputs, "destinationCidrBlock"))
		}
	}
	seen := map[string]bool{}
	domain := func(rtID string) string {
		n := id("rt", rtID)
		if !seen[n] {
			seen[n] = true
			name := rtID
			if r, ok := d.names[rtID]; ok {
				name = r.Name[strings.LastIndex(r.Name, "-rt-")+len("-rt-"):]
			}
			label := "domain " + name
			for _, b := range blackholes[rtID] {
				label += "\nblackhole " + b
			}
			d.hubG.Nodes = append(d.hubG.Nodes, Node{n, label})
		}
		return n
	}
	for _, r := range d.byType["aws:ec2transitgateway/routeTable:RouteTable"] {
		domain(r.ID)
	}
	for _, a := range assoc {
		d.g.edge(d.attachment(str(a.Inputs, "transitGatewayAttachmentId")), domain(str(a.Inputs, "transitGatewayRouteTableId")), "associated", false)
	}
	for _, p := range d.byType["aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation"] {
		d.g.edge(d.attachment(str(p.Inputs, "transitGatewayAttachmentId")), domain(str(p.Inputs, "transitGatewayRouteTableId")), "propagates", true)
	}
	for _, r := range d.byType["aws:ec2transitgateway/route:Route"] {
		if att := str(r.Inputs, "transitGatewayAttachmentId"); att != "" {
			d.g.edge(domain(str(r.Inputs, "transitGatewayRouteTableId")), d.attachment(att), str(r.Inputs, "destinationCidrBlock"), false)
		}
	}
}

// attachment is the node of a VPC's TGW attachment (drawn in its VPC by vpcs).
func (d *drawing) attachment(attID string) string {
	if name, ok := d.attachments[attID]; ok {
		return id(name)
	}
	return id(attID)
}

// vpcs draws each VPC: its subnets per AZ, the NAT gateways and firewall endpoints in them, and its routes.
func (d *drawing) vpcs() {
	d.subnetsOf, d.subnetAZ = map[string][]string{}, map[string]string{}
	groups := map[string]*Group{}
	azs := map[string]*Group{}
	for _, v := range d.byType["aws:ec2/vpc:Vpc"] {
		g := &Group{ID: id(v.Name), Label: "VPC " + v.Name + " " + str(v.Inputs, "cidrBlock")}
		groups[v.ID] = g
		d.g.Groups = append(d.g.Groups, g)
	}
	if len(groups) == 0 {
		return
	}
	az := func(vpcID, zone string) *Group {
		k := vpcID + "/" + zone
		if azs[k] == nil {
			azs[k] = &Group{ID: id(groups[vpcID].ID, zone), Label: zone}
			groups[vpcID].Groups = append(groups[vpcID].Groups, azs[k])
		}
		return azs[k]
	}
	subnetNode := map[string]string{}
	for _, s := range d.byType["aws:ec2/subnet:Subnet"] {
		vpc, zone := str(s.Inputs, "vpcId"), str(s.Inputs, "availabilityZone")
		if groups[vpc] == nil {
			continue
		}
		tier := strings.TrimSuffix(strings.TrimPrefix(s.Name, d.names[vpc].Name+"-"), "-"+zone)
		n := id(s.Name)
		subnetNode[s.ID], d.subnetAZ[n] = n, zone
		g := az(vpc, zone)
		g.Nodes = append(g.Nodes, Node{n, tier + " " + str(s.Inputs, "cidrBlock")})
	}
	for _, a := range d.byType["aws:ec2/routeTableAssociation:RouteTableAssociation"] {
		if n, ok := subnetNode[str(a.Inputs, "subnetId")]; ok {
			rt := str(a.Inputs, "routeTableId")
			d.subnetsOf[rt] = append(d.subnetsOf[rt], n)
		}
	}
	for _, n := range d.byType["aws:ec2/natGateway:NatGateway"] {
		if s, ok := d.names[str(n.Inputs, "subnetId")]; ok && groups[str(s.Inputs, "vpcId")] != nil {
			g := az(str(s.Inputs, "vpcId"), str(s.Inputs, "availabilityZone"))
			g.Nodes = append(g.Nodes, Node{id(n.ID), "NAT gateway"})
		}
	}
	for _, f := range d.byType["aws:networkfirewall/firewall:Firewall"] {
		for zone, e := range f.ZoneEndpoints {
			if groups[str(f.Inputs, "vpcId")] != nil {
				g := az(str(f.Inputs, "vpcId"), zone)
				g.Nodes = append(g.Nodes, Node{id(e), "firewall endpoint"})
			}
		}
	}
	for _, i := range d.byType["aws:ec2/internetGateway:InternetGateway"] {
		if g := groups[str(i.Inputs, "vpcId")]; g != nil {
			g.Nodes = append(g.Nodes, Node{id(i.ID), "internet gateway"})
		}
	}
	for _, a := range d.byType["aws:ec2transitgateway/vpcAttachment:VpcAttachment"] {
		if g := groups[str(a.Inputs, "vpcId")]; g != nil {
			g.Nodes = append(g.Nodes, Node{id(a.Name), "TGW attachment"})
		}
	}
	d.routes()
	// AZ boxes in zone order, and subnets by name inside them.
	for _, g := range groups {
		sort.Slice(g.Groups, func(i, j int) bool { return g.Groups[i].Label < g.Groups[j].Label })
		for _, a := range g.Groups {
			sort.Slice(a.Nodes, func(i, j int) bool { return a.Nodes[i].Label+a.Nodes[i].ID < a.Nodes[j].Label+a.Nodes[j].ID })
		}
	}
}

// routes draws each subnet's routes to its NAT gateway, endpoint, gateway or the Transit Gateway, one edge per
// target labelled with the destinations.
func (d *drawing) routes() {
	tgw := false
	labels := map[[2]string][]string{}
	for _, r := range d.byType["aws:ec2/route:Route"] {
		var to string
		switch {
		case str(r.Inputs, "natGatewayId") != "":
			to = id(str(r.Inputs, "natGatewayId"))
		case str(r.Inputs, "vpcEndpointId") != "":
			to = id(str(r.Inputs, "vpcEndpointId"))
		case str(r.Inputs, "gatewayId") != "":
			to = id(str(r.Inputs, "gatewayId"))
		case str(r.Inputs, "transitGatewayId") != "":
			to, tgw = "tgw", true
		default:
			continue
		}
		for _, from := range d.subnetsOf[str(r.Inputs, "routeTableId")] {
			k := [2]string{from, to}
			labels[k] = append(labels[k], str(r.Inputs, "destinationCidrBlock"))
		}
	}
	if tgw {
		d.g.Nodes = append(d.g.Nodes, Node{"tgw", "Transit Gateway"})
	}
	for k, l := range labels {
		sort.Strings(l)
		d.g.edge(k[0], k[1], strings.Join(l, ", "), false)
	}
}

// cluster draws the EKS cluster with its node group, EC2NodeClass and NodePools.
func (d *drawing) cluster() {
	clusters := d.byType["eks:index:Cluster"]
	if len(clusters) == 0 {
		return
	}
	c := clusters[0]
	g := &Group{ID: id("eks", c.Name), Label: "EKS " + c.Name}
	d.g.Groups = append(d.g.Groups, g)
	cp := id("eks", c.Name, "control_plane")
	label := "control plane"
	if v := str(c.Inputs, "version"); v != "" {
		label += " " + v
	}
	g.Nodes = append(g.Nodes, Node{cp, label})
	for _, ng := range d.byType["aws:eks/nodeGroup:NodeGroup"] {
		sc := mapOf(ng.Inputs, "scalingConfig")
		n := id(ng.Name)
		g.Nodes = append(g.Nodes, Node{n, fmt.Sprintf("node group %s\n%s x %v", ng.Name,
			strings.Join(strs(ng.Inputs, "instanceTypes"), "/"), sc["desiredSize"])})
		d.g.edge(cp, n, "", false)
		for _, s := range strs(ng.Inputs, "subnetIds") {
			if r, ok := d.names[s]; ok {
				d.g.edge(n, id(r.Name), "", true)
			}
		}
	}
	classes := map[string]string{}
	for _, nc := range d.byType["kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"] {
		name := str(mapOf(nc.Inputs, "metadata"), "name")
		var sel []string
		terms, _ := mapOf(nc.Inputs, "spec")["subnetSelectorTerms"].([]any)
		for _, t := range terms {
			term, _ := t.(map[string]any)
			for k, v := range mapOf(term, "tags") {
				sel = append(sel, fmt.Sprintf("%s=%v", k, v))
			}
		}
		sort.Strings(sel)
		classes[name] = id(nc.Name)
		g.Nodes = append(g.Nodes, Node{id(nc.Name), "EC2NodeClass " + name + "\nsubnets " + strings.Join(sel, ", ")})
	}
	for _, np := range d.byType["kubernetes:karpenter.sh/v1:NodePool"] {
		n := id(np.Name)
		g.Nodes = append(g.Nodes, Node{n, "NodePool " + str(mapOf(np.Inputs, "metadata"), "name")})
		d.g.edge(cp, n, "", false)
		ref := str(mapOf(mapOf(mapOf(mapOf(np.Inputs, "spec"), "template"), "spec"), "nodeClassRef"), "name")
		if nc, ok := classes[ref]; ok {
			d.g.edge(n, nc, "", true)
		}
	}
}

// database draws the RDS instances, with dashed arrows to the subnets of their subnet group.
func (d *drawing) database() {
	groups := map[string]plan.Resource{}
	for _, sg := range d.byType["aws:rds/subnetGroup:SubnetGroup"] {
		groups[str(sg.Inputs, "name")] = sg
	}
	for _, db := range d.byType["aws:rds/instance:Instance"] {
		mode := "single-AZ"
		if b, _ := db.Inputs["multiAz"].(bool); b {
			mode = "Multi-AZ"
		}
		n := id(db.Name)
		d.g.Nodes = append(d.g.Nodes, Node{n, fmt.Sprintf("RDS %s %v\n%s %s", str(db.Inputs, "engine"), db.Inputs["engineVersion"],
			str(db.Inputs, "instanceClass"), mode)})
		for _, s := range strs(groups[str(db.Inputs, "dbSubnetGroupName")].Inputs, "subnetIds") {
			if r, ok := d.names[s]; ok {
				d.g.edge(n, id(r.Name), "subnet group", true)
			}
		}
	}
}
