package tests

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/innovate-inc/platform/apps"
	"github.com/innovate-inc/platform/cicd"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/kubeschema"
	"github.com/innovate-inc/platform/internal/plan"
	"github.com/innovate-inc/platform/karpenter"
	"github.com/innovate-inc/platform/network"
)

// builtinObjects are the built-in Kubernetes objects a stack registers (not charts, which render in the cluster,
// nor the custom objects of Karpenter, External Secrets, Argo CD and the load balancer controller, which the CRD validator checks), as the API server would receive them.
func builtinObjects(v stackView) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, r := range v.s.Resources {
		if !strings.HasPrefix(r.Type, "kubernetes:") || strings.HasPrefix(r.Type, "kubernetes:helm.sh") ||
			strings.HasPrefix(r.Type, "kubernetes:karpenter") || strings.HasPrefix(r.Type, "kubernetes:external-secrets.io") ||
			strings.HasPrefix(r.Type, "kubernetes:argoproj.io") || strings.HasPrefix(r.Type, "kubernetes:elbv2.k8s.aws") {
			continue
		}
		out[r.Name] = runtime.DeepCopyJSON(r.Inputs)
	}
	return out
}

func decoded[T kubeschema.Object](t *testing.T, obj map[string]any) T {
	t.Helper()
	o, err := kubeschema.Decode(obj)
	require.NoError(t, err)
	return o.(T)
}

// Every built-in object of every workload stack decodes strictly into its k8s.io/api type, passes the API's
// validation, and every pod template passes Pod Security restricted at the version its namespace enforces.
func TestEveryKubernetesObjectPassesTheAPIAndPodSecurity(t *testing.T) {
	for env := range workloadAccounts {
		v := workloadStack(t, env)
		objs := builtinObjects(v)
		enforced := map[string][2]string{}
		for _, obj := range objs {
			if ns, ok := obj["kind"].(string); ok && ns == "Namespace" {
				l := obj["metadata"].(map[string]any)["labels"].(map[string]any)
				enforced[obj["metadata"].(map[string]any)["name"].(string)] = [2]string{l["pod-security.kubernetes.io/enforce"].(string), l["pod-security.kubernetes.io/enforce-version"].(string)}
			}
		}
		kinds := map[string]int{}
		for name, obj := range objs {
			o, err := kubeschema.Decode(obj)
			require.NoError(t, err, "%s %s", env, name)
			assert.Empty(t, kubeschema.Validate(o), "%s %s", env, name)
			kinds[obj["kind"].(string)]++
			if tmpl := kubeschema.PodTemplate(o); tmpl != nil {
				level := enforced[o.GetNamespace()]
				require.Equal(t, apps.LevelRestricted, level[0], "%s: application namespace %s enforces restricted", env, o.GetNamespace())
				assert.Equal(t, "v1.35", level[1])
				reasons, err := kubeschema.PodSecurity(tmpl, level[0], level[1])
				require.NoError(t, err)
				assert.Empty(t, reasons, "%s %s", env, name)
			}
		}
		assert.Equal(t, map[string]int{"Namespace": 5, "ResourceQuota": 3, "LimitRange": 3, "PriorityClass": 4, "ServiceAccount": 3,
			"Deployment": 3, "Service": 3, "PodDisruptionBudget": 3, "HorizontalPodAutoscaler": 1, "NetworkPolicy": 13,
			"Ingress": 1, "IngressClass": 1}, kinds, env)
	}
}

// Negative cases: a mutated registered object fails strict decoding, the API's validation and Pod Security.
func TestMutatedObjectsFailEachCheck(t *testing.T) {
	objs := builtinObjects(workloadStack(t, "prod"))
	backend := func() map[string]any { return runtime.DeepCopyJSON(objs["prod-apps-backend-deployment"]) }
	container := func(obj map[string]any) map[string]any {
		return obj["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
	}

	unknown := backend()
	unknown["spec"].(map[string]any)["replica"] = 3.0
	_, err := kubeschema.Decode(unknown)
	assert.ErrorContains(t, err, `unknown field "spec.replica"`)
	wrongCase := backend()
	container(wrongCase)["SecurityContext"] = map[string]any{}
	_, err = kubeschema.Decode(wrongCase)
	assert.ErrorContains(t, err, `unknown field "spec.template.spec.containers[0].SecurityContext"`)

	mismatch := backend()
	mismatch["spec"].(map[string]any)["selector"] = map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "frontend"}}
	assert.Contains(t, kubeschema.Validate(decoded[*appsv1.Deployment](t, mismatch)).ToAggregate().Error(), "`selector` does not match template `labels`")
	overLimit := backend()
	container(overLimit)["resources"].(map[string]any)["requests"].(map[string]any)["memory"] = "2Gi"
	assert.Contains(t, kubeschema.Validate(decoded[*appsv1.Deployment](t, overLimit)).ToAggregate().Error(), "must be less than or equal to memory limit")

	hpa := runtime.DeepCopyJSON(objs["prod-apps-backend-hpa"])
	hpa["spec"].(map[string]any)["maxReplicas"] = 1.0
	assert.Contains(t, kubeschema.Validate(decoded[*autoscalingv2.HorizontalPodAutoscaler](t, hpa)).ToAggregate().Error(), "spec.maxReplicas")
	np := runtime.DeepCopyJSON(objs["prod-apps-backend-netpol-allow-to-database"])
	np["spec"].(map[string]any)["egress"].([]any)[0].(map[string]any)["to"].([]any)[0].(map[string]any)["ipBlock"].(map[string]any)["cidr"] = "10.48.300.0/24"
	assert.Contains(t, kubeschema.Validate(decoded[*networkingv1.NetworkPolicy](t, np)).ToAggregate().Error(), "ipBlock.cidr")

	ing := runtime.DeepCopyJSON(objs["prod-apps-frontend-ingress"])
	ing["spec"].(map[string]any)["rules"].([]any)[0].(map[string]any)["http"].(map[string]any)["paths"].([]any)[0].(map[string]any)["path"] = "app"
	assert.Contains(t, kubeschema.Validate(decoded[*networkingv1.Ingress](t, ing)).ToAggregate().Error(), "must be an absolute path")
	class := runtime.DeepCopyJSON(objs["prod-apps-ingress-class"])
	class["spec"].(map[string]any)["controller"] = "alb"
	assert.Contains(t, kubeschema.Validate(decoded[*networkingv1.IngressClass](t, class)).ToAggregate().Error(), "spec.controller")
	svc := runtime.DeepCopyJSON(objs["prod-apps-backend-service"])
	svc["spec"].(map[string]any)["type"] = "ClusterIP"
	assert.Contains(t, kubeschema.Validate(decoded[*corev1.Service](t, svc)).ToAggregate().Error(), "spec.loadBalancerClass: Forbidden")

	for mutation, want := range map[string]func(c map[string]any){
		"allowPrivilegeEscalation != false": func(c map[string]any) { delete(c["securityContext"].(map[string]any), "allowPrivilegeEscalation") },
		"privileged":                        func(c map[string]any) { c["securityContext"].(map[string]any)["privileged"] = true },
		"unrestricted capabilities":         func(c map[string]any) { c["securityContext"].(map[string]any)["capabilities"] = map[string]any{} },
	} {
		obj := backend()
		want(container(obj))
		reasons, err := kubeschema.PodSecurity(kubeschema.PodTemplate(decoded[*appsv1.Deployment](t, obj)), "restricted", "v1.35")
		require.NoError(t, err)
		assert.Contains(t, strings.Join(reasons, "\n"), mutation)
	}
	rootPod := backend()
	podSpec := rootPod["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
	delete(podSpec["securityContext"].(map[string]any), "seccompProfile")
	delete(container(rootPod)["securityContext"].(map[string]any), "seccompProfile")
	reasons, _ := kubeschema.PodSecurity(kubeschema.PodTemplate(decoded[*appsv1.Deployment](t, rootPod)), "restricted", "v1.35")
	assert.Contains(t, strings.Join(reasons, "\n"), "seccompProfile")
}

// The seed's placement, in Karpenter v1: no pod requires a capacity type; every affinity value is one a NodePool
// offers (lowercase spot); the backend prefers Graviton above all, the frontend requires amd64 and prefers Spot,
// the worker weighs arm64 over amd64.
func TestPlacementFollowsTheNodePools(t *testing.T) {
	cfg := fixtures.Stack(t, "prod").Workload.Karpenter
	offered := map[string][]string{}
	for _, p := range karpenter.Pools(cfg) {
		offered[karpenter.LabelArch] = append(offered[karpenter.LabelArch], p.Arch)
		offered[karpenter.LabelCapacityType] = append(offered[karpenter.LabelCapacityType], p.CapacityTypes...)
	}
	objs := builtinObjects(workloadStack(t, "prod"))
	affinity := func(app string) *corev1.NodeAffinity {
		d := decoded[*appsv1.Deployment](t, objs["prod-apps-"+app+"-deployment"])
		assert.Empty(t, d.Spec.Template.Spec.NodeSelector, "%s: no hard node selector", app)
		na := d.Spec.Template.Spec.Affinity.NodeAffinity
		for _, p := range na.PreferredDuringSchedulingIgnoredDuringExecution {
			for _, e := range p.Preference.MatchExpressions {
				for _, val := range e.Values {
					assert.Contains(t, offered[e.Key], val, "%s prefers %s=%s, which no NodePool offers", app, e.Key, val)
				}
			}
		}
		if r := na.RequiredDuringSchedulingIgnoredDuringExecution; r != nil {
			for _, term := range r.NodeSelectorTerms {
				for _, e := range term.MatchExpressions {
					assert.NotEqual(t, karpenter.LabelCapacityType, e.Key, "%s requires a capacity type: no On-Demand fallback", app)
					assert.NotEqual(t, "karpenter.k8s.aws/capacity-type", e.Key)
				}
			}
		}
		return na
	}
	top := func(na *corev1.NodeAffinity) string {
		best := slices.MaxFunc(na.PreferredDuringSchedulingIgnoredDuringExecution, func(a, b corev1.PreferredSchedulingTerm) int { return int(a.Weight - b.Weight) })
		e := best.Preference.MatchExpressions[0]
		return e.Key + "=" + e.Values[0]
	}
	backend := affinity("backend")
	assert.Nil(t, backend.RequiredDuringSchedulingIgnoredDuringExecution, "the backend falls back to amd64")
	assert.Equal(t, "kubernetes.io/arch=arm64", top(backend))
	frontend := affinity("frontend")
	assert.Equal(t, []string{"amd64"}, frontend.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Values)
	assert.Equal(t, "karpenter.sh/capacity-type=spot", top(frontend))
	worker := affinity("worker")
	assert.Nil(t, worker.RequiredDuringSchedulingIgnoredDuringExecution)
	weights := map[string]int32{}
	for _, p := range worker.PreferredDuringSchedulingIgnoredDuringExecution {
		weights[p.Preference.MatchExpressions[0].Values[0]] = p.Weight
	}
	assert.Greater(t, weights["arm64"], weights["amd64"])
	assert.Positive(t, weights["amd64"])
}

func TestBackendAutoscalesPerEnvironment(t *testing.T) {
	for env, want := range map[string][2]int32{"dev": {2, 4}, "staging": {2, 6}, "prod": {3, 20}} {
		hpa := decoded[*autoscalingv2.HorizontalPodAutoscaler](t, builtinObjects(workloadStack(t, env))[env+"-apps-backend-hpa"])
		assert.Equal(t, want, [2]int32{*hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas}, env)
		assert.Equal(t, "backend", hpa.Spec.ScaleTargetRef.Name)
		var metrics []string
		for _, m := range hpa.Spec.Metrics {
			metrics = append(metrics, string(m.Resource.Name))
		}
		assert.Equal(t, []string{"cpu", "memory"}, metrics)
		assert.Equal(t, int32(300), *hpa.Spec.Behavior.ScaleDown.StabilizationWindowSeconds)
	}
	deployment := workloadStack(t, "prod").named("kubernetes:apps/v1:Deployment", "prod-apps-backend-deployment")
	assert.Equal(t, []string{"spec.replicas"}, deployment.IgnoreChanges, "the HPA owns the backend's replicas")
}

// The backend's Pod Identity role reads exactly the database master secret.
func TestBackendReadsOnlyTheDatabaseSecret(t *testing.T) {
	v := workloadStack(t, "prod")
	pia := map[string]plan.Resource{}
	for _, r := range v.byType("aws:eks/podIdentityAssociation:PodIdentityAssociation") {
		pia[r.Inputs["namespace"].(string)+"/"+r.Inputs["serviceAccount"].(string)] = r
	}
	require.Contains(t, pia, "backend/backend")
	assert.NotContains(t, pia, "frontend/frontend", "the frontend reads no AWS secret")
	policy := v.named("aws:iam/rolePolicy:RolePolicy", "prod-apps-backend-secret-reader")
	doc, err := iampolicy.Parse(policy.Inputs["policy"].(string))
	require.NoError(t, err)
	assert.Equal(t, []string{v.s.Outputs["databaseSecretArn"].(string)}, doc.Statement[0].Resource)
	assert.Equal(t, []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}, doc.Statement[0].Action)
	assert.Equal(t, []string{"kms:Decrypt"}, doc.Statement[1].Action)
}

// --- Network policy semantics: the NetworkPolicy rules evaluated as the VPC CNI's agent enforces them.

type endpoint struct {
	namespace string
	labels    map[string]string
	ip        netip.Addr
}

type netpolSet []networkingv1.NetworkPolicy

func policiesOf(t *testing.T, env string) netpolSet {
	var out netpolSet
	for _, obj := range builtinObjects(workloadStack(t, env)) {
		if obj["kind"] == "NetworkPolicy" {
			out = append(out, *decoded[*networkingv1.NetworkPolicy](t, obj))
		}
	}
	return out
}

func pod(app string) endpoint {
	return endpoint{namespace: app, labels: map[string]string{"app.kubernetes.io/name": app}}
}

// peerMatches: an ipBlock matches addresses (outside the cluster's pods); selectors match pods by their
// namespace's name label and their own labels.
func peerMatches(peer networkingv1.NetworkPolicyPeer, e endpoint) bool {
	if peer.IPBlock != nil {
		return e.ip.IsValid() && netip.MustParsePrefix(peer.IPBlock.CIDR).Contains(e.ip)
	}
	if e.namespace == "" {
		return false
	}
	if peer.NamespaceSelector != nil {
		s, _ := metav1.LabelSelectorAsSelector(peer.NamespaceSelector)
		if !s.Matches(labels.Set{"kubernetes.io/metadata.name": e.namespace}) {
			return false
		}
	}
	if peer.PodSelector != nil {
		s, _ := metav1.LabelSelectorAsSelector(peer.PodSelector)
		return s.Matches(labels.Set(e.labels))
	}
	return true
}

func portMatches(ports []networkingv1.NetworkPolicyPort, proto string, port int) bool {
	if len(ports) == 0 {
		return true
	}
	for _, p := range ports {
		if (p.Protocol == nil || string(*p.Protocol) == proto) && (p.Port == nil || p.Port.IntValue() == port) {
			return true
		}
	}
	return false
}

// allows reports whether the policies of the two ends let from reach to on proto/port: egress from from's
// namespace and ingress into to's namespace must each be allowed where a policy selects the pod.
func (ps netpolSet) allows(from, to endpoint, proto string, port int) bool {
	side := func(self endpoint, other endpoint, egress bool) bool {
		if self.namespace == "" || self.namespace == "kube-system" {
			return true // outside the application namespaces: no policy of the platform applies
		}
		selected, allowed := false, false
		for _, p := range ps {
			if p.Namespace != self.namespace {
				continue
			}
			s, _ := metav1.LabelSelectorAsSelector(&p.Spec.PodSelector)
			if !s.Matches(labels.Set(self.labels)) {
				continue
			}
			want := networkingv1.PolicyTypeIngress
			if egress {
				want = networkingv1.PolicyTypeEgress
			}
			if !slices.Contains(p.Spec.PolicyTypes, want) {
				continue
			}
			selected = true
			if egress {
				for _, r := range p.Spec.Egress {
					if portMatches(r.Ports, proto, port) && slices.ContainsFunc(r.To, func(peer networkingv1.NetworkPolicyPeer) bool { return peerMatches(peer, other) }) {
						allowed = true
					}
				}
			} else {
				for _, r := range p.Spec.Ingress {
					if portMatches(r.Ports, proto, port) && slices.ContainsFunc(r.From, func(peer networkingv1.NetworkPolicyPeer) bool { return peerMatches(peer, other) }) {
						allowed = true
					}
				}
			}
		}
		return !selected || allowed
	}
	return side(from, to, true) && side(to, from, false)
}

func TestNetworkPoliciesFenceTheApplications(t *testing.T) {
	ps := policiesOf(t, "prod")
	cfg := fixtures.Stack(t, "prod").Workload
	vpc := netip.MustParsePrefix(cfg.VPC.CIDR)
	spoke, err := network.PlanSpoke(vpc, 3)
	require.NoError(t, err)
	db := endpoint{ip: spoke.Database[1].Addr().Next()}
	alb := endpoint{ip: spoke.Public[0].Addr().Next().Next()}
	nlb := endpoint{ip: spoke.Private[2].Addr().Next().Next()}
	dns := endpoint{namespace: "kube-system", labels: map[string]string{"k8s-app": "kube-dns"}}
	internet := endpoint{ip: netip.MustParseAddr("203.0.113.10")}
	secrets := endpoint{ip: netip.MustParseAddr("10.0.16.40")}
	backend, frontend, worker := pod("backend"), pod("frontend"), pod("worker")
	port := func(app string) int {
		for _, s := range cfg.Applications.Services() {
			if s.Name == app {
				return s.Port
			}
		}
		return 0
	}

	for _, c := range []struct {
		name     string
		from, to endpoint
		proto    string
		port     int
		want     bool
	}{
		{"ALB to frontend", alb, frontend, "TCP", port("frontend"), true},
		{"frontend to backend", frontend, backend, "TCP", port("backend"), true},
		{"NLB to backend", nlb, backend, "TCP", port("backend"), true},
		{"backend to database", backend, db, "TCP", cfg.DatabasePort, true},
		{"backend to Secrets Manager endpoint", backend, secrets, "TCP", 443, true},
		{"backend to Pod Identity agent", backend, endpoint{ip: netip.MustParseAddr("169.254.170.23")}, "TCP", 80, true},
		{"every pod resolves names", worker, dns, "UDP", 53, true},
		{"backend resolves names over TCP", backend, dns, "TCP", 53, true},
		// Negative cases.
		{"backend to database on another port", backend, db, "TCP", 22, false},
		{"frontend to database", frontend, db, "TCP", cfg.DatabasePort, false},
		{"worker to database", worker, db, "TCP", cfg.DatabasePort, false},
		{"worker to backend", worker, backend, "TCP", port("backend"), false},
		{"frontend to backend on another port", frontend, backend, "TCP", 22, false},
		{"ALB to backend", alb, backend, "TCP", port("backend"), false},
		{"backend to the internet", backend, internet, "TCP", 443, false},
		{"frontend to the internet", frontend, internet, "TCP", 443, false},
		{"backend to frontend", backend, frontend, "TCP", port("frontend"), false},
		{"DNS elsewhere than CoreDNS", worker, internet, "UDP", 53, false},
	} {
		assert.Equal(t, c.want, ps.allows(c.from, c.to, c.proto, c.port), c.name)
	}

	// A policy set without default deny lets the worker reach the database: the test sees the difference.
	var open netpolSet
	for _, p := range ps {
		if p.Name != "default-deny" && p.Name != "allow-dns" {
			open = append(open, p)
		}
	}
	assert.True(t, open.allows(worker, db, "TCP", cfg.DatabasePort), "without default deny the worker namespace is open")
}

func TestPodSecurityLabelsPerNamespace(t *testing.T) {
	objs := builtinObjects(workloadStack(t, "dev"))
	for name, obj := range objs {
		if obj["kind"] != "Namespace" {
			continue
		}
		l := obj["metadata"].(map[string]any)["labels"].(map[string]any)
		ns := obj["metadata"].(map[string]any)["name"].(string)
		want := "restricted"
		if slices.Contains(apps.PlatformNamespaces, ns) || ns == cicd.ArgoCDNamespace {
			want = "baseline"
		}
		assert.Equal(t, want, l["pod-security.kubernetes.io/enforce"], name)
		assert.Equal(t, "restricted", l["pod-security.kubernetes.io/warn"], name)
	}
	b, _ := json.Marshal(objs["dev-apps-backend-quota"])
	assert.Contains(t, string(b), `"limits.memory"`)
}
