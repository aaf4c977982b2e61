package observability_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/observability"
)

// CloudWatch Logs of the region may use the cluster logs key for the cluster's own groups, and for no other group
// or region.
func TestClusterLogsKeyPolicyAdmitsOnlyTheClusterGroups(t *testing.T) {
	const acct, region = "123456789012", "us-east-1"
	doc := observability.ClusterLogsKeyPolicy(acct, region, "dev-eks")
	use := func(service, group string) bool {
		return iampolicy.Evaluate(doc, iampolicy.Request{Service: service, Action: "kms:GenerateDataKey", Resource: "*",
			Context: map[string]string{"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:" + region + ":" + acct + ":log-group:" + group}}).Allowed
	}
	logs := "logs." + region + ".amazonaws.com"
	assert.True(t, use(logs, observability.ControlPlaneLogGroup("dev-eks")))
	for _, kind := range observability.ContainerInsightsGroups {
		assert.True(t, use(logs, observability.ContainerInsightsLogGroup("dev-eks", kind)), kind)
	}
	assert.False(t, use(logs, observability.ControlPlaneLogGroup("prod-eks")), "another cluster's group")
	assert.False(t, use(logs, "/aws/lambda/anything"), "another group of the account")
	assert.False(t, use("logs.us-west-2.amazonaws.com", observability.ControlPlaneLogGroup("dev-eks")), "another region")
	assert.Equal(t, "/aws/eks/dev-eks/cluster", observability.ControlPlaneLogGroup("dev-eks"))
}

// The add-on collects Container Insights and container logs, and no Application Signals: its role has no X-Ray
// policy, so traces would be refused.
func TestAddonValuesTurnApplicationSignalsOff(t *testing.T) {
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(observability.AddonValues()), &v))
	collected := v["agent"].(map[string]any)["config"].(map[string]any)["logs"].(map[string]any)["metrics_collected"].(map[string]any)
	assert.Equal(t, map[string]any{"enhanced_container_insights": true}, collected["kubernetes"])
	assert.NotContains(t, collected, "application_signals")
	assert.NotContains(t, v["agent"].(map[string]any)["config"], "traces")
	assert.Equal(t, true, v["containerLogs"].(map[string]any)["enabled"])
	assert.Equal(t, []string{"arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"}, observability.AgentPolicies)
}
