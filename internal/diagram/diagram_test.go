package diagram

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/plan"
)

func TestRenderers(t *testing.T) {
	g := &Graph{Group: Group{ID: "s", Nodes: []Node{{"a", `say "hi"` + "\nline 2"}},
		Groups: []*Group{{ID: "vpc", Label: "VPC", Nodes: []Node{{"b", "B"}}}}},
		Edges: []Edge{{From: "a", To: "b", Label: "0.0.0.0/0"}, {From: "b", To: "a", Dashed: true}}}
	assert.Equal(t, "flowchart LR\n  a[\"say #quot;hi#quot;<br/>line 2\"]\n  subgraph vpc[\"VPC\"]\n    b[\"B\"]\n  end\n"+
		"  a -->|\"0.0.0.0/0\"| b\n  b -.-> a\n", g.Mermaid())
	assert.Equal(t, "digraph s {\n  rankdir=LR;\n  node [shape=box];\n  a [label=\"say \\\"hi\\\"\\nline 2\"];\n"+
		"  subgraph cluster_vpc {\n    label=\"VPC\";\n    b [label=\"B\"];\n  }\n  a -> b [label=\"0.0.0.0/0\"];\n  b -> a [style=dashed];\n}\n", g.DOT())
}

func TestStackDrawsSubnetsPerAZAndRoutes(t *testing.T) {
	r := func(typ, name, id string, in map[string]any) plan.Resource {
		return plan.Resource{Type: typ, Name: name, ID: id, Inputs: in}
	}
	res := &plan.Result{Stacks: []plan.StackPlan{{Name: "x", Resources: []plan.Resource{
		r("aws:ec2/vpc:Vpc", "x-vpc", "vpc-1", map[string]any{"cidrBlock": "10.0.0.0/16"}),
		r("aws:ec2/subnet:Subnet", "x-vpc-public-a", "subnet-a", map[string]any{"vpcId": "vpc-1", "availabilityZone": "a", "cidrBlock": "10.0.0.0/24"}),
		r("aws:ec2/internetGateway:InternetGateway", "x-igw", "igw-1", map[string]any{"vpcId": "vpc-1"}),
		r("aws:ec2/routeTableAssociation:RouteTableAssociation", "x-rta", "", map[string]any{"routeTableId": "rtb-1", "subnetId": "subnet-a"}),
		r("aws:ec2/route:Route", "x-default", "", map[string]any{"routeTableId": "rtb-1", "gatewayId": "igw-1", "destinationCidrBlock": "0.0.0.0/0"}),
	}}}}
	g, err := Stack(res, "x")
	require.NoError(t, err)
	m := g.Mermaid()
	assert.Contains(t, m, "subgraph x_vpc[\"VPC x-vpc 10.0.0.0/16\"]")
	assert.Contains(t, m, "subgraph x_vpc_a[\"a\"]")
	assert.Contains(t, m, "x_vpc_public_a[\"public 10.0.0.0/24\"]")
	assert.Contains(t, m, "x_vpc_public_a -->|\"0.0.0.0/0\"| igw_1")
	_, err = Stack(res, "y")
	assert.ErrorContains(t, err, `no stack "y"`)
}
