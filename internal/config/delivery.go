package config

import (
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Delivery configures how the platform and the applications are delivered: the GitHub repositories whose
// workflows may reach AWS (through OIDC, never with keys), the ECR repositories of the applications, the
// pull-through caches for the public registries the clusters pull from, and the deploy runner inside the estate.
// It is project-level config (Pulumi.yaml), read by the security layer (the pipeline and preview roles in every
// account) and the network layer (ECR, the image publisher, the deploy runner).
type Delivery struct {
	GitHub GitHub `json:"github"`
	// Applications get an ECR repository each, pushed to only by their own GitHub repository's main branch.
	Applications []Application `json:"applications"`
	// PullThroughCaches mirror public registries into ECR: nodes pull through the ECR endpoints, not the internet.
	PullThroughCaches []PullThroughCache `json:"pullThroughCaches,omitempty"`
	// Images is the lifecycle of the application images.
	Images ImageRetention `json:"images,omitempty"`
	// Runner is the deploy runner (CodeBuild) in the shared-services VPC.
	Runner Runner `json:"runner,omitempty"`
	// ArgoCD, when set, installs Argo CD in every workload cluster.
	ArgoCD *ArgoCD `json:"argoCd,omitempty"`
}

// ArgoCD configures Argo CD in the workload clusters and the GitOps repository it follows.
type ArgoCD struct {
	// ChartVersion pins the argo-cd Helm chart (x.y.z).
	ChartVersion string `json:"chartVersion"`
	// Repository is the GitOps repository's HTTPS URL.
	Repository string `json:"repository"`
	// Revision is the branch the clusters follow (default main).
	Revision string `json:"revision,omitempty"`
	// PathPrefix holds one directory per environment: the app-of-apps of dev follows <pathPrefix>/dev (default
	// environments).
	PathPrefix string `json:"pathPrefix,omitempty"`
}

// GitHub names the platform's own repository and the refs allowed to deploy.
type GitHub struct {
	// Owner is the GitHub organization that owns every repository below.
	Owner string `json:"owner"`
	// Repository is the platform's repository (this one): its pull requests preview, its main branch deploys.
	Repository string `json:"repository"`
	// Branch is the branch that deploys (default main).
	Branch string `json:"branch,omitempty"`
	// Environment is the protected GitHub environment (required reviewers) prod deploys run in (default production).
	Environment string `json:"environment,omitempty"`
}

// Application is one product component delivered as a container image.
type Application struct {
	// Name is the application's short name; its ECR repository is <company>/<name>.
	Name string `json:"name"`
	// Repository is the GitHub repository (under github.owner) whose main branch publishes the image.
	Repository string `json:"repository"`
}

// PullThroughCache is one ECR pull-through cache rule: <registry>/<prefix>/<image> mirrors <upstream>/<image>.
type PullThroughCache struct {
	Prefix   string `json:"prefix"`
	Upstream string `json:"upstream"`
}

// Mirror is where the clusters pull public images from: the pull-through caches of the networking account's
// registry, so nodes pull through the ECR endpoints instead of the internet.
type Mirror struct {
	// AccountID and Region are the registry's (the networking account, home region); Caches its cache rules.
	AccountID, Region string
	Caches            []PullThroughCache
}

// MirrorOf is the mirror of a delivery config (none without one, or without caches).
func MirrorOf(d *Delivery, accountID, region string) Mirror {
	if d == nil || accountID == "" {
		return Mirror{}
	}
	return Mirror{AccountID: accountID, Region: region, Caches: d.PullThroughCaches}
}

// Host is the registry's host, "" without caches.
func (m Mirror) Host() string {
	if len(m.Caches) == 0 {
		return ""
	}
	return m.AccountID + ".dkr.ecr." + m.Region + ".amazonaws.com"
}

// Image is the reference to pull an image by: through the cache of its registry when there is one
// (public.ecr.aws/karpenter/controller -> <host>/ecr-public/karpenter/controller), else unchanged.
func (m Mirror) Image(ref string) string {
	for _, c := range m.Caches {
		if rest, ok := strings.CutPrefix(ref, c.Upstream+"/"); ok {
			return m.Host() + "/" + c.Prefix + "/" + rest
		}
	}
	return ref
}

// RepositoryARNs are the ARN patterns of the repositories the caches create on a first pull.
func (m Mirror) RepositoryARNs() []string {
	var out []string
	for _, c := range m.Caches {
		out = append(out, "arn:aws:ecr:"+m.Region+":"+m.AccountID+":repository/"+c.Prefix+"/*")
	}
	return out
}

// ImageRetention is the ECR lifecycle of the application repositories.
type ImageRetention struct {
	// KeepReleases is how many release images (tags starting with v) are kept (default 50).
	KeepReleases int `json:"keepReleases,omitempty"`
	// UntaggedDays expires untagged images (superseded manifests, build layers) after this many days (default 7).
	UntaggedDays int `json:"untaggedDays,omitempty"`
	// OtherTaggedDays expires images with other tags (commit SHAs of branches) after this many days (default 30).
	OtherTaggedDays int `json:"otherTaggedDays,omitempty"`
}

// Runner configures the deploy runner.
type Runner struct {
	// ComputeType is the CodeBuild compute type (default BUILD_GENERAL1_MEDIUM: 4 GiB, 2 vCPUs).
	ComputeType string `json:"computeType,omitempty"`
	// TimeoutMinutes bounds one deploy (default 60).
	TimeoutMinutes int `json:"timeoutMinutes,omitempty"`
	// Connected says the GitHub connection the network stack creates has been authorized (its handshake is done
	// once, in the console, by a GitHub organization owner). Only then can CodeBuild create the webhook that
	// turns queued workflow jobs into runner builds: set it to true and deploy the network stack again.
	Connected bool `json:"connected,omitempty"`
}

// KeyDelivery is the project-level delivery config.
const KeyDelivery = Namespace + ":delivery"

// KeyProviderRole overrides, for one run, the role the providers assume in the member accounts: pull request
// previews set it to platform-preview (read-only) with `pulumi preview --config`, never in a stack file.
const KeyProviderRole = Namespace + ":providerRole"

// AssumedRole is the role the providers assume in the member accounts: platform:providerRole when set, else the
// organization access role.
func (s Stack) AssumedRole(accessRole string) string {
	if s.ProviderRole != "" {
		return s.ProviderRole
	}
	return accessRole
}

// Defaults of delivery.
const (
	DefaultDeployBranch      = "main"
	DefaultDeployEnvironment = "production"
	DefaultKeepReleases      = 50
	DefaultUntaggedDays      = 7
	DefaultOtherTaggedDays   = 30
	DefaultRunnerComputeType = "BUILD_GENERAL1_MEDIUM"
	DefaultRunnerTimeout     = 60
)

// PullThroughUpstreams are the registries ECR mirrors without credentials, by the prefix the platform gives them.
// Docker Hub and ghcr.io need credentials in Secrets Manager and are left out until a chart needs them.
var PullThroughUpstreams = map[string]string{
	"ecr-public": "public.ecr.aws",
	"k8s":        "registry.k8s.io",
	"quay":       "quay.io",
}

// RunnerComputeTypes are the CodeBuild Linux compute types the runner may use.
var RunnerComputeTypes = []string{"BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"}

var (
	// GitHub organization names: alphanumerics and single hyphens, up to 39 characters.
	githubOwnerPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}$`)
	// GitHub repository names: letters, digits, '.', '_' and '-'; never a wildcard.
	githubRepoPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)
	// Branch and environment names end up in an OIDC sub claim matched with StringEquals: no wildcards, no ':'.
	githubRefPattern = regexp.MustCompile(`^[A-Za-z0-9_./-]{1,255}$`)
	// ECR repository name parts.
	ecrNamePattern = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
	semverPattern  = regexp.MustCompile(`^\d+\.\d+\.\d+$`)
	gitOpsPattern  = regexp.MustCompile(`^https://[a-z0-9.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(\.git)?$`)
	pathPattern    = regexp.MustCompile(`^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$`)
)

func (d Delivery) validate(p *problems, path keyPath) {
	gh := path.Field("github")
	switch {
	case d.GitHub.Owner == "":
		p.missing(gh.Field("owner"), "the GitHub organization that owns the platform's and the applications' repositories")
	case !githubOwnerPattern.MatchString(d.GitHub.Owner):
		p.bad(gh.Field("owner"), d.GitHub.Owner, "is not a GitHub organization name (letters, digits and single hyphens, no wildcard)")
	}
	validRepo(p, gh.Field("repository"), d.GitHub.Repository)
	for _, f := range []struct{ key, value string }{{"branch", d.GitHub.Branch}, {"environment", d.GitHub.Environment}} {
		if f.value != "" && !githubRefPattern.MatchString(f.value) {
			p.bad(gh.Field(f.key), f.value, "must be letters, digits and _./- only: it is matched exactly in the OIDC sub claim, so no wildcard")
		}
	}
	apps := path.Field("applications")
	if len(d.Applications) == 0 {
		p.missing(apps, "the applications to create ECR repositories for (name and publishing repository)")
	}
	for i, a := range d.Applications {
		if !ecrNamePattern.MatchString(a.Name) || len(a.Name) > 64 {
			p.bad(apps.Index(i).Field("name"), a.Name, "must be lowercase letters and digits separated by . _ or - (up to 64)")
		}
		validRepo(p, apps.Index(i).Field("repository"), a.Repository)
	}
	uniqueNames(p, apps, "name", d.Applications, func(a Application) string { return a.Name })
	caches := path.Field("pullThroughCaches")
	for i, c := range d.PullThroughCaches {
		if up, ok := PullThroughUpstreams[c.Prefix]; !ok {
			p.bad(caches.Index(i).Field("prefix"), c.Prefix, "is not a pull-through cache the platform offers: allowed are %s", strings.Join(slices.Sorted(maps.Keys(PullThroughUpstreams)), ", "))
		} else if c.Upstream != up {
			p.bad(caches.Index(i).Field("upstream"), c.Upstream, "must be %q for prefix %q", up, c.Prefix)
		}
	}
	uniqueNames(p, caches, "prefix", d.PullThroughCaches, func(c PullThroughCache) string { return c.Prefix })
	img := path.Field("images")
	for _, f := range []struct {
		key   string
		value int
	}{{"keepReleases", d.Images.KeepReleases}, {"untaggedDays", d.Images.UntaggedDays}, {"otherTaggedDays", d.Images.OtherTaggedDays}} {
		if f.value < 0 {
			p.bad(img.Field(f.key), f.value, "must be positive")
		}
	}
	if a := d.ArgoCD; a != nil {
		ap := path.Field("argoCd")
		if !semverPattern.MatchString(a.ChartVersion) {
			p.bad(ap.Field("chartVersion"), a.ChartVersion, "must pin the argo-cd chart as x.y.z")
		}
		if !gitOpsPattern.MatchString(a.Repository) {
			p.bad(ap.Field("repository"), a.Repository, "must be the GitOps repository's HTTPS URL (https://github.com/<owner>/<repo>)")
		}
		if a.PathPrefix != "" && !pathPattern.MatchString(a.PathPrefix) {
			p.bad(ap.Field("pathPrefix"), a.PathPrefix, "must be a relative path of letters, digits, _ and -")
		}
		if a.Revision != "" && !githubRefPattern.MatchString(a.Revision) {
			p.bad(ap.Field("revision"), a.Revision, "must be a branch name")
		}
	}
	r := path.Field("runner")
	if d.Runner.ComputeType != "" && !slices.Contains(RunnerComputeTypes, d.Runner.ComputeType) {
		p.bad(r.Field("computeType"), d.Runner.ComputeType, "is not allowed: allowed are %s", strings.Join(RunnerComputeTypes, ", "))
	}
	if d.Runner.TimeoutMinutes != 0 && (d.Runner.TimeoutMinutes < 5 || d.Runner.TimeoutMinutes > 480) {
		p.bad(r.Field("timeoutMinutes"), d.Runner.TimeoutMinutes, "must be between 5 and 480 (CodeBuild's limits)")
	}
}

func validRepo(p *problems, key keyPath, repo string) {
	switch {
	case repo == "":
		p.missing(key, "a GitHub repository name under github.owner")
	case !githubRepoPattern.MatchString(repo) || repo == "." || repo == "..":
		p.bad(key, repo, "is not a GitHub repository name (letters, digits, . _ -; never a wildcard): the OIDC trust names exactly one repository")
	}
}

func (d *Delivery) fillDefaults() {
	setString(&d.GitHub.Branch, DefaultDeployBranch)
	setString(&d.GitHub.Environment, DefaultDeployEnvironment)
	if d.PullThroughCaches == nil {
		for _, prefix := range slices.Sorted(maps.Keys(PullThroughUpstreams)) {
			d.PullThroughCaches = append(d.PullThroughCaches, PullThroughCache{Prefix: prefix, Upstream: PullThroughUpstreams[prefix]})
		}
	}
	setInt(&d.Images.KeepReleases, DefaultKeepReleases)
	setInt(&d.Images.UntaggedDays, DefaultUntaggedDays)
	setInt(&d.Images.OtherTaggedDays, DefaultOtherTaggedDays)
	if d.ArgoCD != nil {
		setString(&d.ArgoCD.Revision, "main")
		setString(&d.ArgoCD.PathPrefix, "environments")
	}
	setString(&d.Runner.ComputeType, DefaultRunnerComputeType)
	setInt(&d.Runner.TimeoutMinutes, DefaultRunnerTimeout)
}

// BranchSubject is the OIDC sub claim of a GitHub Actions job of repository (under the owner) on a branch.
func (g GitHub) BranchSubject(repo, branch string) string {
	return "repo:" + g.Owner + "/" + repo + ":ref:refs/heads/" + branch
}

// EnvironmentSubject is the sub claim of a job of the repository that runs in a GitHub environment.
func (g GitHub) EnvironmentSubject(repo, env string) string {
	return "repo:" + g.Owner + "/" + repo + ":environment:" + env
}

// PullRequestSubject is the sub claim of a job of the repository triggered by a pull request.
func (g GitHub) PullRequestSubject(repo string) string {
	return "repo:" + g.Owner + "/" + repo + ":pull_request"
}
