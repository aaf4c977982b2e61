package plandiff_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/plan"
	"github.com/innovate-inc/platform/internal/plandiff"
)

func urn(stack, typ, name string) string {
	return "urn:pulumi:" + stack + "::platform::" + typ + "::" + name
}

func resource(stack, typ, name string, in map[string]any) plan.Resource {
	return plan.Resource{URN: urn(stack, typ, name), Type: typ, Name: name, Custom: true, Inputs: in,
		Provider: "urn:pulumi:" + stack + "::platform::pulumi:providers:aws::" + stack + "-aws::id"}
}

// crafted is a base and a head plan of two stacks that differ in every way the diff reports.
func crafted() (base, head *plan.Result) {
	const vpc, sg, role, repo, secret, bucket = "aws:ec2/vpc:Vpc", "aws:ec2/securityGroup:SecurityGroup", "aws:iam/role:Role",
		"aws:ecr/repository:Repository", "aws:secretsmanager/secretVersion:SecretVersion", "aws:s3/bucketV2:BucketV2"
	protectedBucket := resource("network", bucket, "network-logs", map[string]any{"bucket": "logs-a"})
	protectedBucket.Protect = true
	base = &plan.Result{Project: "platform", Stacks: []plan.StackPlan{
		{Name: "network", Layer: "network", Resources: []plan.Resource{
			resource("network", vpc, "network-vpc", map[string]any{"cidrBlock": "10.0.0.0/16", "tags": map[string]any{"owner": "a", "team": "x"}}),
			resource("network", sg, "network-sg", map[string]any{"name": "network-sg", "egress": []any{map[string]any{"fromPort": 443.0}}}),
			resource("network", role, "network-old-role", map[string]any{"name": "old"}),
			resource("network", secret, "network-token", map[string]any{"secretString": "hunter2-base"}),
			protectedBucket,
		}},
		{Name: "legacy", Layer: "workload", Resources: []plan.Resource{resource("legacy", role, "legacy-role", map[string]any{"name": "legacy"})}},
	}}
	protectedBucketHead := resource("network", bucket, "network-logs", map[string]any{"bucket": "logs-b"})
	protectedBucketHead.Protect = true
	head = &plan.Result{Project: "platform", Stacks: []plan.StackPlan{
		{Name: "network", Layer: "network", Resources: []plan.Resource{
			resource("network", vpc, "network-vpc", map[string]any{"cidrBlock": "10.1.0.0/16", "tags": map[string]any{"owner": "b", "team": "x"}}),
			resource("network", sg, "network-sg", map[string]any{"name": "network-sg", "egress": []any{map[string]any{"fromPort": 8443.0}}}),
			resource("network", repo, "network-repo", map[string]any{"name": "innovate/api"}),
			resource("network", secret, "network-token", map[string]any{"secretString": "hunter2-head"}),
			protectedBucketHead,
		}},
		{Name: "dev", Layer: "workload", Resources: []plan.Resource{resource("dev", role, "dev-role", map[string]any{"name": "dev"})}},
	}}
	return base, head
}

func find(t *testing.T, d plandiff.StackDiff, name string) plandiff.Change {
	t.Helper()
	for _, c := range d.Changes {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no change of %s in stack %s", name, d.Name)
	return plandiff.Change{}
}

func TestCompare(t *testing.T) {
	diffs := plandiff.Compare(crafted())
	require.Len(t, diffs, 3)
	assert.Equal(t, []string{"network", "dev", "legacy"}, []string{diffs[0].Name, diffs[1].Name, diffs[2].Name}, "head order, then stacks only the base has")
	net := diffs[0]

	vpc := find(t, net, "network-vpc")
	assert.Equal(t, plandiff.Replace, vpc.Kind)
	assert.Equal(t, []string{"cidrBlock", "tags.owner"}, vpc.Keys, "nested keys by path, unchanged tags.team left out")
	assert.Equal(t, []string{"cidrBlock"}, vpc.ReplaceKeys)

	sg := find(t, net, "network-sg")
	assert.Equal(t, plandiff.Update, sg.Kind, "egress changes in place")
	assert.Equal(t, []string{"egress"}, sg.Keys)

	assert.Equal(t, plandiff.Add, find(t, net, "network-repo").Kind)
	old := find(t, net, "network-old-role")
	assert.Equal(t, plandiff.Remove, old.Kind)
	assert.False(t, old.Protected)

	bucket := find(t, net, "network-logs")
	assert.Equal(t, plandiff.Replace, bucket.Kind)
	assert.True(t, bucket.Protected, "replacing a protected resource is flagged")

	token := find(t, net, "network-token")
	assert.Equal(t, plandiff.Update, token.Kind)
	assert.Equal(t, []string{"secretString"}, token.Keys)

	assert.Equal(t, 1, net.Count(plandiff.Add))
	assert.Equal(t, 2, net.Count(plandiff.Update))
	assert.Equal(t, 2, net.Count(plandiff.Replace))
	assert.Equal(t, 1, net.Count(plandiff.Remove))
	assert.Equal(t, plandiff.Replace, net.Changes[0].Kind, "replacements first")

	assert.True(t, diffs[1].New)
	assert.Equal(t, plandiff.Add, diffs[1].Changes[0].Kind)
	assert.True(t, diffs[2].Gone)
	assert.Equal(t, plandiff.Remove, diffs[2].Changes[0].Kind)
}

func TestIdenticalPlansHaveNoChanges(t *testing.T) {
	base, _ := crafted()
	assert.Empty(t, plandiff.Compare(base, base))
	var b bytes.Buffer
	require.NoError(t, plandiff.WriteText(&b, nil))
	assert.Equal(t, "No changes: both plans register the same resources with the same inputs.\n", b.String())
}

func TestProviderMoveReplaces(t *testing.T) {
	base, head := crafted()
	head.Stacks[0].Resources[1].Provider = "urn:pulumi:network::platform::pulumi:providers:aws::network-aws-dr::id"
	c := find(t, plandiff.Compare(base, head)[0], "network-sg")
	assert.Equal(t, plandiff.Replace, c.Kind)
	assert.Contains(t, c.ReplaceKeys, "(provider)")
}

// Values are never printed, so secrets (and a plan written before secrets were masked) cannot leak.
func TestOutputNeverPrintsValues(t *testing.T) {
	diffs := plandiff.Compare(crafted())
	for name, write := range map[string]func(*bytes.Buffer) error{
		"text":     func(b *bytes.Buffer) error { return plandiff.WriteText(b, diffs) },
		"markdown": func(b *bytes.Buffer) error { return plandiff.WriteMarkdown(b, diffs) },
	} {
		var b bytes.Buffer
		require.NoError(t, write(&b), name)
		out := b.String()
		for _, value := range []string{"hunter2", "10.1.0.0/16", "10.0.0.0/16", "logs-b", "8443", "innovate/api"} {
			assert.NotContains(t, out, value, "%s output prints the value %q", name, value)
		}
		assert.Contains(t, out, "secretString", name)
	}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, plandiff.WriteText(&b, plandiff.Compare(crafted())))
	out := b.String()
	assert.Contains(t, out, "stack network: 1 to add, 2 to change, 2 to replace, 1 to remove\n")
	assert.Contains(t, out, "  +- aws:ec2/vpc:Vpc  network-vpc  (cidrBlock, tags.owner; replaced because of cidrBlock)\n")
	assert.Contains(t, out, "  +- aws:s3/bucketV2:BucketV2  network-logs  (bucket; replaced because of bucket; PROTECTED: pulumi up refuses to delete it)\n")
	assert.Contains(t, out, "  ~  aws:ec2/securityGroup:SecurityGroup  network-sg  (egress)\n")
	assert.Contains(t, out, "  +  aws:ecr/repository:Repository  network-repo\n")
	assert.Contains(t, out, "  -  aws:iam/role:Role  network-old-role\n")
	assert.Contains(t, out, "stack dev: 1 to add, 0 to change, 0 to replace, 0 to remove (new stack)\n")
	assert.Contains(t, out, "stack legacy: 0 to add, 0 to change, 0 to replace, 1 to remove (stack no longer planned)\n")
}

func TestWriteMarkdown(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, plandiff.WriteMarkdown(&b, plandiff.Compare(crafted())))
	out := b.String()
	assert.True(t, strings.HasPrefix(out, plandiff.MarkdownMarker+"\n"), "the workflow finds its comment by the marker")
	assert.Contains(t, out, "| `network` | 1 | 2 | **2** | **1** |\n")
	assert.Contains(t, out, "| `dev` (new) | 1 | 0 | 0 | 0 |\n")
	assert.Contains(t, out, "<details open><summary><code>network</code>")
	assert.Contains(t, out, "| `+-` | `aws:ec2/vpc:Vpc` | `network-vpc` | cidrBlock, tags.owner; replaced because of cidrBlock |\n")
}

func TestReadRejectsOtherJSON(t *testing.T) {
	_, err := plandiff.Read(strings.NewReader("not json"), "base.json")
	assert.ErrorContains(t, err, "base.json is not a `platform plan --format json` document")
}
