package cicd

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The deploy runner's CodeBuild project, webhook and GitHub connection, and Argo CD's repository secret, are
// registered by type token with the local input types below rather than through the SDK's codebuild,
// codeconnections and secretsmanager packages: together those are 0.7 MB of generated Go, about 8 s of the
// program's cold build (codebuild 5.3 s; docs/PERFORMANCE.md), for four resource types. The input names are the
// provider's, checked against the SDK's types in tests.
const (
	connectionType = "aws:codeconnections/connection:Connection"
	projectType    = "aws:codebuild/project:Project"
	webhookType    = "aws:codebuild/webhook:Webhook"
	secretType     = "aws:secretsmanager/secret:Secret"
)

// webhookSecrets is what the SDK's codebuild.NewWebhook adds to every webhook: its secret output is kept secret.
var webhookSecrets = pulumi.AdditionalSecretOutputs([]string{"secret"})

type connection struct {
	Name         string `pulumi:"name"`
	ProviderType string `pulumi:"providerType"`
}

func (connection) ElementType() reflect.Type { return reflect.TypeFor[connection]() }

type buildProject struct {
	Name         string             `pulumi:"name"`
	Description  string             `pulumi:"description"`
	ServiceRole  pulumi.StringInput `pulumi:"serviceRole"`
	Source       projectSource      `pulumi:"source"`
	Artifacts    projectArtifacts   `pulumi:"artifacts"`
	Environment  projectEnvironment `pulumi:"environment"`
	VPCConfig    projectVPCConfig   `pulumi:"vpcConfig"`
	LogsConfig   projectLogsConfig  `pulumi:"logsConfig"`
	BuildTimeout int                `pulumi:"buildTimeout"`
	Tags         map[string]string  `pulumi:"tags"`
}

func (buildProject) ElementType() reflect.Type { return reflect.TypeFor[buildProject]() }

type projectSource struct {
	Type     string            `pulumi:"type"`
	Location string            `pulumi:"location"`
	Auth     projectSourceAuth `pulumi:"auth"`
}

type projectSourceAuth struct {
	Type     string             `pulumi:"type"`
	Resource pulumi.StringInput `pulumi:"resource"`
}

type projectArtifacts struct {
	Type string `pulumi:"type"`
}

type projectEnvironment struct {
	Type                     string `pulumi:"type"`
	ComputeType              string `pulumi:"computeType"`
	Image                    string `pulumi:"image"`
	ImagePullCredentialsType string `pulumi:"imagePullCredentialsType"`
}

type projectVPCConfig struct {
	VPCID            pulumi.StringInput      `pulumi:"vpcId"`
	Subnets          pulumi.StringArrayInput `pulumi:"subnets"`
	SecurityGroupIDs pulumi.StringArrayInput `pulumi:"securityGroupIds"`
}

type projectLogsConfig struct {
	CloudwatchLogs projectCloudwatchLogs `pulumi:"cloudwatchLogs"`
}

type projectCloudwatchLogs struct {
	GroupName pulumi.StringInput `pulumi:"groupName"`
	Status    string             `pulumi:"status"`
}

type webhook struct {
	ProjectName  pulumi.StringInput   `pulumi:"projectName"`
	BuildType    string               `pulumi:"buildType"`
	FilterGroups []webhookFilterGroup `pulumi:"filterGroups"`
}

func (webhook) ElementType() reflect.Type { return reflect.TypeFor[webhook]() }

type webhookFilterGroup struct {
	Filters []webhookFilter `pulumi:"filters"`
}

type webhookFilter struct {
	Type    string `pulumi:"type"`
	Pattern string `pulumi:"pattern"`
}

type repositorySecret struct {
	Name        string `pulumi:"name"`
	Description string `pulumi:"description"`
}

func (repositorySecret) ElementType() reflect.Type { return reflect.TypeFor[repositorySecret]() }
