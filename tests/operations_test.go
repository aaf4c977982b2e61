package tests

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/observability"
)

// Every alarm any stack registers watches a metric of the table (namespace, metric name, dimension names) that
// the resource it names emits, alarms to a topic of its own account, and every stack but org and security has one.
func TestEveryAlarmWatchesAMetricOfTheTable(t *testing.T) {
	type key struct{ ns, name string }
	table := map[key][]string{}
	for _, m := range observability.Metrics {
		dims := slices.Clone(m.Dimensions)
		sort.Strings(dims)
		table[key{m.Namespace, m.Name}] = dims
		assert.True(t, strings.HasPrefix(m.Doc, "https://docs.aws.amazon.com/"), m.Name)
	}
	perStack := map[string]int{}
	for _, s := range fullPlan(t).Stacks {
		for _, r := range s.Resources {
			if r.Type != "aws:cloudwatch/metricAlarm:MetricAlarm" {
				continue
			}
			perStack[s.Name]++
			in := r.Inputs
			dims, ok := table[key{in["namespace"].(string), in["metricName"].(string)}]
			require.True(t, ok, "%s %s: %s/%s is not in the metric table", s.Name, r.Name, in["namespace"], in["metricName"])
			var got []string
			for d, v := range in["dimensions"].(map[string]any) {
				got = append(got, d)
				assert.NotEmpty(t, v, "%s %s dimension %s", s.Name, r.Name, d)
			}
			sort.Strings(got)
			assert.Equal(t, dims, got, "%s %s dimensions", s.Name, r.Name)
			for _, a := range in["alarmActions"].([]any) {
				assert.Contains(t, a, ":"+r.Account+":", "%s %s alarms to a topic of its own account", s.Name, r.Name)
			}
		}
	}
	for _, s := range []string{"network", "dev", "staging", "prod"} {
		assert.NotZero(t, perStack[s], "stack %s has platform alarms", s)
	}
	assert.Equal(t, 2*3+3+2*2, perStack["network"], "NAT (2 per gateway, 3), firewall per AZ (3), TGW (2 per attachment, 2)")
}

// Every SNS topic any stack registers is encrypted with a customer-managed key, and every topic policy lets only
// named publishers (aws:SourceAccount or aws:SourceArn) publish.
func TestEveryTopicIsEncryptedAndItsPolicyNamesItsPublishers(t *testing.T) {
	topics := 0
	for _, s := range fullPlan(t).Stacks {
		for _, r := range s.Resources {
			switch r.Type {
			case "aws:sns/topic:Topic":
				topics++
				assert.Contains(t, r.Inputs["kmsMasterKeyId"], ":key/", "%s %s", s.Name, r.Name)
			case "aws:sns/topicPolicy:TopicPolicy":
				doc, err := iampolicy.Parse(r.Inputs["policy"].(string))
				require.NoError(t, err)
				for _, st := range doc.Statement {
					if st.Effect != iampolicy.Allow {
						continue
					}
					scoped := false
					for _, keys := range st.Condition {
						for k := range keys {
							scoped = scoped || k == "aws:SourceArn" || k == "aws:SourceAccount"
						}
					}
					assert.True(t, scoped, "%s %s statement %s", s.Name, r.Name, st.Sid)
				}
			}
		}
	}
	assert.GreaterOrEqual(t, topics, 1+2+4, "billing, two security topics, a platform topic per network and workload stack")
}

// Every workload stack creates its cluster's control-plane and Container Insights log groups, encrypted and kept
// for the environment's retention, before the cluster (the control plane's) and before the observability add-on
// (all of them); the add-on is pinned and has a Pod Identity role.
func TestEveryClusterHasManagedLogGroupsAndTheObservabilityAddon(t *testing.T) {
	retention := map[string]float64{"dev": 14, "staging": 30, "prod": 365}
	res := fullPlan(t)
	for _, s := range res.Stacks {
		want, ok := retention[s.Name]
		if !ok {
			continue
		}
		groups := map[string]string{} // name -> URN
		var cluster, addon map[string]any
		var clusterDeps, addonDeps []string
		for _, r := range s.Resources {
			switch {
			case r.Type == "aws:cloudwatch/logGroup:LogGroup":
				groups[r.Inputs["name"].(string)] = r.URN
				assert.Equal(t, want, r.Inputs["retentionInDays"], "%s %s", s.Name, r.Name)
				assert.Contains(t, r.Inputs["kmsKeyId"], ":key/", "%s %s", s.Name, r.Name)
			case r.Type == "eks:index:Cluster":
				cluster, clusterDeps = r.Inputs, r.Dependencies
			case r.Type == "aws:eks/addon:Addon" && r.Inputs["addonName"] == observability.AddonName:
				addon, addonDeps = r.Inputs, r.Dependencies
			}
		}
		require.NotNil(t, cluster, s.Name)
		require.NotNil(t, addon, "%s has the %s add-on", s.Name, observability.AddonName)
		name := cluster["name"].(string)
		cp, ok := groups[observability.ControlPlaneLogGroup(name)]
		require.True(t, ok, "%s plans %s", s.Name, observability.ControlPlaneLogGroup(name))
		assert.Contains(t, clusterDeps, cp, "%s: the cluster waits for its control-plane log group", s.Name)
		for _, kind := range observability.ContainerInsightsGroups {
			g, ok := groups[observability.ContainerInsightsLogGroup(name, kind)]
			require.True(t, ok, "%s plans the %s group", s.Name, kind)
			assert.Contains(t, addonDeps, g, "%s: the add-on waits for the %s group", s.Name, kind)
		}
		assert.Regexp(t, `^v4\.\d+\.\d+-eksbuild\.\d+$`, addon["addonVersion"], s.Name)
		assoc := addon["podIdentityAssociations"].([]any)
		require.Len(t, assoc, 1, s.Name)
		assert.Equal(t, "cloudwatch-agent", assoc[0].(map[string]any)["serviceAccount"], s.Name)
	}
}

// Every network and workload stack has one dashboard whose graphs all show a metric of the table with its
// dimensions, each dimension with a value.
func TestEveryDashboardShowsMetricsOfTheTable(t *testing.T) {
	type key struct{ ns, name string }
	table := map[key]int{}
	for _, m := range observability.Metrics {
		table[key{m.Namespace, m.Name}] = len(m.Dimensions)
	}
	perStack := map[string]int{}
	for _, s := range fullPlan(t).Stacks {
		for _, r := range s.Resources {
			if r.Type != "aws:cloudwatch/dashboard:Dashboard" {
				continue
			}
			perStack[s.Name]++
			var body struct {
				Widgets []struct {
					Type       string `json:"type"`
					Properties struct {
						Metrics [][]any `json:"metrics"`
					} `json:"properties"`
				} `json:"widgets"`
			}
			text, ok := r.Inputs["dashboardBody"].(string)
			if !ok {
				raw, err := json.Marshal(r.Inputs["dashboardBody"])
				require.NoError(t, err)
				text = string(raw)
			}
			require.NoError(t, json.Unmarshal([]byte(text), &body), "%s %s", s.Name, r.Name)
			graphs := 0
			for _, w := range body.Widgets {
				for _, line := range w.Properties.Metrics {
					graphs++
					dims, ok := table[key{line[0].(string), line[1].(string)}]
					require.True(t, ok, "%s %s: %v is not in the metric table", s.Name, r.Name, line[:2])
					require.Len(t, line, 2+2*dims, "%s %s: %v", s.Name, r.Name, line)
					for i := 3; i < len(line); i += 2 {
						assert.NotEmpty(t, line[i], "%s %s: %v", s.Name, r.Name, line)
					}
				}
			}
			assert.NotZero(t, graphs, "%s %s has graphs", s.Name, r.Name)
		}
	}
	for _, s := range []string{"network", "dev", "staging", "prod"} {
		assert.Equal(t, 1, perStack[s], "stack %s has one dashboard", s)
	}
}
