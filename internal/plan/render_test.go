package plan

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteTextPrintsFindingsPerStack(t *testing.T) {
	res := &Result{Project: "platform", Stacks: []StackPlan{
		{Name: "org", Layer: "organization", Findings: []Finding{}},
		{Name: "dev", Layer: "workload", Findings: []Finding{
			{Rule: "DR013", Severity: "high", Resource: "urn:pulumi:dev::platform::eks:index:Cluster::dev-eks",
				Message: "no instanceRoles", Doc: "https://example.com/eks"},
			{Rule: "DR099", Severity: "medium", Message: "stack-wide", Doc: "https://example.com/x"},
		}},
	}}
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, res))
	out := b.String()
	assert.Contains(t, out, "Stack platform/org  (layer organization, reads none)\n\n  Resources: 0 to create\n\n  Outputs:\n\n  findings: none\n")
	assert.Contains(t, out, "\n  findings: 2\n"+
		"    DR013 high urn:pulumi:dev::platform::eks:index:Cluster::dev-eks: no instanceRoles (https://example.com/eks)\n"+
		"    DR099 medium: stack-wide (https://example.com/x)\n")
}

func TestWriteJSONHasFindingsAndImport(t *testing.T) {
	res := &Result{Project: "platform", Stacks: []StackPlan{{Name: "org", Findings: []Finding{
		{Rule: "DR008", Severity: "high", Resource: "urn:x", Message: "m", Doc: "d"}},
		Resources: []Resource{{URN: "urn:x", Import: "o-abc"}, {URN: "urn:y"}}}},
		Upstream: []StackPlan{{Name: "not-reported"}}}
	var b bytes.Buffer
	require.NoError(t, WriteJSON(&b, res))
	var doc struct {
		Stacks []struct {
			Findings  []map[string]string `json:"findings"`
			Resources []map[string]any    `json:"resources"`
		} `json:"stacks"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	require.Len(t, doc.Stacks, 1, "upstream stacks are not reported")
	assert.Equal(t, []map[string]string{{"rule": "DR008", "severity": "high", "resource": "urn:x", "message": "m", "doc": "d"}},
		doc.Stacks[0].Findings)
	assert.Equal(t, "o-abc", doc.Stacks[0].Resources[0]["import"])
	assert.NotContains(t, doc.Stacks[0].Resources[1], "import", "import is omitted when the resource is created")
}
