package apps_test

import (
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/innovate-inc/platform/apps"
	"github.com/innovate-inc/platform/internal/chartvalues"
	"github.com/innovate-inc/platform/internal/crdschema"
)

func lbcTestdata(t *testing.T, name string) []byte {
	t.Helper()
	return lbcTestdataIn(t, "aws-load-balancer-controller", name)
}

func lbcTestdataIn(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + dir + "/" + name)
	require.NoError(t, err)
	return b
}

// Every value the platform sets is a key of the pinned chart's values.yaml (the chart ships no values.schema.json),
// so a renamed or misspelt value cannot be silently ignored by the template; a misspelt key fails the check.
func TestLBControllerValuesAreChartValues(t *testing.T) {
	var chart map[string]any
	require.NoError(t, yaml.Unmarshal(lbcTestdata(t, "values.yaml"), &chart))
	assert.Equal(t, apps.LBControllerImage, chart["image"].(map[string]any)["repository"])
	assert.Equal(t, apps.LBControllerAppVersion, chart["image"].(map[string]any)["tag"], "the pinned image is the chart's own")

	values, err := apps.LBControllerChartValues("dev-eks", "us-east-1", apps.LBControllerImage, true, false, map[string]string{"Environment": "dev"}).Map()
	require.NoError(t, err)
	assert.Empty(t, chartvalues.Unknown(values, chart))
	assert.Equal(t, "ip", values["defaultTargetType"])
	assert.Equal(t, true, values["keepTLSSecret"])
	assert.Equal(t, false, values["createIngressClassResource"])
	assert.Equal(t, false, values["enableServiceMutatorWebhook"])
	assert.Equal(t, true, values["enableWafv2"])
	assert.Equal(t, false, values["enableShield"])
	assert.Equal(t, map[string]any{"Environment": "dev"}, values["defaultTags"])

	values["keepTlsSecret"] = true
	values["serviceAccount"].(map[string]any)["nme"] = "x"
	assert.Equal(t, []string{"keepTlsSecret", "serviceAccount.nme"}, chartvalues.Unknown(values, chart))
}

func ingressParams(spec map[string]any) map[string]any {
	return map[string]any{"apiVersion": apps.ELBAPIVersion, "kind": "IngressClassParams",
		"metadata": map[string]any{"name": apps.PublicIngressParams}, "spec": spec}
}

// The public class's parameters pass the controller's CRD as the API server checks them; a scheme or target type
// outside its enums, or an attribute without a value, fails.
func TestPublicIngressParamsPassTheCRD(t *testing.T) {
	v, err := crdschema.Load(lbcTestdata(t, "ingressclassparams.yaml"))
	require.NoError(t, err)
	spec := func() map[string]any {
		return apps.PublicIngressParamsSpec("arn:aws:acm:us-east-1:111111111111:certificate/abc", "ELBSecurityPolicy-TLS13-1-2-2021-06",
			"logs-bucket", "arn:aws:wafv2:us-east-1:111111111111:regional/webacl/x/1")
	}
	errs, _ := v.Validate(ingressParams(spec()))
	assert.Empty(t, errs)

	for name, mutate := range map[string]func(map[string]any){
		"spec.scheme":                 func(s map[string]any) { s["scheme"] = "public" },
		"spec.targetType":             func(s map[string]any) { s["targetType"] = "pod" },
		"spec.loadBalancerAttributes": func(s map[string]any) { s["loadBalancerAttributes"] = []any{map[string]any{"key": "x"}} },
		"spec.group.name":             func(s map[string]any) { s["group"] = map[string]any{} },
	} {
		s := spec()
		mutate(s)
		errs, _ := v.Validate(ingressParams(s))
		assert.Contains(t, errs.ToAggregate().Error(), name, name)
	}
}

// Without a web ACL the parameters name none (the controller then leaves WAF alone).
func TestPublicIngressParamsWithoutWAF(t *testing.T) {
	spec := apps.PublicIngressParamsSpec("arn:cert", "ELBSecurityPolicy-TLS13-1-2-2021-06", "logs", "")
	assert.NotContains(t, spec, "wafv2AclArn")
	assert.Equal(t, "443", spec["sslRedirectPort"])
	assert.Equal(t, "internet-facing", spec["scheme"])
}

// checkAgainst reports every key of a plain value that the provider's Go type (the SDK's struct with its pulumi
// tags) does not have, recursively.
func checkAgainst(v any, typ reflect.Type, path string) []string {
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
		typ = typ.Elem()
	}
	var out []string
	switch x := v.(type) {
	case map[string]any:
		if typ.Kind() == reflect.Map {
			return nil
		}
		fields := pulumiFields(typ)
		for k, child := range x {
			ft, ok := fields[k]
			if !ok {
				out = append(out, path+k)
				continue
			}
			out = append(out, checkAgainst(child, ft, path+k+".")...)
		}
	case []any:
		for _, child := range x {
			out = append(out, checkAgainst(child, typ, path)...)
		}
	}
	sort.Strings(out)
	return out
}

// pulumiFields are a Go SDK type's fields by their pulumi tag.
func pulumiFields(typ reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := 0; i < typ.NumField(); i++ {
		if tag := typ.Field(i).Tag.Get("pulumi"); tag != "" {
			fields[strings.Split(tag, ",")[0]] = typ.Field(i).Type
		}
	}
	return fields
}

// The web ACL registered by type token has exactly the provider's input shape: every key is a field of the SDK's
// wafv2 types (the package the program does not link), and a misspelt key fails.
func TestWebACLInputsMatchTheProviderSchema(t *testing.T) {
	in := apps.WebACLInputs("dev-apps-frontend-waf", map[string]string{"Environment": "dev"})
	// Top level: the resource's inputs (WebAcl's fields); rules: the plain rule type.
	top := reflect.TypeOf(wafv2.WebAcl{})
	rules := in["rules"]
	delete(in, "rules")
	var unknown []string
	for k := range in {
		if _, ok := pulumiFields(top)[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	assert.Empty(t, unknown, "top-level inputs of %s", apps.WebACLType)
	assert.Empty(t, checkAgainst(rules, reflect.TypeOf(wafv2.WebAclRule{}), "rules."))
	assert.Empty(t, checkAgainst(in["defaultAction"], reflect.TypeOf(wafv2.WebAclDefaultAction{}), "defaultAction."))
	assert.Empty(t, checkAgainst(in["visibilityConfig"], reflect.TypeOf(wafv2.WebAclVisibilityConfig{}), "visibilityConfig."))
	assert.Equal(t, "REGIONAL", in["scope"])
	names := []string{}
	for _, r := range rules.([]any) {
		names = append(names, r.(map[string]any)["name"].(string))
	}
	assert.Equal(t, append(append([]string{}, apps.ManagedRuleGroups...), "rate-limit-per-ip"), names)

	rules.([]any)[0].(map[string]any)["statement"].(map[string]any)["managedRuleGroupStatement"].(map[string]any)["vendor"] = "AWS"
	assert.Equal(t, []string{"rules.statement.managedRuleGroupStatement.vendor"}, checkAgainst(rules, reflect.TypeOf(wafv2.WebAclRule{}), "rules."))
}
