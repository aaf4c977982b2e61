package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := newRoot()
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestPlanOrgAsJSON(t *testing.T) {
	out, err := run(t, "plan", "--dir", "../..", "--stack", "org", "--format", "json")
	require.NoError(t, err)
	var doc struct {
		Project string `json:"project"`
		Stacks  []struct {
			Name      string           `json:"name"`
			Resources []map[string]any `json:"resources"`
			Outputs   map[string]any   `json:"outputs"`
		} `json:"stacks"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.Len(t, doc.Stacks, 1)
	counts := map[string]int{}
	for _, r := range doc.Stacks[0].Resources {
		counts[r["type"].(string)]++
	}
	assert.Equal(t, 1, counts["aws:organizations/organization:Organization"])
	assert.Equal(t, 7, counts["aws:organizations/organizationalUnit:OrganizationalUnit"])
	assert.Equal(t, 8, counts["aws:organizations/account:Account"])
	assert.Equal(t, 5, counts["aws:organizations/delegatedAdministrator:DelegatedAdministrator"])
	assert.Contains(t, doc.Stacks[0].Outputs, "organizationId")
}

func TestPlanText(t *testing.T) {
	out, err := run(t, "plan", "--dir", "../..")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(out, "Stack platform/org  (layer organization, reads none)\n"), out[:80])
	assert.Contains(t, out, "Resources: ")
	assert.Contains(t, out, "Outputs:")
}

func TestPlanRejectsBadConfigWithEveryProblem(t *testing.T) {
	dir := t.TempDir()
	text, err := os.ReadFile("../../Pulumi.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), text, 0o644))
	org, err := os.ReadFile("../../Pulumi.org.yaml")
	require.NoError(t, err)
	bad := strings.Replace(string(org), "homeRegion: us-east-1", "homeRegion: us-east-9", 1)
	bad = strings.Replace(bad, "email: aws-dev@example.com", "email: aws-dev-at-example.com", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.org.yaml"), []byte(bad), 0o644))

	_, err = run(t, "plan", "--dir", dir)
	require.Error(t, err)
	assert.ErrorContains(t, err, `platform:estate.homeRegion "us-east-9" is not a known AWS commercial region`)
	assert.ErrorContains(t, err, `platform:organization.accounts[7].email "aws-dev-at-example.com" is not a valid email address`)
}

func TestPlanRejectsUnknownFormat(t *testing.T) {
	_, err := run(t, "plan", "--dir", "../..", "--format", "yaml")
	assert.ErrorContains(t, err, `--format "yaml": allowed are text, json`)
}
