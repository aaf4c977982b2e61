package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/plan"
	"github.com/innovate-inc/platform/internal/readiness"
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

// requireFailsOnlyOnFindings holds the plan command's exit contract: the whole plan is printed, and the command
// fails exactly when the printed plan has blocking (unwaived) findings, saying how many. The shipped stacks have
// no unwaived finding below high severity, so every unwaived finding counts.
func requireFailsOnlyOnFindings(t *testing.T, err error, findings int) {
	t.Helper()
	if findings == 0 {
		require.NoError(t, err)
		return
	}
	require.EqualError(t, err, fmt.Sprintf("%d blocking findings (deploy-readiness, or policy pack at high or critical severity, unwaived)", findings))
}

var findingsHeader = regexp.MustCompile(`(?m)^  findings: (\d+|none)(?: \((\d+) waived\))?$`)

// textFindings counts the unwaived findings a text plan prints, and the stacks that print a findings section.
func textFindings(out string) (findings, stacks int) {
	for _, m := range findingsHeader.FindAllStringSubmatch(out, -1) {
		stacks++
		if n, err := strconv.Atoi(m[1]); err == nil {
			findings += n
		}
		if n, err := strconv.Atoi(m[2]); err == nil {
			findings -= n
		}
	}
	return findings, stacks
}

func TestPlanOrgAsJSON(t *testing.T) {
	out, err := run(t, "plan", "--dir", "../..", "--stack", "org", "--format", "json")
	var doc struct {
		Project string `json:"project"`
		Stacks  []struct {
			Name      string           `json:"name"`
			Resources []map[string]any `json:"resources"`
			Outputs   map[string]any   `json:"outputs"`
			Findings  []plan.Finding   `json:"findings"`
			// AZFailure and CriticalPath are additive blocks of the insights.
			AZFailure    *plan.AZFailure    `json:"azFailure"`
			CriticalPath *plan.CriticalPath `json:"criticalPath"`
		} `json:"stacks"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.Len(t, doc.Stacks, 1)
	require.NotNil(t, doc.Stacks[0].Findings, "findings is always a list")
	requireFailsOnlyOnFindings(t, err, len(doc.Stacks[0].Findings))
	for _, f := range doc.Stacks[0].Findings {
		assert.Regexp(t, `^(DR|PC|WV)\d{3}$`, f.Rule)
		assert.True(t, f.Resource == "" || strings.HasPrefix(f.Resource, "urn:pulumi:org::"), "finding of the org stack names %q", f.Resource)
	}
	counts := map[string]int{}
	for _, r := range doc.Stacks[0].Resources {
		counts[r["type"].(string)]++
	}
	assert.Equal(t, 1, counts["aws:organizations/organization:Organization"])
	assert.Equal(t, 7, counts["aws:organizations/organizationalUnit:OrganizationalUnit"])
	assert.Equal(t, 8, counts["aws:organizations/account:Account"])
	assert.Equal(t, 5, counts["aws:organizations/delegatedAdministrator:DelegatedAdministrator"])
	assert.Contains(t, doc.Stacks[0].Outputs, "organizationId")
	require.NotNil(t, doc.Stacks[0].AZFailure)
	assert.True(t, doc.Stacks[0].AZFailure.Survives, "the org stack has nothing zonal")
	require.NotNil(t, doc.Stacks[0].CriticalPath)
	assert.Equal(t, "aws:organizations/account:Account", doc.Stacks[0].CriticalPath.Chain[3].Type)
}

func TestPlanText(t *testing.T) {
	out, err := run(t, "plan", "--dir", "../..")
	findings, stacks := textFindings(out)
	assert.Equal(t, 6, stacks, "every stack prints its findings")
	requireFailsOnlyOnFindings(t, err, findings)
	assert.True(t, strings.HasPrefix(out, "Stack platform/org  (layer organization, reads none)\n"), out[:80])
	assert.Contains(t, out, "Resources: ")
	assert.Contains(t, out, "Outputs:")
	assert.Contains(t, out, "  az failure (us-east-1a, us-east-1b, us-east-1c): survives the loss of any one AZ\n")
	assert.Equal(t, 6, strings.Count(out, "\n  pulumi up (estimate): "), "every stack prints its critical path")
}

func TestPlanRejectsBadConfigWithEveryProblem(t *testing.T) {
	dir := t.TempDir()
	// The estate is the project's default (Pulumi.yaml), the accounts are the org stack's.
	text, err := os.ReadFile("../../Pulumi.yaml")
	require.NoError(t, err)
	project := strings.Replace(string(text), "homeRegion: us-east-1", "homeRegion: us-east-9", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(project), 0o644))
	org, err := os.ReadFile("../../Pulumi.org.yaml")
	require.NoError(t, err)
	bad := strings.Replace(string(org), "email: aws-dev@example.com", "email: aws-dev-at-example.com", 1)
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

func TestReportFailsOnFindingsAfterPrintingThem(t *testing.T) {
	finding := plan.Finding{Rule: "DR013", Severity: readiness.High, Resource: "urn:pulumi:dev::platform::eks:index:Cluster::dev-eks",
		Message: "EKS cluster dev-eks has no instanceRoles", Doc: "https://example.com/eks"}
	tests := []struct {
		name     string
		format   string
		findings []plan.Finding
		want     string
		err      string
	}{
		{"text, clean", "text", []plan.Finding{}, "\n  findings: none\n", ""},
		{"text, one finding", "text", []plan.Finding{finding},
			"\n  findings: 1\n    DR013 high urn:pulumi:dev::platform::eks:index:Cluster::dev-eks: EKS cluster dev-eks has no instanceRoles (https://example.com/eks)\n",
			"1 blocking findings (deploy-readiness, or policy pack at high or critical severity, unwaived)"},
		{"json, two findings", "json", []plan.Finding{finding, finding}, `"rule": "DR013"`, "2 blocking findings (deploy-readiness, or policy pack at high or critical severity, unwaived)"},
		{"json, clean", "json", []plan.Finding{}, `"findings": []`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &plan.Result{Project: "platform", Stacks: []plan.StackPlan{{Name: "dev", Layer: "workload",
				References: []string{}, Resources: []plan.Resource{}, Outputs: map[string]any{}, Findings: tt.findings}}}
			var out bytes.Buffer
			err := report(&out, res, tt.format)
			assert.Contains(t, out.String(), tt.want)
			if tt.err == "" {
				assert.NoError(t, err)
			} else {
				assert.EqualError(t, err, tt.err)
			}
		})
	}
}

func TestRulesListsEveryRule(t *testing.T) {
	out, err := run(t, "rules")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, len(readiness.Rules()))
	for i, r := range readiness.Rules() {
		assert.Regexp(t, "^"+r.ID+` +`+r.Severity+` +`+regexp.QuoteMeta(r.Title)+` +`+regexp.QuoteMeta(r.Doc)+` +`+r.Category+
			` *`+regexp.QuoteMeta(strings.Join(r.Controls, ", "))+"$", lines[i])
	}
	assert.True(t, strings.HasPrefix(lines[0], "DR001  high      config-delivery-no-object-lock"), lines[0])
}

func TestCostPrintsEveryStackAndEnvironment(t *testing.T) {
	out, err := run(t, "cost", "--dir", "../..")
	require.NoError(t, err)
	for _, s := range []string{"Stack org (environment shared)", "Stack prod (environment prod)", "By environment (USD", "  total "} {
		assert.Contains(t, out, s)
	}
	out, err = run(t, "cost", "--dir", "../..", "--stack", "network", "--format", "json")
	require.NoError(t, err)
	var doc struct {
		Stacks []struct {
			Name string          `json:"name"`
			Cost *plan.StackCost `json:"cost"`
		} `json:"stacks"`
		Cost *plan.CostSummary `json:"cost"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.Len(t, doc.Stacks, 1)
	assert.Equal(t, "network", doc.Stacks[0].Name)
	assert.Equal(t, doc.Stacks[0].Cost.Monthly, doc.Cost.Environments["shared"])
}

func TestDiagramDrawsOneStack(t *testing.T) {
	out, err := run(t, "diagram", "--dir", "../..", "--stack", "org")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(out, "flowchart LR\n"), out)
	assert.Contains(t, out, `["Suspended<br/>scp-suspended-deny-all"]`)
	out, err = run(t, "diagram", "--dir", "../..", "--stack", "org", "--format", "dot")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(out, "digraph org {\n"), out)
	_, err = run(t, "diagram", "--dir", "../..")
	assert.ErrorContains(t, err, "--stack: name one stack")
	_, err = run(t, "diagram", "--dir", "../..", "--stack", "org", "--format", "svg")
	assert.ErrorContains(t, err, `--format "svg": allowed are mermaid, dot`)
}
