package observability

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/cloudwatch"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/scope"
)

// Alarm is one CloudWatch alarm on a metric of Metrics.
type Alarm struct {
	// Name is the alarm's role (rds-cpu); the alarm is named after the component and it.
	Name string
	// Metric is a key of Metrics; Dimensions give a value to each of its dimensions.
	Metric     string
	Dimensions map[string]pulumi.StringInput
	Statistic  string
	// Comparison is a CloudWatch operator (GreaterThanThreshold, LessThanThreshold...).
	Comparison string
	Threshold  float64
	// PeriodSeconds and Periods: the alarm fires when Periods periods in a row cross the threshold.
	PeriodSeconds int
	Periods       int
	Description   string
	// MissingIsBreaching alarms when the metric stops (a tunnel that reports nothing is down).
	MissingIsBreaching bool
}

// PlatformAlarmsArgs configures PlatformAlarms.
type PlatformAlarmsArgs struct {
	// Scope is the stack's account in the home region: the alarms and their topic live there.
	scope.Scope
	Alarms []Alarm
	Route  config.AlertRoute
	// ComputeBudget, when set, is a budget on the account's EC2 compute spend notifying the same topic.
	ComputeBudget *ComputeBudget
}

// PlatformAlarms creates, in a stack's account: the platform alert topic (KMS-encrypted, publishable only by these
// alarms, emails and optional chat from config) and the CloudWatch alarms, each alarming and recovering to it.
//
// With a ComputeBudget, also an AWS Budgets cost budget on the account's EC2 compute spend, notifying the topic.
//
// Cost: $0.10 per alarm per month (standard resolution); $1/month for the topic key; the budget is free.
//
// It exports the topic ARN.
type PlatformAlarms struct {
	pulumi.ResourceState

	TopicARN pulumi.StringOutput
}

// AlarmName is the name of an alarm of a component.
func AlarmName(component, alarm string) string {
	return naming.Limited(scope.Child(component, alarm), 255)
}

// AlarmARN is the ARN of an alarm of that name.
func AlarmARN(s scope.Scope, name string) string {
	return fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", s.Region, s.AccountID, name)
}

// NewPlatformAlarms registers the topic and the alarms.
func NewPlatformAlarms(ctx *pulumi.Context, name string, args PlatformAlarmsArgs, opts ...pulumi.ResourceOption) (*PlatformAlarms, error) {
	c := &PlatformAlarms{}
	if err := ctx.RegisterComponentResource("platform:observability:PlatformAlarms", name, c, opts...); err != nil {
		return nil, err
	}
	var arns []string
	for _, a := range args.Alarms {
		if _, ok := Metrics[a.Metric]; !ok {
			return nil, fmt.Errorf("platform alarms %s: alarm %s watches %q, which is not in the metric table", name, a.Name, a.Metric)
		}
		arns = append(arns, AlarmARN(args.Scope, AlarmName(name, a.Name)))
	}
	spec := topicSpec{name: scope.Child(name, "topic"), service: CloudWatch, publishers: arns, route: args.Route}
	budgetName := naming.Limited(scope.Child(name, "compute-budget"), 100)
	if args.ComputeBudget != nil {
		spec.budgets = []string{BudgetARN(args.AccountID, budgetName)}
	}
	topic, err := alertTopic(ctx, args.Scope, c, spec)
	if err != nil {
		return nil, fmt.Errorf("platform alarms %s: %w", name, err)
	}
	c.TopicARN = topic.Arn
	if args.ComputeBudget != nil {
		if err := computeBudget(ctx, args.Scope, c, budgetName, *args.ComputeBudget, topic.Arn); err != nil {
			return nil, fmt.Errorf("platform alarms %s: %w", name, err)
		}
	}
	for _, a := range args.Alarms {
		if err := alarm(ctx, name, args.Scope, c, a, topic.Arn); err != nil {
			return nil, fmt.Errorf("platform alarms %s: %w", name, err)
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"topicArn": topic.Arn})
}

func alarm(ctx *pulumi.Context, component string, s scope.Scope, parent pulumi.Resource, a Alarm, topic pulumi.StringOutput) error {
	m := Metrics[a.Metric]
	dims := pulumi.StringMap{}
	for _, d := range slices.Sorted(maps.Keys(a.Dimensions)) {
		if !slices.Contains(m.Dimensions, d) {
			return fmt.Errorf("alarm %s: %s %s has no dimension %q (it has %q)", a.Name, m.Namespace, m.Name, d, m.Dimensions)
		}
		dims[d] = a.Dimensions[d]
	}
	missing := "notBreaching"
	if a.MissingIsBreaching {
		missing = "breaching"
	}
	name := AlarmName(component, a.Name)
	if _, err := cloudwatch.NewMetricAlarm(ctx, scope.Child(component, a.Name), cloudwatch.MetricAlarmArgs{
		Name:               name,
		AlarmDescription:   a.Description,
		Namespace:          m.Namespace,
		MetricName:         m.Name,
		Dimensions:         dims,
		Statistic:          a.Statistic,
		ComparisonOperator: a.Comparison,
		Threshold:          a.Threshold,
		Period:             a.PeriodSeconds,
		EvaluationPeriods:  a.Periods,
		TreatMissingData:   missing,
		AlarmActions:       pulumi.Array{topic},
		OkActions:          pulumi.Array{topic},
	}, s.In(parent)...); err != nil {
		return fmt.Errorf("creating alarm %s: %w", name, err)
	}
	return nil
}

// periods is how many periods of a length make the evaluation time (at least one).
func periods(evaluationMinutes, periodSeconds int) int {
	return max(1, evaluationMinutes*60/periodSeconds)
}

// WorkloadTargets are what a workload stack's alarms watch.
type WorkloadTargets struct {
	DatabaseID pulumi.StringInput
	// ReplicaID is the read replica's identifier, nil without one.
	ReplicaID      pulumi.StringInput
	BackupVault    string
	QueueName      string
	ClusterName    string
	AllocatedGiB   int
	ContainerAlarm bool
}

// WorkloadAlarms are the alarms of a workload stack with its config's thresholds.
func WorkloadAlarms(t WorkloadTargets, c config.WorkloadAlarms) []Alarm {
	const p = 300
	n := periods(c.EvaluationMinutes, p)
	db := map[string]pulumi.StringInput{dimDBInstance: t.DatabaseID}
	out := []Alarm{
		{Name: "rds-cpu", Metric: "rds-cpu", Dimensions: db, Statistic: "Average", Comparison: "GreaterThanThreshold",
			Threshold: float64(c.DatabaseCPUPercent), PeriodSeconds: p, Periods: n, Description: "Database CPU above the threshold"},
		{Name: "rds-free-storage", Metric: "rds-free-storage", Dimensions: db, Statistic: "Minimum", Comparison: "LessThanThreshold",
			Threshold: float64(c.DatabaseFreeStorageGiB) * (1 << 30), PeriodSeconds: p, Periods: n,
			Description: "Database free storage low: storage autoscaling is at its maximum or cannot keep up"},
		{Name: "rds-freeable-memory", Metric: "rds-freeable-memory", Dimensions: db, Statistic: "Minimum", Comparison: "LessThanThreshold",
			Threshold: float64(c.DatabaseFreeableMemoryMiB) * (1 << 20), PeriodSeconds: p, Periods: n, Description: "Database freeable memory low"},
		{Name: "rds-connections", Metric: "rds-connections", Dimensions: db, Statistic: "Maximum", Comparison: "GreaterThanThreshold",
			Threshold: float64(c.DatabaseConnections), PeriodSeconds: p, Periods: n, Description: "Database connections near the limit"},
		{Name: "backup-copy-failed", Metric: "backup-copy-failed", Dimensions: map[string]pulumi.StringInput{"BackupVaultName": pulumi.String(t.BackupVault)},
			Statistic: "Sum", Comparison: "GreaterThanThreshold", Threshold: 0, PeriodSeconds: 3600, Periods: 1,
			Description: "A copy of a recovery point to the Backup account failed"},
		{Name: "karpenter-queue-age", Metric: "sqs-oldest-message", Dimensions: map[string]pulumi.StringInput{"QueueName": pulumi.String(t.QueueName)},
			Statistic: "Maximum", Comparison: "GreaterThanThreshold", Threshold: float64(c.InterruptionQueueAgeSeconds), PeriodSeconds: 60,
			Periods: 5, Description: "Karpenter is not reading its interruption queue: Spot interruptions go unhandled"},
	}
	if t.ReplicaID != nil {
		out = append(out, Alarm{Name: "rds-replica-lag", Metric: "rds-replica-lag", Dimensions: map[string]pulumi.StringInput{dimDBInstance: t.ReplicaID},
			Statistic: "Maximum", Comparison: "GreaterThanThreshold", Threshold: float64(c.ReplicaLagSeconds), PeriodSeconds: p, Periods: n,
			Description: "Read replica lags behind the primary"})
	}
	if t.ContainerAlarm {
		out = append(out, Alarm{Name: "eks-failed-nodes", Metric: "eks-failed-nodes", Dimensions: map[string]pulumi.StringInput{dimClusterName: pulumi.String(t.ClusterName)},
			Statistic: "Maximum", Comparison: "GreaterThanThreshold", Threshold: 0, PeriodSeconds: p, Periods: n,
			Description: "Cluster nodes failing (Container Insights)"})
	}
	return out
}

// NetworkTargets are what the network stack's alarms watch.
type NetworkTargets struct {
	NATGatewayIDs    []pulumi.StringInput
	FirewallName     pulumi.StringInput
	FirewallAZs      []string
	TransitGatewayID pulumi.StringInput
	// Attachments are the hub's TGW attachments by role (inspection, shared).
	Attachments map[string]pulumi.StringInput
	// VPNID is the VPN connection, nil without one.
	VPNID pulumi.StringInput
}

// NetworkAlarms are the alarms of the network stack with its config's thresholds.
func NetworkAlarms(t NetworkTargets, c config.NetworkAlarms) []Alarm {
	const p = 300
	n := periods(c.EvaluationMinutes, p)
	var out []Alarm
	for i, id := range t.NATGatewayIDs {
		nat := map[string]pulumi.StringInput{dimNAT: id}
		out = append(out,
			Alarm{Name: fmt.Sprintf("nat-%d-port-allocation", i), Metric: "nat-port-allocation", Dimensions: nat, Statistic: "Sum",
				Comparison: "GreaterThanThreshold", Threshold: 0, PeriodSeconds: p, Periods: 1,
				Description: "NAT gateway ran out of source ports: connections to one destination fail"},
			Alarm{Name: fmt.Sprintf("nat-%d-packets-dropped", i), Metric: "nat-packets-dropped", Dimensions: nat, Statistic: "Sum",
				Comparison: "GreaterThanThreshold", Threshold: float64(c.NATPacketsDropped), PeriodSeconds: p, Periods: n,
				Description: "NAT gateway dropping packets"})
	}
	for _, az := range t.FirewallAZs {
		out = append(out, Alarm{Name: "firewall-dropped-" + az, Metric: "firewall-dropped", Statistic: "Sum",
			Dimensions: map[string]pulumi.StringInput{"FirewallName": t.FirewallName, "AvailabilityZone": pulumi.String(az),
				"Engine": pulumi.String("Stateful")},
			Comparison: "GreaterThanThreshold", Threshold: float64(c.FirewallDroppedPackets), PeriodSeconds: p, Periods: n,
			Description: "Network Firewall drops above its baseline in " + az})
	}
	for _, role := range slices.Sorted(maps.Keys(t.Attachments)) {
		dims := map[string]pulumi.StringInput{dimTGW: t.TransitGatewayID, dimAttachment: t.Attachments[role]}
		for _, m := range []string{"tgw-drops-no-route", "tgw-drops-blackhole"} {
			out = append(out, Alarm{Name: m + "-" + role, Metric: m, Dimensions: dims, Statistic: "Sum", Comparison: "GreaterThanThreshold",
				Threshold: float64(c.TGWPacketDrops), PeriodSeconds: p, Periods: n, Description: "Transit Gateway dropping packets of the " + role + " attachment"})
		}
	}
	if t.VPNID != nil {
		out = append(out, Alarm{Name: "vpn-tunnels-down", Metric: "vpn-tunnel-state", Dimensions: map[string]pulumi.StringInput{"VpnId": t.VPNID},
			Statistic: "Maximum", Comparison: "LessThanThreshold", Threshold: 1, PeriodSeconds: p, Periods: n, MissingIsBreaching: true,
			Description: "Every tunnel of the VPN is down"})
	}
	return out
}
