package tests

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/cicd"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/offline"
	"github.com/innovate-inc/platform/internal/plan"
)

// Every account, the management account included, gets the GitHub OIDC provider, platform-pipeline (the role the
// guardrails exempt) and platform-preview, from the security stack through the organization access role.
func TestPipelineRoleInEveryAccount(t *testing.T) {
	res := fullPlan(t)
	sec, ok := res.Stack("security")
	require.True(t, ok)
	org, _ := res.Stack("org")
	accounts := map[string]bool{}
	for _, id := range org.Outputs["accountIds"].(map[string]any) {
		accounts[id.(string)] = true
	}
	require.NotEmpty(t, accounts)
	pipeline, preview, oidc := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, r := range sec.Resources {
		switch r.Type {
		case "aws:iam/role:Role":
			switch r.Inputs["name"] {
			case "platform-pipeline":
				pipeline[r.Account] = true
				doc, err := iampolicy.Parse(r.Inputs["assumeRolePolicy"].(string))
				require.NoError(t, err)
				subs := doc.Statement[0].Condition["StringEquals"]["token.actions.githubusercontent.com:sub"]
				assert.Equal(t, []string{"repo:innovate-inc/platform:ref:refs/heads/main", "repo:innovate-inc/platform:environment:production"}, subs, r.Name)
			case "platform-preview":
				preview[r.Account] = true
			}
		case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
			oidc[r.Account] = true
		}
	}
	for id := range accounts {
		assert.True(t, pipeline[id], "account %s has platform-pipeline", id)
		assert.True(t, preview[id], "account %s has platform-preview", id)
		assert.True(t, oidc[id], "account %s has the GitHub OIDC provider", id)
	}
	assert.Len(t, pipeline, len(accounts)+1, "and the management account")
}

// ECR lives in the networking account: a repository per application, the pull-through caches the clusters need,
// replication to the DR region.
func TestRegistryInNetworkingAccount(t *testing.T) {
	net, ok := fullPlan(t).Stack("network")
	require.True(t, ok)
	networking := net.Outputs["networkingAccountId"].(string)
	count := map[string]int{}
	for _, r := range net.Resources {
		if strings.HasPrefix(r.Type, "aws:ecr/") {
			count[r.Type]++
			assert.Equal(t, networking, r.Account, r.Name)
		}
	}
	assert.Equal(t, 2, count["aws:ecr/repository:Repository"])
	assert.Equal(t, 3, count["aws:ecr/pullThroughCacheRule:PullThroughCacheRule"])
	assert.Equal(t, 1, count["aws:ecr/replicationConfiguration:ReplicationConfiguration"])
	urls := net.Outputs["repositoryUrls"].(map[string]any)
	assert.Equal(t, networking+".dkr.ecr.us-east-1.amazonaws.com/innovate/backend", urls["backend"])
	assert.Equal(t, networking+".dkr.ecr.us-east-1.amazonaws.com", net.Outputs["registryHost"])
}

func findRole(s plan.StackPlan, name string) (plan.Resource, bool) {
	for _, r := range s.Resources {
		if r.Type == "aws:iam/role:Role" && r.Inputs["name"] == name {
			return r, true
		}
	}
	return plan.Resource{}, false
}

func TestPublisherRolesPushFromTheirApplicationsMain(t *testing.T) {
	net, _ := fullPlan(t).Stack("network")
	for _, app := range []string{"backend", "frontend"} {
		r, ok := findRole(net, "platform-publisher-"+app)
		require.True(t, ok, app)
		doc, err := iampolicy.Parse(r.Inputs["assumeRolePolicy"].(string))
		require.NoError(t, err)
		assert.Equal(t, []string{"repo:innovate-inc/" + app + ":ref:refs/heads/main"},
			doc.Statement[0].Condition["StringEquals"]["token.actions.githubusercontent.com:sub"])
	}
}

// The deploy runner sits in the shared-services VPC, whose CIDR every cluster's private endpoint admits.
func TestDeployRunnerReachesTheClusters(t *testing.T) {
	res := fullPlan(t)
	net, _ := res.Stack("network")
	var project *plan.Resource
	for i, r := range net.Resources {
		if r.Type == "aws:codebuild/project:Project" {
			project = &net.Resources[i]
		}
	}
	require.NotNil(t, project)
	vpc := project.Inputs["vpcConfig"].(map[string]any)
	assert.Equal(t, net.Outputs["sharedServicesVpcId"], vpc["vpcId"])
	assert.Len(t, vpc["subnets"], 3, "one subnet per AZ of the shared-services VPC")
	shared := net.Outputs["hubCidrs"].(map[string]any)["shared"].(string)
	for _, env := range []string{"dev", "staging", "prod"} {
		s, ok := res.Stack(env)
		require.True(t, ok)
		found := false
		for _, r := range s.Resources {
			if r.Type != "aws:ec2/securityGroupRule:SecurityGroupRule" && r.Type != "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" {
				continue
			}
			if r.Inputs["cidrIpv4"] == shared || strings.Contains(strings.Join(toStrings(r.Inputs["cidrBlocks"]), ","), shared) {
				found = true
			}
		}
		assert.True(t, found, "stack %s admits the deploy runner's CIDR %s", env, shared)
	}
}

func toStrings(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			out = append(out, x.(string))
		}
	}
	return out
}

// Pull request previews run with platform:providerRole=platform-preview: every member account is reached through
// its read-only preview role, never the access role.
func TestPreviewReachesMembersThroughPreviewRoles(t *testing.T) {
	proj := fixtures.Project(t)
	for i := range proj.Stacks {
		proj.Stacks[i].Config["platform:providerRole"] = "platform-preview"
	}
	res, err := offline.RunProject(proj, "network")
	require.NoError(t, err)
	net, _ := res.Stack("network")
	assumed := 0
	for _, r := range net.Resources {
		if r.Type != "pulumi:providers:aws" {
			continue
		}
		text := fmt.Sprint(r.Inputs["assumeRole"], r.Inputs["assumeRoles"])
		if strings.Contains(text, ":role/") {
			assumed++
			assert.Contains(t, text, ":role/platform-preview", r.Name)
			assert.NotContains(t, text, "OrganizationAccountAccessRole", r.Name)
		}
	}
	assert.NotZero(t, assumed)
}

// Nodes pull every image of a registry the estate caches through the networking account's cache (ECR endpoints,
// not the internet): no chart of a workload stack names ECR Public, quay.io or registry.k8s.io directly, and the
// controllers' images are the caches'.
func TestClusterImagesComeThroughTheCaches(t *testing.T) {
	caches := fixtures.Stack(t, "prod").Delivery.PullThroughCaches
	require.NotEmpty(t, caches)
	host := networkingID + ".dkr.ecr.us-east-1.amazonaws.com"
	for env := range workloadAccounts {
		v := workloadStack(t, env)
		var images []string
		for _, c := range v.byType("kubernetes:helm.sh/v4:Chart") {
			collectImages(c.Inputs["values"], &images)
		}
		require.NotEmpty(t, images, env)
		for _, img := range images {
			for _, c := range caches {
				assert.False(t, strings.HasPrefix(img, c.Upstream+"/"), "%s: %s bypasses the %s cache", env, img, c.Prefix)
			}
		}
		assert.Contains(t, images, host+"/ecr-public/karpenter/controller", env)
		assert.Contains(t, images, host+"/ecr-public/eks/aws-load-balancer-controller", env)
		assert.Contains(t, images, host+"/quay/argoproj/argocd", env)
	}
}

// collectImages gathers the repository of every map under a key "image".
func collectImages(v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			if m, ok := child.(map[string]any); ok && k == "image" {
				if repo, ok := m["repository"].(string); ok {
					*out = append(*out, repo)
				}
			}
			collectImages(child, out)
		}
	case []any:
		for _, child := range x {
			collectImages(child, out)
		}
	}
}

// A pull-request preview (platform:providerRole=platform-preview) reaches the cluster as the preview role, which
// has an access entry in every cluster: view everywhere, Secrets only in kube-system (the load balancer
// controller's chart looks its webhook certificate up while rendering), never in the application namespaces.
func TestPreviewReachesTheClusterReadOnly(t *testing.T) {
	proj := fixtures.Project(t)
	for i := range proj.Stacks {
		proj.Stacks[i].Config = maps.Clone(proj.Stacks[i].Config)
		proj.Stacks[i].Config[config.KeyProviderRole] = cicd.PreviewRoleName
	}
	res, err := offline.RunProject(proj, "dev")
	require.NoError(t, err)
	s, ok := res.Stack("dev")
	require.True(t, ok)
	v := stackView{t, s}
	preview := "arn:aws:iam::" + workloadAccounts["dev"] + ":role/" + cicd.PreviewRoleName
	cluster := v.named("eks:index:Cluster", "dev-eks")
	assert.Equal(t, preview, str(cluster.Inputs, "providerCredentialOpts", "roleArn"))
	entry := v.named("aws:eks/accessEntry:AccessEntry", "dev-eks-access-preview")
	assert.Equal(t, preview, entry.Inputs["principalArn"])
	view := v.named("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "dev-eks-access-preview-view")
	assert.Equal(t, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", view.Inputs["policyArn"])
	assert.Equal(t, "cluster", str(view.Inputs, "accessScope", "type"))
	secrets := v.named("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "dev-eks-access-preview-secrets")
	assert.Equal(t, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy", secrets.Inputs["policyArn"])
	assert.Equal(t, map[string]any{"type": "namespace", "namespaces": []any{"kube-system"}}, secrets.Inputs["accessScope"])

	// `pulumi up` keeps the access role.
	deploy := workloadStack(t, "dev").named("eks:index:Cluster", "dev-eks")
	assert.Equal(t, "arn:aws:iam::"+workloadAccounts["dev"]+":role/OrganizationAccountAccessRole", str(deploy.Inputs, "providerCredentialOpts", "roleArn"))
}
