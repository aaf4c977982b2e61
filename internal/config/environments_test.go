package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The environment's tier and Multi-AZ flag, not its name, decide a workload stack's defaults.
func TestWorkloadDefaultsFollowTheDeclaredEnvironment(t *testing.T) {
	yes := true
	estate := Estate{Environments: []Environment{
		{Name: "live", Tier: TierProduction},
		{Name: "qa", Tier: TierNonProduction, MultiAZ: &yes},
		{Name: "sandbox-1", Tier: TierNonProduction},
	}}
	for _, tc := range []struct {
		env                             string
		azCount, pitrDays, logRetention int
		evaluationMinutes               int
	}{
		{"live", 3, ProdBackupRetentionDays, 365, 5},
		{"qa", 3, 7, 14, 30},
		{"sandbox-1", 2, 7, 14, 30},
	} {
		w := Stack{Name: tc.env, Layer: LayerWorkload, Estate: estate, Workload: &Workload{}}.WithDefaults().Workload
		assert.Equal(t, tc.azCount, w.VPC.AZCount, tc.env)
		assert.Equal(t, tc.pitrDays, w.Database.BackupRetentionDays, tc.env)
		assert.Equal(t, tc.logRetention, w.Observability.LogRetentionDays, tc.env)
		assert.Equal(t, tc.evaluationMinutes, w.Alarms.EvaluationMinutes, tc.env)
	}
}

func TestEnvironmentDefaultsAndLookups(t *testing.T) {
	no := false
	written := Stack{Name: "org", Layer: LayerOrganization, Estate: Estate{Environments: []Environment{
		{Name: "live", Tier: TierProduction}, {Name: "dev", Tier: TierNonProduction}, {Name: "perf", Tier: TierNonProduction, MultiAZ: &no},
	}}}
	done := written.WithDefaults().Estate
	multi := map[string]bool{}
	for _, e := range done.Environments {
		require.NotNil(t, e.MultiAZ, e.Name)
		multi[e.Name] = *e.MultiAZ
	}
	assert.Equal(t, map[string]bool{"live": true, "dev": false, "perf": false}, multi, "Multi-AZ defaults to the production tier")
	assert.Nil(t, written.Estate.Environments[0].MultiAZ, "the written config is not changed")
	assert.True(t, written.Estate.Environments[0].RequiresMultiAZ(), "read before defaults too")

	assert.Equal(t, []string{"live", "dev", "perf"}, done.EnvironmentNames())
	live, ok := done.Environment("live")
	require.True(t, ok)
	assert.True(t, live.Production())
	_, ok = done.Environment("prod")
	assert.False(t, ok)

	assert.Equal(t, "live", Stack{Name: "live", Layer: LayerWorkload, Estate: done}.Environment().Name)
	assert.True(t, Stack{Name: "live", Layer: LayerWorkload, Estate: done}.Environment().Production())
	assert.False(t, Stack{Name: "live", Layer: LayerNetwork, Estate: done}.Environment().Production(), "only a workload stack builds an environment")

	acct := func(env string) Account { return Account{Role: RoleWorkload, Environment: env} }
	assert.True(t, acct("live").Production(done))
	assert.False(t, acct("dev").Production(done))
	assert.False(t, Account{Role: RoleNetworking}.Production(done))
}
