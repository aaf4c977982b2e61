package tests

import (
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/crdschema"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
	"github.com/innovate-inc/platform/karpenter"
)

var workloadAccounts = map[string]string{
	"dev": accountID("aws-dev@example.com"), "staging": accountID("aws-staging@example.com"), "prod": accountID("aws-prod@example.com"),
}

func workloadStack(t *testing.T, env string) stackView {
	s, ok := fullPlan(t).Stack(env)
	require.True(t, ok, env)
	assert.Equal(t, "workload", s.Layer)
	assert.Equal(t, []string{"network", "org", "security"}, s.References)
	return stackView{t, s}
}

func TestWorkloadResourcesLiveInTheirAccounts(t *testing.T) {
	hubSide := map[string]bool{
		"aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter":   true,
		"aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation":   true,
		"aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation":   true,
		"aws:route53/vpcAssociationAuthorization:VpcAssociationAuthorization": true,
	}
	for env, acct := range workloadAccounts {
		v := workloadStack(t, env)
		for _, r := range v.s.Resources {
			if !r.Custom || !strings.HasPrefix(r.Type, "aws:") {
				continue // providers, stack references and Kubernetes objects (they live in the cluster)
			}
			want := acct
			// The delegation of the environment's zone lives in the parent zone (networking account); the records in
			// the environment's zone (certificate validation, load-balancer aliases) in the workload account.
			if hubSide[r.Type] || (r.Type == "aws:route53/record:Record" && strings.HasSuffix(r.Name, "-dns-delegation")) {
				want = networkingID
			}
			assert.Equal(t, want, r.Account, "%s: %s %s", env, r.Type, r.Name)
		}
	}
}

func TestWorkloadVPCsFitTheirRouteDomains(t *testing.T) {
	net, _ := fullPlan(t).Stack("network")
	domains := net.Outputs["routeDomainCidrs"].(map[string]any)
	rts := net.Outputs["tgwRouteTableIds"].(map[string]any)
	azs := map[string]int{"dev": 2, "staging": 3, "prod": 3}
	for env := range workloadAccounts {
		v := workloadStack(t, env)
		vpc := v.byType("aws:ec2/vpc:Vpc")
		require.Len(t, vpc, 1)
		domain := "nonprod"
		if env == "prod" {
			domain = "prod"
		}
		supernet := netip.MustParsePrefix(domains[domain].(string))
		cidr := netip.MustParsePrefix(vpc[0].Inputs["cidrBlock"].(string))
		assert.True(t, supernet.Contains(cidr.Addr()) && cidr.Bits() >= supernet.Bits(), "%s VPC %s in %s", env, cidr, supernet)
		assert.Len(t, v.byType("aws:ec2/subnet:Subnet"), 4*azs[env], env)
		assoc := v.byType("aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation")
		require.Len(t, assoc, 1)
		assert.Equal(t, rts[domain], assoc[0].Inputs["transitGatewayRouteTableId"], "%s joins the %s domain", env, domain)
		assert.Empty(t, v.byType("aws:ec2/natGateway:NatGateway"), "egress is centralized")
	}
}

func TestClusterSettings(t *testing.T) {
	for env := range workloadAccounts {
		v := workloadStack(t, env)
		c := v.byType("eks:index:Cluster")
		require.Len(t, c, 1)
		in := c[0].Inputs
		assert.Equal(t, env+"-eks", in["name"])
		assert.Equal(t, "1.35", in["version"])
		assert.Equal(t, true, in["endpointPrivateAccess"])
		assert.Equal(t, false, in["endpointPublicAccess"], "%s: no public API endpoint", env)
		assert.Equal(t, "API", in["authenticationMode"])
		assert.Equal(t, true, in["skipDefaultNodeGroup"])
		assert.Equal(t, []any{"api", "audit", "authenticator", "controllerManager", "scheduler"}, in["enabledClusterLogTypes"])
		assert.Contains(t, in["encryptionConfigKeyArn"], ":"+workloadAccounts[env]+":key/")
		assert.Equal(t, v.s.Outputs["kubeconfig"], "[secret]", "the kubeconfig is exported as a secret")
	}
}

func TestSystemNodeGroup(t *testing.T) {
	for env := range workloadAccounts {
		v := workloadStack(t, env)
		ng := v.byType("aws:eks/nodeGroup:NodeGroup")
		require.Len(t, ng, 1)
		in := ng[0].Inputs
		assert.Equal(t, "AL2023_ARM_64_STANDARD", in["amiType"], "AL2 is past end of support; Graviton")
		assert.Equal(t, "ON_DEMAND", in["capacityType"])
		assert.GreaterOrEqual(t, in["scalingConfig"].(map[string]any)["minSize"], 2.0)
		assert.Equal(t, []any{map[string]any{"key": "CriticalAddonsOnly", "value": "true", "effect": "NO_SCHEDULE"}}, in["taints"])
		assert.Len(t, in["subnetIds"], map[string]int{"dev": 2, "staging": 3, "prod": 3}[env], "spread over the cluster's AZs")

		lt := v.byType("aws:ec2/launchTemplate:LaunchTemplate")[0].Inputs
		assert.Equal(t, "required", lt["metadataOptions"].(map[string]any)["httpTokens"], "IMDSv2")
		ebs := lt["blockDeviceMappings"].([]any)[0].(map[string]any)["ebs"].(map[string]any)
		assert.Equal(t, "gp3", ebs["volumeType"])
		assert.Equal(t, "true", ebs["encrypted"])
		assert.Contains(t, ebs["kmsKeyId"], ":key/")
		for _, spec := range lt["tagSpecifications"].([]any) {
			tags := spec.(map[string]any)["tags"].(map[string]any)
			for _, k := range []string{"environment", "owner", "team", "cost-center", "application", "managed-by"} {
				assert.NotEmpty(t, tags[k], "%s: launch template tags %s on %s", env, k, spec.(map[string]any)["resourceType"])
			}
			assert.Equal(t, env, tags["environment"])
		}
	}
	prod := workloadStack(t, "prod").byType("aws:eks/nodeGroup:NodeGroup")[0]
	assert.Equal(t, 3.0, prod.Inputs["scalingConfig"].(map[string]any)["minSize"], "prod keeps a system node per AZ")
}

func TestAddonsArePinnedAndNetworkPoliciesEnforced(t *testing.T) {
	v := workloadStack(t, "prod")
	addons := map[string]map[string]any{}
	for _, a := range v.byType("aws:eks/addon:Addon") {
		addons[a.Inputs["addonName"].(string)] = a.Inputs
	}
	for _, name := range []string{"vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent", "aws-ebs-csi-driver", "metrics-server"} {
		require.Contains(t, addons, name)
		assert.Regexp(t, `^v\d+\.\d+\.\d+-eksbuild\.\d+$`, addons[name]["addonVersion"], name)
	}
	var cni map[string]string
	require.NoError(t, json.Unmarshal([]byte(addons["vpc-cni"]["configurationValues"].(string)), &cni))
	assert.Equal(t, "true", cni["enableNetworkPolicy"], "NetworkPolicies are enforced")
	ebs := addons["aws-ebs-csi-driver"]["podIdentityAssociations"].([]any)[0].(map[string]any)
	assert.Equal(t, "ebs-csi-controller-sa", ebs["serviceAccount"])
	assert.Contains(t, ebs["roleArn"], ":role/prod-eks-aws-ebs-csi-driver")
	for _, r := range v.byType("aws:iam/role:Role") {
		doc, err := iampolicy.Parse(r.Inputs["assumeRolePolicy"].(string))
		require.NoError(t, err)
		if doc.Statement[0].Principal.Service[0] == "pods.eks.amazonaws.com" {
			assert.Equal(t, []string{"sts:AssumeRole", "sts:TagSession"}, doc.Statement[0].Action)
			assert.Equal(t, []string{workloadAccounts["prod"]}, doc.Statement[0].Condition["StringEquals"]["aws:SourceAccount"])
		}
	}
}

func TestAccessEntriesFollowEnvironments(t *testing.T) {
	policies := func(env string) map[string]string {
		out := map[string]string{}
		v := workloadStack(t, env)
		for _, a := range v.byType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation") {
			role := a.Inputs["principalArn"].(string)
			if strings.HasSuffix(a.Name, "-access-preview-view") || strings.HasSuffix(a.Name, "-access-preview-secrets") {
				continue // the pull-request preview role (TestPreviewReachesTheClusterReadOnly)
			}
			set := strings.SplitN(role[strings.Index(role, "AWSReservedSSO_")+len("AWSReservedSSO_"):], "_", 2)[0]
			policy := a.Inputs["policyArn"].(string)
			out[set] = policy[strings.LastIndex(policy, "/")+1:]
			assert.Contains(t, role, "arn:aws:iam::"+workloadAccounts[env]+":role/aws-reserved/sso.amazonaws.com/")
			if set == "DeveloperWrite" {
				scope := a.Inputs["accessScope"].(map[string]any)
				assert.Equal(t, "namespace", scope["type"])
				assert.Equal(t, []any{"backend", "frontend"}, scope["namespaces"])
			}
		}
		return out
	}
	assert.Equal(t, map[string]string{"BreakGlassAdmin": "AmazonEKSClusterAdminPolicy", "PlatformEngineer": "AmazonEKSClusterAdminPolicy",
		"DeveloperWrite": "AmazonEKSEditPolicy", "ReadOnly": "AmazonEKSViewPolicy"}, policies("dev"))
	prod := policies("prod")
	assert.NotContains(t, prod, "DeveloperWrite", "developers only read in prod")
	assert.Equal(t, "AmazonEKSViewPolicy", prod["ReadOnly"])
}

func TestClusterSecurityGroups(t *testing.T) {
	v := workloadStack(t, "prod")
	sgs := map[string]sgInfo{}
	for _, sg := range v.byType("aws:ec2/securityGroup:SecurityGroup") {
		sgs[sg.Inputs["name"].(string)] = sgInfo{id: sg.ID, tags: sg.Inputs["tags"].(map[string]any)}
	}
	nodes := sgs["prod-eks-nodes"]
	assert.Equal(t, "prod-eks", nodes.tags["karpenter.sh/discovery"], "Karpenter finds the node group by tag")
	assert.Equal(t, nodes.id, v.s.Outputs["nodeSecurityGroupId"], "the database admits this group")
	controlPlane := sgs["prod-eks-control-plane"].id
	runner := 0
	for _, r := range v.byType("aws:ec2/securityGroupRule:SecurityGroupRule") {
		if r.Inputs["type"] != "ingress" || r.Inputs["cidrBlocks"] == nil {
			continue
		}
		// The only CIDR ingress: the deploy runner in the shared-services VPC reaches the private API endpoint.
		runner++
		assert.Equal(t, "prod-eks-deploy-runner-to-api", r.Name)
		assert.Equal(t, controlPlane, r.Inputs["securityGroupId"])
		assert.Equal(t, []any{"10.0.16.0/20"}, r.Inputs["cidrBlocks"])
		assert.Equal(t, 443.0, r.Inputs["fromPort"])
		assert.Equal(t, 443.0, r.Inputs["toPort"])
	}
	assert.Equal(t, 1, runner)
}

type sgInfo struct {
	id   string
	tags map[string]any
}

// Every Karpenter object the program registers, in every environment, passes the API server's validation of the
// reference CRDs (pruning, defaulting, OpenAPI, CEL) and Karpenter's run-time expectations.
func TestRegisteredKarpenterObjectsPassTheRealSchema(t *testing.T) {
	validators := map[string]*crdschema.Validator{}
	for _, f := range []string{"karpenter.sh_nodepools.yaml", "karpenter.k8s.aws_ec2nodeclasses.yaml"} {
		b, err := os.ReadFile(filepath.Join(fixtures.RepoRoot(t), "karpenter", "testdata", "crds", f))
		require.NoError(t, err)
		v, err := crdschema.Load(b)
		require.NoError(t, err)
		validators[v.Kind] = v
	}
	for env := range workloadAccounts {
		v := workloadStack(t, env)
		n := 0
		for _, r := range v.s.Resources {
			if !strings.HasPrefix(r.Type, "kubernetes:karpenter") {
				continue
			}
			n++
			obj := map[string]any{"apiVersion": r.Inputs["apiVersion"], "kind": r.Inputs["kind"], "metadata": r.Inputs["metadata"], "spec": r.Inputs["spec"]}
			errs, _ := validators[r.Inputs["kind"].(string)].Validate(obj)
			assert.Empty(t, errs, "%s %s", env, r.Name)
			assert.Empty(t, karpenter.RuntimeProblems(obj), "%s %s", env, r.Name)
		}
		assert.Equal(t, 4, n, "%s registers an EC2NodeClass and three NodePools", env)
	}
}

func TestKarpenterInfrastructure(t *testing.T) {
	v := workloadStack(t, "prod")
	queue := v.byType("aws:sqs/queue:Queue")
	require.Len(t, queue, 1)
	assert.Equal(t, true, queue[0].Inputs["sqsManagedSseEnabled"])
	assert.Equal(t, "prod-eks", queue[0].Inputs["name"])
	rules := map[string]bool{}
	for _, r := range v.byType("aws:cloudwatch/eventRule:EventRule") {
		var pattern map[string][]string
		require.NoError(t, json.Unmarshal([]byte(r.Inputs["eventPattern"].(string)), &pattern))
		rules[pattern["detail-type"][0]] = true
	}
	assert.Equal(t, map[string]bool{"AWS Health Event": true, "EC2 Spot Instance Interruption Warning": true,
		"EC2 Instance Rebalance Recommendation": true, "EC2 Instance State-change Notification": true,
		"EC2 Capacity Reservation Instance Interruption Warning": true}, rules)
	assert.Len(t, v.byType("aws:cloudwatch/eventTarget:EventTarget"), 5)

	var nodeEntry bool
	for _, e := range v.byType("aws:eks/accessEntry:AccessEntry") {
		if e.Inputs["type"] == "EC2_LINUX" {
			nodeEntry = true
			assert.Contains(t, e.Inputs["principalArn"], ":role/prod-eks-karpenter-node-")
		}
	}
	assert.True(t, nodeEntry, "Karpenter's nodes need an EC2_LINUX access entry to join")
	var pia []plan.Resource
	for _, r := range v.byType("aws:eks/podIdentityAssociation:PodIdentityAssociation") {
		if strings.HasPrefix(r.Name, "prod-karpenter-") {
			pia = append(pia, r)
		}
	}
	require.Len(t, pia, 1)
	assert.Equal(t, "kube-system", pia[0].Inputs["namespace"])
	assert.Equal(t, "karpenter", pia[0].Inputs["serviceAccount"])
	karpenterPolicies := 0
	for _, r := range v.byType("aws:iam/policy:Policy") {
		if strings.HasPrefix(r.Name, "prod-karpenter-") {
			karpenterPolicies++
		}
	}
	assert.Equal(t, 6, karpenterPolicies, "the six reference controller policies")

	charts := map[string]map[string]any{}
	for _, c := range v.byType("kubernetes:helm.sh/v4:Chart") {
		charts[c.Name] = c.Inputs
	}
	chart := charts["prod-karpenter-chart"]
	require.NotNil(t, chart)
	assert.Equal(t, "1.15.2", chart["version"])
	assert.Equal(t, true, chart["skipCrds"], "the CRDs come from the karpenter-crd chart")
	values := chart["values"].(map[string]any)
	assert.Equal(t, map[string]any{"clusterName": "prod-eks", "interruptionQueue": "prod-eks"}, values["settings"])
	assert.Contains(t, values["tolerations"], map[string]any{"key": "CriticalAddonsOnly", "operator": "Exists"})
	assert.Equal(t, "oci://public.ecr.aws/karpenter/karpenter-crd", charts["prod-karpenter-crd"]["chart"])
}
