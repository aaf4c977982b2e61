package config

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Operations config: who is told about security findings (platform:security.alerts), about the platform's own
// health (platform:workload.alarms, platform:network.alarms), and how each cluster ships its metrics and logs
// (platform:workload.observability).

// SecurityAlerts routes the security alerts raised in Security Tooling to people, one topic per severity.
type SecurityAlerts struct {
	// GuardDutyMinSeverity is the lowest GuardDuty finding severity that alerts (GuardDuty: 4 medium, 7 high,
	// 9 critical). Findings of 9 and above go to Critical, the others to High.
	GuardDutyMinSeverity float64 `json:"guardDutyMinSeverity,omitempty"`
	// Critical receives root user activity, critical Security Hub and GuardDuty findings.
	Critical AlertRoute `json:"critical"`
	// High receives the rest: high findings, external access, sign-in without MFA, guardrail changes.
	High AlertRoute `json:"high"`
}

// AlertRoute is where one topic's messages go.
type AlertRoute struct {
	// Emails are subscribed to the topic (each confirms by mail). Empty means the estate's owner tag.
	Emails []string `json:"emails,omitempty"`
	// Chat, when set, posts the topic to a Slack channel through AWS Chatbot. Off by default.
	Chat *Chat `json:"chat,omitempty"`
}

// Chat is a Slack channel of a workspace already authorized for AWS Chatbot (a one-time console step).
type Chat struct {
	SlackTeamID    string `json:"slackTeamId"`
	SlackChannelID string `json:"slackChannelId"`
}

// WorkloadAlarms are the platform alarms of a workload stack: thresholds and where they go.
type WorkloadAlarms struct {
	AlertRoute
	// EvaluationMinutes is how long a threshold must be crossed before the alarm fires.
	EvaluationMinutes int `json:"evaluationMinutes,omitempty"`
	// DatabaseCPUPercent alarms above this average CPU.
	DatabaseCPUPercent int `json:"databaseCpuPercent,omitempty"`
	// DatabaseFreeStorageGiB alarms below this free storage (storage autoscaling should have grown it first).
	DatabaseFreeStorageGiB int `json:"databaseFreeStorageGiB,omitempty"`
	// DatabaseFreeableMemoryMiB alarms below this freeable memory.
	DatabaseFreeableMemoryMiB int `json:"databaseFreeableMemoryMiB,omitempty"`
	// DatabaseConnections alarms above this many connections.
	DatabaseConnections int `json:"databaseConnections,omitempty"`
	// ReplicaLagSeconds alarms when the read replica (when there is one) lags more.
	ReplicaLagSeconds int `json:"replicaLagSeconds,omitempty"`
	// InterruptionQueueAgeSeconds alarms when Karpenter leaves interruption messages unread this long.
	InterruptionQueueAgeSeconds int `json:"interruptionQueueAgeSeconds,omitempty"`
	// ComputeBudgetUSD is the monthly EC2 compute spend of the account (nodes of the cluster) that the compute
	// budget measures against: it notifies at 80% and 100% of actual spend and at 100% of the forecast.
	ComputeBudgetUSD int `json:"computeBudgetUSD,omitempty"`
}

// Thresholds of the compute budget, in percent of ComputeBudgetUSD.
var (
	ComputeBudgetActualPercent   = []int{80, 100}
	ComputeBudgetForecastPercent = []int{100}
)

// NetworkAlarms are the platform alarms of the network stack.
type NetworkAlarms struct {
	AlertRoute
	EvaluationMinutes int `json:"evaluationMinutes,omitempty"`
	// NATPacketsDropped alarms above this many packets dropped by a NAT gateway in five minutes.
	NATPacketsDropped int `json:"natPacketsDropped,omitempty"`
	// FirewallDroppedPackets is the baseline of packets the firewall drops in five minutes; above it alarms.
	// The firewall drops by design (the drop group, the allow-list), so the baseline is not zero.
	FirewallDroppedPackets int `json:"firewallDroppedPackets,omitempty"`
	// TGWPacketDrops alarms above this many packets a TGW attachment drops (no route or blackhole) in five minutes.
	TGWPacketDrops int `json:"tgwPacketDrops,omitempty"`
}

// Observability configures a cluster's metrics and logs.
type Observability struct {
	// AddonVersion pins the amazon-cloudwatch-observability EKS add-on.
	AddonVersion string `json:"addonVersion,omitempty"`
	// LogRetentionDays is the retention of the cluster's log groups (control plane, containers, performance).
	LogRetentionDays int `json:"logRetentionDays,omitempty"`
}

// Defaults of the operations config.
const (
	DefaultGuardDutyMinSeverity = 7
	// DefaultCloudWatchObservabilityVersion is the add-on version the platform ships: the v4 line (v5 turns
	// Application Signals AutoMonitor on, v6 switches to OpenTelemetry metrics, which the alarms do not read), at
	// or after v4.6.0, whose Fluent Bit reads the host logs of AL2023 nodes from journald. Check it is offered for
	// the cluster's version: aws eks describe-addon-versions --addon-name amazon-cloudwatch-observability
	// --kubernetes-version <version>.
	DefaultCloudWatchObservabilityVersion = "v4.10.3-eksbuild.1"
	DefaultNATPacketsDropped              = 100
	DefaultFirewallDroppedPackets         = 100000
	DefaultTGWPacketDrops                 = 1000
	DefaultNetworkEvaluationMinutes       = 10
)

// DefaultWorkloadAlarms are the thresholds of an environment's tier: production pages early, non-production only
// when it is broken. An environment in between (staging) sets its thresholds in its stack file.
func DefaultWorkloadAlarms(t Tier) WorkloadAlarms {
	if t == TierProduction {
		return WorkloadAlarms{EvaluationMinutes: 5, DatabaseCPUPercent: 80, DatabaseFreeStorageGiB: 20,
			DatabaseFreeableMemoryMiB: 512, DatabaseConnections: 800, ReplicaLagSeconds: 60, InterruptionQueueAgeSeconds: 120,
			ComputeBudgetUSD: 3000}
	}
	return WorkloadAlarms{EvaluationMinutes: 30, DatabaseCPUPercent: 95, DatabaseFreeStorageGiB: 5,
		DatabaseFreeableMemoryMiB: 128, DatabaseConnections: 150, ReplicaLagSeconds: 900, InterruptionQueueAgeSeconds: 600,
		ComputeBudgetUSD: 500}
}

// DefaultLogRetention is a cluster's log retention: a year in production, two weeks elsewhere.
func DefaultLogRetention(t Tier) int {
	if t == TierProduction {
		return 365
	}
	return 14
}

var (
	slackTeamPattern    = regexp.MustCompile(`^T[A-Z0-9]{8,11}$`)
	slackChannelPattern = regexp.MustCompile(`^[CG][A-Z0-9]{8,11}$`)
	addonPinPattern     = regexp.MustCompile(`^v\d+\.\d+\.\d+-eksbuild\.\d+$`)
)

func (r AlertRoute) validate(p *problems, path keyPath) {
	for i, e := range r.Emails {
		if !validEmail(e) {
			p.bad(path.Field("emails").Index(i), e, "is not a valid email address")
		}
	}
	if c := r.Chat; c != nil {
		if !slackTeamPattern.MatchString(c.SlackTeamID) {
			p.bad(path.Field("chat").Field("slackTeamId"), c.SlackTeamID, "is not a Slack workspace ID (T followed by 8-11 capitals or digits)")
		}
		if !slackChannelPattern.MatchString(c.SlackChannelID) {
			p.bad(path.Field("chat").Field("slackChannelId"), c.SlackChannelID, "is not a Slack channel ID (C or G followed by 8-11 capitals or digits)")
		}
	}
}

// fillRoute gives a route without emails the estate's owner, so no alert topic reaches nobody.
func (r *AlertRoute) fillRoute(e Estate) {
	if len(r.Emails) == 0 && validEmail(e.Tags.Owner) {
		r.Emails = []string{e.Tags.Owner}
	}
}

func (r AlertRoute) validateComplete(p *problems, path keyPath) {
	if len(r.Emails) == 0 && r.Chat == nil {
		p.missing(path.Field("emails"), "at least one address (or a chat channel): the estate's owner tag is not an email, so these alerts would reach nobody")
	}
}

func (a SecurityAlerts) validate(p *problems, path keyPath) {
	if s := a.GuardDutyMinSeverity; s != 0 && (s < 1 || s > 9) {
		p.bad(path.Field("guardDutyMinSeverity"), s, "must be a GuardDuty severity from 1 to 9 (4 medium, 7 high, 9 critical)")
	}
	a.Critical.validate(p, path.Field("critical"))
	a.High.validate(p, path.Field("high"))
}

func (a *SecurityAlerts) fillDefaults(e Estate) {
	if a.GuardDutyMinSeverity == 0 {
		a.GuardDutyMinSeverity = DefaultGuardDutyMinSeverity
	}
	a.Critical.fillRoute(e)
	if len(a.High.Emails) == 0 {
		a.High.Emails = append([]string(nil), a.Critical.Emails...)
	}
}

func (a SecurityAlerts) validateComplete(p *problems, path keyPath) {
	a.Critical.validateComplete(p, path.Field("critical"))
	a.High.validateComplete(p, path.Field("high"))
}

func (a WorkloadAlarms) validate(p *problems, path keyPath) {
	a.AlertRoute.validate(p, path)
	positive(p, path, map[string]int{"evaluationMinutes": a.EvaluationMinutes, "databaseFreeStorageGiB": a.DatabaseFreeStorageGiB,
		"databaseFreeableMemoryMiB": a.DatabaseFreeableMemoryMiB, "databaseConnections": a.DatabaseConnections,
		"replicaLagSeconds": a.ReplicaLagSeconds, "interruptionQueueAgeSeconds": a.InterruptionQueueAgeSeconds,
		"computeBudgetUSD": a.ComputeBudgetUSD})
	if c := a.DatabaseCPUPercent; c != 0 && (c < 1 || c > 100) {
		p.bad(path.Field("databaseCpuPercent"), c, "must be a percentage from 1 to 100")
	}
}

func (a *WorkloadAlarms) fillDefaults(t Tier, e Estate) {
	d := DefaultWorkloadAlarms(t)
	setInt(&a.EvaluationMinutes, d.EvaluationMinutes)
	setInt(&a.DatabaseCPUPercent, d.DatabaseCPUPercent)
	setInt(&a.DatabaseFreeStorageGiB, d.DatabaseFreeStorageGiB)
	setInt(&a.DatabaseFreeableMemoryMiB, d.DatabaseFreeableMemoryMiB)
	setInt(&a.DatabaseConnections, d.DatabaseConnections)
	setInt(&a.ReplicaLagSeconds, d.ReplicaLagSeconds)
	setInt(&a.InterruptionQueueAgeSeconds, d.InterruptionQueueAgeSeconds)
	setInt(&a.ComputeBudgetUSD, d.ComputeBudgetUSD)
	a.fillRoute(e)
}

func (a NetworkAlarms) validate(p *problems, path keyPath) {
	a.AlertRoute.validate(p, path)
	positive(p, path, map[string]int{"evaluationMinutes": a.EvaluationMinutes, "natPacketsDropped": a.NATPacketsDropped,
		"firewallDroppedPackets": a.FirewallDroppedPackets, "tgwPacketDrops": a.TGWPacketDrops})
}

func (a *NetworkAlarms) fillDefaults(e Estate) {
	setInt(&a.EvaluationMinutes, DefaultNetworkEvaluationMinutes)
	setInt(&a.NATPacketsDropped, DefaultNATPacketsDropped)
	setInt(&a.FirewallDroppedPackets, DefaultFirewallDroppedPackets)
	setInt(&a.TGWPacketDrops, DefaultTGWPacketDrops)
	a.fillRoute(e)
}

func (o Observability) validate(p *problems, path keyPath) {
	if v := o.AddonVersion; v != "" && !addonPinPattern.MatchString(v) {
		p.bad(path.Field("addonVersion"), v, "must pin an add-on build such as v4.5.0-eksbuild.1")
	}
	if r := o.LogRetentionDays; r != 0 && !slices.Contains(logGroupRetentions, r) {
		p.bad(path.Field("logRetentionDays"), r, "is not a CloudWatch Logs retention: one of %s", retentionList())
	}
}

func (o *Observability) fillDefaults(t Tier) {
	setString(&o.AddonVersion, DefaultCloudWatchObservabilityVersion)
	setInt(&o.LogRetentionDays, DefaultLogRetention(t))
}

// positive reports every field of the map (by key) that is set and not positive, in key order.
func positive(p *problems, path keyPath, fields map[string]int) {
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if v := fields[k]; v < 0 {
			p.bad(path.Field(k), v, "must be positive")
		}
	}
}

func retentionList() string {
	parts := make([]string, len(logGroupRetentions))
	for i, r := range logGroupRetentions {
		parts[i] = strconv.Itoa(r)
	}
	return strings.Join(parts, ", ")
}

// fillOperations fills the workload stack's alarm and observability defaults.
func (w *Workload) fillOperations(env Environment, e Estate) {
	w.Alarms.fillDefaults(env.Tier, e)
	w.Observability.fillDefaults(env.Tier)
}
