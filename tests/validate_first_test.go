package tests

import (
	"maps"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/mocks"
	"github.com/innovate-inc/platform/internal/offline"
	"github.com/innovate-inc/platform/internal/plan"
	"github.com/innovate-inc/platform/internal/program"
	"github.com/innovate-inc/platform/internal/stackref"
)

// runStack runs the real program for a stack file under a fresh mock monitor, its stack references reading the
// given outputs of upstream stacks (by stack name), and returns the monitor with every registration.
func runStack(t testing.TB, sf plan.StackFile, upstream map[string]map[string]any, opts ...mocks.Option) (*mocks.Monitor, error) {
	t.Helper()
	for name, outs := range upstream {
		opts = append(opts, mocks.WithStackOutputs("innovate-inc/platform/"+name, outs))
	}
	mon := mocks.New("platform", sf.Name, sf.Region(), opts...)
	err := pulumi.RunErr(program.Run, pulumi.WithMocksWithOrganization("innovate-inc", "platform", sf.Name, mon),
		offline.WithConfig(sf.Config, sf.SecretKeys))
	return mon, err
}

// upstreamOutputs are the planned outputs of every stack, by name, to edit.
func upstreamOutputs(t *testing.T) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, s := range fullPlan(t).Stacks {
		out[s.Name] = maps.Clone(s.Outputs)
	}
	return out
}

// registeredNothing fails when the program registered anything but providers and stack references: a layer reads
// its inputs and runs every cross-stack check before it builds, so a failed check leaves no half-built stack.
func registeredNothing(t *testing.T, mon *mocks.Monitor) {
	t.Helper()
	for _, r := range mon.Resources() {
		if strings.HasPrefix(r.Type, "pulumi:providers:") || r.Type == "pulumi:pulumi:StackReference" || r.Type == "pulumi:pulumi:Stack" {
			continue
		}
		t.Errorf("registered %s %s before the check failed", r.Type, r.Name)
	}
}

func TestCrossStackFailuresRegisterNothing(t *testing.T) {
	for _, tc := range []struct {
		name, stack string
		edit        func(map[string]map[string]any)
		opts        []mocks.Option
		want        string
	}{
		{name: "permission set not assigned to the account", stack: "prod", opts: []mocks.Option{mocks.WithoutIdentityCenterRoles()},
			want: `platform:workload.eks.access[0].permissionSet "BreakGlassAdmin" has 0 IAM Identity Center roles in this account`},
		{name: "no Backup vault in the home region", stack: "staging", edit: func(u map[string]map[string]any) {
			vaults := maps.Clone(u["security"][stackref.SecBackupVaultARNs].(map[string]any))
			delete(vaults, "us-east-1")
			u["security"][stackref.SecBackupVaultARNs] = vaults
		}, want: `stack "staging" reads backupVaultArns["us-east-1"] of stack "security", which does not export it`},
		{name: "no workload account for the environment", stack: "dev", edit: func(u map[string]map[string]any) {
			accounts := maps.Clone(u["org"][stackref.OrgWorkloadAccountIDs].(map[string]any))
			delete(accounts, "dev")
			u["org"][stackref.OrgWorkloadAccountIDs] = accounts
		}, want: `stack "dev": the org stack has no workload account for environment "dev"`},
		{name: "assignment to an account the org stack does not have", stack: "security", edit: func(u map[string]map[string]any) {
			accounts := maps.Clone(u["org"][stackref.OrgAccountIDs].(map[string]any))
			delete(accounts, "staging")
			u["org"][stackref.OrgAccountIDs] = accounts
		}, want: `platform:security.identityCenter.assignments[1].accounts[2] "staging" is not an account of the org stack`},
		{name: "share with an OU the org stack does not have", stack: "network", edit: func(u map[string]map[string]any) {
			ous := maps.Clone(u["org"][stackref.OrgOUIDs].(map[string]any))
			delete(ous, "Workloads")
			u["org"][stackref.OrgOUIDs] = ous
		}, want: `platform:network.shareWithOus[0] "Workloads" is not an OU of the org stack`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			upstream := upstreamOutputs(t)
			if tc.edit != nil {
				tc.edit(upstream)
			}
			mon, err := runStack(t, fixtures.StackFile(t, tc.stack), upstream, tc.opts...)
			require.Error(t, err)
			assert.ErrorContains(t, err, tc.want)
			registeredNothing(t, mon)
		})
	}
}
