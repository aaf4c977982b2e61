package cicd_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/cicd"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/mocks"
	"github.com/innovate-inc/platform/org"
)

var gh = config.GitHub{Owner: "innovate-inc", Repository: "platform", Branch: "main", Environment: "production"}

// assertScopedTrust checks a web-identity statement the way the DR rule does: StringEquals on the audience and on
// sub, every sub one repository of the owner, no wildcard.
func assertScopedTrust(t *testing.T, s iampolicy.Statement, wantSubs ...string) {
	t.Helper()
	assert.Equal(t, []string{"sts:AssumeRoleWithWebIdentity"}, s.Action)
	require.NotNil(t, s.Principal)
	require.Len(t, s.Principal.Federated, 1)
	assert.True(t, strings.HasSuffix(s.Principal.Federated[0], ":oidc-provider/token.actions.githubusercontent.com"))
	assert.Len(t, s.Condition, 1, "only StringEquals: StringLike would admit wildcards")
	eq := s.Condition["StringEquals"]
	assert.Equal(t, []string{"sts.amazonaws.com"}, eq["token.actions.githubusercontent.com:aud"])
	assert.Equal(t, wantSubs, eq["token.actions.githubusercontent.com:sub"])
	for _, sub := range eq["token.actions.githubusercontent.com:sub"] {
		assert.NotContains(t, sub, "*")
		assert.True(t, strings.HasPrefix(sub, "repo:innovate-inc/"), sub)
	}
}

func TestPipelineTrust(t *testing.T) {
	doc := cicd.PipelineTrust(devAcct, gh)
	require.Len(t, doc.Statement, 1, "nothing but the pipeline's GitHub identity")
	assertScopedTrust(t, doc.Statement[0], "repo:innovate-inc/platform:ref:refs/heads/main", "repo:innovate-inc/platform:environment:production")
}

func TestPreviewTrustIsPullRequestsOfThisRepository(t *testing.T) {
	const mgmt = "999999999999"
	doc := cicd.PreviewTrust(mgmt, gh, mgmt)
	require.Len(t, doc.Statement, 1)
	assertScopedTrust(t, doc.Statement[0], "repo:innovate-inc/platform:pull_request")

	doc = cicd.PreviewTrust(devAcct, gh, mgmt)
	require.Len(t, doc.Statement, 2)
	assertScopedTrust(t, doc.Statement[0], "repo:innovate-inc/platform:pull_request")
	m := doc.Statement[1]
	assert.Equal(t, []string{"arn:aws:iam::999999999999:root"}, m.Principal.AWS)
	assert.Equal(t, []string{"arn:aws:iam::999999999999:role/platform-preview"}, m.Condition["ArnEquals"]["aws:PrincipalArn"],
		"only the management account's preview role, not the pipeline or anyone else there")
	assert.False(t, cicd.PreviewAssumesMembers().Statement[0].CoversResource("arn:aws:iam::"+devAcct+":role/OrganizationAccountAccessRole"))
}

func TestPreviewDeniesDataReads(t *testing.T) {
	deny := cicd.PreviewDenyData().Statement[0]
	for _, a := range []string{"s3:GetObject", "secretsmanager:GetSecretValue", "kms:Decrypt", "ssm:GetParameter"} {
		assert.True(t, deny.CoversAction(a), a)
	}
}

func TestAccountAccess(t *testing.T) {
	mon, err := fixtures.Run(t, "security", "us-east-1", func(ctx *pulumi.Context) error {
		s, err := scopeIn(ctx, devAcct, "us-east-1")
		if err != nil {
			return err
		}
		_, err = cicd.NewAccountAccess(ctx, "security-github-access-dev", cicd.AccountAccessArgs{Scope: s, GitHub: gh, PipelineRoleName: "platform-pipeline"})
		return err
	})
	require.NoError(t, err)
	oidc := mon.ByType("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
	require.Len(t, oidc, 1)
	in := mocks.Plain(oidc[0].Inputs)
	assert.Equal(t, "https://token.actions.githubusercontent.com", in["url"])
	assert.Equal(t, []any{"sts.amazonaws.com"}, in["clientIdLists"])

	roles := map[string]mocks.Resource{}
	for _, r := range mon.ByType("aws:iam/role:Role") {
		roles[mocks.Plain(r.Inputs)["name"].(string)] = r
	}
	require.Contains(t, roles, "platform-pipeline")
	require.Contains(t, roles, "platform-preview")
	assert.Equal(t, []any{"arn:aws:iam::aws:policy/AdministratorAccess"}, mocks.Plain(roles["platform-pipeline"].Inputs)["managedPolicyArns"])
	assert.Equal(t, []any{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, mocks.Plain(roles["platform-preview"].Inputs)["managedPolicyArns"])
	assert.Equal(t, 3600.0, mocks.Plain(roles["platform-pipeline"].Inputs)["maxSessionDuration"])
	trust, err := iampolicy.Parse(mocks.Plain(roles["platform-pipeline"].Inputs)["assumeRolePolicy"].(string))
	require.NoError(t, err)
	assertScopedTrust(t, trust.Statement[0], "repo:innovate-inc/platform:ref:refs/heads/main", "repo:innovate-inc/platform:environment:production")
	_, ok := mon.Named("aws:iam/rolePolicy:RolePolicy", "security-github-access-dev-preview-role-deny-data")
	assert.True(t, ok, "the preview role's data deny is attached")
}

func TestPublishersPushOnlyTheirRepository(t *testing.T) {
	mon, err := fixtures.Run(t, "network", "us-east-1", func(ctx *pulumi.Context) error {
		s, err := scopeIn(ctx, networking, "us-east-1")
		if err != nil {
			return err
		}
		p, err := cicd.NewPublishers(ctx, "network-publishers", cicd.PublishersArgs{Scope: s, GitHub: gh, Company: "innovate",
			Applications: []config.Application{{Name: "backend", Repository: "backend-api"}}})
		if err == nil {
			assert.Equal(t, map[string]string{"backend": publisher}, p.RoleARNs)
		}
		return err
	})
	require.NoError(t, err)
	role, ok := mon.Named("aws:iam/role:Role", "network-publishers-backend")
	require.True(t, ok)
	trust, err := iampolicy.Parse(mocks.Plain(role.Inputs)["assumeRolePolicy"].(string))
	require.NoError(t, err)
	assertScopedTrust(t, trust.Statement[0], "repo:innovate-inc/backend-api:ref:refs/heads/main")
	pol, ok := mon.Named("aws:iam/rolePolicy:RolePolicy", "network-publishers-backend-push")
	require.True(t, ok)
	doc, err := iampolicy.Parse(mocks.Plain(pol.Inputs)["policy"].(string))
	require.NoError(t, err)
	assert.Equal(t, []string{"arn:aws:ecr:us-east-1:" + networking + ":repository/innovate/backend"}, doc.Statement[1].Resource)
	assert.Equal(t, []string{"*"}, doc.Statement[0].Resource)
	assert.Equal(t, []string{"ecr:GetAuthorizationToken"}, doc.Statement[0].Action, "only the login is on every resource")
}

// The guardrails exempt the pipeline role by name, so only the organization access role may create or alter it.
func TestGuardrailsProtectThePipelineRole(t *testing.T) {
	e := fixtures.Stack(t, "org").Estate
	o := *fixtures.Stack(t, "org").Organization
	var protect *iampolicy.Statement
	for _, g := range org.SCPs(e, o) {
		for i, s := range g.Document.Statement {
			if s.Sid == "ProtectPlatformRoles" {
				protect = &g.Document.Statement[i]
			}
		}
	}
	require.NotNil(t, protect)
	arn := cicd.RoleARN(devAcct, e.PipelineRoleName)
	for _, a := range []string{"iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRole"} {
		assert.True(t, protect.CoversAction(a), a)
	}
	assert.True(t, protect.CoversResource(arn))
	assert.Equal(t, []string{"arn:aws:iam::*:role/" + e.AccessRoleName}, protect.Condition["ArnNotLike"]["aws:PrincipalArn"])
}
