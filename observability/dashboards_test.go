package observability_test

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/observability"
)

// The workload dashboard shows every alarm's metric with its threshold, and the cluster views; the body lays the
// dimension values out in the order NewDashboard collects them.
func TestWorkloadDashboardShowsEveryAlarm(t *testing.T) {
	targets := observability.WorkloadTargets{DatabaseID: pulumi.String("dev-postgres"), QueueName: "q", ClusterName: "dev-eks",
		BackupVault: "v", ContainerAlarm: true}
	alarms := observability.WorkloadAlarms(targets, config.DefaultWorkloadAlarms(config.TierNonProduction))
	sections := observability.WorkloadDashboard(targets, alarms)
	var values []any
	graphs, thresholds := 0, 0
	for _, s := range sections {
		for _, g := range s.Graphs {
			graphs++
			if g.Threshold != nil {
				thresholds++
			}
			for range g.Dimensions {
				values = append(values, "value")
			}
		}
	}
	assert.Equal(t, len(alarms), thresholds, "every alarm is a graph with its threshold")
	assert.Equal(t, len(alarms)+3, graphs, "and three cluster views")

	body, err := observability.DashboardBody("us-east-1", sections, values)
	require.NoError(t, err)
	var b struct {
		Widgets []struct {
			Type       string         `json:"type"`
			Y          int            `json:"y"`
			Properties map[string]any `json:"properties"`
		} `json:"widgets"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &b))
	assert.Len(t, b.Widgets, graphs+len(sections))
	for _, w := range b.Widgets {
		if w.Type != "metric" {
			continue
		}
		line := w.Properties["metrics"].([]any)[0].([]any)
		assert.Len(t, line, 4, "namespace, metric, one dimension and its value: %v", line)
	}

	_, err = observability.DashboardBody("us-east-1", sections, values[1:])
	assert.ErrorContains(t, err, "fewer dimension values than dimensions")
}
