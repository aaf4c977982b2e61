package tests

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/apps"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/crdschema"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/offline"
	"github.com/innovate-inc/platform/internal/plan"
	"github.com/innovate-inc/platform/internal/readiness"
)

// optionsProject is the shipped project with prod's options on: the Istio ambient mesh, the WAF web ACL and
// Shield Advanced; allowIstio adds the mesh's chart repository to the egress allow-list.
func optionsProject(t *testing.T, allowIstio bool) *plan.Project {
	proj := fixtures.Project(t)
	for i := range proj.Stacks {
		sf := &proj.Stacks[i]
		switch sf.Name {
		case "prod":
			fixtures.Edit(t, sf, config.KeyWorkload, func(o map[string]any) {
				o["mesh"] = map[string]any{"istio": true}
				o["ingress"] = map[string]any{"waf": true, "shieldAdvanced": true}
			})
			// istio-system runs the CNI agent and ztunnel, privileged by design: the policy pack flags it (PC010)
			// until the stack accepts it in a waiver, as docs/config.md tells whoever turns the mesh on.
			sf.Config = maps.Clone(sf.Config)
			sf.Config[config.KeyWaivers] = `[{"rule":"PC010","resource":"prod-apps-ns-istio-system","reason":"ambient node agents","expires":"` +
				time.Now().UTC().AddDate(0, 3, 0).Format(config.WaiverDate) + `"}]`
		case "network":
			if allowIstio {
				fixtures.Edit(t, sf, config.KeyNetwork, func(o map[string]any) {
					fw := o["firewall"].(map[string]any)
					fw["allowedDomains"] = append(fw["allowedDomains"].([]any), "istio-release.storage.googleapis.com")
				})
			}
		}
	}
	return proj
}

// The options the shipped config leaves off, turned on in prod: the four Istio charts in order on a privileged
// istio-system, the application namespaces enrolled in ambient with STRICT mTLS (PERMISSIVE only on the ports
// load balancers reach), network policies that admit HBONE and the ambient probes, the web ACL on the public class,
// Shield Advanced asked of the controller; and the plan stays deploy-ready.
func TestOptionsOnInProd(t *testing.T) {
	res, err := offline.RunProject(optionsProject(t, true), "prod")
	require.NoError(t, err)
	readiness.Evaluate(res)
	assert.Zero(t, readiness.Count(res), "unwaived findings")
	s, ok := res.Stack("prod")
	require.True(t, ok)
	v := stackView{t, s}

	var previous string
	for _, chart := range apps.IstioCharts {
		c := v.named(typeChart, "prod-apps-istio-"+chart)
		assert.Equal(t, chart, c.Inputs["chart"])
		assert.Equal(t, apps.IstioVersion, c.Inputs["version"])
		assert.Equal(t, apps.IstioNamespace, c.Inputs["namespace"])
		if previous != "" {
			assert.Contains(t, c.Dependencies, v.named(typeChart, previous).URN, "%s installs after %s", chart, previous)
		}
		previous = "prod-apps-istio-" + chart
	}
	ns := v.named("kubernetes:core/v1:Namespace", "prod-apps-ns-istio-system")
	assert.Equal(t, "privileged", str(ns.Inputs, "metadata", "labels", "pod-security.kubernetes.io/enforce"))
	for _, app := range []string{"backend", "frontend", "worker"} {
		ns := v.named("kubernetes:core/v1:Namespace", "prod-apps-ns-"+app)
		assert.Equal(t, "ambient", str(ns.Inputs, "metadata", "labels", apps.LabelDataplaneMode), app)
		assert.Equal(t, "restricted", str(ns.Inputs, "metadata", "labels", "pod-security.kubernetes.io/enforce"), "%s stays restricted in ambient", app)
		pa := v.named("kubernetes:security.istio.io/v1:PeerAuthentication", "prod-apps-"+app+"-peer-authentication-default")
		assert.Equal(t, "STRICT", str(pa.Inputs, "spec", "mtls", "mode"), app)
	}
	lb := v.named("kubernetes:security.istio.io/v1:PeerAuthentication", "prod-apps-frontend-peer-authentication-load-balancer")
	assert.Equal(t, "PERMISSIVE", str(lb.Inputs, "spec", "portLevelMtls", "8080", "mode"))
	assert.Equal(t, "frontend", str(lb.Inputs, "spec", "selector", "matchLabels", apps.LabelApp))

	names := map[string]bool{}
	for _, r := range v.byType("kubernetes:networking.k8s.io/v1:NetworkPolicy") {
		names[r.Name] = true
	}
	for _, want := range []string{"prod-apps-frontend-netpol-allow-to-backend-hbone", "prod-apps-backend-netpol-allow-from-frontend-hbone",
		"prod-apps-worker-netpol-allow-from-ambient-probes"} {
		assert.True(t, names[want], want)
	}

	acl := v.named(apps.WebACLType, "prod-apps-frontend-waf")
	assert.Equal(t, "REGIONAL", acl.Inputs["scope"])
	params := v.named(typeClassParams, "prod-apps-ingress-class-params").Inputs["spec"].(map[string]any)
	assert.True(t, strings.HasPrefix(params["wafv2AclArn"].(string), "arn:aws:wafv2:us-east-1:"), params["wafv2AclArn"])
	values := v.named(typeChart, "prod-apps-lb-controller").Inputs["values"].(map[string]any)
	assert.Equal(t, true, values["enableWafv2"])
	assert.Equal(t, true, values["enableShield"])
	ing := v.named(typeIngress, "prod-apps-frontend-ingress")
	assert.Equal(t, "true", str(ing.Inputs, "metadata", "annotations", "alb.ingress.kubernetes.io/shield-advanced-protection"))

	b, err := os.ReadFile(filepath.Join(fixtures.RepoRoot(t), "apps", "testdata", "istio", "peerauthentications.yaml"))
	require.NoError(t, err)
	validator, err := crdschema.Load(b)
	require.NoError(t, err)
	for _, r := range v.byType("kubernetes:security.istio.io/v1:PeerAuthentication") {
		errs, _ := validator.Validate(map[string]any{"apiVersion": r.Inputs["apiVersion"], "kind": r.Inputs["kind"], "metadata": r.Inputs["metadata"], "spec": r.Inputs["spec"]})
		assert.Empty(t, errs, r.Name)
	}
}

// Without the mesh's chart repository on the allow-list, the plan says so (DR021) instead of the install failing.
func TestMeshNeedsItsChartRepositoryAllowed(t *testing.T) {
	res, err := offline.RunProject(optionsProject(t, false), "prod")
	require.NoError(t, err)
	readiness.Evaluate(res)
	s, _ := res.Stack("prod")
	var hosts []string
	for _, f := range s.Findings {
		if f.Rule == "DR021" && strings.Contains(f.Message, "istio-release.storage.googleapis.com") {
			hosts = append(hosts, f.Resource)
		}
	}
	slices.Sort(hosts)
	assert.Len(t, hosts, len(apps.IstioCharts), "one finding per Istio chart")
}
