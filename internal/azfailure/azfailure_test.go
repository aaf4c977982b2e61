package azfailure

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/plan"
)

func res(typ, name, id string, in map[string]any) plan.Resource {
	return plan.Resource{Type: typ, Name: name, ID: id, Inputs: in}
}

// egressVPC is an inspection-like VPC over two AZs: a public and a private subnet per AZ, a NAT gateway per AZ
// and a route table per private subnet; route picks the NAT each private route table uses.
func egressVPC(route map[string]string) plan.StackPlan {
	s := plan.StackPlan{Name: "network"}
	for _, az := range []string{"a", "b"} {
		s.Resources = append(s.Resources,
			res(typeSubnet, "vpc-public-"+az, "subnet-pub-"+az, map[string]any{"availabilityZone": az, "vpcId": "vpc-1"}),
			res(typeSubnet, "vpc-private-"+az, "subnet-priv-"+az, map[string]any{"availabilityZone": az, "vpcId": "vpc-1"}),
			res(typeNAT, "nat-"+az, "nat-"+az, map[string]any{"subnetId": "subnet-pub-" + az}),
			res(typeRouteTable, "rt-private-"+az, "rtb-"+az, map[string]any{"vpcId": "vpc-1"}),
			res(typeRTAssociation, "rta-"+az, "", map[string]any{"routeTableId": "rtb-" + az, "subnetId": "subnet-priv-" + az}),
		)
		if nat, ok := route[az]; ok {
			s.Resources = append(s.Resources, res(typeRoute, "rt-private-"+az+"-default", "",
				map[string]any{"routeTableId": "rtb-" + az, "natGatewayId": nat}))
		}
	}
	return s
}

func verdicts(a *plan.AZFailure, status string) []plan.AZVerdict {
	var out []plan.AZVerdict
	for _, v := range a.Verdicts {
		if v.Status == status {
			out = append(out, v)
		}
	}
	return out
}

func TestAZLocalRoutesSurvive(t *testing.T) {
	a := Stack(egressVPC(map[string]string{"a": "nat-a", "b": "nat-b"}))
	assert.Equal(t, []string{"a", "b"}, a.Zones)
	assert.True(t, a.Survives, "%+v", a.Verdicts)
	assert.Equal(t, 0, Failures(a))
}

// A private subnet in b routed through a's NAT gateway, while b has its own: a crafted cross-AZ dependency.
func TestCrossAZRouteFails(t *testing.T) {
	a := Stack(egressVPC(map[string]string{"a": "nat-a", "b": "nat-a"}))
	require.False(t, a.Survives)
	fails := verdicts(a, plan.AZFail)
	require.Len(t, fails, 1)
	assert.Equal(t, "routes", fails[0].Check)
	assert.Equal(t, "a", fails[0].Zone)
	assert.Equal(t, "rt-private-b-default", fails[0].Resource)
	assert.Contains(t, fails[0].Message, "subnets in b reach NAT gateway nat-a in a")
}

// natPerAz false: one NAT gateway for every AZ is a designed single-AZ dependency, accepted and reported.
func TestSingleNATIsAnAcceptedSingleAZDependency(t *testing.T) {
	s := egressVPC(map[string]string{"a": "nat-a", "b": "nat-a"})
	s.Resources = removeName(s.Resources, "nat-b")
	a := Stack(s)
	assert.False(t, a.Survives)
	assert.Equal(t, 0, Failures(a))
	acc := verdicts(a, plan.AZAccepted)
	require.Len(t, acc, 1)
	assert.Equal(t, "a", acc[0].Zone)
	assert.Contains(t, acc[0].Message, "natPerAz false")
}

func TestFirewallEndpointInAnotherAZFails(t *testing.T) {
	s := egressVPC(nil)
	s.Resources = append(s.Resources,
		plan.Resource{Type: typeFirewall, Name: "fw", ZoneEndpoints: map[string]string{"a": "vpce-a", "b": "vpce-b"}},
		res(typeRoute, "rt-private-a-fw", "", map[string]any{"routeTableId": "rtb-a", "vpcEndpointId": "vpce-a"}),
		res(typeRoute, "rt-private-b-fw", "", map[string]any{"routeTableId": "rtb-b", "vpcEndpointId": "vpce-a"}))
	fails := verdicts(Stack(s), plan.AZFail)
	require.Len(t, fails, 1)
	assert.Equal(t, "rt-private-b-fw", fails[0].Resource)
	assert.Contains(t, fails[0].Message, "firewall endpoint vpce-a in a")
}

func TestSubnetTierInOneAZFails(t *testing.T) {
	s := egressVPC(map[string]string{"a": "nat-a", "b": "nat-b"})
	s.Resources = append(s.Resources, res(typeSubnet, "vpc-database-a", "subnet-db-a", map[string]any{"availabilityZone": "a"}),
		res(typeDBSubnetGroup, "db-subnets", "", map[string]any{"subnetIds": []any{"subnet-db-a"}}))
	fails := verdicts(Stack(s), plan.AZFail)
	require.Len(t, fails, 2)
	assert.Equal(t, "vpc-database", fails[0].Resource)
	assert.Equal(t, "db-subnets", fails[1].Resource)
	assert.Equal(t, "a", fails[0].Zone)
}

func TestDatabaseMultiAZWhereTheEnvironmentRequiresIt(t *testing.T) {
	yes, no := true, false
	prod := &config.Environment{Name: "prod", Tier: config.TierProduction}
	staging := &config.Environment{Name: "staging", Tier: config.TierNonProduction, MultiAZ: &yes}
	dev := &config.Environment{Name: "dev", Tier: config.TierNonProduction, MultiAZ: &no}
	for _, tc := range []struct {
		env     *config.Environment
		multiAZ bool
		want    string
	}{{prod, true, plan.AZOK}, {prod, false, plan.AZFail}, {staging, false, plan.AZFail}, {dev, false, plan.AZAccepted}, {nil, false, plan.AZAccepted}} {
		s := egressVPC(map[string]string{"a": "nat-a", "b": "nat-b"})
		s.Environment = tc.env
		s.Resources = append(s.Resources, res(typeDBInstance, "db", "", map[string]any{"multiAz": tc.multiAZ}))
		got := Stack(s).Verdicts
		assert.Equal(t, tc.want, got[len(got)-1].Status, "%v multiAz %v", tc.env, tc.multiAZ)
	}
}

func TestNodeGroupsAndNodePoolsSpanTheRemainingAZs(t *testing.T) {
	s := egressVPC(map[string]string{"a": "nat-a", "b": "nat-b"})
	s.Resources[1].Inputs["tags"] = map[string]any{"karpenter.sh/discovery": "c"} // vpc-private-a only
	s.Resources = append(s.Resources,
		res(typeNodeGroup, "ng-both", "", map[string]any{"subnetIds": []any{"subnet-priv-a", "subnet-priv-b"}}),
		res(typeNodeGroup, "ng-one", "", map[string]any{"subnetIds": []any{"subnet-priv-b"}}),
		res(typeNodeClass, "nc", "", map[string]any{"metadata": map[string]any{"name": "default"},
			"spec": map[string]any{"subnetSelectorTerms": []any{map[string]any{"tags": map[string]any{"karpenter.sh/discovery": "c"}}}}}),
		res(typeNodePool, "np", "", map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
			"nodeClassRef": map[string]any{"name": "default"}}}}}))
	got := map[string]plan.AZVerdict{}
	for _, v := range Stack(s).Verdicts {
		if v.Check == "nodes" {
			got[v.Resource] = v
		}
	}
	assert.Equal(t, plan.AZOK, got["ng-both"].Status)
	assert.Equal(t, plan.AZFail, got["ng-one"].Status)
	assert.Equal(t, "b", got["ng-one"].Zone)
	assert.Equal(t, plan.AZFail, got["np"].Status, "the node class selects subnets in a only")
	assert.Equal(t, "a", got["np"].Zone)
}

func TestReplicasNeedZoneSpreadAndAPDB(t *testing.T) {
	deploy := func(name string, replicas int, spread bool) plan.Resource {
		pod := map[string]any{}
		if spread {
			pod["topologySpreadConstraints"] = []any{map[string]any{"topologyKey": zoneKey, "maxSkew": 1}}
		}
		return res(typeDeployment, name, "", map[string]any{"metadata": map[string]any{"namespace": name},
			"spec": map[string]any{"replicas": replicas, "template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": name}}, "spec": pod}}})
	}
	pdb := func(ns string) plan.Resource {
		return res(typePDB, ns+"-pdb", "", map[string]any{"metadata": map[string]any{"namespace": ns},
			"spec": map[string]any{"selector": map[string]any{"matchLabels": map[string]any{"app": ns}}}})
	}
	s := egressVPC(map[string]string{"a": "nat-a", "b": "nat-b"})
	s.Resources = append(s.Resources, deploy("good", 3, true), pdb("good"), deploy("nospread", 2, false), pdb("nospread"),
		deploy("nopdb", 2, true), deploy("single", 1, false))
	got := map[string]plan.AZVerdict{}
	for _, v := range Stack(s).Verdicts {
		if v.Check == "replicas" {
			got[v.Resource] = v
		}
	}
	assert.Len(t, got, 3, "a single replica has no quorum to keep")
	assert.Equal(t, plan.AZOK, got["good"].Status)
	assert.Contains(t, got["nospread"].Message, "no topology spread")
	assert.Contains(t, got["nopdb"].Message, "no PodDisruptionBudget")
}

func removeName(rs []plan.Resource, name string) []plan.Resource {
	var out []plan.Resource
	for _, r := range rs {
		if r.Name != name {
			out = append(out, r)
		}
	}
	return out
}
