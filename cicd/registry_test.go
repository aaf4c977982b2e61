package cicd_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/cicd"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/mocks"
	"github.com/innovate-inc/platform/internal/providers"
	"github.com/innovate-inc/platform/internal/scope"
)

const (
	networking = "222222222222"
	prodAcct   = "333333333333"
	devAcct    = "444444444444"
	publisher  = "arn:aws:iam::222222222222:role/platform-publisher-backend"
)

func TestRepositoryPolicyPullsFromWorkloadsPushesFromPublisherOnly(t *testing.T) {
	doc := cicd.RepositoryPolicy("o-abc123", []string{devAcct, prodAcct}, publisher)
	require.Len(t, doc.Statement, 3)
	pull, push, deny := doc.Statement[0], doc.Statement[1], doc.Statement[2]

	assert.Equal(t, []string{"arn:aws:iam::" + devAcct + ":root", "arn:aws:iam::" + prodAcct + ":root"}, pull.Principal.AWS)
	assert.Equal(t, []string{"o-abc123"}, pull.Condition["StringEquals"]["aws:PrincipalOrgID"])
	for _, a := range pull.Action {
		assert.NotContains(t, cicd.PushActions, a, "pulling accounts cannot push")
	}

	assert.Equal(t, []string{publisher}, push.Principal.AWS)
	for _, a := range cicd.PushActions {
		assert.True(t, push.CoversAction(a), "the publisher may %s", a)
	}

	assert.Equal(t, iampolicy.Deny, deny.Effect)
	assert.Equal(t, []string{"*"}, deny.Principal.AWS)
	assert.ElementsMatch(t, cicd.PushActions, deny.Action)
	assert.Equal(t, []string{publisher}, deny.Condition["ArnNotEquals"]["aws:PrincipalArn"], "everyone but the publisher is denied pushing")

	for _, s := range doc.Statement {
		if s.Effect == iampolicy.Allow {
			assert.NotContains(t, s.Principal.AWS, "*", "%s allows everyone", s.Sid)
		}
	}
}

func TestLifecyclePolicy(t *testing.T) {
	var doc struct {
		Rules []struct {
			RulePriority int `json:"rulePriority"`
			Selection    struct {
				TagStatus     string   `json:"tagStatus"`
				TagPrefixList []string `json:"tagPrefixList"`
				CountType     string   `json:"countType"`
				CountNumber   int      `json:"countNumber"`
			} `json:"selection"`
		} `json:"rules"`
	}
	require.NoError(t, json.Unmarshal([]byte(cicd.LifecyclePolicy(config.ImageRetention{KeepReleases: 20, UntaggedDays: 3, OtherTaggedDays: 14})), &doc))
	require.Len(t, doc.Rules, 3)
	assert.Equal(t, "untagged", doc.Rules[0].Selection.TagStatus)
	assert.Equal(t, 3, doc.Rules[0].Selection.CountNumber)
	assert.Equal(t, []string{"v"}, doc.Rules[1].Selection.TagPrefixList)
	assert.Equal(t, "imageCountMoreThan", doc.Rules[1].Selection.CountType)
	assert.Equal(t, 20, doc.Rules[1].Selection.CountNumber)
	assert.Equal(t, 14, doc.Rules[2].Selection.CountNumber)
	// ECR requires unique priorities; the catch-all tagged rule must come after the release rule.
	assert.True(t, slices.IsSortedFunc(doc.Rules, func(a, b struct {
		RulePriority int `json:"rulePriority"`
		Selection    struct {
			TagStatus     string   `json:"tagStatus"`
			TagPrefixList []string `json:"tagPrefixList"`
			CountType     string   `json:"countType"`
			CountNumber   int      `json:"countNumber"`
		} `json:"selection"`
	}) int {
		return a.RulePriority - b.RulePriority
	}))
}

func scopeIn(ctx *pulumi.Context, account, region string) (scope.Scope, error) {
	p, err := providers.New(ctx, "network", providers.Target{Key: "networking", Region: region, AccountID: account, RoleName: "R"}, nil)
	return scope.Scope{Stack: "network", AccountID: account, Region: region, Provider: p}, err
}

func TestRegistry(t *testing.T) {
	apps := []config.Application{{Name: "backend", Repository: "backend"}, {Name: "frontend", Repository: "frontend"}}
	mon, err := fixtures.Run(t, "network", "us-east-1", func(ctx *pulumi.Context) error {
		home, err := scopeIn(ctx, networking, "us-east-1")
		if err != nil {
			return err
		}
		dr, err := scopeIn(ctx, networking, "us-west-2")
		if err != nil {
			return err
		}
		_, err = cicd.NewRegistry(ctx, "network-registry", cicd.RegistryArgs{
			Scope: home, DR: dr, Company: "innovate", OrgID: "o-abc123", PullAccountIDs: []string{devAcct, prodAcct},
			Applications: apps, Caches: []config.PullThroughCache{{Prefix: "ecr-public", Upstream: "public.ecr.aws"}, {Prefix: "k8s", Upstream: "registry.k8s.io"}, {Prefix: "quay", Upstream: "quay.io"}},
			Images:            config.ImageRetention{KeepReleases: 50, UntaggedDays: 7, OtherTaggedDays: 30},
			PublisherRoleARNs: map[string]string{"backend": publisher, "frontend": "arn:aws:iam::222222222222:role/platform-publisher-frontend"},
		})
		return err
	})
	require.NoError(t, err)

	repos := mon.ByType("aws:ecr/repository:Repository")
	require.Len(t, repos, 2)
	for _, r := range repos {
		in := mocks.Plain(r.Inputs)
		assert.Equal(t, "IMMUTABLE", in["imageTagMutability"], r.Name)
		assert.Equal(t, true, in["imageScanningConfiguration"].(map[string]any)["scanOnPush"], r.Name)
		enc := in["encryptionConfigurations"].([]any)[0].(map[string]any)
		assert.Equal(t, "KMS", enc["encryptionType"], r.Name)
		assert.NotEmpty(t, enc["kmsKey"], "%s is encrypted with the registry's key", r.Name)
		assert.True(t, r.Protect, "%s is protected", r.Name)
	}
	backend, ok := mon.Named("aws:ecr/repositoryPolicy:RepositoryPolicy", "network-registry-policy-backend")
	require.True(t, ok)
	doc, err := iampolicy.Parse(mocks.Plain(backend.Inputs)["policy"].(string))
	require.NoError(t, err)
	assert.Equal(t, []string{publisher}, doc.Statement[1].Principal.AWS, "backend's publisher pushes backend")

	var upstreams []string
	for _, r := range mon.ByType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule") {
		upstreams = append(upstreams, mocks.Plain(r.Inputs)["upstreamRegistryUrl"].(string))
	}
	assert.ElementsMatch(t, []string{"public.ecr.aws", "registry.k8s.io", "quay.io"}, upstreams)
	templates := mon.ByType("aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate")
	require.Len(t, templates, 4, "one per cache prefix and one for the replicas")
	for _, tpl := range templates {
		assert.Equal(t, "IMMUTABLE", mocks.Plain(tpl.Inputs)["imageTagMutability"], tpl.Name)
	}

	repl := mon.ByType("aws:ecr/replicationConfiguration:ReplicationConfiguration")
	require.Len(t, repl, 1)
	rule := mocks.Plain(repl[0].Inputs)["replicationConfiguration"].(map[string]any)["rules"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"region": "us-west-2", "registryId": networking}, rule["destinations"].([]any)[0])
	replicaTemplate, ok := mon.Named("aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate", "network-registry-replica-template")
	require.True(t, ok)
	assert.Equal(t, "us-west-2", replicaTemplate.Region, "replicas are created from a template in the DR region")

	rp := mon.ByType("aws:ecr/registryPolicy:RegistryPolicy")
	require.Len(t, rp, 1)
	regDoc, err := iampolicy.Parse(mocks.Plain(rp[0].Inputs)["policy"].(string))
	require.NoError(t, err)
	st := regDoc.Statement[0]
	assert.True(t, st.CoversResource("arn:aws:ecr:us-east-1:"+networking+":repository/quay/argoproj/argocd"))
	assert.False(t, st.CoversResource("arn:aws:ecr:us-east-1:"+networking+":repository/innovate/backend"), "the applications' repositories are not created by pulls")
	assert.True(t, st.CoversAction("ecr:CreateRepository"))
	assert.False(t, st.CoversAction("ecr:PutImage"))

	scan := mon.ByType("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration")
	require.Len(t, scan, 1)
	assert.Equal(t, "ENHANCED", mocks.Plain(scan[0].Inputs)["scanType"])
}
