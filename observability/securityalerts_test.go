package observability_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/mocks"
	"github.com/innovate-inc/platform/internal/providers"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/observability"
)

const (
	typeRule        = "aws:cloudwatch/eventRule:EventRule"
	typeTarget      = "aws:cloudwatch/eventTarget:EventTarget"
	typeTopic       = "aws:sns/topic:Topic"
	typeTopicPolicy = "aws:sns/topicPolicy:TopicPolicy"
	typeBusPolicy   = "aws:cloudwatch/eventBusPolicy:EventBusPolicy"
	typeSub         = "aws:sns/topicSubscription:TopicSubscription"
	typeKey         = "aws:kms/key:Key"

	tooling = "548318787577"
)

// EventSources are the sources and detail-types EventBridge delivers, as the EventBridge events reference and
// each service's guide list them (https://docs.aws.amazon.com/eventbridge/latest/ref/events.html).
var EventSources = map[string][]string{
	"aws.guardduty":       {"GuardDuty Finding", "AWS API Call via CloudTrail"},
	"aws.securityhub":     {"Security Hub Findings - Imported", "Security Hub Findings - Custom Action", "Security Hub Insight Results"},
	"aws.access-analyzer": {"Access Analyzer Finding"},
	"aws.signin":          {"AWS Console Sign In via CloudTrail"},
	"aws.organizations":   {"AWS API Call via CloudTrail"},
	"aws.cloudtrail":      {"AWS API Call via CloudTrail"},
	"aws.config":          {"AWS API Call via CloudTrail", "Config Configuration Item Change", "Config Rules Compliance Change"},
}

var cloudTrailDetailTypes = []string{"AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail"}

// Every pattern is JSON with sources and detail-types that exist, and matches fields under detail only.
func TestAlertPatternsNameRealSourcesAndDetailTypes(t *testing.T) {
	alerts := observability.Alerts(7)
	require.Len(t, alerts, 11)
	names := map[string]bool{}
	for _, a := range alerts {
		assert.False(t, names[a.Name], "%s is defined twice", a.Name)
		names[a.Name] = true
		text, err := a.PatternJSON()
		require.NoError(t, err)
		var p map[string]any
		require.NoError(t, json.Unmarshal([]byte(text), &p), a.Name)
		for k := range p {
			assert.Contains(t, []string{"source", "detail-type", "detail"}, k, "%s matches %s", a.Name, k)
		}
		var types []string
		for _, dt := range p["detail-type"].([]any) {
			types = append(types, dt.(string))
		}
		require.NotEmpty(t, types, a.Name)
		if src, ok := p["source"]; ok {
			for _, s := range src.([]any) {
				known, ok := EventSources[s.(string)]
				require.True(t, ok, "%s: source %s is not in the table", a.Name, s)
				assert.Subset(t, known, types, "%s: detail-types of %s", a.Name, s)
			}
		} else {
			assert.Subset(t, cloudTrailDetailTypes, types, "%s without a source matches CloudTrail events only", a.Name)
		}
		assert.True(t, strings.HasPrefix(a.Doc, "https://docs.aws.amazon.com/"), a.Name)
	}
}

func TestGuardDutySeverityBands(t *testing.T) {
	byName := map[string]observability.Alert{}
	for _, a := range observability.Alerts(4) {
		byName[a.Name] = a
	}
	high, _ := byName["guardduty-high"].PatternJSON()
	critical, _ := byName["guardduty-critical"].PatternJSON()
	assert.Contains(t, high, `"numeric":[">=",4,"<",9]`, "from the configured severity to critical")
	assert.Contains(t, critical, `"numeric":[">=",9]`)
	assert.Equal(t, observability.High, byName["guardduty-high"].Severity)
	assert.Equal(t, observability.Critical, byName["root-activity"].Severity)
}

// CIS AWS Foundations v3.0.0 section 4 controls the alerts answer (README "On call").
func TestCISControls(t *testing.T) {
	got := map[string]bool{}
	for _, a := range observability.Alerts(7) {
		if a.CIS != "" {
			got[a.CIS] = true
		}
	}
	for _, c := range []string{"4.2", "4.3", "4.5", "4.9", "4.15", "4.16"} {
		assert.True(t, got[c], "CIS %s", c)
	}
}

func TestAlertRegions(t *testing.T) {
	allowed := []string{"eu-west-1", "eu-central-1"}
	for _, a := range observability.Alerts(7) {
		r := a.Regions(allowed, "eu-west-1")
		switch a.Origin {
		case observability.ManagementGlobal:
			assert.Equal(t, []string{"us-east-1"}, r, "%s: global services deliver in us-east-1 only", a.Name)
		case observability.ToolingHome:
			assert.Equal(t, []string{"eu-west-1"}, r, "%s: Security Hub aggregates in the home region", a.Name)
		default:
			assert.Equal(t, allowed, r, a.Name)
		}
	}
}

func TestTopicPoliciesAreLeastPrivilege(t *testing.T) {
	rule := "arn:aws:events:us-east-1:111111111111:rule/security-alerts-root-activity"
	topic := "arn:aws:sns:us-east-1:111111111111:security-alerts-critical"
	doc := observability.TopicPolicy(topic, observability.EventBridge, []string{rule})
	ask := func(service, source string, tls string) bool {
		return iampolicy.Evaluate(doc, iampolicy.Request{Service: service, Action: "sns:Publish", Resource: topic,
			Context: map[string]string{"aws:SourceArn": source, "aws:SecureTransport": tls}}).Allowed
	}
	assert.True(t, ask(observability.EventBridge, rule, "true"))
	assert.False(t, ask(observability.EventBridge, "arn:aws:events:us-east-1:222222222222:rule/other", "true"), "another rule")
	assert.False(t, ask(observability.CloudWatch, rule, "true"), "another service")
	assert.False(t, ask(observability.EventBridge, rule, "false"), "without TLS")

	key := observability.TopicKeyPolicy("111111111111", observability.EventBridge)
	for _, action := range []string{"kms:GenerateDataKey", "kms:Decrypt"} {
		d := iampolicy.Evaluate(key, iampolicy.Request{Service: observability.EventBridge, Action: action, Resource: "*",
			Context: map[string]string{"aws:SourceAccount": "111111111111"}})
		assert.True(t, d.Allowed, action)
		d = iampolicy.Evaluate(key, iampolicy.Request{Service: observability.EventBridge, Action: action, Resource: "*",
			Context: map[string]string{"aws:SourceAccount": "222222222222"}})
		assert.False(t, d.Allowed, "%s for another account", action)
	}
}

// runAlerts registers SecurityAlerts alone, with Security Tooling and the management account in two regions.
func runAlerts(t *testing.T, cfg config.SecurityAlerts) *mocks.Monitor {
	mgmt := mocks.AccountID("management")
	mon, err := fixtures.Run(t, "security", "us-east-1", func(ctx *pulumi.Context) error {
		regions := []string{"us-east-1", "us-west-2"}
		toolProvs, mgmtProvs := map[string]*aws.Provider{}, map[string]*aws.Provider{}
		for _, r := range regions {
			p, err := providers.New(ctx, "security", providers.Target{Key: "security-tooling", Region: r, AccountID: tooling, RoleName: "OrganizationAccountAccessRole"}, nil)
			if err != nil {
				return err
			}
			toolProvs[r] = p
			if mgmtProvs[r], err = providers.New(ctx, "security", providers.Target{Key: "management", Region: r}, nil); err != nil {
				return err
			}
		}
		_, err := observability.NewSecurityAlerts(ctx, "security-alerts", observability.SecurityAlertsArgs{
			Scope:   scope.Scope{Stack: "security", AccountID: tooling, Region: "us-east-1", Provider: toolProvs["us-east-1"]},
			Regions: regions, Providers: toolProvs, ManagementAccountID: mgmt, ManagementProviders: mgmtProvs, Config: cfg,
		})
		return err
	}, mocks.WithManagementAccount(mgmt))
	require.NoError(t, err)
	return mon
}

func plain(r mocks.Resource) map[string]any { return mocks.Plain(r.Inputs) }

func TestSecurityAlertsGraph(t *testing.T) {
	cfg := config.SecurityAlerts{GuardDutyMinSeverity: 7,
		Critical: config.AlertRoute{Emails: []string{"a@example.com", "b@example.com"}},
		High:     config.AlertRoute{Emails: []string{"c@example.com"}}}
	mon := runAlerts(t, cfg)
	mgmt := mon.ManagementAccount()

	// Every alert has a rule on Security Tooling's home bus that targets its severity's topic.
	homeRules := map[string]string{}
	for _, r := range mon.ByType(typeRule) {
		if r.Account == tooling && r.Region == "us-east-1" {
			homeRules[plain(r)["name"].(string)] = r.Name
		}
	}
	for _, a := range observability.Alerts(7) {
		assert.Contains(t, homeRules, observability.RuleName("security-alerts", a))
		target, ok := mon.Named(typeTarget, "security-alerts-"+a.Name+"-target")
		require.True(t, ok, a.Name)
		assert.Equal(t, "arn:aws:sns:us-east-1:"+tooling+":security-alerts-"+string(a.Severity), plain(target)["arn"], a.Name)
	}

	// Topics: encrypted, the policy names exactly the rules of the topic's severity.
	for _, sev := range []observability.Severity{observability.Critical, observability.High} {
		topic, ok := mon.Named(typeTopic, "security-alerts-"+string(sev))
		require.True(t, ok)
		assert.Contains(t, plain(topic)["kmsMasterKeyId"], ":key/", "the topic is encrypted with its own key")
		pol, ok := mon.Named(typeTopicPolicy, "security-alerts-"+string(sev)+"-policy")
		require.True(t, ok)
		doc, err := iampolicy.Parse(plain(pol)["policy"].(string))
		require.NoError(t, err)
		var want []string
		for _, a := range observability.Alerts(7) {
			if a.Severity == sev {
				want = append(want, observability.RuleARN("us-east-1", tooling, observability.RuleName("security-alerts", a)))
			}
		}
		assert.ElementsMatch(t, want, doc.Statement[0].Condition["ArnEquals"]["aws:SourceArn"], sev)
	}
	var emails []string
	for _, s := range mon.ByType(typeSub) {
		assert.Equal(t, "email", plain(s)["protocol"])
		emails = append(emails, plain(s)["endpoint"].(string))
	}
	assert.ElementsMatch(t, []string{"a@example.com", "b@example.com", "c@example.com"}, emails)

	// Forwarders: management events from where they are emitted, Security Tooling's findings from its other region,
	// each to the home default bus through a role.
	bus := observability.DefaultBusARN("us-east-1", tooling)
	forwarded := map[string][]string{}
	for _, r := range mon.ByType(typeTarget) {
		in := plain(r)
		if in["arn"] != bus {
			continue
		}
		assert.NotEmpty(t, in["roleArn"], "%s forwards through a role", r.Name)
		forwarded[r.Account] = append(forwarded[r.Account], r.Region+" "+r.Name)
	}
	assert.Len(t, forwarded[mgmt], 10, "root, CloudTrail, Config and GuardDuty changes in both regions; sign-in and SCPs in us-east-1")
	assert.Len(t, forwarded[tooling], 3, "GuardDuty (two bands) and Access Analyzer from us-west-2")
	for _, f := range forwarded[tooling] {
		assert.True(t, strings.HasPrefix(f, "us-west-2 "), f)
	}
	for _, f := range forwarded[mgmt] {
		if strings.Contains(f, "signin") || strings.Contains(f, "scp") {
			assert.True(t, strings.HasPrefix(f, "us-east-1 "), f)
		}
	}

	// The bus policy admits only the management account's forwarding role, once it exists.
	bp, ok := mon.Named(typeBusPolicy, "security-alerts-bus-policy")
	require.True(t, ok)
	doc, err := iampolicy.Parse(plain(bp)["policy"].(string))
	require.NoError(t, err)
	require.Len(t, doc.Statement, 1)
	assert.Equal(t, []string{observability.ForwardingRoleARN(mgmt, "security-alerts-forward-management")}, doc.Statement[0].Principal.AWS)
	role, ok := mon.Named("aws:iam/role:Role", "security-alerts-forward-management-role")
	require.True(t, ok)
	assert.Equal(t, mgmt, role.Account)
	assert.Contains(t, bp.Dependencies, role.URN)

	for _, k := range mon.ByType(typeKey) {
		assert.True(t, k.Protect, k.Name)
	}
}

func TestChatChannelIsOffByDefault(t *testing.T) {
	route := config.AlertRoute{Emails: []string{"a@example.com"}}
	mon := runAlerts(t, config.SecurityAlerts{GuardDutyMinSeverity: 7, Critical: route, High: route})
	assert.Empty(t, mon.ByType("aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration"))

	route.Chat = &config.Chat{SlackTeamID: "T01234567", SlackChannelID: "C01234567"}
	mon = runAlerts(t, config.SecurityAlerts{GuardDutyMinSeverity: 7, Critical: route, High: config.AlertRoute{Emails: route.Emails}})
	chans := mon.ByType("aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration")
	require.Len(t, chans, 1)
	assert.Equal(t, "C01234567", plain(chans[0])["slackChannelId"])
	assert.Equal(t, []any{observability.ChatGuardrailPolicy}, plain(chans[0])["guardrailPolicyArns"])
}
