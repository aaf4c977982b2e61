package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/offline"
	"github.com/innovate-inc/platform/internal/plan"
)

// writePlan plans the network stack of the repository, after an edit of the project config, into a JSON file.
func writePlan(t *testing.T, path string, edit func(*plan.Project)) {
	t.Helper()
	proj := fixtures.Project(t)
	if edit != nil {
		edit(proj)
	}
	res, err := offline.RunProject(proj, "network")
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, plan.WriteJSON(&b, res))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o600))
}

// Two plans made from configs that differ: a new application (a repository, its policy, lifecycle and publisher
// role), a firewall domain more (the rule group changes in place) and another Transit Gateway ASN (replaced).
func TestDiffOfTwoConfigs(t *testing.T) {
	dir := t.TempDir()
	base, head := filepath.Join(dir, "base.json"), filepath.Join(dir, "head.json")
	writePlan(t, base, nil)
	writePlan(t, head, func(p *plan.Project) {
		for i := range p.Stacks {
			if p.Stacks[i].Name != "network" {
				continue
			}
			fixtures.Edit(t, &p.Stacks[i], config.KeyDelivery, func(d map[string]any) {
				d["applications"] = append(d["applications"].([]any), map[string]any{"name": "worker", "repository": "worker"})
			})
			fixtures.Edit(t, &p.Stacks[i], config.KeyNetwork, func(n map[string]any) {
				fw := n["firewall"].(map[string]any)
				fw["allowedDomains"] = append(fw["allowedDomains"].([]any), "api.example.org")
				n["transitGatewayAsn"] = 64600
			})
		}
	})

	out, err := run(t, "diff", base, head)
	require.NoError(t, err)
	assert.Contains(t, out, "stack network: 5 to add, 1 to change, 1 to replace, 0 to remove\n")
	assert.Contains(t, out, "  +  aws:ecr/repository:Repository  network-registry-repo-worker\n")
	assert.Contains(t, out, "  +  aws:iam/role:Role  network-publishers-worker\n")
	assert.Contains(t, out, "aws:networkfirewall/ruleGroup:RuleGroup  network-inspection-firewall-egress-allow-list  (ruleGroup.rulesSource.rulesSourceList.targets)")
	assert.Regexp(t, `\+- aws:ec2transitgateway/transitGateway:TransitGateway  network-hub-tgw  \(amazonSideAsn; replaced because of amazonSideAsn[^)]*\)`, out)
	assert.NotContains(t, out, "api.example.org", "values are never printed")

	md, err := run(t, "diff", "--format", "markdown", base, head)
	require.NoError(t, err)
	assert.Contains(t, md, "| `network` | 5 |")

	same, err := run(t, "diff", base, base)
	require.NoError(t, err)
	assert.Equal(t, "No changes: both plans register the same resources with the same inputs.\n", same)
}

func TestDiffRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("plan: text"), 0o600))
	_, err := run(t, "diff", bad, bad)
	assert.ErrorContains(t, err, "bad.json is not a `platform plan --format json` document")
	_, err = run(t, "diff", filepath.Join(dir, "missing.json"), bad)
	assert.ErrorContains(t, err, "reading plan")
	_, err = run(t, "diff", "--format", "html", bad, bad)
	assert.ErrorContains(t, err, `--format "html": allowed are text, markdown`)
	_, err = run(t, "diff", bad)
	assert.Error(t, err)
	var v any
	assert.Error(t, json.Unmarshal([]byte("plan: text"), &v))
}
