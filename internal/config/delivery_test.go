package config_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/fixtures"
)

func TestDeliveryDefaults(t *testing.T) {
	s := fixtures.Stack(t, "network")
	require.NotNil(t, s.Delivery)
	d := s.Delivery
	assert.Equal(t, "main", d.GitHub.Branch)
	assert.Equal(t, "production", d.GitHub.Environment)
	assert.Equal(t, []config.PullThroughCache{{Prefix: "ecr-public", Upstream: "public.ecr.aws"}, {Prefix: "k8s", Upstream: "registry.k8s.io"}, {Prefix: "quay", Upstream: "quay.io"}}, d.PullThroughCaches)
	assert.Equal(t, config.ImageRetention{KeepReleases: 50, UntaggedDays: 7, OtherTaggedDays: 30}, d.Images)
	assert.Equal(t, "repo:innovate-inc/platform:ref:refs/heads/main", d.GitHub.BranchSubject("platform", "main"))
	assert.Equal(t, "repo:innovate-inc/platform:environment:production", d.GitHub.EnvironmentSubject("platform", "production"))
	assert.Equal(t, "repo:innovate-inc/platform:pull_request", d.GitHub.PullRequestSubject("platform"))
}

// Every delivery key that ends up in an OIDC trust or an ECR name is checked, and the error names it.
func TestBadDeliveryConfigIsRejectedNamingTheKey(t *testing.T) {
	cases := []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"wildcard repository", func(d map[string]any) { d["github"].(map[string]any)["repository"] = "*" },
			`platform:delivery.github.repository "*" is not a GitHub repository name`},
		{"wildcard owner", func(d map[string]any) { d["github"].(map[string]any)["owner"] = "innovate-*" },
			`platform:delivery.github.owner "innovate-*" is not a GitHub organization name`},
		{"owner missing", func(d map[string]any) { delete(d["github"].(map[string]any), "owner") },
			`platform:delivery.github.owner is required`},
		{"wildcard branch", func(d map[string]any) { d["github"].(map[string]any)["branch"] = "release/*" },
			`platform:delivery.github.branch "release/*" must be letters, digits and _./- only`},
		{"colon in environment", func(d map[string]any) { d["github"].(map[string]any)["environment"] = "prod:x" },
			`platform:delivery.github.environment "prod:x" must be`},
		{"application wildcard repository", func(d map[string]any) {
			d["applications"].([]any)[1].(map[string]any)["repository"] = "front?"
		}, `platform:delivery.applications[1].repository "front?" is not a GitHub repository name`},
		{"application name upper case", func(d map[string]any) {
			d["applications"].([]any)[0].(map[string]any)["name"] = "Backend"
		}, `platform:delivery.applications[0].name "Backend" must be lowercase`},
		{"duplicate application", func(d map[string]any) {
			d["applications"].([]any)[1].(map[string]any)["name"] = "backend"
		}, `platform:delivery.applications[1].name "backend" is already used by platform:delivery.applications[0]`},
		{"no applications", func(d map[string]any) { d["applications"] = []any{} },
			`platform:delivery.applications is required`},
		{"unknown cache", func(d map[string]any) {
			d["pullThroughCaches"] = []any{map[string]any{"prefix": "docker-hub", "upstream": "registry-1.docker.io"}}
		}, `platform:delivery.pullThroughCaches[0].prefix "docker-hub" is not a pull-through cache the platform offers: allowed are ecr-public, k8s, quay`},
		{"cache upstream mismatch", func(d map[string]any) {
			d["pullThroughCaches"] = []any{map[string]any{"prefix": "quay", "upstream": "quay.example.com"}}
		}, `platform:delivery.pullThroughCaches[0].upstream "quay.example.com" must be "quay.io"`},
		{"runner compute type", func(d map[string]any) { d["runner"] = map[string]any{"computeType": "BUILD_GENERAL1_2XLARGE"} },
			`platform:delivery.runner.computeType "BUILD_GENERAL1_2XLARGE" is not allowed`},
		{"runner timeout", func(d map[string]any) { d["runner"] = map[string]any{"timeoutMinutes": 1000} },
			`platform:delivery.runner.timeoutMinutes 1000 must be between 5 and 480`},
		{"argo cd chart unpinned", func(d map[string]any) { d["argoCd"].(map[string]any)["chartVersion"] = "7.x" },
			`platform:delivery.argoCd.chartVersion "7.x" must pin the argo-cd chart as x.y.z`},
		{"argo cd repository not https", func(d map[string]any) {
			d["argoCd"].(map[string]any)["repository"] = "git@github.com:innovate-inc/gitops.git"
		},
			`platform:delivery.argoCd.repository "git@github.com:innovate-inc/gitops.git" must be the GitOps repository's HTTPS URL`},
		{"argo cd path escapes", func(d map[string]any) { d["argoCd"].(map[string]any)["pathPrefix"] = "../x" },
			`platform:delivery.argoCd.pathPrefix "../x" must be a relative path`},
		{"negative retention", func(d map[string]any) { d["images"] = map[string]any{"untaggedDays": -1} },
			`platform:delivery.images.untaggedDays -1 must be positive`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sf := fixtures.StackFile(t, "network")
			fixtures.Edit(t, &sf, config.KeyDelivery, c.edit)
			s, err := config.Load(sf.Name, sf.Config)
			require.Error(t, err)
			assert.Nil(t, s)
			assert.ErrorContains(t, err, c.want)
		})
	}
}

func TestDeliveryIsOptional(t *testing.T) {
	sf := fixtures.StackFile(t, "network")
	delete(sf.Config, config.KeyDelivery)
	s, err := config.Load(sf.Name, sf.Config)
	require.NoError(t, err)
	assert.Nil(t, s.Delivery)
}

func TestProviderRoleOverride(t *testing.T) {
	sf := fixtures.StackFile(t, "security")
	s, err := config.Load(sf.Name, sf.Config)
	require.NoError(t, err)
	assert.Equal(t, "OrganizationAccountAccessRole", s.AssumedRole("OrganizationAccountAccessRole"))

	sf.Config[config.KeyProviderRole] = "platform-preview"
	s, err = config.Load(sf.Name, sf.Config)
	require.NoError(t, err)
	assert.Equal(t, "platform-preview", s.AssumedRole("OrganizationAccountAccessRole"))

	sf.Config[config.KeyProviderRole] = "bad role*"
	_, err = config.Load(sf.Name, sf.Config)
	assert.ErrorContains(t, err, `platform:providerRole "bad role*" is not a valid IAM role name`)
}
