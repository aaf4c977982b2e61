package cicd

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/scope"
)

// GitHub Actions' OIDC issuer and the audience aws-actions/configure-aws-credentials requests.
const (
	GitHubIssuerHost = "token.actions.githubusercontent.com"
	GitHubAudience   = "sts.amazonaws.com"
	// PreviewRoleName is the read-only role pull requests of the platform's repository preview with.
	PreviewRoleName = "platform-preview"
	// DeployRunnerRoleName is the deploy runner's service role in the networking account.
	DeployRunnerRoleName = "platform-deploy-runner"
)

// GitHubProviderARN is the ARN of the GitHub OIDC provider in an account.
func GitHubProviderARN(accountID string) string {
	return "arn:aws:iam::" + accountID + ":oidc-provider/" + GitHubIssuerHost
}

// PublisherRoleName is the role an application's repository pushes its image with.
func PublisherRoleName(app string) string { return "platform-publisher-" + app }

// RoleARN is the ARN of a role (at path /) in an account.
func RoleARN(accountID, name string) string { return "arn:aws:iam::" + accountID + ":role/" + name }

// GitHubTrust lets GitHub Actions jobs whose token carries exactly one of the subjects (repo:<owner>/<repo>:...,
// matched with StringEquals: never a wildcard, never another repository) and the STS audience assume the role.
func GitHubTrust(accountID string, subjects ...string) iampolicy.Statement {
	return iampolicy.Statement{Sid: "GitHubActions", Effect: iampolicy.Allow,
		Principal: &iampolicy.Principal{Federated: []string{GitHubProviderARN(accountID)}},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: iampolicy.Condition{"StringEquals": {
			GitHubIssuerHost + ":aud": {GitHubAudience},
			GitHubIssuerHost + ":sub": subjects,
		}}}
}

// PipelineSubjects are the jobs that deploy: the platform repository's deploy branch, and its protected
// environment (required reviewers) that prod deploys run in.
func PipelineSubjects(g config.GitHub) []string {
	return []string{g.BranchSubject(g.Repository, g.Branch), g.EnvironmentSubject(g.Repository, g.Environment)}
}

// PipelineTrust is the trust of the platform-pipeline role: the pipeline's GitHub identity only. Jobs on the
// deploy runner authenticate the same way (the runner is a GitHub Actions runner), so its own role is not trusted.
func PipelineTrust(accountID string, g config.GitHub) iampolicy.Document {
	return iampolicy.New(GitHubTrust(accountID, PipelineSubjects(g)...))
}

// PreviewTrust lets pull requests of the platform repository (not forks: GitHub gives a fork's pull request no
// id-token) assume the preview role and, in a member account, the management account's preview role: the
// program's providers reach the members from there (platform:providerRole).
func PreviewTrust(accountID string, g config.GitHub, managementAccountID string) iampolicy.Document {
	doc := iampolicy.New(GitHubTrust(accountID, g.PullRequestSubject(g.Repository)))
	if managementAccountID != "" && managementAccountID != accountID {
		doc.Statement = append(doc.Statement, iampolicy.Statement{Sid: "ManagementPreview", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: []string{"arn:aws:iam::" + managementAccountID + ":root"}},
			Action:    []string{"sts:AssumeRole"},
			Condition: iampolicy.Condition{"ArnEquals": {"aws:PrincipalArn": {RoleARN(managementAccountID, PreviewRoleName)}}}})
	}
	return doc
}

// PreviewAssumesMembers lets the management account's preview role reach the members' preview roles.
func PreviewAssumesMembers() iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{Sid: "AssumeMemberPreview", Effect: iampolicy.Allow,
		Action: []string{"sts:AssumeRole"}, Resource: []string{"arn:aws:iam::*:role/" + PreviewRoleName}})
}

// PipelinePolicies are the pipeline role's managed policies: it deploys everything the platform owns. The
// guardrails still bind it where they do not exempt it (IAM users, root, IMDSv1), and only the organization
// access role can create or change it.
var PipelinePolicies = []string{"arn:aws:iam::aws:policy/AdministratorAccess"}

// PreviewPolicies let `pulumi preview` (and refresh) read every resource's configuration.
var PreviewPolicies = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}

// PreviewDenyData keeps the preview role to configuration: ReadOnlyAccess also reads data (objects, secrets,
// parameters, table items, queue messages, log events), which a pull request has no business reading.
func PreviewDenyData() iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{Sid: "DenyDataReads", Effect: iampolicy.Deny, Resource: []string{"*"}, Action: []string{
		"s3:GetObject", "s3:GetObjectVersion", "secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters",
		"ssm:GetParametersByPath", "kms:Decrypt", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
		"dynamodb:Scan", "sqs:ReceiveMessage", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery",
		"rds:DownloadDBLogFilePortion", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "lambda:GetFunction",
	}})
}

// AccountAccessArgs configures AccountAccess.
type AccountAccessArgs struct {
	scope.Scope // the account, home region (IAM is global)
	GitHub      config.GitHub
	// PipelineRoleName is the role the guardrails exempt (estate.pipelineRoleName).
	PipelineRoleName string
	// ManagementAccountID is the management account's ID; equal to AccountID for the management account itself.
	ManagementAccountID string
}

// AccountAccess creates, in one account, the GitHub OIDC provider, the platform-pipeline role (deploy; the
// pipeline's identity on the deploy branch or in the protected environment) and the platform-preview role
// (read-only configuration; pull requests of the platform's repository). It exports both role ARNs.
type AccountAccess struct {
	pulumi.ResourceState

	PipelineRoleARN, PreviewRoleARN string
}

// NewAccountAccess registers the GitHub roles of an account.
func NewAccountAccess(ctx *pulumi.Context, name string, args AccountAccessArgs, opts ...pulumi.ResourceOption) (_ *AccountAccess, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("account access %s: %w", name, err)
		}
	}()
	c := &AccountAccess{PipelineRoleARN: RoleARN(args.AccountID, args.PipelineRoleName), PreviewRoleARN: RoleARN(args.AccountID, PreviewRoleName)}
	if err := ctx.RegisterComponentResource("platform:cicd:AccountAccess", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering: %w", err)
	}
	provider, err := gitHubProvider(ctx, name, args.Scope, c)
	if err != nil {
		return nil, err
	}
	after := pulumi.DependsOn([]pulumi.Resource{provider})
	if _, err := role(ctx, scope.Child(name, "pipeline-role"), args.Scope, roleSpec{
		name: args.PipelineRoleName, description: "Deploys the platform: GitHub Actions on " + args.GitHub.Branch + " or in environment " + args.GitHub.Environment,
		trust:   PipelineTrust(args.AccountID, args.GitHub),
		managed: PipelinePolicies,
	}, c, after); err != nil {
		return nil, err
	}
	inline := map[string]iampolicy.Document{"deny-data": PreviewDenyData()}
	if args.AccountID == args.ManagementAccountID {
		inline["assume-member-preview"] = PreviewAssumesMembers()
	}
	if _, err := role(ctx, scope.Child(name, "preview-role"), args.Scope, roleSpec{
		name: PreviewRoleName, description: "Read-only preview for pull requests of " + args.GitHub.Owner + "/" + args.GitHub.Repository,
		trust: PreviewTrust(args.AccountID, args.GitHub, args.ManagementAccountID), managed: PreviewPolicies, inline: inline,
	}, c, after); err != nil {
		return nil, err
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{})
}

// gitHubProvider is the account's GitHub Actions OIDC provider. IAM verifies GitHub's certificate through its own
// trust store, so no thumbprint is pinned.
func gitHubProvider(ctx *pulumi.Context, name string, s scope.Scope, parent pulumi.Resource) (*iam.OpenIdConnectProvider, error) {
	p, err := iam.NewOpenIdConnectProvider(ctx, scope.Child(name, "github-oidc"), &iam.OpenIdConnectProviderArgs{
		Url:           pulumi.String("https://" + GitHubIssuerHost),
		ClientIdLists: pulumi.ToStringArray([]string{GitHubAudience}),
	}, s.In(parent)...)
	if err != nil {
		return nil, fmt.Errorf("creating the GitHub OIDC provider: %w", err)
	}
	return p, nil
}

// roleSpec is one role GitHub Actions assumes.
type roleSpec struct {
	name, description string
	trust             iampolicy.Document
	managed           []string
	inline            map[string]iampolicy.Document
}

// role creates a role with a one-hour session limit (a deploy that outlives it re-assumes).
func role(ctx *pulumi.Context, resName string, s scope.Scope, spec roleSpec, parent pulumi.Resource, opts ...pulumi.ResourceOption) (*iam.Role, error) {
	trust, err := spec.trust.JSON()
	if err != nil {
		return nil, err
	}
	r, err := iam.NewRole(ctx, resName, &iam.RoleArgs{
		Name:               pulumi.String(spec.name),
		Description:        pulumi.String(spec.description),
		AssumeRolePolicy:   pulumi.String(trust),
		MaxSessionDuration: pulumi.Int(3600),
		ManagedPolicyArns:  pulumi.ToStringArray(spec.managed),
	}, s.In(parent, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("creating role %s: %w", spec.name, err)
	}
	for _, k := range slices.Sorted(maps.Keys(spec.inline)) {
		text, err := spec.inline[k].JSON()
		if err != nil {
			return nil, err
		}
		if err := rolePolicy(ctx, resName+"-"+k, s, r, k, pulumi.String(text), parent); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// rolePolicy attaches an inline policy to a role.
func rolePolicy(ctx *pulumi.Context, resName string, s scope.Scope, r *iam.Role, name string, policy pulumi.StringInput, parent pulumi.Resource) error {
	if _, err := iam.NewRolePolicy(ctx, resName, &iam.RolePolicyArgs{Role: r.Name, Name: pulumi.String(name), Policy: policy}, s.In(parent)...); err != nil {
		return fmt.Errorf("creating policy %s: %w", resName, err)
	}
	return nil
}
