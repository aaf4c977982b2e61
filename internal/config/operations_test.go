package config_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/config"
)

// The operations keys (alerts, alarms, observability) that config.Load rejects, each naming its key.
var badOperationsConfigs = []badConfig{
	{name: "GuardDuty severity out of range", stack: "security", security: func(o obj) { o["alerts"].(obj)["guardDutyMinSeverity"] = 11 },
		want: []string{`platform:security.alerts.guardDutyMinSeverity 11 must be a GuardDuty severity from 1 to 9`}},
	{name: "alert email invalid", stack: "security", security: func(o obj) {
		o["alerts"].(obj)["critical"].(obj)["emails"] = []any{"oncall-at-example.com"}
	}, want: []string{`platform:security.alerts.critical.emails[0] "oncall-at-example.com" is not a valid email address`}},
	{name: "alert chat channel invalid", stack: "security", security: func(o obj) {
		o["alerts"].(obj)["high"].(obj)["chat"] = obj{"slackTeamId": "T0123456789", "slackChannelId": "#security"}
	}, want: []string{`platform:security.alerts.high.chat.slackChannelId "#security" is not a Slack channel ID`}},
	{name: "alarm CPU over 100", stack: "prod", workload: func(o obj) { o["alarms"].(obj)["databaseCpuPercent"] = 120 },
		want: []string{`platform:workload.alarms.databaseCpuPercent 120 must be a percentage from 1 to 100`}},
	{name: "alarm threshold negative", stack: "dev", workload: func(o obj) { o["alarms"].(obj)["replicaLagSeconds"] = -1 },
		want: []string{`platform:workload.alarms.replicaLagSeconds -1 must be positive`}},
	{name: "network alarm threshold negative", stack: "network", network: func(o obj) { o["alarms"].(obj)["tgwPacketDrops"] = -5 },
		want: []string{`platform:network.alarms.tgwPacketDrops -5 must be positive`}},
	{name: "observability add-on not pinned", stack: "staging", workload: func(o obj) { o["observability"].(obj)["addonVersion"] = "latest" },
		want: []string{`platform:workload.observability.addonVersion "latest" must pin an add-on build`}},
	{name: "log retention not a CloudWatch period", stack: "prod", workload: func(o obj) { o["observability"].(obj)["logRetentionDays"] = 100 },
		want: []string{`platform:workload.observability.logRetentionDays 100 is not a CloudWatch Logs retention`}},
	{name: "alerts reach nobody", stack: "security",
		estate:   func(o obj) { o["tags"].(obj)["owner"] = "platform-team" },
		security: func(o obj) { delete(o, "alerts") },
		want:     []string{"platform:security.alerts.critical.emails is required"}},
}

func TestBadOperationsConfigsAreRejected(t *testing.T) {
	for _, c := range badOperationsConfigs {
		t.Run(c.name, func(t *testing.T) {
			sf := c.stackFile(t)
			s, err := config.Load(sf.Name, sf.Config)
			require.Error(t, err)
			assert.Nil(t, s)
			for _, want := range c.want {
				assert.ErrorContains(t, err, want)
			}
		})
	}
}

func TestOperationsDefaults(t *testing.T) {
	written := config.Stack{Name: "dev", Layer: config.LayerWorkload, Workload: &config.Workload{},
		Estate: config.Estate{Tags: config.Tags{Owner: "owner@example.com"}}}
	done := written.WithDefaults()
	a := done.Workload.Alarms
	assert.Equal(t, []string{"owner@example.com"}, a.Emails, "alarms without emails go to the owner")
	assert.Equal(t, config.DefaultWorkloadAlarms(config.TierNonProduction).DatabaseCPUPercent, a.DatabaseCPUPercent)
	assert.Equal(t, 30, a.EvaluationMinutes, "dev is quieter: it waits half an hour")
	assert.Equal(t, 14, done.Workload.Observability.LogRetentionDays)
	assert.Equal(t, config.DefaultCloudWatchObservabilityVersion, done.Workload.Observability.AddonVersion)
	assert.Less(t, config.DefaultWorkloadAlarms(config.TierProduction).EvaluationMinutes, config.DefaultWorkloadAlarms(config.TierNonProduction).EvaluationMinutes)
	assert.Equal(t, 365, config.DefaultLogRetention(config.TierProduction))

	sec := config.Stack{Name: "security", Layer: config.LayerSecurity, Security: &config.Security{
		Alerts: config.SecurityAlerts{Critical: config.AlertRoute{Emails: []string{"a@example.com"}}}}}
	s := sec.WithDefaults().Security.Alerts
	assert.Equal(t, 7.0, s.GuardDutyMinSeverity)
	assert.Equal(t, []string{"a@example.com"}, s.High.Emails, "high defaults to the critical recipients")
	assert.Empty(t, sec.Security.Alerts.High.Emails, "the written config is not changed")
}
