package cicd_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/cicd"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/mocks"
)

func runRunner(t *testing.T, connected bool) *mocks.Monitor {
	t.Helper()
	mon, err := fixtures.Run(t, "network", "us-east-1", func(ctx *pulumi.Context) error {
		s, err := scopeIn(ctx, networking, "us-east-1")
		if err != nil {
			return err
		}
		_, err = cicd.NewDeployRunner(ctx, "network-deploy-runner", cicd.DeployRunnerArgs{
			Scope: s, GitHub: gh, Runner: config.Runner{ComputeType: "BUILD_GENERAL1_MEDIUM", TimeoutMinutes: 60, Connected: connected},
			VPCID: pulumi.String("vpc-shared"), SubnetIDs: pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}),
		})
		return err
	})
	require.NoError(t, err)
	return mon
}

func TestDeployRunnerRunsInTheSharedServicesVPC(t *testing.T) {
	mon := runRunner(t, false)
	projects := mon.ByType("aws:codebuild/project:Project")
	require.Len(t, projects, 1)
	p := mocks.Plain(projects[0].Inputs)
	assert.Equal(t, cicd.RunnerProjectName, p["name"])
	vpc := p["vpcConfig"].(map[string]any)
	assert.Equal(t, "vpc-shared", vpc["vpcId"])
	assert.Equal(t, []any{"subnet-a", "subnet-b"}, vpc["subnets"])
	src := p["source"].(map[string]any)
	assert.Equal(t, "https://github.com/innovate-inc/platform.git", src["location"])
	assert.Equal(t, "CODECONNECTIONS", src["auth"].(map[string]any)["type"])
	assert.Equal(t, 60.0, p["buildTimeout"])

	sgs := mon.ByType("aws:ec2/securityGroup:SecurityGroup")
	require.Len(t, sgs, 1)
	sg := mocks.Plain(sgs[0].Inputs)
	assert.Nil(t, sg["ingress"], "nothing reaches the runner")
	egress := sg["egress"].([]any)
	require.Len(t, egress, 1)
	assert.Equal(t, 443.0, egress[0].(map[string]any)["fromPort"])
	assert.Equal(t, 443.0, egress[0].(map[string]any)["toPort"])

	assert.Empty(t, mon.ByType("aws:codebuild/webhook:Webhook"), "no webhook before the connection is authorized")
}

func TestDeployRunnerWebhookOnceConnected(t *testing.T) {
	hooks := runRunner(t, true).ByType("aws:codebuild/webhook:Webhook")
	require.Len(t, hooks, 1)
	filters := mocks.Plain(hooks[0].Inputs)["filterGroups"].([]any)[0].(map[string]any)["filters"].([]any)
	assert.Equal(t, []any{map[string]any{"type": "EVENT", "pattern": "WORKFLOW_JOB_QUEUED"}}, filters)
}

func TestRunnerRoleCannotDeploy(t *testing.T) {
	mon := runRunner(t, false)
	role, ok := mon.Named("aws:iam/role:Role", "network-deploy-runner-role")
	require.True(t, ok)
	trust, err := iampolicy.Parse(mocks.Plain(role.Inputs)["assumeRolePolicy"].(string))
	require.NoError(t, err)
	assert.Equal(t, []string{"codebuild.amazonaws.com"}, trust.Statement[0].Principal.Service)
	assert.Equal(t, []string{networking}, trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"])
	assert.Empty(t, mocks.Plain(role.Inputs)["managedPolicyArns"])

	doc := cicd.RunnerPolicy(networking, "us-east-1", "arn:conn", "arn:logs")
	for _, s := range doc.Statement {
		for _, a := range []string{"sts:AssumeRole", "iam:PassRole", "ecr:PutImage", "eks:DescribeCluster"} {
			assert.False(t, s.CoversAction(a), "the runner's own role may not %s: jobs use OIDC", a)
		}
	}
}
