package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/offline"
	"github.com/innovate-inc/platform/internal/readiness"
	"github.com/innovate-inc/platform/internal/stackref"
)

// The generated estate the scale benchmark plans (BenchmarkPlanEstate) is a valid, deploy-ready estate: 30
// environments plan without a config error and without a finding their config does not waive, each in its own
// account, VPC range and tier's route domain. Without this test the generator could rot into measuring failures.
func TestGeneratedEstateOf30IsDeployReady(t *testing.T) {
	proj, envs := fixtures.GenerateEstate(t, 30)
	res, err := offline.RunProject(proj, "all")
	require.NoError(t, err)
	require.Len(t, res.Stacks, 3+len(envs), "org, security, network and one stack per environment")

	readiness.Evaluate(res)
	for _, s := range res.Stacks {
		for _, f := range s.Findings {
			if f.Waiver == nil {
				t.Errorf("stack %s: %s %s %s: %s", s.Name, f.Rule, f.Severity, f.Resource, f.Message)
			}
		}
	}
	assert.Zero(t, readiness.Count(res), "unwaived findings")

	org, ok := res.Stack(stackref.OrgStack)
	require.True(t, ok)
	accounts, _ := org.Outputs[stackref.OrgWorkloadAccountIDs].(map[string]any)
	assert.Len(t, accounts, len(envs), "one workload account per environment")
	network, ok := res.Stack(stackref.NetworkStack)
	require.True(t, ok)
	routeTables, _ := network.Outputs[stackref.NetRouteTableIDs].(map[string]any)

	tiers := map[config.Tier]int{}
	for _, env := range envs {
		s, ok := res.Stack(env.Name)
		require.True(t, ok, env.Name)
		require.NotNil(t, s.Environment, env.Name)
		assert.Equal(t, env.Tier, s.Environment.Tier, env.Name)
		tiers[env.Tier]++
		v := stackView{t, s}
		assert.Equal(t, env.VPCCIDR, v.named("aws:ec2/vpc:Vpc", env.Name+"-vpc").Inputs["cidrBlock"], env.Name)
		domain := "nonprod"
		if env.Tier == config.TierProduction {
			domain = "prod"
		}
		assoc := v.byType("aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation")
		require.Len(t, assoc, 1, env.Name)
		assert.Equal(t, routeTables[domain], assoc[0].Inputs["transitGatewayRouteTableId"], "%s joins the %s route domain", env.Name, domain)
	}
	assert.Equal(t, map[config.Tier]int{config.TierProduction: 10, config.TierNonProduction: 20}, tiers)
}
