package config

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validRaw is a small valid org stack config, as Pulumi hands it to the program.
func validRaw(t *testing.T, edit ...func(e, o map[string]any)) map[string]string {
	t.Helper()
	estate := map[string]any{
		"company": "acme", "pulumiOrg": "acme", "homeRegion": "eu-west-1", "drRegion": "eu-central-1",
		"allowedRegions": []any{"eu-west-1", "eu-central-1"},
		"tags":           map[string]any{"owner": "ops", "team": "ops", "costCenter": "1", "application": "app"},
		"environments": []any{
			map[string]any{"name": "prod", "tier": "production"}, map[string]any{"name": "dev", "tier": "non-production"},
		},
	}
	acct := func(name, role, env, ou string) map[string]any {
		a := map[string]any{"name": name, "role": role, "email": name + "@acme.test", "ou": ou, "budget": map[string]any{"monthlyLimitUsd": 10}}
		if env != "" {
			a["environment"] = env
		}
		return a
	}
	org := map[string]any{
		"organizationalUnits": []any{map[string]any{"name": "Core"}, map[string]any{"name": "Prod"}, map[string]any{"name": "Dev"}},
		"accounts": []any{
			acct("identity", "identity", "", "Core"), acct("logs", "logArchive", "", "Core"), acct("sec", "securityTooling", "", "Core"),
			acct("net", "networking", "", "Core"), acct("backup", "backup", "", "Core"),
			acct("prod", "workload", "prod", "Prod"), acct("dev", "workload", "dev", "Dev"),
		},
		"budgets":          map[string]any{"alertEmails": []any{"fin@acme.test"}},
		"anomalyDetection": map[string]any{"emails": []any{"fin@acme.test"}},
	}
	for _, e := range edit {
		e(estate, org)
	}
	es, _ := json.Marshal(estate)
	ob, _ := json.Marshal(org)
	return map[string]string{KeyLayer: "organization", KeyEstate: string(es), KeyOrganization: string(ob), "aws:region": "eu-west-1"}
}

func TestLoadFillsDefaults(t *testing.T) {
	s, err := Load("org", validRaw(t))
	require.NoError(t, err)
	assert.Equal(t, LayerOrganization, s.Layer)
	assert.Equal(t, DefaultAccessRoleName, s.Estate.AccessRoleName)
	assert.Equal(t, DefaultPipelineRoleName, s.Estate.PipelineRoleName)
	o := s.Organization
	assert.Equal(t, []float64{50, 80, 100}, o.Budgets.ActualThresholdsPercent)
	assert.Equal(t, []float64{100}, o.Budgets.ForecastThresholdsPercent)
	assert.Equal(t, 100.0, o.Budgets.HardLimitPercent)
	assert.Equal(t, 100.0, o.AnomalyDetection.ThresholdUSD)
	assert.Equal(t, []string{"Dev", "Prod"}, o.BackupPolicy.TargetOUs, "the OUs holding workload accounts")
	hard := map[string]bool{}
	for _, a := range o.Accounts {
		hard[a.Name] = *a.Budget.HardLimit
	}
	assert.Equal(t, map[string]bool{"identity": false, "logs": false, "sec": false, "net": false, "backup": false, "prod": false, "dev": true}, hard,
		"hard limits default on for non-prod workloads only")
}

func TestWithDefaultsDoesNotChangeTheWrittenConfig(t *testing.T) {
	written, err := Parse("org", validRaw(t))
	require.NoError(t, err)
	before, _ := json.Marshal(written)
	_ = written.WithDefaults()
	after, _ := json.Marshal(written)
	assert.JSONEq(t, string(before), string(after))
	assert.Nil(t, written.Organization.Accounts[0].Budget.HardLimit)
}

func TestParseRejectsUnknownFieldsAndKeys(t *testing.T) {
	raw := validRaw(t, func(e, o map[string]any) { o["acounts"] = []any{} })
	raw["platform:estates"] = "{}"
	_, err := Parse("org", raw)
	require.Error(t, err)
	assert.ErrorContains(t, err, `platform:organization: not valid: json: unknown field "acounts"`)
	assert.ErrorContains(t, err, "platform:estates is not a known key")
}

func TestValidateCollectsEveryProblem(t *testing.T) {
	_, err := Load("org", validRaw(t, func(e, o map[string]any) {
		e["drRegion"] = "eu-west-1"
		o["budgets"] = map[string]any{"alertEmails": []any{"x"}, "actualThresholdsPercent": []any{101}}
	}))
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	assert.Len(t, lines, 3, err.Error())
	assert.ErrorContains(t, err, `platform:estate.drRegion "eu-west-1" must differ`)
	assert.ErrorContains(t, err, `platform:organization.budgets.alertEmails[0] "x" is not a valid email address`)
	assert.ErrorContains(t, err, "platform:organization.budgets.actualThresholdsPercent[0] 101 is outside 1-100 percent")
}

func TestOrganizationSectionOnlyInTheOrgLayer(t *testing.T) {
	raw := validRaw(t)
	raw[KeyLayer] = "workload"
	_, err := Load("dev", raw)
	assert.ErrorContains(t, err, `platform:organization "<object>" is only read by the organization layer, not by layer "workload"`)
	delete(raw, KeyOrganization)
	_, err = Load("dev", raw)
	assert.ErrorContains(t, err, "platform:workload is required")
	assert.Equal(t, "dev", Stack{Name: "dev", Layer: LayerWorkload}.EnvironmentTag())
	assert.Equal(t, "shared", Stack{Name: "network", Layer: LayerNetwork}.EnvironmentTag())
}

func TestEmailValidation(t *testing.T) {
	for _, ok := range []string{"a@b.co", "aws+prod@example.com", "first.last@sub.example.org"} {
		assert.True(t, validEmail(ok), ok)
	}
	for _, bad := range []string{"", "a", "a@b", "Name <a@b.co>", "a@b.co ", "@b.co"} {
		assert.False(t, validEmail(bad), bad)
	}
}

func TestRegions(t *testing.T) {
	assert.True(t, IsRegion("us-east-1"))
	assert.True(t, IsRegion("ap-southeast-7"))
	assert.False(t, IsRegion("us-east-7"))
	assert.False(t, IsRegion("US-EAST-1"))
}

func TestLayerRank(t *testing.T) {
	assert.Less(t, LayerOrganization.Rank(), LayerSecurity.Rank())
	assert.Less(t, LayerNetwork.Rank(), LayerWorkload.Rank())
	assert.Equal(t, len(Layers), Layer("nope").Rank())
}
