package observability

import (
	"encoding/json"
	"fmt"

	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/cloudwatch"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/kmskey"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/scope"
)

// ContainerInsightsGroups are the log groups the CloudWatch agent (performance) and Fluent Bit (application,
// dataplane, host) write to, under /aws/containerinsights/<cluster>/.
var ContainerInsightsGroups = []string{"application", "dataplane", "host", "performance"}

// ControlPlaneLogGroup is the log group EKS writes the control-plane logs of a cluster to: it creates it itself,
// unencrypted and kept forever, when it does not exist.
func ControlPlaneLogGroup(cluster string) string { return "/aws/eks/" + cluster + "/cluster" }

// ContainerInsightsLogGroup is the Container Insights log group of a kind (ContainerInsightsGroups).
func ContainerInsightsLogGroup(cluster, kind string) string {
	return "/aws/containerinsights/" + cluster + "/" + kind
}

// ClusterLogsArgs configures ClusterLogs.
type ClusterLogsArgs struct {
	// Scope is the workload account in the home region, where the cluster runs.
	scope.Scope
	ClusterName   string
	RetentionDays int
}

// ClusterLogs creates, in the workload account and before the cluster: a KMS key for the cluster's logs, the
// control-plane log group and the Container Insights log groups, each encrypted with it and kept RetentionDays.
// Created first, they are the ones EKS, the CloudWatch agent and Fluent Bit write to; otherwise each creates its
// own, unencrypted and never expiring.
//
// Cost: $1/month for the key; CloudWatch Logs $0.50/GB ingested and $0.03/GB-month stored.
//
// It exports the key ARN; ControlPlane is what the cluster waits for, Groups what the add-on waits for.
type ClusterLogs struct {
	pulumi.ResourceState

	KeyARN       pulumi.StringOutput
	ControlPlane *cloudwatch.LogGroup
	Groups       []pulumi.Resource
}

// NewClusterLogs registers the key and the log groups.
func NewClusterLogs(ctx *pulumi.Context, name string, args ClusterLogsArgs, opts ...pulumi.ResourceOption) (*ClusterLogs, error) {
	c := &ClusterLogs{}
	if err := ctx.RegisterComponentResource("platform:observability:ClusterLogs", name, c, opts...); err != nil {
		return nil, err
	}
	child := args.In(c)
	key, err := kmskey.New(ctx, scope.Child(name, "key"), pulumi.String("Encrypts the control-plane and container logs of "+args.ClusterName),
		pulumi.String(ClusterLogsKeyPolicy(args.AccountID, args.Region, args.ClusterName).MustJSON()), child...)
	if err != nil {
		return nil, fmt.Errorf("cluster logs %s: creating the key: %w", name, err)
	}
	c.KeyARN = key.Arn
	group := func(role, groupName string) (*cloudwatch.LogGroup, error) {
		g, err := cloudwatch.NewLogGroup(ctx, scope.Child(name, role), cloudwatch.LogGroupArgs{
			Name:            groupName,
			RetentionInDays: args.RetentionDays,
			KMSKeyID:        key.Arn,
		}, child...)
		if err != nil {
			return nil, fmt.Errorf("cluster logs %s: creating log group %s: %w", name, groupName, err)
		}
		c.Groups = append(c.Groups, g)
		return g, nil
	}
	if c.ControlPlane, err = group("control-plane", ControlPlaneLogGroup(args.ClusterName)); err != nil {
		return nil, err
	}
	for _, kind := range ContainerInsightsGroups {
		if _, err := group(kind, ContainerInsightsLogGroup(args.ClusterName, kind)); err != nil {
			return nil, err
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"keyArn": key.Arn})
}

// ClusterLogsKeyPolicy lets the account administer the key and CloudWatch Logs of the region use it for the
// cluster's log groups only (the encryption context names the log group; security.LogGroupKeyPolicy does the
// same for every group of the account).
func ClusterLogsKeyPolicy(accountID, region, cluster string) iampolicy.Document {
	arn := func(group string) string {
		return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", region, accountID, group)
	}
	return iampolicy.New(
		iampolicy.AccountAdministers(accountID),
		iampolicy.Statement{Sid: "CloudWatchLogsUseForClusterLogs", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: []string{"logs." + region + ".amazonaws.com"}},
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  []string{"*"},
			Condition: iampolicy.Condition{"ArnLike": {"kms:EncryptionContext:aws:logs:arn": {
				arn(ControlPlaneLogGroup(cluster)), arn(ContainerInsightsLogGroup(cluster, "*"))}}}},
	)
}

// AgentPolicies are the managed policies of the CloudWatch agent's role: metrics and logs. Not
// AWSXrayWriteOnlyAccess: the add-on's configuration turns Application Signals (traces) off.
var AgentPolicies = []string{"arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"}

// AddonName is the CloudWatch observability EKS add-on.
const AddonName = "amazon-cloudwatch-observability"

// ClusterObservabilityArgs configures ClusterObservability.
type ClusterObservabilityArgs struct {
	// Scope is the workload account in the home region, where the cluster runs.
	scope.Scope
	ClusterName  string
	AddonVersion string
	// DependsOn are the log groups (ClusterLogs.Groups) and the nodes the add-on's controller schedules on.
	DependsOn []pulumi.Resource
}

// ClusterObservability creates, in the workload account: the Pod Identity role of the CloudWatch agent and Fluent
// Bit (CloudWatchAgentServerPolicy) and the amazon-cloudwatch-observability EKS add-on at the pinned version:
// Container Insights with enhanced observability (the cluster_* and node_* metrics the alarms and dashboards read)
// and container logs through Fluent Bit, into the groups ClusterLogs created. Application Signals is off.
//
// Cost: Container Insights with enhanced observability is charged per observation (a few dollars per node and
// month for a small cluster); the logs at CloudWatch Logs prices.
//
// It exports the add-on's ARN.
type ClusterObservability struct {
	pulumi.ResourceState
}

// NewClusterObservability registers the role and the add-on.
func NewClusterObservability(ctx *pulumi.Context, name string, args ClusterObservabilityArgs, opts ...pulumi.ResourceOption) (*ClusterObservability, error) {
	c := &ClusterObservability{}
	if err := ctx.RegisterComponentResource("platform:observability:ClusterObservability", name, c, opts...); err != nil {
		return nil, err
	}
	child := args.In(c)
	role, err := iam.NewRole(ctx, scope.Child(name, "agent-role"), &iam.RoleArgs{
		Name:              pulumi.String(naming.Limited(scope.Child(name, "agent"), naming.MaxIAMRoleName)),
		Description:       pulumi.String("CloudWatch agent and Fluent Bit of " + args.ClusterName + " (EKS Pod Identity)"),
		AssumeRolePolicy:  pulumi.String(iampolicy.PodIdentityTrust(args.AccountID).MustJSON()),
		ManagedPolicyArns: pulumi.ToStringArray(AgentPolicies),
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("cluster observability %s: creating the agent role: %w", name, err)
	}
	addon, err := awseks.NewAddon(ctx, scope.Child(name, "addon"), &awseks.AddonArgs{
		ClusterName:              pulumi.String(args.ClusterName),
		AddonName:                pulumi.String(AddonName),
		AddonVersion:             pulumi.String(args.AddonVersion),
		ConfigurationValues:      pulumi.String(AddonValues()),
		ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
		ResolveConflictsOnUpdate: pulumi.String("OVERWRITE"),
		// Fluent Bit uses the agent's service account since add-on v3.1.0.
		PodIdentityAssociations: awseks.AddonPodIdentityAssociationArray{awseks.AddonPodIdentityAssociationArgs{
			RoleArn: role.Arn, ServiceAccount: pulumi.String("cloudwatch-agent")}},
	}, append(child, scope.After(args.DependsOn...))...)
	if err != nil {
		return nil, fmt.Errorf("cluster observability %s: creating the add-on: %w", name, err)
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"addonArn": addon.Arn})
}

// AddonValues is the add-on's configuration: the agent collects Container Insights with enhanced observability
// and nothing else (no Application Signals, so no traces and no X-Ray permissions); the controller manager
// tolerates the system nodes' CriticalAddonsOnly taint (the add-on gives it no tolerations since v3.0.0, and
// it would wait for Karpenter's nodes, which come later).
func AddonValues() string {
	v := map[string]any{
		"agent": map[string]any{"config": map[string]any{"logs": map[string]any{"metrics_collected": map[string]any{
			"kubernetes": map[string]any{"enhanced_container_insights": true}}}}},
		"containerLogs": map[string]any{"enabled": true},
		"manager": map[string]any{"tolerations": []map[string]string{
			{"key": "CriticalAddonsOnly", "operator": "Exists", "effect": "NoSchedule"}}},
	}
	b, _ := json.Marshal(v)
	return string(b)
}
