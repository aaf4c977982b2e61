package cicd

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/apps"
	"github.com/innovate-inc/platform/internal/bytoken"
	"github.com/innovate-inc/platform/internal/chartvalues"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/scope"
)

// The charts, from their OCI registries (ghcr.io, admitted by the firewall with its CDN).
const (
	ArgoCDChart     = "oci://ghcr.io/argoproj/argo-helm/argo-cd"
	ArgoCDNamespace = "argocd"
	inCluster       = "https://kubernetes.default.svc"
)

// ArgoCDArgs configures ArgoCD.
type ArgoCDArgs struct {
	scope.Scope // the workload account, home region
	// Environment is the workload environment: the AppProject's name and the GitOps path's last part.
	Environment string
	ClusterName string
	// Kubeconfig reaches the cluster; DependsOn are what must exist first (the system node group).
	Kubeconfig pulumi.StringInput
	DependsOn  []pulumi.Resource
	Config     config.ArgoCD
	// Namespaces are where the environment's applications may deploy (the AppProject's destinations); the
	// in-cluster platform (apps) creates them.
	Namespaces []string
	// KubernetesVersion pins the Pod Security labels of the argocd namespace.
	KubernetesVersion string
	// SecretsOperator is the in-cluster platform's External Secrets Operator: the repository credentials are an
	// ExternalSecret it syncs (its role reads RepositorySecretARNPattern).
	SecretsOperator pulumi.Resource
	// Mirror is where nodes pull Argo CD's images from.
	Mirror config.Mirror
}

// RepositorySecretName is the Secrets Manager secret of an environment's GitOps repository credentials.
func RepositorySecretName(environment string) string {
	return "platform/argocd/" + environment + "/gitops-repository"
}

// RepositorySecretARNPattern matches that secret's ARN (Secrets Manager adds a six-character suffix), for the
// External Secrets Operator's role.
func RepositorySecretARNPattern(region, accountID, environment string) string {
	return fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-??????", region, accountID, RepositorySecretName(environment))
}

// ArgoCD installs, in a workload cluster: the argocd namespace (Pod Security baseline enforced), Argo CD (pinned chart, every component on the system nodes, no public endpoint: the
// server is a ClusterIP service), the GitOps repository's credentials as an ExternalSecret (the value lives only in
// Secrets Manager and the cluster, never in Pulumi state), an AppProject for the environment restricted to the
// GitOps repository and to this cluster's application namespaces, and the app-of-apps Application that follows
// <pathPrefix>/<environment>. SSO is a matter of the argocd-cm oidc.config the chart values leave ready.
//
// The secret is created empty: put {"username": ..., "password": <GitHub token or app key>} into it once.
//
// It exports the secret's ARN.
type ArgoCD struct {
	pulumi.ResourceState

	SecretARN pulumi.StringOutput
}

// NewArgoCD registers Argo CD in a cluster.
func NewArgoCD(ctx *pulumi.Context, name string, args ArgoCDArgs, opts ...pulumi.ResourceOption) (_ *ArgoCD, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("argo cd %s: %w", name, err)
		}
	}()
	c := &ArgoCD{}
	if err := ctx.RegisterComponentResource("platform:cicd:ArgoCD", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering: %w", err)
	}
	secret, err := bytoken.Register[bytoken.WithARN](ctx, secretType, scope.Child(name, "repository-secret"), repositorySecret{
		Name:        RepositorySecretName(args.Environment),
		Description: "Credentials of " + args.Config.Repository + " for Argo CD: {\"username\", \"password\"}; set by hand, never by Pulumi",
	}, args.In(c)...)
	if err != nil {
		return nil, fmt.Errorf("creating the repository secret: %w", err)
	}
	c.SecretARN = secret.Arn
	k8s, err := kubernetes.NewProvider(ctx, scope.Child(name, "k8s"), &kubernetes.ProviderArgs{
		Kubeconfig: args.Kubeconfig, EnableServerSideApply: pulumi.Bool(true),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("creating the Kubernetes provider: %w", err)
	}
	in := func(deps ...pulumi.Resource) []pulumi.ResourceOption {
		return []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(k8s), scope.After(append(append([]pulumi.Resource{}, args.DependsOn...), deps...)...)}
	}
	ns, err := corev1.NewNamespace(ctx, scope.Child(name, "namespace"), &corev1.NamespaceArgs{
		Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(ArgoCDNamespace),
			Labels: pulumi.ToStringMap(apps.PodSecurityLabels(apps.LevelBaseline, args.KubernetesVersion))},
	}, in()...)
	if err != nil {
		return nil, fmt.Errorf("creating the argocd namespace: %w", err)
	}
	values, err := ArgoCDValues(args.Mirror).Map()
	if err != nil {
		return nil, fmt.Errorf("encoding the argo-cd values: %w", err)
	}
	argo, err := helmv4.NewChart(ctx, scope.Child(name, "chart"), &helmv4.ChartArgs{
		Chart: pulumi.String(ArgoCDChart), Version: pulumi.String(args.Config.ChartVersion),
		Namespace: pulumi.String(ArgoCDNamespace), Values: pulumi.ToMap(values),
	}, in(ns)...)
	if err != nil {
		return nil, fmt.Errorf("installing argo-cd: %w", err)
	}
	for _, obj := range ArgoCDObjects(args) {
		deps := []pulumi.Resource{argo}
		if obj.Kind == "ClusterSecretStore" || obj.Kind == "ExternalSecret" {
			deps = append(deps, args.SecretsOperator)
		}
		if _, err := apiextensions.NewCustomResource(ctx, scope.Child(name, obj.Role), &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String(obj.APIVersion),
			Kind:        pulumi.String(obj.Kind),
			Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String(obj.Name), Namespace: pulumi.StringPtr(obj.Namespace)},
			OtherFields: kubernetes.UntypedArgs{"spec": obj.Spec},
		}, in(deps...)...); err != nil {
			return nil, fmt.Errorf("creating %s %s: %w", obj.Kind, obj.Name, err)
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"secretArn": secret.Arn})
}

// Argo CD's images (the chart's defaults for its version), pulled through the estate's caches when there are.
const (
	ArgoCDImage      = "quay.io/argoproj/argocd"
	ArgoCDRedisImage = "public.ecr.aws/docker/library/redis"
)

// ArgoCDFreeFormValues are the chart's maps that take any key (their defaults only show examples).
var ArgoCDFreeFormValues = []string{"global.nodeSelector", "configs.cm", "configs.params"}

// ArgoCDValues are the argo-cd chart's values: every component on the system nodes, the server behind a ClusterIP
// service only (reached by port-forward or, later, an internal load balancer), Dex off and argocd-cm ready for
// an OIDC provider (IAM Identity Center), images named so the plan knows their registries.
func ArgoCDValues(m config.Mirror) ArgoValues {
	return ArgoValues{
		Global: ArgoGlobal{Image: ArgoImage{Repository: m.Image(ArgoCDImage)},
			Tolerations:  []apps.Toleration{{Key: "CriticalAddonsOnly", Operator: "Exists"}},
			NodeSelector: apps.SystemNodeSelector},
		Redis:  ArgoRedis{Image: ArgoImage{Repository: m.Image(ArgoCDRedisImage)}},
		Dex:    ArgoEnabled{Enabled: false},
		Server: ArgoServer{Service: ArgoService{Type: "ClusterIP"}, Ingress: ArgoEnabled{Enabled: false}},
		Configs: ArgoConfigs{
			// SSO: set oidc.config (issuer, clientID, clientSecret: $oidc.clientSecret) and turn admin off.
			CM:     map[string]any{"admin.enabled": true, "exec.enabled": false, "statusbadge.enabled": false},
			Params: map[string]any{"server.insecure": false},
		},
	}
}

// ArgoValues are the argo-cd chart values the platform sets (typed; checked against the chart's values.yaml in
// tests). argocd-cm and argocd-cmd-params-cm take any key, so they stay maps.
type ArgoValues struct {
	Global  ArgoGlobal  `json:"global"`
	Redis   ArgoRedis   `json:"redis"`
	Dex     ArgoEnabled `json:"dex"`
	Server  ArgoServer  `json:"server"`
	Configs ArgoConfigs `json:"configs"`
}

// ArgoGlobal places every component and names the image.
type ArgoGlobal struct {
	Image        ArgoImage         `json:"image"`
	Tolerations  []apps.Toleration `json:"tolerations"`
	NodeSelector map[string]string `json:"nodeSelector"`
}

// ArgoImage is an image repository (the chart keeps the tag of its version).
type ArgoImage struct {
	Repository string `json:"repository"`
}

// ArgoRedis is Redis's image.
type ArgoRedis struct {
	Image ArgoImage `json:"image"`
}

// ArgoEnabled turns a component on or off.
type ArgoEnabled struct {
	Enabled bool `json:"enabled"`
}

// ArgoServer is the API server's Service and Ingress.
type ArgoServer struct {
	Service ArgoService `json:"service"`
	Ingress ArgoEnabled `json:"ingress"`
}

// ArgoService is a Service type.
type ArgoService struct {
	Type string `json:"type"`
}

// ArgoConfigs are argocd-cm and argocd-cmd-params-cm.
type ArgoConfigs struct {
	CM     map[string]any `json:"cm"`
	Params map[string]any `json:"params"`
}

// Map is the values as the Helm chart resource takes them.
func (v ArgoValues) Map() (map[string]any, error) { return chartvalues.Map(v) }

// Object is one Kubernetes object ArgoCD registers, as plain data (the tests read the very same values).
type Object struct {
	Role, APIVersion, Kind, Name, Namespace string
	Spec                                    map[string]any
}

// ArgoCDObjects are the secret store, the repository credentials, the AppProject and the app-of-apps.
func ArgoCDObjects(args ArgoCDArgs) []Object {
	a, env := args.Config, args.Environment
	destinations := []any{map[string]any{"server": inCluster, "namespace": ArgoCDNamespace}}
	for _, ns := range args.Namespaces {
		destinations = append(destinations, map[string]any{"server": inCluster, "namespace": ns})
	}
	return []Object{
		{Role: "secret-store", APIVersion: "external-secrets.io/v1", Kind: "ClusterSecretStore", Name: "aws-secrets-manager",
			Spec: map[string]any{"provider": map[string]any{"aws": map[string]any{"service": "SecretsManager", "region": args.Region}}}},
		{Role: "repository", APIVersion: "external-secrets.io/v1", Kind: "ExternalSecret", Name: "gitops-repository", Namespace: ArgoCDNamespace,
			Spec: map[string]any{
				"refreshInterval": "1h",
				"secretStoreRef":  map[string]any{"kind": "ClusterSecretStore", "name": "aws-secrets-manager"},
				// The secret's username and password keys, merged with the repository's type and URL.
				"target": map[string]any{"name": "gitops-repository", "template": map[string]any{
					"mergePolicy": "Merge",
					"metadata":    map[string]any{"labels": map[string]any{"argocd.argoproj.io/secret-type": "repository"}},
					"data":        map[string]any{"type": "git", "url": a.Repository},
				}},
				"dataFrom": []any{map[string]any{"extract": map[string]any{"key": RepositorySecretName(env)}}},
			}},
		{Role: "project", APIVersion: "argoproj.io/v1alpha1", Kind: "AppProject", Name: env, Namespace: ArgoCDNamespace,
			Spec: map[string]any{
				"description":  "The " + env + " environment: only its GitOps repository, only this cluster's application namespaces",
				"sourceRepos":  []any{a.Repository},
				"destinations": destinations,
				// Namespaces come from the platform; applications create nothing cluster-wide.
				"clusterResourceWhitelist": []any{},
			}},
		{Role: "app-of-apps", APIVersion: "argoproj.io/v1alpha1", Kind: "Application", Name: env, Namespace: ArgoCDNamespace,
			Spec: map[string]any{
				"project":     env,
				"source":      map[string]any{"repoURL": a.Repository, "targetRevision": a.Revision, "path": a.PathPrefix + "/" + env},
				"destination": map[string]any{"server": inCluster, "namespace": ArgoCDNamespace},
				"syncPolicy":  map[string]any{"automated": map[string]any{"prune": true, "selfHeal": true}},
			}},
	}
}
