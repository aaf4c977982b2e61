package apps

import (
	"fmt"

	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/chartvalues"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/naming"
)

// External Secrets Operator, pinned: chart 1.3.1 (app v1.3.1) serves external-secrets.io/v1. The chart is the
// project's OCI copy on ghcr.io, where its images are too: the egress allow-list admits ghcr.io, not
// charts.external-secrets.io.
const (
	ESOChart          = "oci://ghcr.io/external-secrets/charts/external-secrets"
	ESOVersion        = "1.3.1"
	ESONamespace      = "external-secrets"
	ESOServiceAccount = "external-secrets"
	ESOAPIVersion     = "external-secrets.io/v1"
	// SecretStoreName is the backend's store (namespaced: no other namespace can read through it).
	SecretStoreName = "aws-secrets-manager"
	// DatabaseCredentials is the Kubernetes Secret the backend mounts: the keys of the RDS master secret
	// (username, password, ...), kept in sync by the operator.
	DatabaseCredentials = "database-credentials"
)

// ESOValues are the external-secrets chart values the platform sets (typed; the chart's values.schema.json is
// checked in tests).
type ESOValues struct {
	InstallCRDs       bool              `json:"installCRDs"`
	ReplicaCount      int               `json:"replicaCount"`
	ServiceAccount    ESOServiceAcct    `json:"serviceAccount"`
	PriorityClassName string            `json:"priorityClassName"`
	NodeSelector      map[string]string `json:"nodeSelector"`
	Tolerations       []Toleration      `json:"tolerations"`
	Resources         Resources         `json:"resources"`
	Webhook           ESOComponent      `json:"webhook"`
	CertController    ESOComponent      `json:"certController"`
}

// ESOServiceAcct names the controller's ServiceAccount, which the Pod Identity association binds.
type ESOServiceAcct struct {
	Create bool   `json:"create"`
	Name   string `json:"name"`
}

// ESOComponent places the webhook and the cert controller like the controller.
type ESOComponent struct {
	PriorityClassName string            `json:"priorityClassName"`
	NodeSelector      map[string]string `json:"nodeSelector"`
	Tolerations       []Toleration      `json:"tolerations"`
	Resources         Resources         `json:"resources"`
}

// Toleration is a pod toleration in chart values.
type Toleration struct {
	Key      string `json:"key"`
	Operator string `json:"operator"`
}

// Resources are container requests and limits in chart values.
type Resources struct {
	Requests map[string]string `json:"requests"`
	Limits   map[string]string `json:"limits"`
}

// System-node placement of the platform's controllers: the system node group's label and taint.
var (
	SystemNodeSelector = map[string]string{"platform.innovate.io/pool": "system"}
	SystemTolerations  = []Toleration{{Key: "CriticalAddonsOnly", Operator: "Exists"}}
)

// ESOChartValues are the operator's values: on the system nodes at platform-critical priority, with requests and
// memory limits, the CRDs from the chart.
func ESOChartValues() ESOValues {
	small := Resources{Requests: map[string]string{"cpu": "50m", "memory": "64Mi"}, Limits: map[string]string{"memory": "256Mi"}}
	component := ESOComponent{PriorityClassName: PriorityPlatformCritical, NodeSelector: SystemNodeSelector, Tolerations: SystemTolerations, Resources: small}
	return ESOValues{
		InstallCRDs: true, ReplicaCount: 1,
		ServiceAccount:    ESOServiceAcct{Create: true, Name: ESOServiceAccount},
		PriorityClassName: PriorityPlatformCritical, NodeSelector: SystemNodeSelector, Tolerations: SystemTolerations,
		Resources: Resources{Requests: map[string]string{"cpu": "100m", "memory": "128Mi"}, Limits: map[string]string{"memory": "512Mi"}},
		Webhook:   component, CertController: component,
	}
}

// Map is the values as the Helm chart resource takes them.
func (v ESOValues) Map() (map[string]any, error) { return chartvalues.Map(v) }

// SecretStoreSpec reads AWS Secrets Manager in the region with the controller's own credentials (its Pod
// Identity role): no static keys, no token in the store.
func SecretStoreSpec(region string) map[string]any {
	return map[string]any{"provider": map[string]any{"aws": map[string]any{"service": "SecretsManager", "region": region}}}
}

// ExternalSecretSpec syncs every key of the secret (by ARN) into the DatabaseCredentials Secret, hourly; the
// operator owns the Secret, so deleting the ExternalSecret deletes it.
func ExternalSecretSpec(secretARN string) map[string]any {
	return map[string]any{
		"refreshInterval": "1h",
		"secretStoreRef":  map[string]any{"name": SecretStoreName, "kind": "SecretStore"},
		"target":          map[string]any{"name": DatabaseCredentials, "creationPolicy": "Owner", "deletionPolicy": "Retain"},
		"dataFrom":        []any{map[string]any{"extract": map[string]any{"key": secretARN}}},
	}
}

// externalSecrets installs the operator in its platform namespace with a Pod Identity role that reads exactly the
// database master secret, then the backend's SecretStore and the ExternalSecret of the database credentials.
// Pulumi only ever holds the secret's ARN: the value goes from Secrets Manager to the cluster at run time, never
// through state, config or the plan.
func (s steps) externalSecrets(ctx *pulumi.Context, namespaces map[string]*corev1.Namespace, classes []pulumi.Resource) error {
	a := s.args
	role, err := iam.NewRole(ctx, s.n("external-secrets", "role"), &iam.RoleArgs{
		Name:             pulumi.String(naming.Limited(s.n("external-secrets"), naming.MaxIAMRoleName)),
		Description:      pulumi.String("External Secrets Operator of " + a.ClusterName + " (Pod Identity): read the database master secret"),
		AssumeRolePolicy: pulumi.String(iampolicy.PodIdentityTrust(a.AccountID).MustJSON()),
	}, a.In(s.c)...)
	if err != nil {
		return fmt.Errorf("creating the operator role: %w", err)
	}
	policy := pulumi.All(a.DatabaseSecretARN, a.DatabaseSecretKeyARN).ApplyT(func(xs []any) (string, error) {
		return SecretReaderPolicy(a.Region, xs[0].(string), xs[1].(string)).JSON()
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, s.n("external-secrets", "secret-reader"), &iam.RolePolicyArgs{
		Role: role.Name, Policy: policy,
	}, a.In(s.c)...); err != nil {
		return fmt.Errorf("granting the operator the database secret: %w", err)
	}
	if len(a.PlatformSecretARNs) > 0 {
		platform := iampolicy.New(iampolicy.Statement{Sid: "ReadPlatformSecrets", Effect: iampolicy.Allow,
			Action: []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}, Resource: a.PlatformSecretARNs})
		if _, err := iam.NewRolePolicy(ctx, s.n("external-secrets", "platform-secret-reader"), &iam.RolePolicyArgs{
			Role: role.Name, Policy: pulumi.String(platform.MustJSON()),
		}, a.In(s.c)...); err != nil {
			return fmt.Errorf("granting the operator the platform secrets: %w", err)
		}
	}
	identity, err := awseks.NewPodIdentityAssociation(ctx, s.n("external-secrets", "pod-identity"), &awseks.PodIdentityAssociationArgs{
		ClusterName: pulumi.String(a.ClusterName), Namespace: pulumi.String(ESONamespace),
		ServiceAccount: pulumi.String(ESOServiceAccount), RoleArn: role.Arn,
	}, a.In(s.c, pulumi.DependsOn(a.DependsOn))...)
	if err != nil {
		return fmt.Errorf("associating the operator role: %w", err)
	}
	values, err := ESOChartValues().Map()
	if err != nil {
		return fmt.Errorf("encoding the chart values: %w", err)
	}
	chart, err := helmv4.NewChart(ctx, s.n("external-secrets"), &helmv4.ChartArgs{
		Chart:     pulumi.String(ESOChart),
		Version:   pulumi.String(ESOVersion),
		Namespace: pulumi.String(ESONamespace),
		Values:    pulumi.ToMap(values),
	}, s.in(append([]pulumi.Resource{namespaces[ESONamespace], identity}, classes...)...)...)
	if err != nil {
		return fmt.Errorf("installing the operator chart: %w", err)
	}
	s.c.SecretsOperator = chart
	backend := config.AppBackend
	store, err := apiextensions.NewCustomResource(ctx, s.n(backend, "secret-store"), &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(ESOAPIVersion),
		Kind:        pulumi.String("SecretStore"),
		Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String(SecretStoreName), Namespace: pulumi.String(backend)},
		OtherFields: kubernetes.UntypedArgs{"spec": SecretStoreSpec(a.Region)},
	}, s.in(chart, namespaces[backend])...)
	if err != nil {
		return fmt.Errorf("creating the backend's secret store: %w", err)
	}
	spec := a.DatabaseSecretARN.ToStringOutput().ApplyT(func(arn string) map[string]any {
		return ExternalSecretSpec(arn)
	}).(pulumi.MapOutput)
	if _, err := apiextensions.NewCustomResource(ctx, s.n(backend, "database-credentials"), &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(ESOAPIVersion),
		Kind:        pulumi.String("ExternalSecret"),
		Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String(DatabaseCredentials), Namespace: pulumi.String(backend)},
		OtherFields: kubernetes.UntypedArgs{"spec": spec},
	}, s.in(store)...); err != nil {
		return fmt.Errorf("creating the database credentials ExternalSecret: %w", err)
	}
	return nil
}
