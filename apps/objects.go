package apps

import (
	"reflect"

	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/bytoken"
)

// The built-in objects of the API groups apps/v1, autoscaling/v2, policy/v1, networking.k8s.io/v1 and
// scheduling.k8s.io/v1 (Deployment, HorizontalPodAutoscaler, PodDisruptionBudget, NetworkPolicy, Ingress,
// IngressClass, PriorityClass) are registered by their type token, kubernetes:<apiVersion>:<kind>, with the local
// input types below rather than through pulumi-kubernetes' package for each group: each of those is a large
// generated package compiled into every cold build of the program for one to three kinds, together 61 s of the
// cold build's compile actions (apps/v1 15.0, networking/v1 14.5, autoscaling/v2 12.8, policy/v1 9.5,
// scheduling/v1 9.2; docs/PERFORMANCE.md). core/v1 and meta/v1 stay typed: the baseline links them anyway, and the pod
// template, label selectors and object metadata use their types. The local types carry the SDK's input names,
// which tests check against the SDK's own types (internal/bytoken, internal/inputschema); the API server's own rules are checked on
// the planned objects (internal/kubeschema).

// object is a built-in Kubernetes object's inputs. APIVersion and Kind are sent as the SDK's constructors send
// them, and name the type token.
type object[Spec any] struct {
	APIVersion string                 `pulumi:"apiVersion"`
	Kind       string                 `pulumi:"kind"`
	Metadata   metav1.ObjectMetaInput `pulumi:"metadata"`
	Spec       Spec                   `pulumi:"spec"`
}

func (object[Spec]) ElementType() reflect.Type { return reflect.TypeFor[object[Spec]]() }

// token is the object's type token.
func (o object[Spec]) token() string { return "kubernetes:" + o.APIVersion + ":" + o.Kind }

// registerObject registers o under its type token; the program reads none of its outputs.
func registerObject[Spec any](ctx *pulumi.Context, name string, o object[Spec], opts ...pulumi.ResourceOption) (*bytoken.Resource, error) {
	return bytoken.Register[bytoken.Resource](ctx, o.token(), name, o, opts...)
}
