package karpenter_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yamlv3 "gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/innovate-inc/platform/internal/chartvalues"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/crdschema"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/iampolicy/iamref"
	"github.com/innovate-inc/platform/karpenter"
)

func validators(t *testing.T) map[string]*crdschema.Validator {
	out := map[string]*crdschema.Validator{}
	for _, f := range []string{"karpenter.sh_nodepools.yaml", "karpenter.k8s.aws_ec2nodeclasses.yaml"} {
		b, err := os.ReadFile("testdata/crds/" + f)
		require.NoError(t, err)
		v, err := crdschema.Load(b)
		require.NoError(t, err, f)
		out[v.Kind] = v
	}
	return out
}

func objects(t *testing.T, env string) []map[string]any {
	s := fixtures.Stack(t, env)
	return karpenter.Objects(karpenter.ObjectArgs{ClusterName: env + "-eks", NodeRoleName: env + "-eks-karpenter-node",
		VolumeKeyARN: "arn:aws:kms:us-east-1:111111111111:key/k", Config: s.Workload.Karpenter,
		Tags: map[string]string{"environment": env, "team": "platform"}})
}

func errText(errs field.ErrorList) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Error() + "\n")
	}
	return b.String()
}

func TestEveryEnvironmentsObjectsPassTheRealSchema(t *testing.T) {
	vs := validators(t)
	for _, env := range []string{"dev", "staging", "prod"} {
		objs := objects(t, env)
		require.Len(t, objs, 4)
		for _, obj := range objs {
			v := vs[obj["kind"].(string)]
			require.NotNil(t, v, obj["kind"])
			errs, stored := v.Validate(obj)
			assert.Empty(t, errText(errs), "%s %s/%s", env, obj["kind"], obj["metadata"].(map[string]any)["name"])
			assert.Empty(t, karpenter.RuntimeProblems(obj))
			assert.NotNil(t, stored["spec"])
		}
	}
}

func TestPoolsRealiseTheSeedsIntent(t *testing.T) {
	pools := karpenter.Pools(fixtures.Stack(t, "prod").Workload.Karpenter)
	require.Len(t, pools, 3)
	assert.Equal(t, "graviton", pools[0].Name)
	assert.Equal(t, []string{"spot", "on-demand"}, pools[0].CapacityTypes, "Spot first, On-Demand fallback inside the pool")
	assert.Equal(t, 1000, pools[0].CPULimit, "the seed's Graviton limit")
	assert.Equal(t, []string{"spot"}, pools[1].CapacityTypes)
	assert.Equal(t, []string{"on-demand"}, pools[2].CapacityTypes)
	assert.Equal(t, 2000, pools[1].CPULimit, "the seed's amd64 limit")
	assert.Greater(t, pools[0].Weight, pools[1].Weight, "Graviton is preferred")
	assert.Greater(t, pools[1].Weight, pools[2].Weight, "Spot before On-Demand")

	prod := karpenter.NodePool(karpenter.ObjectArgs{Config: fixtures.Stack(t, "prod").Workload.Karpenter}, pools[0])
	budgets := prod["spec"].(map[string]any)["disruption"].(map[string]any)["budgets"].([]any)
	require.Len(t, budgets, 2)
	assert.Equal(t, "0", budgets[1].(map[string]any)["nodes"], "no voluntary disruption of prod in business hours")
	dev := karpenter.NodePool(karpenter.ObjectArgs{Config: fixtures.Stack(t, "dev").Workload.Karpenter}, pools[0])
	assert.Len(t, dev["spec"].(map[string]any)["disruption"].(map[string]any)["budgets"], 1)
}

func TestTheSeedsNodePoolIsRejected(t *testing.T) {
	b, err := os.ReadFile("testdata/seed-nodepool.yaml")
	require.NoError(t, err)
	var seed map[string]any
	require.NoError(t, yaml.Unmarshal(b, &seed))
	v := validators(t)["NodePool"]

	errs, _ := v.Validate(seed)
	assert.Contains(t, errText(errs), "no such kind: this CRD serves karpenter.sh/NodePool", "v1alpha1 under the wrong group")

	// Even under the right apiVersion, the seed's fields do not exist in v1.
	seed["apiVersion"] = "karpenter.sh/v1"
	errs, _ = v.Validate(seed)
	text := errText(errs)
	for _, want := range []string{`unknown field "spec.consolidation"`, `unknown field "spec.template.spec.providerRef"`,
		`unknown field "spec.template.spec.instanceTypes"`, "spec.template.spec.nodeClassRef: Required value"} {
		assert.Contains(t, text, want)
	}
	problems := strings.Join(karpenter.RuntimeProblems(seed), "\n")
	assert.Contains(t, problems, "the capacity-type key is karpenter.sh/capacity-type")
}

func TestTheValidatorRunsCELRules(t *testing.T) {
	vs := validators(t)
	objs := objects(t, "dev")

	nodeClass := objs[0]
	spec := nodeClass["spec"].(map[string]any)
	spec["amiSelectorTerms"] = []any{map[string]any{"alias": "al2023@latest", "id": "ami-12345678"}}
	errs, _ := vs["EC2NodeClass"].Validate(nodeClass)
	assert.Contains(t, errText(errs), "'alias' is mutually exclusive", "a CEL rule of the EC2NodeClass CRD")

	pool := objects(t, "dev")[1]
	reqs := pool["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["requirements"].([]any)
	reqs[0] = map[string]any{"key": "kubernetes.io/arch", "operator": "Gt", "values": []any{"1", "2"}}
	errs, _ = vs["NodePool"].Validate(pool)
	assert.NotEmpty(t, errs, "Gt takes a single integer value (CEL)")

	pool = objects(t, "dev")[1]
	pool["spec"].(map[string]any)["disruption"].(map[string]any)["consolidateAfter"] = "1 minute"
	errs, _ = vs["NodePool"].Validate(pool)
	assert.Contains(t, errText(errs), "spec.disruption.consolidateAfter", "the duration pattern")
}

func TestRuntimeProblemsCatchWhatTheSchemaAllows(t *testing.T) {
	pool := objects(t, "dev")[2]
	reqs := pool["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["requirements"].([]any)
	reqs[2] = map[string]any{"key": "karpenter.sh/capacity-type", "operator": "In", "values": []any{"SPOT"}}
	errs, _ := validators(t)["NodePool"].Validate(pool)
	assert.Empty(t, errs, "the schema lets uppercase through")
	assert.Contains(t, strings.Join(karpenter.RuntimeProblems(pool), "\n"), `karpenter.sh/capacity-type value "SPOT" never matches`)
}

func TestControllerPoliciesAreTheReferenceOnes(t *testing.T) {
	b, err := os.ReadFile("testdata/karpenter-getting-started-cloudformation.yaml")
	require.NoError(t, err)
	// The template's !Sub tags survive as node tags in a yaml.v3 tree; the documents are their scalar values.
	var root yamlv3.Node
	require.NoError(t, yamlv3.Unmarshal(b, &root))
	resourcesNode := lookup(root.Content[0], "Resources")
	resources := map[string]*yamlv3.Node{}
	for i := 0; i+1 < len(resourcesNode.Content); i += 2 {
		resources[resourcesNode.Content[i].Value] = resourcesNode.Content[i+1]
	}
	for _, name := range karpenter.PolicyNames {
		local, err := os.ReadFile("policies/" + name + ".json")
		require.NoError(t, err)
		doc := lookup(lookup(resources[name], "Properties"), "PolicyDocument")
		require.NotNil(t, doc, name)
		assert.Equal(t, "!Sub", doc.Tag)
		assert.Equal(t, normalise(doc.Value), normalise(string(local)), "%s matches the reference template", name)
	}

	docs, err := karpenter.ControllerPolicies(karpenter.PolicyVars{Region: "us-east-1", AccountID: "111111111111", ClusterName: "prod-eks",
		NodeRoleARN: "arn:aws:iam::111111111111:role/prod-eks-karpenter-node", QueueARN: "arn:aws:sqs:us-east-1:111111111111:prod-eks"})
	require.NoError(t, err)
	for name, d := range docs {
		assert.NotContains(t, d, "${", "%s is fully substituted", name)
		assert.LessOrEqual(t, len(d), 6144, "%s fits a managed policy", name)
		doc, err := iampolicy.Parse(d)
		require.NoError(t, err)
		assert.Empty(t, iamref.Catalog().Check(doc, iampolicy.Identity), name)
	}
	assert.Contains(t, docs["EKSIntegrationPolicy"], "arn:aws:eks:us-east-1:111111111111:cluster/prod-eks", "scoped to the cluster")
}

func normalise(s string) string { return strings.Join(strings.Fields(s), "") }

// lookup returns a mapping node's value for a key.
func lookup(n *yamlv3.Node, key string) *yamlv3.Node {
	if n == nil {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// A stack that leaves consolidateAfter and expireAfter out gets one minute and 30 days in every NodePool; one that
// sets them keeps its values.
func TestConfigDefaults(t *testing.T) {
	for _, tc := range []struct {
		name                          string
		edit                          func(k map[string]any)
		consolidateAfter, expireAfter string
	}{
		{name: "left out", edit: func(k map[string]any) { delete(k, "consolidateAfter"); delete(k, "expireAfter") },
			consolidateAfter: "1m", expireAfter: "720h"},
		{name: "set", edit: func(k map[string]any) { k["consolidateAfter"] = "5m"; k["expireAfter"] = "336h" },
			consolidateAfter: "5m", expireAfter: "336h"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sf := fixtures.StackFile(t, "dev")
			fixtures.Edit(t, &sf, config.KeyWorkload, func(w map[string]any) { tc.edit(w["karpenter"].(map[string]any)) })
			s, err := config.Load(sf.Name, sf.Config)
			require.NoError(t, err)
			assert.Equal(t, tc.consolidateAfter, s.Workload.Karpenter.ConsolidateAfter)
			assert.Equal(t, tc.expireAfter, s.Workload.Karpenter.ExpireAfter)

			pools := 0
			for _, obj := range karpenter.Objects(karpenter.ObjectArgs{ClusterName: "dev-eks", NodeRoleName: "dev-eks-karpenter-node",
				VolumeKeyARN: "arn:aws:kms:us-east-1:111111111111:key/k", Config: s.Workload.Karpenter}) {
				if obj["kind"] != "NodePool" {
					continue
				}
				pools++
				spec := obj["spec"].(map[string]any)
				assert.Equal(t, tc.consolidateAfter, spec["disruption"].(map[string]any)["consolidateAfter"])
				assert.Equal(t, tc.expireAfter, spec["template"].(map[string]any)["spec"].(map[string]any)["expireAfter"])
			}
			assert.Positive(t, pools, "the dev stack has NodePools")
		})
	}
}

// Every value set on the karpenter chart is a value of the chart at the pinned version (its values.yaml, copied
// from the shared reference), and a misspelt key fails.
func TestChartValuesAreChartValues(t *testing.T) {
	text, err := os.ReadFile("testdata/helm-values.yaml")
	require.NoError(t, err)
	var chart map[string]any
	require.NoError(t, yaml.Unmarshal(text, &chart))
	values, err := chartvalues.Map(karpenter.ChartValues("prod-eks", "prod-eks", karpenter.ControllerImage))
	require.NoError(t, err)
	assert.Empty(t, chartvalues.Unknown(values, chart, "nodeSelector"))
	assert.Equal(t, karpenter.ControllerImage, chart["controller"].(map[string]any)["image"].(map[string]any)["repository"], "the chart's own image")
	values["settings"].(map[string]any)["interruptionQueueName"] = "x"
	assert.Equal(t, []string{"settings.interruptionQueueName"}, chartvalues.Unknown(values, chart, "nodeSelector"))
}
