package apps_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/innovate-inc/platform/apps"
	"github.com/innovate-inc/platform/internal/chartvalues"
)

// Every value the platform sets on an Istio chart is a value of that chart at the pinned release (the charts keep
// their defaults under _internal_defaults_do_not_set; profile is their own switch, read by zzz_profile.yaml).
func TestIstioValuesAreChartValues(t *testing.T) {
	for _, chart := range apps.IstioCharts {
		var file map[string]any
		require.NoError(t, yaml.Unmarshal(lbcTestdataIn(t, "istio", chart+"-values.yaml"), &file))
		defaults := file["_internal_defaults_do_not_set"].(map[string]any)
		defaults["profile"] = ""
		values, err := apps.IstioChartValues(chart).Map()
		require.NoError(t, err)
		assert.Empty(t, chartvalues.Unknown(values, defaults), chart)
		if chart != "base" {
			assert.Equal(t, "ambient", values["profile"], chart)
			assert.Equal(t, apps.IstioVersion, values["tag"], chart)
		}
	}
	values, _ := apps.IstioChartValues("istiod").Map()
	values["nodeSelectors"] = map[string]any{}
	var file map[string]any
	require.NoError(t, yaml.Unmarshal(lbcTestdataIn(t, "istio", "istiod-values.yaml"), &file))
	assert.Equal(t, []string{"nodeSelectors", "profile"}, chartvalues.Unknown(values, file["_internal_defaults_do_not_set"].(map[string]any)))
}

// STRICT for the namespace; a load-balanced workload keeps only its application port PERMISSIVE, for itself.
func TestPeerAuthenticationSpec(t *testing.T) {
	assert.Equal(t, map[string]any{"mtls": map[string]any{"mode": "STRICT"}}, apps.PeerAuthenticationSpec("worker", 0))
	lb := apps.PeerAuthenticationSpec("frontend", 8080)
	assert.Equal(t, map[string]any{"8080": map[string]any{"mode": "PERMISSIVE"}}, lb["portLevelMtls"])
	assert.Equal(t, map[string]any{"matchLabels": map[string]any{apps.LabelApp: "frontend"}}, lb["selector"])
}
