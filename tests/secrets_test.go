package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/innovate-inc/platform/apps"
	"github.com/innovate-inc/platform/internal/crdschema"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/iampolicy"
)

func esoTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures.RepoRoot(t), "apps", "testdata", "external-secrets", name))
	require.NoError(t, err)
	return b
}

func esoValidators(t *testing.T) map[string]*crdschema.Validator {
	out := map[string]*crdschema.Validator{}
	for _, f := range []string{"external-secrets.io_secretstores.yaml", "external-secrets.io_externalsecrets.yaml"} {
		v, err := crdschema.Load(esoTestdata(t, f))
		require.NoError(t, err)
		out[v.Kind] = v
	}
	return out
}

// The SecretStore and the ExternalSecret of every environment pass the operator's v1 CRDs (chart 1.3.1) as the
// API server checks them; the ExternalSecret names the database secret by ARN and carries no value.
func TestExternalSecretsObjectsPassTheRealSchema(t *testing.T) {
	validators := esoValidators(t)
	for env := range workloadAccounts {
		v := workloadStack(t, env)
		kinds := map[string]map[string]any{}
		for _, r := range v.s.Resources {
			if !strings.HasPrefix(r.Type, "kubernetes:external-secrets.io") {
				continue
			}
			obj := map[string]any{"apiVersion": r.Inputs["apiVersion"], "kind": r.Inputs["kind"], "metadata": r.Inputs["metadata"], "spec": r.Inputs["spec"]}
			kind := r.Inputs["kind"].(string)
			if ns, _ := obj["metadata"].(map[string]any)["namespace"].(string); ns != "backend" {
				// Argo CD's repository credentials (argocd namespace, and its ClusterSecretStore): the
				// ExternalSecret passes the same CRD; the ClusterSecretStore's CRD is not in testdata.
				if kind == "ExternalSecret" {
					errs, _ := validators[kind].Validate(obj)
					assert.Empty(t, errs, "%s %s", env, r.Name)
				}
				continue
			}
			errs, _ := validators[kind].Validate(obj)
			assert.Empty(t, errs, "%s %s", env, r.Name)
			assert.Equal(t, "backend", obj["metadata"].(map[string]any)["namespace"], "%s %s", env, r.Name)
			kinds[kind] = obj
		}
		require.Len(t, kinds, 2, env)
		es := kinds["ExternalSecret"]["spec"].(map[string]any)
		key := es["dataFrom"].([]any)[0].(map[string]any)["extract"].(map[string]any)["key"]
		assert.Equal(t, v.s.Outputs["databaseSecretArn"], key, env)
		text, err := json.Marshal(kinds)
		require.NoError(t, err)
		assert.NotContains(t, strings.ToLower(string(text)), "password", "%s: no secret value in the plan", env)
	}
}

// Negative cases: a mutated store or ExternalSecret fails the CRD.
func TestMutatedExternalSecretsObjectsFail(t *testing.T) {
	validators := esoValidators(t)
	es := map[string]any{"apiVersion": apps.ESOAPIVersion, "kind": "ExternalSecret",
		"metadata": map[string]any{"name": "db", "namespace": "backend"}, "spec": runtime.DeepCopyJSON(apps.ExternalSecretSpec("arn:aws:secretsmanager:us-east-1:111111111111:secret:rds!db-1"))}
	errs, _ := validators["ExternalSecret"].Validate(es)
	require.Empty(t, errs)
	es["spec"].(map[string]any)["target"].(map[string]any)["creationPolicy"] = "Sometimes"
	errs, _ = validators["ExternalSecret"].Validate(es)
	assert.Contains(t, errs.ToAggregate().Error(), "creationPolicy")

	store := map[string]any{"apiVersion": apps.ESOAPIVersion, "kind": "SecretStore",
		"metadata": map[string]any{"name": "s", "namespace": "backend"}, "spec": runtime.DeepCopyJSON(apps.SecretStoreSpec("us-east-1"))}
	store["spec"].(map[string]any)["provider"].(map[string]any)["aws"].(map[string]any)["service"] = "SecretManager"
	errs, _ = validators["SecretStore"].Validate(store)
	assert.Contains(t, errs.ToAggregate().Error(), "service")
}

// The chart's values pass its values.schema.json; a mistyped value fails it.
func TestExternalSecretsChartValuesPassTheChartSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("values.schema.json", strings.NewReader(string(esoTestdata(t, "values.schema.json")))))
	schema, err := c.Compile("values.schema.json")
	require.NoError(t, err)
	values, err := apps.ESOChartValues().Map()
	require.NoError(t, err)
	assert.NoError(t, schema.Validate(runtime.DeepCopyJSON(values)))
	values["replicaCount"] = "two"
	assert.Error(t, schema.Validate(runtime.DeepCopyJSON(values)))

	chart := workloadStack(t, "prod").named("kubernetes:helm.sh/v4:Chart", "prod-apps-external-secrets")
	assert.Equal(t, apps.ESOVersion, chart.Inputs["version"])
	assert.Equal(t, apps.ESONamespace, chart.Inputs["namespace"])
}

// The operator's Pod Identity role reads exactly the database master secret.
func TestExternalSecretsReadOnlyTheDatabaseSecret(t *testing.T) {
	v := workloadStack(t, "prod")
	found := false
	for _, r := range v.byType("aws:eks/podIdentityAssociation:PodIdentityAssociation") {
		found = found || r.Inputs["namespace"] == apps.ESONamespace && r.Inputs["serviceAccount"] == apps.ESOServiceAccount
	}
	assert.True(t, found, "the operator's service account has a Pod Identity association")
	doc, err := iampolicy.Parse(v.named("aws:iam/rolePolicy:RolePolicy", "prod-apps-external-secrets-secret-reader").Inputs["policy"].(string))
	require.NoError(t, err)
	assert.Equal(t, []string{v.s.Outputs["databaseSecretArn"].(string)}, doc.Statement[0].Resource)
	assert.Equal(t, []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}, doc.Statement[0].Action)
}
