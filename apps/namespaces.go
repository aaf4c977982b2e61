package apps

import (
	"fmt"
	"maps"
	"reflect"
	"strconv"
	"strings"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/bytoken"
	"github.com/innovate-inc/platform/internal/config"
)

// Pod Security Admission levels.
const (
	LevelRestricted = "restricted"
	LevelBaseline   = "baseline"
)

// PlatformNamespaces are the namespaces of the platform's own controllers: baseline enforced (some controllers
// need more than restricted allows), restricted audited and warned so drift towards privilege is visible.
var PlatformNamespaces = []string{"external-secrets"}

// PodSecurityLabels are the Pod Security Admission labels of a namespace: level enforced, restricted audited and
// warned, every mode pinned to the cluster's minor version so an upgrade never tightens a policy unannounced.
func PodSecurityLabels(enforce, version string) map[string]string {
	v := "v" + version
	return map[string]string{
		"pod-security.kubernetes.io/enforce":         enforce,
		"pod-security.kubernetes.io/enforce-version": v,
		"pod-security.kubernetes.io/audit":           LevelRestricted,
		"pod-security.kubernetes.io/audit-version":   v,
		"pod-security.kubernetes.io/warn":            LevelRestricted,
		"pod-security.kubernetes.io/warn-version":    v,
	}
}

// namespaces creates the platform namespaces (baseline) and one namespace per application (restricted) with its
// ResourceQuota and LimitRange.
func (s steps) namespaces(ctx *pulumi.Context) (map[string]*corev1.Namespace, error) {
	out := map[string]*corev1.Namespace{}
	create := func(name, level string, extra map[string]string) error {
		labels := PodSecurityLabels(level, s.args.KubernetesVersion)
		for k, v := range extra {
			labels[k] = v
		}
		ns, err := corev1.NewNamespace(ctx, s.n("ns", name), &corev1.NamespaceArgs{
			Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(name), Labels: pulumi.ToStringMap(labels)},
		}, s.in()...)
		if err != nil {
			return fmt.Errorf("creating namespace %s: %w", name, err)
		}
		out[name] = ns
		return nil
	}
	for _, name := range PlatformNamespaces {
		if err := create(name, LevelBaseline, map[string]string{LabelTier: TierPlatform}); err != nil {
			return nil, err
		}
	}
	for _, svc := range s.args.Config.Services() {
		extra := map[string]string{LabelTier: TierApplication}
		switch svc.Name {
		case config.AppFrontend: // behind the public ALB
			extra[LabelPublicIngress] = "true"
			maps.Copy(extra, readinessGateLabel)
		case config.AppBackend: // behind the internal NLB
			maps.Copy(extra, readinessGateLabel)
		}
		if s.args.Mesh.Istio {
			extra[LabelDataplaneMode] = "ambient"
		}
		if err := create(svc.Name, LevelRestricted, extra); err != nil {
			return nil, err
		}
		s.c.Namespaces = append(s.c.Namespaces, svc.Name)
		q := Quota(svc)
		if _, err := corev1.NewResourceQuota(ctx, s.n(svc.Name, "quota"), &corev1.ResourceQuotaArgs{
			Metadata: metav1.ObjectMetaArgs{Name: pulumi.String("compute"), Namespace: pulumi.String(svc.Name)},
			Spec:     corev1.ResourceQuotaSpecArgs{Hard: pulumi.ToStringMap(q)},
		}, s.in(out[svc.Name])...); err != nil {
			return nil, fmt.Errorf("creating the quota of %s: %w", svc.Name, err)
		}
		l := Limits(svc)
		if _, err := corev1.NewLimitRange(ctx, s.n(svc.Name, "limits"), &corev1.LimitRangeArgs{
			Metadata: metav1.ObjectMetaArgs{Name: pulumi.String("defaults"), Namespace: pulumi.String(svc.Name)},
			Spec: corev1.LimitRangeSpecArgs{Limits: corev1.LimitRangeItemArray{corev1.LimitRangeItemArgs{
				Type:           pulumi.String("Container"),
				DefaultRequest: pulumi.ToStringMap(l.DefaultRequest),
				Default:        pulumi.ToStringMap(l.Default),
				Max:            pulumi.ToStringMap(l.Max),
			}}},
		}, s.in(out[svc.Name])...); err != nil {
			return nil, fmt.Errorf("creating the limit range of %s: %w", svc.Name, err)
		}
	}
	return out, nil
}

// Namespace labels that say what a namespace holds (network policies select on them).
const (
	LabelTier       = "platform.innovate.io/tier"
	TierPlatform    = "platform"
	TierApplication = "application"
)

// Quota is an application namespace's ResourceQuota: room for the service at its maximum scale twice over (a
// rolling update surges while the HPA may be at its maximum), plus a few pods for jobs and debugging.
func Quota(svc config.NamedService) map[string]string {
	replicas := max(svc.Replicas, svc.MaxReplicas)
	pods := 2*replicas + 4
	cpu := milliCPU(svc.CPU) * int64(pods)
	mem := mebibytes(svc.Memory) * int64(pods)
	return map[string]string{
		"pods":                   strconv.Itoa(pods),
		"requests.cpu":           strconv.FormatInt(cpu, 10) + "m",
		"requests.memory":        strconv.FormatInt(mem, 10) + "Mi",
		"limits.memory":          strconv.FormatInt(mem, 10) + "Mi",
		"services.loadbalancers": "1",
		"services.nodeports":     "0",
	}
}

// LimitRange is an application namespace's container defaults and ceiling.
type LimitRange struct {
	DefaultRequest, Default, Max map[string]string
}

// Limits are the defaults a container without requests or limits gets (the service's own sizes), and the largest
// memory limit a container may ask for (four times the service's).
func Limits(svc config.NamedService) LimitRange {
	return LimitRange{
		DefaultRequest: map[string]string{"cpu": svc.CPU, "memory": svc.Memory},
		Default:        map[string]string{"memory": svc.Memory},
		Max:            map[string]string{"memory": strconv.FormatInt(4*mebibytes(svc.Memory), 10) + "Mi"},
	}
}

// milliCPU reads a validated CPU quantity (250m, 1, 1.5) in millicores.
func milliCPU(q string) int64 {
	if m, ok := strings.CutSuffix(q, "m"); ok {
		n, _ := strconv.ParseInt(m, 10, 64)
		return n
	}
	f, _ := strconv.ParseFloat(q, 64)
	return int64(f * 1000)
}

// mebibytes reads a validated memory quantity (512Mi, 2Gi) in MiB.
func mebibytes(q string) int64 {
	if g, ok := strings.CutSuffix(q, "Gi"); ok {
		n, _ := strconv.ParseInt(g, 10, 64)
		return n * 1024
	}
	n, _ := strconv.ParseInt(strings.TrimSuffix(q, "Mi"), 10, 64)
	return n
}

// PriorityClass is one of the platform's priority classes.
type PriorityClass struct {
	Name          string
	Value         int
	GlobalDefault bool
	// Preempts says whether pods of the class evict lower-priority pods to get scheduled.
	Preempts    bool
	Description string
}

// Priority class names.
const (
	PriorityPlatformCritical = "platform-critical"
	PriorityApplicationHigh  = "application-high"
	PriorityDefault          = "default"
	PriorityBatchLow         = "batch-low"
)

// PriorityClasses are the platform's classes, highest first. User-defined values must stay at or below one
// billion (the system-* classes sit above); default is the global default, so a pod without a class is neither
// above the product nor below batch work; batch work never preempts.
var PriorityClasses = []PriorityClass{
	{PriorityPlatformCritical, 1_000_000, false, true, "Platform controllers the applications depend on (load balancer controller, External Secrets)."},
	{PriorityApplicationHigh, 100_000, false, true, "User-facing application pods (backend, frontend)."},
	{PriorityDefault, 1_000, true, true, "Every pod that names no class."},
	{PriorityBatchLow, 100, false, false, "Batch and flexible work: scheduled when there is room, never preempting."},
}

// priorityClassObject is a scheduling.k8s.io/v1 PriorityClass's inputs (see objects.go): it has no spec.
type priorityClassObject struct {
	APIVersion       string                 `pulumi:"apiVersion"`
	Kind             string                 `pulumi:"kind"`
	Metadata         metav1.ObjectMetaInput `pulumi:"metadata"`
	Value            int                    `pulumi:"value"`
	GlobalDefault    bool                   `pulumi:"globalDefault"`
	PreemptionPolicy string                 `pulumi:"preemptionPolicy"`
	Description      string                 `pulumi:"description"`
}

func (priorityClassObject) ElementType() reflect.Type { return reflect.TypeFor[priorityClassObject]() }

func (s steps) priorityClasses(ctx *pulumi.Context) ([]pulumi.Resource, error) {
	var out []pulumi.Resource
	for _, pc := range PriorityClasses {
		policy := "PreemptLowerPriority"
		if !pc.Preempts {
			policy = "Never"
		}
		r, err := bytoken.Register[bytoken.Resource](ctx, "kubernetes:scheduling.k8s.io/v1:PriorityClass", s.n("priority", pc.Name), priorityClassObject{
			APIVersion: "scheduling.k8s.io/v1", Kind: "PriorityClass",
			Metadata:         metav1.ObjectMetaArgs{Name: pulumi.String(pc.Name)},
			Value:            pc.Value,
			GlobalDefault:    pc.GlobalDefault,
			PreemptionPolicy: policy,
			Description:      pc.Description,
		}, s.in()...)
		if err != nil {
			return nil, fmt.Errorf("creating %s: %w", pc.Name, err)
		}
		out = append(out, r)
	}
	return out, nil
}
