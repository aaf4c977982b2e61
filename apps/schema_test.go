package apps

import (
	"reflect"
	"testing"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	autoscalingv2 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/autoscaling/v2"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	schedulingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/scheduling/v1"
	"github.com/stretchr/testify/assert"

	"github.com/innovate-inc/platform/internal/inputschema"
)

// The objects registered by type token (objects.go) send only inputs the SDK's own types have, in their shapes,
// and every input those require; the Ingress's status is read where the SDK has it.
func TestObjectsMatchTheProviderSchema(t *testing.T) {
	for _, c := range []struct {
		kind       string
		local, sdk reflect.Type
	}{
		{"Deployment", reflect.TypeFor[object[deploymentSpec]](), appsv1.DeploymentArgs{}.ElementType()},
		{"PodDisruptionBudget", reflect.TypeFor[object[podDisruptionBudgetSpec]](), policyv1.PodDisruptionBudgetArgs{}.ElementType()},
		{"HorizontalPodAutoscaler", reflect.TypeFor[object[hpaSpec]](), autoscalingv2.HorizontalPodAutoscalerArgs{}.ElementType()},
		{"NetworkPolicy", reflect.TypeFor[object[networkPolicySpec]](), networkingv1.NetworkPolicyArgs{}.ElementType()},
		{"IngressClass", reflect.TypeFor[object[ingressClassSpec]](), networkingv1.IngressClassArgs{}.ElementType()},
		{"Ingress", reflect.TypeFor[object[ingressSpec]](), networkingv1.IngressArgs{}.ElementType()},
		{"PriorityClass", reflect.TypeFor[priorityClassObject](), schedulingv1.PriorityClassArgs{}.ElementType()},
	} {
		assert.Empty(t, inputschema.Inputs(c.local, c.sdk), c.kind)
	}
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[ingressState](), reflect.TypeFor[networkingv1.Ingress]()))
}

// The object's type token is the SDK's: kubernetes:<apiVersion>:<kind>.
func TestObjectToken(t *testing.T) {
	assert.Equal(t, "kubernetes:networking.k8s.io/v1:Ingress", object[ingressSpec]{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"}.token())
}

func TestFirstHostname(t *testing.T) {
	status := map[string]any{"loadBalancer": map[string]any{"ingress": []any{map[string]any{"hostname": "k8s-public.elb.amazonaws.com"}}}}
	assert.Equal(t, "k8s-public.elb.amazonaws.com", firstHostname(status))
	assert.Equal(t, "", firstHostname(map[string]any{"loadBalancer": map[string]any{}}))
	assert.Equal(t, "", firstHostname(nil))
}
