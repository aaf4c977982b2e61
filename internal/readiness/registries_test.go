package readiness

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/innovate-inc/platform/internal/plan"
)

func TestRegistriesReachable(t *testing.T) {
	const chartType = "kubernetes:helm.sh/v4:Chart"
	allowList := func(targets ...any) plan.StackPlan {
		return stack("network", "network", res("network", typeFirewallRuleGroup, "egress-allow-list", map[string]any{"ruleGroup": map[string]any{
			"rulesSource": map[string]any{"rulesSourceList": map[string]any{"generatedRulesType": "ALLOWLIST",
				"targetTypes": []any{"TLS_SNI", "HTTP_HOST"}, "targets": targets}}}}))
	}
	karpenter := res("dev", chartType, "karpenter", map[string]any{"chart": "oci://public.ecr.aws/karpenter/karpenter",
		"values": map[string]any{"controller": map[string]any{"image": map[string]any{"repository": "public.ecr.aws/karpenter/controller"}}}})
	chart := func(in map[string]any) plan.StackPlan {
		return stack("dev", "workload", res("dev", chartType, "app", in))
	}
	appURN := urn("dev", chartType, "app")
	ecrPublic := []any{"public.ecr.aws", "d2glxqk2uabbnd.cloudfront.net", "d5l0dvt14r5h8.cloudfront.net"}
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"ECR Public and its CDN allowed", result(allowList(ecrPublic...), stack("dev", "workload", karpenter)), nil},
		{"no network stack", result(stack("dev", "workload", karpenter)), nil},
		{"private ECR", result(allowList(), chart(map[string]any{"chart": "oci://123456789012.dkr.ecr.us-east-1.amazonaws.com/charts/app",
			"values": map[string]any{"image": map[string]any{"repository": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app"}}})), nil},
		{"Docker Hub under .docker.io and .docker.com", result(allowList(".docker.io", ".docker.com"), chart(map[string]any{
			"values": map[string]any{"sidecars": []any{map[string]any{"image": map[string]any{"repository": "nginx", "tag": "1.27"}}}}})), nil},
		{"registry.k8s.io with its S3 and Artifact Registry backends", result(allowList("registry.k8s.io", ".amazonaws.com", ".pkg.dev"), chart(map[string]any{
			"values": map[string]any{"image": map[string]any{"repository": "registry.k8s.io/metrics-server/metrics-server"}}})), nil},
		{"ECR Public CDN missing", result(allowList("public.ecr.aws"), stack("dev", "workload", karpenter)),
			[]want{{urn("dev", chartType, "karpenter"), "karpenter pulls its chart from public.ecr.aws, whose layers are served from d2glxqk2uabbnd.cloudfront.net, which the network firewall allow-list (egress-allow-list) does not admit"},
				{urn("dev", chartType, "karpenter"), "whose layers are served from d5l0dvt14r5h8.cloudfront.net"}}},
		{"chart repository not allowed", result(allowList(".github.io"), chart(map[string]any{"chart": "cert-manager",
			"repositoryOpts": map[string]any{"repo": "https://charts.jetstack.io"}})),
			[]want{{appURN, "app pulls its chart from charts.jetstack.io, which the network firewall allow-list (egress-allow-list) does not admit"}}},
		{"image registry and CDN not allowed", result(allowList("ghcr.io"), chart(map[string]any{
			"values": map[string]any{"image": map[string]any{"registry": "quay.io", "repository": "jetstack/cert-manager-controller"}}})),
			[]want{{appURN, "app pulls image quay.io/jetstack/cert-manager-controller from quay.io, which the network firewall allow-list"},
				{appURN, "served from cdn01.quay.io"}, {appURN, "served from cdn02.quay.io"}, {appURN, "served from cdn03.quay.io"}}},
		{"exact target does not cover a family of hosts", result(allowList("registry.k8s.io", ".amazonaws.com", "us-docker.pkg.dev"), chart(map[string]any{
			"values": map[string]any{"image": map[string]any{"repository": "registry.k8s.io/pause"}}})),
			[]want{{appURN, "whose layers are served from *.pkg.dev"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, registriesReachable, tt.res, tt.wants...) })
	}
}

func TestImageRegistry(t *testing.T) {
	for image, host := range map[string]string{
		"nginx":                          "docker.io",
		"bitnami/redis":                  "docker.io",
		"ghcr.io/org/app":                "ghcr.io",
		"localhost/app":                  "localhost",
		"registry.example.com:5000/team": "registry.example.com:5000",
	} {
		assert.Equal(t, host, imageRegistry(image), image)
	}
}

func TestAllowed(t *testing.T) {
	targets := []string{".example.com", "exact.org", ".amazonaws.com"}
	assert.True(t, allowed(targets, "example.com"))
	assert.True(t, allowed(targets, "a.b.example.com"))
	assert.False(t, allowed(targets, "badexample.com"))
	assert.True(t, allowed(targets, "exact.org"))
	assert.False(t, allowed(targets, "sub.exact.org"))
	assert.True(t, allowed(targets, "prod-registry-k8s-io-*.s3.dualstack.*.amazonaws.com"))
	assert.False(t, allowed([]string{".s3.dualstack.us-east-1.amazonaws.com"}, "prod-registry-k8s-io-*.s3.dualstack.*.amazonaws.com"),
		"a region's domain does not cover every region")
}
