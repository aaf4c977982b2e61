package readiness

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/plan"
)

func TestRulesAreNamedAndDocumented(t *testing.T) {
	rules := Rules()
	require.Len(t, rules, 45)
	seen := map[string]bool{}
	for i, r := range rules {
		assert.Regexp(t, regexp.MustCompile(`^(DR|PC|WV)\d{3}$`), r.ID)
		assert.Equal(t, r.ID, rules[i].ID)
		if i > 0 {
			assert.Less(t, rules[i-1].ID, r.ID, "rules are sorted by ID")
		}
		assert.False(t, seen[r.ID], "ID %s is used twice", r.ID)
		seen[r.ID] = true
		assert.Regexp(t, regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)+$`), r.Title, r.ID)
		assert.Regexp(t, regexp.MustCompile(`^https://\S+$`), r.Doc, "%s: the doc is one address", r.ID)
		assert.Contains(t, []string{Critical, High, Medium}, r.Severity, r.ID)
		assert.NotNil(t, r.Check, r.ID)
	}
	assert.Equal(t, "DR001", rules[0].ID)
	assert.Equal(t, "DR024", rules[23].ID)
	assert.Equal(t, "DR025", rules[24].ID)
	assert.Equal(t, "DR026", rules[25].ID)
	assert.Equal(t, "DR029", rules[28].ID)
	assert.Equal(t, "DR042", rules[32].ID)
	assert.Equal(t, "DR043", rules[33].ID)
	assert.Equal(t, "WV001", rules[len(rules)-1].ID)
	assert.Equal(t, Medium, rules[9].Severity, "DR010 is medium")
}

// A cluster without instanceRoles (DR013) in each of two stacks, one of them upstream only.
func TestEvaluateAttributesFindingsToTheirStack(t *testing.T) {
	// Reachable by the deployer (DR015), and compliant with the policy pack, so that only DR013 fires.
	tags := map[string]any{}
	for _, k := range config.MandatoryTagKeys {
		tags[k] = "x"
	}
	cluster := func(s, name string, roles ...any) plan.Resource {
		in := map[string]any{"providerCredentialOpts": map[string]any{"roleArn": "arn:aws:iam::100000000001:role/deploy"},
			"encryptionConfigKeyArn": "arn:aws:kms:k", "enabledClusterLogTypes": []any{"api", "audit", "authenticator"}, "tags": tags}
		if len(roles) > 0 {
			in["instanceRoles"] = roles
		}
		return res(s, typeEKSCluster, name, in)
	}
	dev := stack("dev", "workload", cluster("dev", "dev-b"), cluster("dev", "dev-a"), cluster("dev", "dev-ok", "urn:role"))
	org := stack("org", "organization")
	network := stack("network", "network", cluster("network", "net"))
	r := result(org, dev)
	r.Upstream = []plan.StackPlan{network}

	Evaluate(r)
	assert.NotNil(t, r.Stacks[0].Findings)
	assert.Empty(t, r.Stacks[0].Findings, "org registers no cluster")
	require.Len(t, r.Stacks[1].Findings, 2)
	assert.Equal(t, urn("dev", typeEKSCluster, "dev-a"), r.Stacks[1].Findings[0].Resource, "sorted by resource")
	assert.Equal(t, urn("dev", typeEKSCluster, "dev-b"), r.Stacks[1].Findings[1].Resource)
	assert.Equal(t, "DR013", r.Stacks[1].Findings[0].Rule)
	assert.Empty(t, r.Upstream[0].Findings, "upstream stacks are not reported")
	assert.Equal(t, 2, Count(r))

	// Evaluating again gives the same findings, not twice as many.
	Evaluate(r)
	assert.Equal(t, 2, Count(r))
}

func TestDependsOn(t *testing.T) {
	const s = "org"
	org := res(s, typeOrganization, "org", nil)
	comp := res(s, "platform:org:Guardrails", "guardrails", nil, deps(org.URN))
	compChild := res(s, "aws:organizations/organizationalUnit:OrganizationalUnit", "ou", nil, parent(comp.URN))
	other := res(s, "platform:org:Other", "other", nil)
	otherChild := res(s, typeOrgPolicy, "other-child", nil, parent(other.URN))
	viaComponent := res(s, typeOrgPolicy, "via-component", nil, deps(comp.URN))
	sibling := res(s, typeOrgPolicy, "sibling", nil, parent(comp.URN))
	chain3 := res(s, typeOrgPolicy, "c3", nil, deps(org.URN))
	chain2 := res(s, typeOrgPolicy, "c2", nil, deps(chain3.URN))
	chain1 := res(s, typeOrgPolicy, "c1", nil, deps(chain2.URN))
	dependsOnComponentOfOrg := res(s, typeOrgPolicy, "on-component", nil, deps(other.URN))
	sp := stack(s, "organization", org, comp, compChild, other, otherChild, viaComponent, sibling, chain3, chain2, chain1, dependsOnComponentOfOrg)

	tests := []struct {
		name string
		from plan.Resource
		to   string
		want bool
	}{
		{"direct", chain3, org.URN, true},
		{"transitive", chain1, org.URN, true},
		{"through the parent's dependencies", sibling, org.URN, true},
		{"through a component depended on", viaComponent, org.URN, true},
		{"a component's children count as depended on", viaComponent, compChild.URN, true},
		{"a parent's other children do not", sibling, compChild.URN, false},
		{"unrelated", otherChild, org.URN, false},
		{"not on itself", org, org.URN, false},
		{"not backwards", org, chain3.URN, false},
		{"a component with no dependencies", dependsOnComponentOfOrg, org.URN, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, dependsOn(&sp, &tt.from, tt.to))
		})
	}
}

func TestBucketFromARN(t *testing.T) {
	tests := []struct{ arn, bucket, prefix string }{
		{"arn:aws:s3:::logs", "logs", ""},
		{"arn:aws:s3:::logs/", "logs", ""},
		{"arn:aws:s3:::logs/a/b/", "logs", "a/b"},
	}
	for _, tt := range tests {
		b, p, ok := bucketFromARN(tt.arn)
		assert.True(t, ok, tt.arn)
		assert.Equal(t, tt.bucket, b, tt.arn)
		assert.Equal(t, tt.prefix, p, tt.arn)
	}
	_, _, ok := bucketFromARN("arn:aws:sqs:us-east-1:1:q")
	assert.False(t, ok)
}
