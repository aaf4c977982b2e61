package observability_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/providers"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/observability"
)

func TestWorkloadAlarmsFollowConfig(t *testing.T) {
	t0 := observability.WorkloadTargets{DatabaseID: pulumi.String("dev-postgres"), QueueName: "q", ClusterName: "dev-eks", BackupVault: "v"}
	names := func(as []observability.Alarm) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.Name)
		}
		return out
	}
	dev := observability.WorkloadAlarms(t0, config.DefaultWorkloadAlarms(config.TierNonProduction))
	assert.NotContains(t, names(dev), "rds-replica-lag", "no replica, no lag alarm")
	t0.ReplicaID = pulumi.String("dev-postgres-replica")
	prod := observability.WorkloadAlarms(t0, config.DefaultWorkloadAlarms(config.TierProduction))
	assert.Contains(t, names(prod), "rds-replica-lag")
	assert.Equal(t, 6, dev[0].Periods, "dev waits 30 minutes of 5-minute periods")
	assert.Equal(t, 1, prod[0].Periods)
	assert.Equal(t, float64(20<<30), prod[1].Threshold, "free storage in bytes")
	for _, a := range prod {
		m, ok := observability.Metrics[a.Metric]
		require.True(t, ok, a.Name)
		for d := range a.Dimensions {
			assert.Contains(t, m.Dimensions, d, a.Name)
		}
	}
}

func TestAlarmOnAnUnknownDimensionFails(t *testing.T) {
	_, err := fixtures.Run(t, "dev", "us-east-1", func(ctx *pulumi.Context) error {
		p, err := providers.New(ctx, "dev", providers.Target{Key: "dev", Region: "us-east-1", AccountID: "100000000009", RoleName: "OrganizationAccountAccessRole"}, nil)
		if err != nil {
			return err
		}
		_, err = observability.NewPlatformAlarms(ctx, "dev-alarms", observability.PlatformAlarmsArgs{
			Scope: scope.Scope{Stack: "dev", AccountID: "100000000009", Region: "us-east-1", Provider: p},
			Route: config.AlertRoute{Emails: []string{"a@example.com"}},
			Alarms: []observability.Alarm{{Name: "cpu", Metric: "rds-cpu", Statistic: "Average", Comparison: "GreaterThanThreshold",
				PeriodSeconds: 300, Periods: 1, Dimensions: map[string]pulumi.StringInput{"DBClusterIdentifier": pulumi.String("x")}}},
		})
		return err
	})
	require.Error(t, err)
	assert.ErrorContains(t, err, `platform alarms dev-alarms: alarm cpu: AWS/RDS CPUUtilization has no dimension "DBClusterIdentifier"`)
}

func TestComputeBudgetCanPublish(t *testing.T) {
	const account = "111111111111"
	topic := "arn:aws:sns:eu-west-1:" + account + ":dev-alarms-topic"
	doc := observability.TopicPolicy(topic, observability.CloudWatch, nil)
	doc.Statement = append(doc.Statement, observability.BudgetsPublish(topic, account))
	budget := observability.BudgetARN(account, "dev-alarms-compute-budget")
	req := iampolicy.Request{Service: observability.Budgets, Action: "sns:Publish", Resource: topic,
		Context: map[string]string{"aws:SourceArn": budget, "aws:SourceAccount": account, "aws:SecureTransport": "true"}}
	if d := iampolicy.Evaluate(doc, req); !d.Allowed {
		t.Fatalf("budget %s cannot publish: %s", budget, d.Reason)
	}
	req.Context["aws:SourceAccount"], req.Context["aws:SourceArn"] = "222222222222", observability.BudgetARN("222222222222", "x")
	if d := iampolicy.Evaluate(doc, req); d.Allowed {
		t.Fatal("a budget of another account can publish")
	}
	key := observability.TopicKeyPolicy(account, observability.CloudWatch, observability.Budgets)
	for _, action := range []string{"kms:GenerateDataKey", "kms:Decrypt"} {
		if d := iampolicy.Evaluate(key, iampolicy.Request{Service: observability.Budgets, Action: action, Resource: "*",
			Context: map[string]string{"aws:SourceAccount": account}}); !d.Allowed {
			t.Errorf("the key does not let budgets %s: %s", action, d.Reason)
		}
	}
}
