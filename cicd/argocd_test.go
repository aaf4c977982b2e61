package cicd_test

import (
	"os"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/innovate-inc/platform/cicd"
	"github.com/innovate-inc/platform/internal/chartvalues"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/mocks"
)

var argoArgs = cicd.ArgoCDArgs{
	Environment: "dev", ClusterName: "dev-eks", Namespaces: []string{"backend", "frontend"},
	KubernetesVersion: "1.35",
	Config: config.ArgoCD{ChartVersion: "10.1.1",
		Repository: "https://github.com/innovate-inc/gitops", Revision: "main", PathPrefix: "environments"},
}

func objects(t *testing.T) map[string]cicd.Object {
	t.Helper()
	a := argoArgs
	a.Region = "us-east-1"
	out := map[string]cicd.Object{}
	for _, o := range cicd.ArgoCDObjects(a) {
		out[o.Kind] = o
	}
	return out
}

func TestAppOfAppsFollowsTheEnvironmentPath(t *testing.T) {
	app := objects(t)["Application"]
	assert.Equal(t, "dev", app.Spec["project"])
	assert.Equal(t, map[string]any{"repoURL": "https://github.com/innovate-inc/gitops", "targetRevision": "main", "path": "environments/dev"}, app.Spec["source"])
	assert.Equal(t, "https://kubernetes.default.svc", app.Spec["destination"].(map[string]any)["server"])
}

func TestAppProjectRestrictsSourcesAndDestinations(t *testing.T) {
	p := objects(t)["AppProject"]
	assert.Equal(t, "dev", p.Name)
	assert.Equal(t, []any{"https://github.com/innovate-inc/gitops"}, p.Spec["sourceRepos"], "no other repository, no wildcard")
	var namespaces []string
	for _, d := range p.Spec["destinations"].([]any) {
		d := d.(map[string]any)
		assert.Equal(t, "https://kubernetes.default.svc", d["server"], "this cluster only")
		namespaces = append(namespaces, d["namespace"].(string))
	}
	assert.Equal(t, []string{"argocd", "backend", "frontend"}, namespaces)
	assert.Empty(t, p.Spec["clusterResourceWhitelist"], "applications create nothing cluster-wide")
}

func TestRepositoryCredentialsComeFromSecretsManager(t *testing.T) {
	es := objects(t)["ExternalSecret"]
	assert.Equal(t, "argocd", es.Namespace)
	target := es.Spec["target"].(map[string]any)
	assert.Equal(t, "repository", target["template"].(map[string]any)["metadata"].(map[string]any)["labels"].(map[string]any)["argocd.argoproj.io/secret-type"])
	assert.Equal(t, []any{map[string]any{"extract": map[string]any{"key": "platform/argocd/dev/gitops-repository"}}}, es.Spec["dataFrom"])
	store := objects(t)["ClusterSecretStore"]
	assert.Equal(t, "us-east-1", store.Spec["provider"].(map[string]any)["aws"].(map[string]any)["region"])
}

func TestArgoCDOnSystemNodesWithoutPublicEndpoint(t *testing.T) {
	v, err := cicd.ArgoCDValues(config.Mirror{}).Map()
	require.NoError(t, err)
	global := v["global"].(map[string]any)
	assert.Equal(t, []any{map[string]any{"key": "CriticalAddonsOnly", "operator": "Exists"}}, global["tolerations"])
	assert.Equal(t, map[string]any{"platform.innovate.io/pool": "system"}, global["nodeSelector"])
	server := v["server"].(map[string]any)
	assert.Equal(t, "ClusterIP", server["service"].(map[string]any)["type"])
	assert.Equal(t, false, server["ingress"].(map[string]any)["enabled"])
}

// The repository credentials come through the in-cluster platform's External Secrets Operator, whose role reads
// exactly this secret: Argo CD installs no second operator and no second Pod Identity association for it.
func TestRepositorySecretPattern(t *testing.T) {
	assert.Equal(t, "arn:aws:secretsmanager:us-east-1:111111111111:secret:platform/argocd/dev/gitops-repository-??????",
		cicd.RepositorySecretARNPattern("us-east-1", "111111111111", "dev"))
}

func TestArgoCDRegistersNoSecretValue(t *testing.T) {
	mon, err := fixtures.Run(t, "dev", "us-east-1", func(ctx *pulumi.Context) error {
		s, err := scopeIn(ctx, devAcct, "us-east-1")
		if err != nil {
			return err
		}
		a := argoArgs
		a.Scope = s
		a.Kubeconfig = pulumi.String("{}")
		_, err = cicd.NewArgoCD(ctx, "dev-argocd", a)
		return err
	})
	require.NoError(t, err)
	assert.Empty(t, mon.ByType("aws:secretsmanager/secretVersion:SecretVersion"), "the credentials are never in state")
	secrets := mon.ByType("aws:secretsmanager/secret:Secret")
	require.Len(t, secrets, 1)
	assert.Nil(t, mocks.Plain(secrets[0].Inputs)["secretString"])
	var versions []string
	for _, c := range mon.ByType("kubernetes:helm.sh/v4:Chart") {
		in := mocks.Plain(c.Inputs)
		versions = append(versions, in["chart"].(string)+"@"+in["version"].(string))
	}
	assert.Equal(t, []string{cicd.ArgoCDChart + "@10.1.1"}, versions, "the chart is pinned")
	assert.Empty(t, mon.ByType("aws:eks/podIdentityAssociation:PodIdentityAssociation"), "no second identity for the operator")
	ns := mon.ByType("kubernetes:core/v1:Namespace")
	require.Len(t, ns, 1)
	labels := mocks.Plain(ns[0].Inputs)["metadata"].(map[string]any)["labels"].(map[string]any)
	assert.Equal(t, "baseline", labels["pod-security.kubernetes.io/enforce"])
	assert.Equal(t, "v1.35", labels["pod-security.kubernetes.io/enforce-version"])
}

// Every value set on the argo-cd chart is a value of the pinned chart (10.1.1 ships no values.schema.json), the
// images are the chart's own (through the caches when there are), and a misspelt key fails.
func TestArgoCDValuesAreChartValues(t *testing.T) {
	text, err := os.ReadFile("testdata/argo-cd/values.yaml")
	require.NoError(t, err)
	var chart map[string]any
	require.NoError(t, yaml.Unmarshal(text, &chart))
	assert.Equal(t, cicd.ArgoCDImage, chart["global"].(map[string]any)["image"].(map[string]any)["repository"])
	mirror := config.Mirror{AccountID: "111111111111", Region: "us-east-1", Caches: []config.PullThroughCache{{Prefix: "quay", Upstream: "quay.io"}, {Prefix: "ecr-public", Upstream: "public.ecr.aws"}}}
	values, err := cicd.ArgoCDValues(mirror).Map()
	require.NoError(t, err)
	assert.Empty(t, chartvalues.Unknown(values, chart, cicd.ArgoCDFreeFormValues...))
	assert.Equal(t, "111111111111.dkr.ecr.us-east-1.amazonaws.com/quay/argoproj/argocd", values["global"].(map[string]any)["image"].(map[string]any)["repository"])
	assert.Equal(t, "111111111111.dkr.ecr.us-east-1.amazonaws.com/ecr-public/docker/library/redis", values["redis"].(map[string]any)["image"].(map[string]any)["repository"])
	values["server"].(map[string]any)["servce"] = map[string]any{}
	assert.Equal(t, []string{"server.servce"}, chartvalues.Unknown(values, chart, cicd.ArgoCDFreeFormValues...))
}
