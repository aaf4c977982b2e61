package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/plan"
)

func TestSpotServiceLinkedRole(t *testing.T) {
	const devAccount = "100000000001"
	pool := func(name, op string, capacity ...any) plan.Resource {
		return res("dev", typeNodePool, name, map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
			"requirements": []any{
				map[string]any{"key": "kubernetes.io/arch", "operator": "In", "values": []any{"arm64"}},
				map[string]any{"key": "karpenter.sh/capacity-type", "operator": op, "values": capacity},
			}}}}})
	}
	nodeGroup := res("dev", typeNodeGroup, "system", nil, at(devAccount, "us-east-1"))
	spotRole := func(s, account string) plan.Resource {
		return res(s, typeServiceLinkedRole, "spot", map[string]any{"awsServiceName": "spot.amazonaws.com"}, at(account, "us-east-1"))
	}
	dev := func(rs ...plan.Resource) plan.StackPlan {
		return stack("dev", "workload", append([]plan.Resource{nodeGroup, pool("on-demand", "In", "on-demand")}, rs...)...)
	}
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"on-demand only", result(dev()), nil},
		{"spot excluded", result(dev(pool("no-spot", "NotIn", "spot"))), nil},
		{"spot with the role in the stack", result(dev(pool("spot", "In", "spot", "on-demand"), spotRole("dev", devAccount))), nil},
		{"spot with the role from an account baseline", result(stack("security", "security", spotRole("security", devAccount)),
			dev(pool("spot", "In", "spot"))), nil},
		{"spot without the role", result(dev(pool("spot-b", "In", "spot"), pool("spot-a", "In", "spot"))),
			[]want{{urn("dev", typeNodePool, "spot-a"), "stack dev has spot NodePools (spot-a, spot-b) but the plan creates no service-linked role for spot.amazonaws.com in account " + devAccount}}},
		{"spot with the role in another account", result(dev(pool("spot", "In", "spot"), spotRole("dev", "100000000009"))),
			[]want{{urn("dev", typeNodePool, "spot"), "in account " + devAccount}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, spotServiceLinkedRole, tt.res, tt.wants...) })
	}
}

func TestEKSNodeRolesPassed(t *testing.T) {
	cluster := func(in map[string]any) *plan.Result {
		return result(stack("dev", "workload", res("dev", typeEKSCluster, "dev-eks", in)))
	}
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"node roles passed", cluster(map[string]any{"instanceRoles": []any{urn("dev", "aws:iam/role:Role", "node")}}), nil},
		{"no instanceRoles", cluster(map[string]any{"skipDefaultNodeGroup": true}),
			[]want{{urn("dev", typeEKSCluster, "dev-eks"), "EKS cluster dev-eks has no instanceRoles"}}},
		{"empty instanceRoles", cluster(map[string]any{"instanceRoles": []any{}}),
			[]want{{urn("dev", typeEKSCluster, "dev-eks"), "has no instanceRoles"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, eksNodeRolesPassed, tt.res, tt.wants...) })
	}
}

func TestClusterReachableByDeployer(t *testing.T) {
	const sgID = "sg-0123456789abcdef0"
	sgURN, clusterURN := urn("dev", typeSecurityGroup, "control-plane"), urn("dev", typeEKSCluster, "dev-eks")
	sg := res("dev", typeSecurityGroup, "control-plane", nil, withID(sgID))
	cluster := func(in map[string]any) plan.Resource {
		base := map[string]any{"endpointPublicAccess": false, "clusterSecurityGroup": sgURN,
			"providerCredentialOpts": map[string]any{"roleArn": "arn:aws:iam::100000000001:role/deploy"}}
		for k, v := range in {
			base[k] = v
		}
		return res("dev", typeEKSCluster, "dev-eks", base)
	}
	rule := func(name string, in map[string]any) plan.Resource {
		base := map[string]any{"type": "ingress", "protocol": "tcp", "fromPort": 443, "toPort": 443, "securityGroupId": sgID}
		for k, v := range in {
			base[k] = v
		}
		return res("dev", typeSecurityGroupRule, name, base)
	}
	fromRunner := rule("runner", map[string]any{"cidrBlocks": []any{"10.0.16.0/20"}})
	fromNodes := rule("nodes", map[string]any{"sourceSecurityGroupId": "sg-nodes"})
	network := stack("network", "network", res("network", typeVPC, "shared", map[string]any{"cidrBlock": "10.0.16.0/20"}))
	dev := func(rs ...plan.Resource) plan.StackPlan {
		return stack("dev", "workload", append([]plan.Resource{sg}, rs...)...)
	}
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"role and runner ingress", result(network, dev(cluster(nil), fromNodes, fromRunner)), nil},
		{"public endpoint needs no ingress", result(network, dev(cluster(map[string]any{"endpointPublicAccess": true}))), nil},
		{"wide port range", result(network, dev(cluster(nil), rule("range", map[string]any{"fromPort": 0, "toPort": 65535, "cidrBlocks": []any{"10.0.16.0/24"}}))), nil},
		{"inline ingress", result(network, stack("dev", "workload", cluster(nil), res("dev", typeSecurityGroup, "control-plane", map[string]any{
			"ingress": []any{map[string]any{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": []any{"10.0.16.0/20"}}}}, withID(sgID)))), nil},
		{"no network stack: any CIDR", result(dev(cluster(nil), rule("office", map[string]any{"cidrBlocks": []any{"192.168.0.0/24"}}))), nil},
		{"no role", result(network, dev(cluster(map[string]any{"providerCredentialOpts": map[string]any{}}), fromRunner)),
			[]want{{clusterURN, "EKS cluster dev-eks has no providerCredentialOpts.roleArn"}}},
		{"only node ingress", result(network, dev(cluster(nil), fromNodes)),
			[]want{{clusterURN, "its control-plane security group control-plane (" + sgID + ") has no ingress rule for TCP 443 from a CIDR inside a network-layer VPC (10.0.16.0/20)"}}},
		{"ingress from outside the network layer", result(network, dev(cluster(nil), rule("office", map[string]any{"cidrBlocks": []any{"192.168.0.0/24"}}))),
			[]want{{clusterURN, "no ingress rule for TCP 443"}}},
		{"egress is not ingress", result(network, dev(cluster(nil), rule("out", map[string]any{"type": "egress", "cidrBlocks": []any{"10.0.16.0/20"}}))),
			[]want{{clusterURN, "no ingress rule for TCP 443"}}},
		{"wrong port", result(network, dev(cluster(nil), rule("ssh", map[string]any{"fromPort": 22, "toPort": 22, "cidrBlocks": []any{"10.0.16.0/20"}}))),
			[]want{{clusterURN, "no ingress rule for TCP 443"}}},
		{"another group", result(network, dev(cluster(nil), rule("other", map[string]any{"securityGroupId": "sg-other", "cidrBlocks": []any{"10.0.16.0/20"}}))),
			[]want{{clusterURN, "no ingress rule for TCP 443"}}},
		{"no control-plane group", result(network, dev(cluster(map[string]any{"clusterSecurityGroup": nil}))),
			[]want{{clusterURN, "has a private endpoint only and no control-plane security group of the plan"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, clusterReachableByDeployer, tt.res, tt.wants...) })
	}
}
