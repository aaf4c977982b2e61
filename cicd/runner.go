package cicd

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/bytoken"
	"github.com/innovate-inc/platform/internal/cloudwatch"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/scope"
)

// DeployRunnerArgs configures DeployRunner.
type DeployRunnerArgs struct {
	scope.Scope // the networking account, home region
	GitHub      config.GitHub
	Runner      config.Runner
	// VPCID and SubnetIDs are the shared-services VPC and its endpoint subnets (default route to the TGW).
	VPCID     pulumi.StringInput
	SubnetIDs pulumi.StringArrayInput
}

// RunnerProjectName is the CodeBuild project of the deploy runner; workflow jobs select it with
// runs-on: codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}.
const RunnerProjectName = "platform-deploy-runner"

// DeployRunner creates, in the networking account, a CodeBuild project that runs GitHub Actions jobs of the
// platform repository as ephemeral self-hosted runners inside the shared-services VPC: the workload stacks'
// `pulumi up` reaches the clusters' private endpoints (which admit the shared-services CIDR on 443) and leaves for
// the internet only through the network firewall. A job on the runner still authenticates to AWS by OIDC into
// platform-pipeline; the runner's own role can only write its logs and manage its network interfaces.
//
// The GitHub connection is created pending: an organization owner authorizes it once in the console, then
// delivery.runner.connected adds the webhook. Cost: CodeBuild per build minute ($0.005/min for MEDIUM Linux).
//
// It exports the project name.
type DeployRunner struct {
	pulumi.ResourceState

	ProjectName string
}

// NewDeployRunner registers the deploy runner.
func NewDeployRunner(ctx *pulumi.Context, name string, args DeployRunnerArgs, opts ...pulumi.ResourceOption) (_ *DeployRunner, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("deploy runner %s: %w", name, err)
		}
	}()
	c := &DeployRunner{ProjectName: RunnerProjectName}
	if err := ctx.RegisterComponentResource("platform:cicd:DeployRunner", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering: %w", err)
	}
	conn, err := bytoken.Register[bytoken.WithARN](ctx, connectionType, scope.Child(name, "github"), connection{
		Name: "platform-github", ProviderType: "GitHub",
	}, args.In(c)...)
	if err != nil {
		return nil, fmt.Errorf("creating the GitHub connection: %w", err)
	}
	logs, err := cloudwatch.NewLogGroup(ctx, scope.Child(name, "logs"), cloudwatch.LogGroupArgs{
		Name: "/platform/" + RunnerProjectName, RetentionInDays: 365,
	}, args.In(c)...)
	if err != nil {
		return nil, fmt.Errorf("creating the log group: %w", err)
	}
	sg, err := runnerSecurityGroup(ctx, name, args, c)
	if err != nil {
		return nil, err
	}
	roleARN, err := runnerRole(ctx, name, args, conn.Arn, logs.Arn, c)
	if err != nil {
		return nil, err
	}
	project, err := bytoken.Register[bytoken.WithName](ctx, projectType, scope.Child(name, "project"), buildProject{
		Name:        RunnerProjectName,
		Description: "Ephemeral GitHub Actions runners for " + args.GitHub.Owner + "/" + args.GitHub.Repository + " inside the shared-services VPC",
		ServiceRole: roleARN,
		Source: projectSource{
			Type:     "GITHUB",
			Location: fmt.Sprintf("https://github.com/%s/%s.git", args.GitHub.Owner, args.GitHub.Repository),
			Auth:     projectSourceAuth{Type: "CODECONNECTIONS", Resource: conn.Arn},
		},
		Artifacts: projectArtifacts{Type: "NO_ARTIFACTS"},
		Environment: projectEnvironment{
			Type: "LINUX_CONTAINER", ComputeType: args.Runner.ComputeType,
			Image:                    "aws/codebuild/amazonlinux-x86_64-standard:5.0",
			ImagePullCredentialsType: "CODEBUILD",
		},
		VPCConfig: projectVPCConfig{VPCID: args.VPCID, Subnets: args.SubnetIDs, SecurityGroupIDs: pulumi.StringArray{sg.ID()}},
		LogsConfig: projectLogsConfig{CloudwatchLogs: projectCloudwatchLogs{
			GroupName: logs.Name, Status: "ENABLED"}},
		BuildTimeout: args.Runner.TimeoutMinutes,
		Tags:         args.Tags.With(RunnerProjectName),
	}, args.In(c)...)
	if err != nil {
		return nil, fmt.Errorf("creating the project: %w", err)
	}
	if args.Runner.Connected {
		// Only queued workflow jobs start builds; a job asks for the runner by its runs-on label.
		if _, err := bytoken.Register[bytoken.Resource](ctx, webhookType, scope.Child(name, "webhook"), webhook{
			ProjectName: project.Name, BuildType: "BUILD",
			FilterGroups: []webhookFilterGroup{{Filters: []webhookFilter{{Type: "EVENT", Pattern: "WORKFLOW_JOB_QUEUED"}}}},
		}, args.In(c, webhookSecrets)...); err != nil {
			return nil, fmt.Errorf("creating the webhook: %w", err)
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"projectName": pulumi.String(RunnerProjectName)})
}

// runnerSecurityGroup admits nothing and lets the runner out on 443 only (GitHub, Pulumi Cloud, the module proxy,
// the AWS endpoints and the clusters' API servers); the route to the TGW takes it through the firewall.
func runnerSecurityGroup(ctx *pulumi.Context, name string, args DeployRunnerArgs, parent pulumi.Resource) (*ec2.SecurityGroup, error) {
	sgName := scope.Child(name, "sg")
	sg, err := ec2.NewSecurityGroup(ctx, sgName, &ec2.SecurityGroupArgs{
		Name:        pulumi.String(sgName),
		Description: pulumi.String("Deploy runner: no ingress, HTTPS out through the network firewall"),
		VpcId:       args.VPCID,
		Egress: ec2.SecurityGroupEgressArray{ec2.SecurityGroupEgressArgs{
			Description: pulumi.String("HTTPS out"), Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(443), ToPort: pulumi.Int(443),
			CidrBlocks: pulumi.ToStringArray([]string{"0.0.0.0/0"}),
		}},
		Tags: pulumi.ToStringMap(args.Tags.With(sgName)),
	}, args.In(parent)...)
	if err != nil {
		return nil, fmt.Errorf("creating security group %s: %w", sgName, err)
	}
	return sg, nil
}

// runnerRole is the project's service role: its logs, its network interfaces in the VPC, the GitHub connection.
func runnerRole(ctx *pulumi.Context, name string, args DeployRunnerArgs, connARN, logsARN pulumi.StringOutput, parent pulumi.Resource) (pulumi.StringOutput, error) {
	policy := pulumi.All(connARN, logsARN).ApplyT(func(v []any) (string, error) {
		return RunnerPolicy(args.AccountID, args.Region, v[0].(string), v[1].(string)).JSON()
	}).(pulumi.StringOutput)
	r, err := role(ctx, scope.Child(name, "role"), args.Scope, roleSpec{
		name: DeployRunnerRoleName, description: "Service role of the deploy runner (CodeBuild)",
		trust: iampolicy.ServiceTrust("codebuild.amazonaws.com", args.AccountID),
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	if err := rolePolicy(ctx, scope.Child(name, "role", "runner"), args.Scope, r, "runner", policy, parent); err != nil {
		return pulumi.StringOutput{}, err
	}
	return r.Arn, nil
}

// RunnerPolicy lets CodeBuild write the runner's logs, create and delete its network interfaces in the account's
// subnets, and use the GitHub connection.
func RunnerPolicy(accountID, region, connectionARN, logGroupARN string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{Sid: "Logs", Effect: iampolicy.Allow, Resource: []string{logGroupARN, logGroupARN + ":*"},
			Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}},
		// CodeBuild describes the VPC and manages the build's interface; these actions take no resource.
		iampolicy.Statement{Sid: "DescribeNetwork", Effect: iampolicy.Allow, Resource: []string{"*"}, Action: []string{
			"ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"}},
		iampolicy.Statement{Sid: "NetworkInterfaces", Effect: iampolicy.Allow, Resource: []string{"*"},
			Action: []string{"ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"}},
		iampolicy.Statement{Sid: "NetworkInterfacePermission", Effect: iampolicy.Allow,
			Resource:  []string{fmt.Sprintf("arn:aws:ec2:%s:%s:network-interface/*", region, accountID)},
			Action:    []string{"ec2:CreateNetworkInterfacePermission"},
			Condition: iampolicy.Condition{"StringEquals": {"ec2:AuthorizedService": {"codebuild.amazonaws.com"}}}},
		iampolicy.Statement{Sid: "GitHubConnection", Effect: iampolicy.Allow, Resource: []string{connectionARN},
			Action: []string{"codeconnections:GetConnection", "codeconnections:GetConnectionToken", "codeconnections:UseConnection"}},
	)
}
