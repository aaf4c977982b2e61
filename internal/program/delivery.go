package program

import (
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/apps"
	"github.com/innovate-inc/platform/cicd"
	"github.com/innovate-inc/platform/eks"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/internal/stackref"
	"github.com/innovate-inc/platform/internal/tags"
	"github.com/innovate-inc/platform/network"
)

// Delivery in the layers: the security stack gives every account (and the management account) the GitHub OIDC
// provider, platform-pipeline and platform-preview (accountAccess); the network stack builds, in the networking
// account, the publishers, the ECR registry and the deploy runner (networkDelivery). Without platform:delivery
// neither builds anything.

// accountAccess registers the GitHub roles of every member account and of the management account. The
// management account's pipeline role is the one the program's providers assume the access role from.
func accountAccess(ctx *pulumi.Context, cfg *config.Stack, in *securityInputs) error {
	d := cfg.Delivery
	if d == nil {
		return nil
	}
	e, org := cfg.Estate, in.org
	accounts := maps.Clone(org.AccountIDs)
	accounts[ManagementAccountKey] = org.ManagementAccountID
	for _, name := range slices.Sorted(maps.Keys(accounts)) {
		p := in.provs[name]
		if name == ManagementAccountKey {
			p = in.mgmt
		}
		sc := scope.Scope{Stack: cfg.Name, AccountID: accounts[name], Region: e.HomeRegion, Provider: p[e.HomeRegion], Tags: tags.ForStack(*cfg)}
		if _, err := cicd.NewAccountAccess(ctx, naming.Name(cfg.Name, "github-access", name), cicd.AccountAccessArgs{
			Scope: sc, GitHub: d.GitHub, PipelineRoleName: e.PipelineRoleName, ManagementAccountID: org.ManagementAccountID,
		}); err != nil {
			return err
		}
	}
	return nil
}

// networkDelivery is what the network stack builds for delivery, in the networking account.
type networkDelivery struct {
	registry *cicd.Registry
	runner   *cicd.DeployRunner
}

// buildNetworkDelivery registers the publishers and the registry.
func buildNetworkDelivery(ctx *pulumi.Context, cfg *config.Stack, in *networkInputs, shared *network.SharedServices) (*networkDelivery, error) {
	d := cfg.Delivery
	if d == nil {
		return nil, nil
	}
	sc := in.scope
	pub, err := cicd.NewPublishers(ctx, sc.Name("publishers", ""), cicd.PublishersArgs{
		Scope: sc, GitHub: d.GitHub, Company: cfg.Estate.Company, Applications: d.Applications,
	})
	if err != nil {
		return nil, err
	}
	reg, err := cicd.NewRegistry(ctx, sc.Name("registry", ""), cicd.RegistryArgs{
		Scope: sc, DR: in.dr, Company: cfg.Estate.Company, OrgID: in.org.OrganizationID,
		PullAccountIDs: slices.Sorted(maps.Values(in.org.WorkloadAccountIDs)),
		Applications:   d.Applications, Caches: d.PullThroughCaches, Images: d.Images, PublisherRoleARNs: pub.RoleARNs,
	})
	if err != nil {
		return nil, err
	}
	runner, err := cicd.NewDeployRunner(ctx, sc.Name("deploy-runner", ""), cicd.DeployRunnerArgs{
		Scope: sc, GitHub: d.GitHub, Runner: d.Runner, VPCID: shared.VPC.ID(), SubnetIDs: shared.SubnetIDs,
	})
	if err != nil {
		return nil, err
	}
	return &networkDelivery{registry: reg, runner: runner}, nil
}

// outputs adds the delivery outputs of the network stack.
func (d *networkDelivery) outputs(out pulumi.Map) {
	if d == nil {
		return
	}
	out[stackref.NetRegistryHost] = pulumi.String(d.registry.Host)
	out[stackref.NetRepositoryURLs] = toStringMap(d.registry.RepositoryURLs)
	out[stackref.NetDeployRunner] = pulumi.String(d.runner.ProjectName)
}

// argoCDSecrets are the secrets the in-cluster External Secrets Operator reads for Argo CD, when it is on.
func argoCDSecrets(cfg *config.Stack, home scope.Scope) []string {
	if d := cfg.Delivery; d == nil || d.ArgoCD == nil {
		return nil
	}
	return []string{cicd.RepositorySecretARNPattern(home.Region, home.AccountID, cfg.Name)}
}

// argoCD installs Argo CD in a workload cluster when platform:delivery.argoCd is set, on the in-cluster platform:
// its namespaces are the applications' and its repository credentials come through the platform's External
// Secrets Operator.
func argoCD(ctx *pulumi.Context, cfg *config.Stack, home scope.Scope, cluster *eks.Cluster, platform *apps.Applications, mirror config.Mirror) error {
	d := cfg.Delivery
	if d == nil || d.ArgoCD == nil {
		return nil
	}
	_, err := cicd.NewArgoCD(ctx, naming.Name(cfg.Name, "argocd", ""), cicd.ArgoCDArgs{
		Scope: home, Environment: cfg.Name, ClusterName: cluster.Name, Kubeconfig: cluster.KubeconfigJSON,
		DependsOn: []pulumi.Resource{cluster.SystemNodeGroup}, Config: *d.ArgoCD, Namespaces: platform.Namespaces,
		KubernetesVersion: cfg.Workload.EKS.Version, SecretsOperator: platform.SecretsOperator, Mirror: mirror,
	})
	return err
}
