// Package cloudwatch registers the CloudWatch and EventBridge resources the platform uses (log groups, metric
// alarms, a dashboard, event rules, targets and a bus policy) by their type tokens, aws:cloudwatch/<name>:<Type>,
// with the typed inputs below rather than through the provider SDK's cloudwatch package: that package is 1.3 MB
// of generated Go, 14.7 s of the program's cold build (docs/PERFORMANCE.md), for these six types. The constructors and input names follow the SDK's (cloudwatch.NewLogGroup, LogGroupArgs), and the input
// types are checked against the SDK's in this package's tests. An optional input left nil is not sent.
package cloudwatch

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/bytoken"
)

// The resources' type tokens.
const (
	LogGroupType       = "aws:cloudwatch/logGroup:LogGroup"
	MetricAlarmType    = "aws:cloudwatch/metricAlarm:MetricAlarm"
	DashboardType      = "aws:cloudwatch/dashboard:Dashboard"
	EventRuleType      = "aws:cloudwatch/eventRule:EventRule"
	EventTargetType    = "aws:cloudwatch/eventTarget:EventTarget"
	EventBusPolicyType = "aws:cloudwatch/eventBusPolicy:EventBusPolicy"
)

// LogGroupArgs are a log group's inputs; KMSKeyID is optional.
type LogGroupArgs struct {
	Name            string             `pulumi:"name"`
	RetentionInDays int                `pulumi:"retentionInDays"`
	KMSKeyID        pulumi.StringInput `pulumi:"kmsKeyId"`
}

func (LogGroupArgs) ElementType() reflect.Type { return reflect.TypeFor[LogGroupArgs]() }

// LogGroup is a registered log group: its ARN and name.
type LogGroup struct {
	pulumi.CustomResourceState

	Arn  pulumi.StringOutput `pulumi:"arn"`
	Name pulumi.StringOutput `pulumi:"name"`
}

// NewLogGroup registers a log group.
func NewLogGroup(ctx *pulumi.Context, name string, args LogGroupArgs, opts ...pulumi.ResourceOption) (*LogGroup, error) {
	return bytoken.Register[LogGroup](ctx, LogGroupType, name, args, opts...)
}

// MetricAlarmArgs are a metric alarm's inputs on one metric.
type MetricAlarmArgs struct {
	Name               string                `pulumi:"name"`
	AlarmDescription   string                `pulumi:"alarmDescription"`
	Namespace          string                `pulumi:"namespace"`
	MetricName         string                `pulumi:"metricName"`
	Dimensions         pulumi.StringMapInput `pulumi:"dimensions"`
	Statistic          string                `pulumi:"statistic"`
	ComparisonOperator string                `pulumi:"comparisonOperator"`
	Threshold          float64               `pulumi:"threshold"`
	Period             int                   `pulumi:"period"`
	EvaluationPeriods  int                   `pulumi:"evaluationPeriods"`
	TreatMissingData   string                `pulumi:"treatMissingData"`
	AlarmActions       pulumi.ArrayInput     `pulumi:"alarmActions"`
	OkActions          pulumi.ArrayInput     `pulumi:"okActions"`
}

func (MetricAlarmArgs) ElementType() reflect.Type { return reflect.TypeFor[MetricAlarmArgs]() }

// NewMetricAlarm registers a metric alarm.
func NewMetricAlarm(ctx *pulumi.Context, name string, args MetricAlarmArgs, opts ...pulumi.ResourceOption) (*bytoken.Resource, error) {
	return bytoken.Register[bytoken.Resource](ctx, MetricAlarmType, name, args, opts...)
}

// DashboardArgs are a dashboard's inputs: its name and its body (JSON).
type DashboardArgs struct {
	DashboardName string             `pulumi:"dashboardName"`
	DashboardBody pulumi.StringInput `pulumi:"dashboardBody"`
}

func (DashboardArgs) ElementType() reflect.Type { return reflect.TypeFor[DashboardArgs]() }

// NewDashboard registers a dashboard.
func NewDashboard(ctx *pulumi.Context, name string, args DashboardArgs, opts ...pulumi.ResourceOption) (*bytoken.Resource, error) {
	return bytoken.Register[bytoken.Resource](ctx, DashboardType, name, args, opts...)
}

// EventRuleArgs are an EventBridge rule's inputs on the default bus.
type EventRuleArgs struct {
	Name         string `pulumi:"name"`
	Description  string `pulumi:"description"`
	EventPattern string `pulumi:"eventPattern"`
}

func (EventRuleArgs) ElementType() reflect.Type { return reflect.TypeFor[EventRuleArgs]() }

// NewEventRule registers an EventBridge rule; its targets name it by its Name.
func NewEventRule(ctx *pulumi.Context, name string, args EventRuleArgs, opts ...pulumi.ResourceOption) (*bytoken.WithName, error) {
	return bytoken.Register[bytoken.WithName](ctx, EventRuleType, name, args, opts...)
}

// EventTargetArgs are a rule target's inputs; RoleARN is optional (a bus in another account needs one).
type EventTargetArgs struct {
	Rule     pulumi.StringInput `pulumi:"rule"`
	Arn      pulumi.StringInput `pulumi:"arn"`
	RoleARN  pulumi.StringInput `pulumi:"roleArn"`
	TargetID string             `pulumi:"targetId"`
}

func (EventTargetArgs) ElementType() reflect.Type { return reflect.TypeFor[EventTargetArgs]() }

// NewEventTarget registers a rule's target.
func NewEventTarget(ctx *pulumi.Context, name string, args EventTargetArgs, opts ...pulumi.ResourceOption) (*bytoken.Resource, error) {
	return bytoken.Register[bytoken.Resource](ctx, EventTargetType, name, args, opts...)
}

// EventBusPolicyArgs are an event bus's resource policy inputs.
type EventBusPolicyArgs struct {
	EventBusName string `pulumi:"eventBusName"`
	Policy       string `pulumi:"policy"`
}

func (EventBusPolicyArgs) ElementType() reflect.Type { return reflect.TypeFor[EventBusPolicyArgs]() }

// NewEventBusPolicy registers an event bus policy.
func NewEventBusPolicy(ctx *pulumi.Context, name string, args EventBusPolicyArgs, opts ...pulumi.ResourceOption) (*bytoken.Resource, error) {
	return bytoken.Register[bytoken.Resource](ctx, EventBusPolicyType, name, args, opts...)
}
