// Package cicd is delivery: the applications' ECR repositories with pull-through caches for the public
// registries the clusters pull from (Registry), the GitHub OIDC provider and the roles GitHub Actions assume
// (AccountAccess in every account, Publishers in the networking account), and the deploy runner inside the
// estate (DeployRunner), which applies the workload stacks whose cluster endpoints are private.
package cicd

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/kmskey"
	"github.com/innovate-inc/platform/internal/scope"
)

// RegistryArgs configures Registry.
type RegistryArgs struct {
	scope.Scope // the networking account, home region
	// DR is the networking account in the DR region: replicas are created there.
	DR scope.Scope
	// Company prefixes the repository names: <company>/<application>.
	Company string
	OrgID   string
	// PullAccountIDs are the workload accounts whose principals may pull.
	PullAccountIDs []string
	Applications   []config.Application
	Caches         []config.PullThroughCache
	Images         config.ImageRetention
	// PublisherRoleARNs are the roles that may push, by application.
	PublisherRoleARNs map[string]string
}

// Registry creates, in the networking account, a KMS key and one ECR repository per application (immutable tags,
// KMS, lifecycle, a policy letting the workload accounts pull and only the application's publisher push),
// enhanced scanning on every repository, pull-through cache rules for the public registries (with a creation
// template so cached repositories are KMS-encrypted and immutable too), and replication of the application
// repositories to the DR region.
//
// Cost: $0.10/GB-month stored (and again in the DR region), $1/month for the key; enhanced scanning is $0.09 per
// image scanned on push plus $0.01 per rescan.
//
// It exports the repository URLs by application and the registry's host.
type Registry struct {
	pulumi.ResourceState

	RepositoryURLs map[string]pulumi.StringOutput
	// Host is <account>.dkr.ecr.<region>.amazonaws.com.
	Host string
}

// RepositoryName is the ECR repository of an application.
func RepositoryName(company, app string) string { return company + "/" + app }

// NewRegistry registers the ECR registry of the estate.
func NewRegistry(ctx *pulumi.Context, name string, args RegistryArgs, opts ...pulumi.ResourceOption) (_ *Registry, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("registry %s: %w", name, err)
		}
	}()
	c := &Registry{RepositoryURLs: map[string]pulumi.StringOutput{}, Host: fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com", args.AccountID, args.Region)}
	if err := ctx.RegisterComponentResource("platform:cicd:Registry", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering: %w", err)
	}
	key, err := kmskey.New(ctx, scope.Child(name, "key"), pulumi.String("Encrypts the application images in ECR"),
		pulumi.String(iampolicy.New(iampolicy.AccountAdministers(args.AccountID)).MustJSON()), args.In(c)...)
	if err != nil {
		return nil, fmt.Errorf("creating the key: %w", err)
	}
	for _, app := range args.Applications {
		url, err := repository(ctx, name, args, app, key.Arn, c)
		if err != nil {
			return nil, err
		}
		c.RepositoryURLs[app.Name] = url
	}
	if err := scanning(ctx, name, args, c); err != nil {
		return nil, err
	}
	if err := pullThroughCaches(ctx, name, args, c); err != nil {
		return nil, err
	}
	if err := replication(ctx, name, args, c); err != nil {
		return nil, err
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{})
}

// repository is one application's repository with its lifecycle and policy.
func repository(ctx *pulumi.Context, name string, args RegistryArgs, app config.Application, keyARN pulumi.StringInput, parent pulumi.Resource) (pulumi.StringOutput, error) {
	repoName := RepositoryName(args.Company, app.Name)
	repo, err := ecr.NewRepository(ctx, scope.Child(name, "repo", app.Name), &ecr.RepositoryArgs{
		Name: pulumi.String(repoName),
		// Immutable tags: a tag names one image forever, so what was scanned and approved is what runs.
		ImageTagMutability:         pulumi.String("IMMUTABLE"),
		ImageScanningConfiguration: ecr.RepositoryImageScanningConfigurationArgs{ScanOnPush: pulumi.Bool(true)},
		EncryptionConfigurations: ecr.RepositoryEncryptionConfigurationArray{ecr.RepositoryEncryptionConfigurationArgs{
			EncryptionType: pulumi.String("KMS"), KmsKey: keyARN,
		}},
		Tags: pulumi.ToStringMap(args.Tags.With(repoName)),
	}, args.In(parent, pulumi.Protect(true))...)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating repository %s: %w", repoName, err)
	}
	if _, err := ecr.NewLifecyclePolicy(ctx, scope.Child(name, "lifecycle", app.Name), &ecr.LifecyclePolicyArgs{
		Repository: repo.Name, Policy: pulumi.String(LifecyclePolicy(args.Images)),
	}, args.In(parent)...); err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating the lifecycle policy of %s: %w", repoName, err)
	}
	policy, err := RepositoryPolicy(args.OrgID, args.PullAccountIDs, args.PublisherRoleARNs[app.Name]).JSON()
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	if _, err := ecr.NewRepositoryPolicy(ctx, scope.Child(name, "policy", app.Name), &ecr.RepositoryPolicyArgs{
		Repository: repo.Name, Policy: pulumi.String(policy),
	}, args.In(parent)...); err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating the repository policy of %s: %w", repoName, err)
	}
	return repo.RepositoryUrl, nil
}

// PullActions are what a node or a workload needs to pull an image.
var PullActions = []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}

// PushActions are what writing an image takes.
var PushActions = []string{"ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"}

// RepositoryPolicy lets the workload accounts (inside the organization) pull, the publisher push, and denies
// pushing to every other principal: an administrator of the networking account included, so an image only ever
// comes from the application's main branch.
func RepositoryPolicy(orgID string, pullAccounts []string, publisherARN string) iampolicy.Document {
	doc := PullPolicy(orgID, pullAccounts)
	doc.Statement = append(doc.Statement,
		iampolicy.Statement{Sid: "PublisherPushes", Effect: iampolicy.Allow, Principal: &iampolicy.Principal{AWS: []string{publisherARN}},
			Action: append(append([]string{}, PushActions...), "ecr:BatchCheckLayerAvailability")},
		iampolicy.Statement{Sid: "OnlyPublisherPushes", Effect: iampolicy.Deny, Principal: &iampolicy.Principal{AWS: []string{"*"}},
			Action:    PushActions,
			Condition: iampolicy.Condition{"ArnNotEquals": {"aws:PrincipalArn": {publisherARN}}}},
	)
	return doc
}

// LifecyclePolicy keeps the last KeepReleases release images (tags v*), expires other tagged images (branch
// builds) after OtherTaggedDays and untagged ones after UntaggedDays. Rules are evaluated by priority; an image
// is matched by the first rule that selects it.
func LifecyclePolicy(r config.ImageRetention) string {
	type selection struct {
		TagStatus      string   `json:"tagStatus"`
		TagPrefixList  []string `json:"tagPrefixList,omitempty"`
		TagPatternList []string `json:"tagPatternList,omitempty"`
		CountType      string   `json:"countType"`
		CountUnit      string   `json:"countUnit,omitempty"`
		CountNumber    int      `json:"countNumber"`
	}
	type rule struct {
		RulePriority int               `json:"rulePriority"`
		Description  string            `json:"description"`
		Selection    selection         `json:"selection"`
		Action       map[string]string `json:"action"`
	}
	expire := map[string]string{"type": "expire"}
	doc := map[string][]rule{"rules": {
		{1, "Expire untagged images", selection{TagStatus: "untagged", CountType: "sinceImagePushed", CountUnit: "days", CountNumber: r.UntaggedDays}, expire},
		{2, "Keep the last release images", selection{TagStatus: "tagged", TagPrefixList: []string{"v"}, CountType: "imageCountMoreThan", CountNumber: r.KeepReleases}, expire},
		{3, "Expire branch builds", selection{TagStatus: "tagged", TagPatternList: []string{"*"}, CountType: "sinceImagePushed", CountUnit: "days", CountNumber: r.OtherTaggedDays}, expire},
	}}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err) // plain structs: cannot fail
	}
	return string(b)
}

// scanning turns on enhanced scanning (Amazon Inspector) for every repository: on push, and continuously for
// the application repositories, whose images run in the clusters.
func scanning(ctx *pulumi.Context, name string, args RegistryArgs, parent pulumi.Resource) error {
	filter := func(f string) ecr.RegistryScanningConfigurationRuleRepositoryFilterArray {
		return ecr.RegistryScanningConfigurationRuleRepositoryFilterArray{ecr.RegistryScanningConfigurationRuleRepositoryFilterArgs{
			Filter: pulumi.String(f), FilterType: pulumi.String("WILDCARD")}}
	}
	_, err := ecr.NewRegistryScanningConfiguration(ctx, scope.Child(name, "scanning"), &ecr.RegistryScanningConfigurationArgs{
		ScanType: pulumi.String("ENHANCED"),
		Rules: ecr.RegistryScanningConfigurationRuleArray{
			ecr.RegistryScanningConfigurationRuleArgs{ScanFrequency: pulumi.String("CONTINUOUS_SCAN"), RepositoryFilters: filter(args.Company + "/*")},
			ecr.RegistryScanningConfigurationRuleArgs{ScanFrequency: pulumi.String("SCAN_ON_PUSH"), RepositoryFilters: filter("*")},
		},
	}, args.In(parent)...)
	if err != nil {
		return fmt.Errorf("configuring registry scanning: %w", err)
	}
	return nil
}

// pullThroughCaches creates a cache rule per public registry, and a creation template so the repositories ECR
// creates on the first pull are encrypted, immutable, expire what is not pulled and may be pulled by the workload
// accounts. Nodes then pull <registry>/<prefix>/<image> through the ECR endpoints, never the internet.
func pullThroughCaches(ctx *pulumi.Context, name string, args RegistryArgs, parent pulumi.Resource) error {
	if len(args.Caches) > 0 {
		policy, err := CacheRegistryPolicy(args.AccountID, args.Region, args.OrgID, args.PullAccountIDs, args.Caches).JSON()
		if err != nil {
			return err
		}
		if _, err := ecr.NewRegistryPolicy(ctx, scope.Child(name, "registry-policy"), &ecr.RegistryPolicyArgs{
			Policy: pulumi.String(policy),
		}, args.In(parent)...); err != nil {
			return fmt.Errorf("creating the registry policy: %w", err)
		}
	}
	for _, pc := range args.Caches {
		if _, err := ecr.NewPullThroughCacheRule(ctx, scope.Child(name, "cache", pc.Prefix), &ecr.PullThroughCacheRuleArgs{
			EcrRepositoryPrefix: pulumi.String(pc.Prefix), UpstreamRegistryUrl: pulumi.String(pc.Upstream),
		}, args.In(parent)...); err != nil {
			return fmt.Errorf("creating the pull-through cache rule %s: %w", pc.Prefix, err)
		}
		if err := creationTemplate(ctx, scope.Child(name, "cache-template", pc.Prefix), args.Scope, pc.Prefix, "PULL_THROUGH_CACHE",
			CachePullPolicy(args.OrgID, args.PullAccountIDs), CacheLifecyclePolicy, "Repositories the "+pc.Upstream+" pull-through cache creates", parent); err != nil {
			return err
		}
	}
	return nil
}

// PullPolicy lets the workload accounts, inside the organization, pull.
func PullPolicy(orgID string, pullAccounts []string, extra ...string) iampolicy.Document {
	var roots []string
	for _, id := range pullAccounts {
		roots = append(roots, "arn:aws:iam::"+id+":root")
	}
	return iampolicy.New(iampolicy.Statement{Sid: "WorkloadAccountsPull", Effect: iampolicy.Allow,
		Principal: &iampolicy.Principal{AWS: roots},
		Action:    append(append([]string{}, PullActions...), extra...),
		Condition: iampolicy.Condition{"StringEquals": {"aws:PrincipalOrgID": {orgID}}}})
}

// CacheRegistryPolicy lets the workload accounts' first pull of an image through a cache rule create its
// repository and import the image: the repository does not exist yet, so only the registry's policy can grant it
// (the pulling identity needs ecr:CreateRepository and ecr:BatchImportUpstreamImage in its own policy too).
func CacheRegistryPolicy(accountID, region, orgID string, pullAccounts []string, caches []config.PullThroughCache) iampolicy.Document {
	var roots, repos []string
	for _, id := range pullAccounts {
		roots = append(roots, "arn:aws:iam::"+id+":root")
	}
	for _, c := range caches {
		repos = append(repos, fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s/*", region, accountID, c.Prefix))
	}
	return iampolicy.New(iampolicy.Statement{Sid: "WorkloadAccountsFillCaches", Effect: iampolicy.Allow,
		Principal: &iampolicy.Principal{AWS: roots}, Resource: repos,
		Action:    []string{"ecr:BatchImportUpstreamImage", "ecr:CreateRepository"},
		Condition: iampolicy.Condition{"StringEquals": {"aws:PrincipalOrgID": {orgID}}}})
}

// CachePullPolicy is PullPolicy plus ecr:BatchImportUpstreamImage: a pull through a cache rule imports the
// upstream image into the cached repository on the caller's behalf.
func CachePullPolicy(orgID string, pullAccounts []string) iampolicy.Document {
	return PullPolicy(orgID, pullAccounts, "ecr:BatchImportUpstreamImage")
}

// creationTemplate makes the repositories ECR creates for a prefix encrypted (the AWS managed key: a customer
// key in a template needs a custom role), immutable and expiring.
func creationTemplate(ctx *pulumi.Context, resName string, s scope.Scope, prefix, appliedFor string, policy iampolicy.Document, lifecycle, description string, parent pulumi.Resource) error {
	text, err := policy.JSON()
	if err != nil {
		return err
	}
	if _, err := ecr.NewRepositoryCreationTemplate(ctx, resName, &ecr.RepositoryCreationTemplateArgs{
		Prefix: pulumi.String(prefix), AppliedFors: pulumi.ToStringArray([]string{appliedFor}),
		Description:        pulumi.String(description),
		ImageTagMutability: pulumi.String("IMMUTABLE"),
		EncryptionConfigurations: ecr.RepositoryCreationTemplateEncryptionConfigurationArray{
			ecr.RepositoryCreationTemplateEncryptionConfigurationArgs{EncryptionType: pulumi.String("KMS")}},
		LifecyclePolicy:  pulumi.String(lifecycle),
		RepositoryPolicy: pulumi.String(text),
		ResourceTags:     pulumi.ToStringMap(s.Tags.Map(nil)),
	}, s.In(parent)...); err != nil {
		return fmt.Errorf("creating the repository creation template %s: %w", prefix, err)
	}
	return nil
}

// CacheLifecyclePolicy expires cached images 90 days after they were cached: the next pull fetches them again.
const CacheLifecyclePolicy = `{"rules":[{"rulePriority":1,"description":"Expire cached images after 90 days","selection":{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":90},"action":{"type":"expire"}}]}`

// replication copies the application repositories to the same account in the DR region; a creation template
// there makes the replicas immutable and encrypted like their sources.
func replication(ctx *pulumi.Context, name string, args RegistryArgs, parent pulumi.Resource) error {
	if _, err := ecr.NewReplicationConfiguration(ctx, scope.Child(name, "replication"), &ecr.ReplicationConfigurationArgs{
		ReplicationConfiguration: ecr.ReplicationConfigurationReplicationConfigurationArgs{
			Rules: ecr.ReplicationConfigurationReplicationConfigurationRuleArray{ecr.ReplicationConfigurationReplicationConfigurationRuleArgs{
				Destinations: ecr.ReplicationConfigurationReplicationConfigurationRuleDestinationArray{
					ecr.ReplicationConfigurationReplicationConfigurationRuleDestinationArgs{
						Region: pulumi.String(args.DR.Region), RegistryId: pulumi.String(args.AccountID)}},
				RepositoryFilters: ecr.ReplicationConfigurationReplicationConfigurationRuleRepositoryFilterArray{
					ecr.ReplicationConfigurationReplicationConfigurationRuleRepositoryFilterArgs{
						Filter: pulumi.String(args.Company + "/"), FilterType: pulumi.String("PREFIX_MATCH")}},
			}},
		},
	}, args.In(parent)...); err != nil {
		return fmt.Errorf("configuring replication to %s: %w", args.DR.Region, err)
	}
	return creationTemplate(ctx, scope.Child(name, "replica-template"), args.DR, args.Company+"/", "REPLICATION",
		PullPolicy(args.OrgID, args.PullAccountIDs), LifecyclePolicy(args.Images), "Replicas of the application repositories", parent)
}
