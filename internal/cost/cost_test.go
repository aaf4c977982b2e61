package cost

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/plan"
)

func r(typ, name string, in map[string]any) plan.Resource {
	return plan.Resource{Type: typ, Name: name, Inputs: in}
}

func line(t *testing.T, s plan.StackPlan, item string) plan.CostLine {
	t.Helper()
	for _, l := range s.Cost.Lines {
		if l.Item == item {
			return l
		}
	}
	t.Fatalf("stack %s has no cost line %s: %+v", s.Name, item, s.Cost.Lines)
	return plan.CostLine{}
}

func TestPriceTableRowsAreSourcedAndDated(t *testing.T) {
	table, err := Prices()
	require.NoError(t, err)
	assert.Equal(t, 730.0, table.HoursPerMonth)
	seen := map[string]bool{}
	for _, p := range table.Prices {
		assert.False(t, seen[p.Item], "%s twice", p.Item)
		seen[p.Item] = true
		assert.True(t, strings.HasPrefix(p.Source, "https://aws.amazon.com/"), p.Item)
		assert.Regexp(t, `^\d{4}-\d{2}$`, p.Date, p.Item)
		assert.NotEmpty(t, p.Unit, p.Item)
		assert.Equal(t, "us-east-1", p.Region, p.Item)
	}
}

func TestEstimateCountsWhatThePlanRegisters(t *testing.T) {
	table, err := Prices()
	require.NoError(t, err)
	network := plan.StackPlan{Name: "network", Layer: "network", Resources: []plan.Resource{
		r("aws:ec2/natGateway:NatGateway", "nat-a", nil), r("aws:ec2/natGateway:NatGateway", "nat-b", nil),
		r("aws:networkfirewall/firewall:Firewall", "fw", map[string]any{"subnetMappings": []any{map[string]any{}, map[string]any{}}}),
		r("aws:ec2/vpcEndpoint:VpcEndpoint", "sts", map[string]any{"vpcEndpointType": "Interface", "subnetIds": []any{"a", "b"}}),
		r("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", map[string]any{"vpcEndpointType": "Gateway"}),
	}}
	prod := plan.StackPlan{Name: "prod", Layer: "workload", Resources: []plan.Resource{
		r("aws:rds/instance:Instance", "db", map[string]any{"instanceClass": "db.m7g.xlarge", "multiAz": true, "allocatedStorage": 200.0, "manageMasterUserPassword": true}),
		r("aws:eks/nodeGroup:NodeGroup", "system", map[string]any{"instanceTypes": []any{"m7g.large"}, "scalingConfig": map[string]any{"desiredSize": 3.0}}),
	}}
	res := &plan.Result{Stacks: []plan.StackPlan{network, prod}}
	require.NoError(t, Estimate(res, table))
	n, p := res.Stacks[0], res.Stacks[1]

	assert.Equal(t, 65.7, line(t, n, "nat-gateway").Monthly, "2 x $0.045 x 730")
	assert.Equal(t, -65.7, line(t, n, "nat-gateway-with-firewall").Monthly, "NAT hours waived against firewall endpoints")
	assert.Equal(t, 576.7, line(t, n, "network-firewall-endpoint").Monthly, "2 x $0.395 x 730")
	assert.Equal(t, 2.0, line(t, n, "interface-endpoint").Quantity, "gateway endpoints are free")
	assert.Equal(t, "shared", n.Cost.Environment)

	assert.Equal(t, 2.0, line(t, p, "rds:db.m7g.xlarge").Quantity, "Multi-AZ runs a standby")
	assert.Equal(t, 400.0, line(t, p, "rds-gp3-storage").Quantity, "Multi-AZ storage twice")
	assert.Equal(t, 1.0, line(t, p, "secret").Quantity, "the RDS-managed master secret")
	assert.Equal(t, 178.7, line(t, p, "ec2:m7g.large").Monthly, "3 x $0.0816 x 730")
	assert.Equal(t, "prod", p.Cost.Environment)
	assert.Equal(t, p.Cost.Monthly, res.Cost.Environments["prod"])
	assert.InDelta(t, n.Cost.Monthly+p.Cost.Monthly, res.Cost.Total, 0.01)
}

func TestEstimateNamesAMissingPrice(t *testing.T) {
	table, err := Prices()
	require.NoError(t, err)
	res := &plan.Result{Stacks: []plan.StackPlan{{Name: "dev", Layer: "workload", Resources: []plan.Resource{
		r("aws:rds/instance:Instance", "db", map[string]any{"instanceClass": "db.x2g.16xlarge"})}}}}
	err = Estimate(res, table)
	assert.EqualError(t, err, `stack dev: the price table has no item "rds:db.x2g.16xlarge": add it to internal/cost/data/prices.json with its source and date`)
}
