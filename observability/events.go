package observability

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Severity is an alert topic's severity.
type Severity string

const (
	Critical Severity = "critical"
	High     Severity = "high"
)

// Origin is where an alert's events are emitted, which decides where its rules must run: EventBridge delivers an
// event only to the default bus of the account and region it happened in.
type Origin int

const (
	// Tooling: findings the Security Tooling account receives as delegated administrator, in every region.
	Tooling Origin = iota
	// ToolingHome: findings Security Hub aggregates into the home region.
	ToolingHome
	// Management: CloudTrail events of regional services in the management account, in every allowed region.
	Management
	// ManagementGlobal: CloudTrail events of global services (Organizations, sign-in), delivered in us-east-1 only.
	ManagementGlobal
)

// GlobalEventsRegion is the one region where EventBridge receives the events of global services (IAM,
// Organizations, AWS sign-in).
const GlobalEventsRegion = "us-east-1"

// Alert is one security alert: the events that raise it, where they are emitted and the topic they reach.
type Alert struct {
	Name     string
	Severity Severity
	Origin   Origin
	// Pattern is the EventBridge event pattern.
	Pattern map[string]any
	// CIS is the CIS AWS Foundations Benchmark v3.0.0 section 4 control the alert answers, if any.
	CIS string
	// Doc is the AWS page the pattern's source, detail-type and fields come from.
	Doc string
}

const (
	detailTypeCloudTrail = "AWS API Call via CloudTrail"
	detailTypeSignIn     = "AWS Console Sign In via CloudTrail"
)

// cloudTrail is the pattern of API calls of one service's event source.
func cloudTrail(source, eventSource string, names ...string) map[string]any {
	return map[string]any{"source": []string{source}, "detail-type": []string{detailTypeCloudTrail},
		"detail": map[string]any{"eventSource": []string{eventSource}, "eventName": names}}
}

// Alerts are the security alerts, with GuardDuty findings from minSeverity up (critical from 9).
func Alerts(minSeverity float64) []Alert {
	guardDuty := func(numeric []any) map[string]any {
		return map[string]any{"source": []string{"aws.guardduty"}, "detail-type": []string{"GuardDuty Finding"},
			"detail": map[string]any{"severity": []any{map[string]any{"numeric": numeric}}}}
	}
	// GuardDuty and Access Analyzer findings also reach Security Hub; they alert by their own rules, once.
	securityHub := func(label string) map[string]any {
		return map[string]any{"source": []string{"aws.securityhub"}, "detail-type": []string{"Security Hub Findings - Imported"},
			"detail": map[string]any{"findings": map[string]any{
				"Severity": map[string]any{"Label": []string{label}}, "Workflow": map[string]any{"Status": []string{"NEW"}},
				"RecordState": []string{"ACTIVE"}, "ProductName": []any{map[string]any{"anything-but": []string{"GuardDuty", "IAM Access Analyzer"}}}}}}
	}
	const (
		docGuardDuty   = "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html"
		docSecurityHub = "https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-event-formats.html"
		docAnalyzer    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-eventbridge.html"
		docCloudTrail  = "https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-cloudtrail.html"
		docSignIn      = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html"
	)
	return []Alert{
		{Name: "guardduty-critical", Severity: Critical, Origin: Tooling, Pattern: guardDuty([]any{">=", 9}), Doc: docGuardDuty},
		{Name: "guardduty-high", Severity: High, Origin: Tooling, Pattern: guardDuty([]any{">=", minSeverity, "<", 9}), Doc: docGuardDuty},
		{Name: "securityhub-critical", Severity: Critical, Origin: ToolingHome, Pattern: securityHub("CRITICAL"), CIS: "4.16", Doc: docSecurityHub},
		{Name: "securityhub-high", Severity: High, Origin: ToolingHome, Pattern: securityHub("HIGH"), CIS: "4.16", Doc: docSecurityHub},
		{Name: "external-access", Severity: High, Origin: Tooling, Doc: docAnalyzer,
			Pattern: map[string]any{"source": []string{"aws.access-analyzer"}, "detail-type": []string{"Access Analyzer Finding"},
				"detail": map[string]any{"status": []string{"ACTIVE"}}}},
		// Root activity in the management account, which no SCP reaches (member accounts have no root credentials).
		{Name: "root-activity", Severity: Critical, Origin: Management, CIS: "4.3", Doc: docCloudTrail,
			Pattern: map[string]any{"detail-type": []string{detailTypeCloudTrail, detailTypeSignIn},
				"detail": map[string]any{"userIdentity": map[string]any{"type": []string{"Root"}}}}},
		{Name: "signin-without-mfa", Severity: High, Origin: ManagementGlobal, CIS: "4.2", Doc: docSignIn,
			Pattern: map[string]any{"source": []string{"aws.signin"}, "detail-type": []string{detailTypeSignIn},
				"detail": map[string]any{"eventName": []string{"ConsoleLogin"}, "userIdentity": map[string]any{"type": []string{"Root", "IAMUser"}},
					"additionalEventData": map[string]any{"MFAUsed": []string{"No"}}, "responseElements": map[string]any{"ConsoleLogin": []string{"Success"}}}}},
		{Name: "scp-changes", Severity: High, Origin: ManagementGlobal, CIS: "4.15", Doc: docCloudTrail,
			Pattern: cloudTrail("aws.organizations", "organizations.amazonaws.com", "AttachPolicy", "CreatePolicy", "DeletePolicy",
				"DetachPolicy", "DisablePolicyType", "EnablePolicyType", "UpdatePolicy")},
		{Name: "cloudtrail-changes", Severity: High, Origin: Management, CIS: "4.5", Doc: docCloudTrail,
			Pattern: cloudTrail("aws.cloudtrail", "cloudtrail.amazonaws.com", "CreateTrail", "DeleteTrail", "PutEventSelectors",
				"StartLogging", "StopLogging", "UpdateTrail")},
		{Name: "config-changes", Severity: High, Origin: Management, CIS: "4.9", Doc: docCloudTrail,
			Pattern: cloudTrail("aws.config", "config.amazonaws.com", "DeleteConfigurationRecorder", "DeleteDeliveryChannel",
				"PutConfigurationRecorder", "PutDeliveryChannel", "StopConfigurationRecorder")},
		{Name: "guardduty-changes", Severity: High, Origin: Management, Doc: docCloudTrail,
			Pattern: cloudTrail("aws.guardduty", "guardduty.amazonaws.com", "DeleteDetector", "DeletePublishingDestination",
				"DisableOrganizationAdminAccount", "DisassociateMembers", "StopMonitoringMembers", "UpdateDetector",
				"UpdateOrganizationConfiguration")},
	}
}

// PatternJSON is the alert's event pattern as EventBridge takes it.
func (a Alert) PatternJSON() (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // ">=" reads as written in the console and the plan
	if err := enc.Encode(a.Pattern); err != nil {
		return "", fmt.Errorf("alert %s: marshalling its event pattern: %w", a.Name, err)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// Regions are the regions the alert's events are emitted in, among the allowed ones (home first).
func (a Alert) Regions(allowed []string, home string) []string {
	switch a.Origin {
	case ToolingHome:
		return []string{home}
	case ManagementGlobal:
		return []string{GlobalEventsRegion}
	default:
		return allowed
	}
}

// FromManagement reports whether the alert's events are emitted in the management account.
func (a Alert) FromManagement() bool { return a.Origin == Management || a.Origin == ManagementGlobal }
