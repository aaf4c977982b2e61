// Package kubeschema checks built-in Kubernetes objects the way the API server and its admission do, as far as
// libraries outside k8s.io/kubernetes allow: strict decoding into the k8s.io/api type of the object's apiVersion
// and kind (unknown and duplicate fields are errors, as with kubectl --validate=strict); the API's validation of
// object metadata, labels and label selectors (k8s.io/apimachinery) plus the kind-specific rules the API server
// enforces on the fields the platform sets (selectors matching templates, quantities, ports, protocols, CIDRs,
// ranges); and the Pod Security Admission evaluation of pod templates (k8s.io/pod-security-admission). Only tests
// import it, so none of these libraries reach the program binary.
package kubeschema

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	psaapi "k8s.io/pod-security-admission/api"
	psapolicy "k8s.io/pod-security-admission/policy"
	sigsjson "sigs.k8s.io/json"
)

// Object is a decoded built-in object.
type Object interface {
	metav1.Object
}

// newObject returns an empty object of a supported apiVersion and kind.
func newObject(apiVersion, kind string) (Object, error) {
	switch apiVersion + "/" + kind {
	case "v1/Namespace":
		return &corev1.Namespace{}, nil
	case "v1/ResourceQuota":
		return &corev1.ResourceQuota{}, nil
	case "v1/LimitRange":
		return &corev1.LimitRange{}, nil
	case "v1/ServiceAccount":
		return &corev1.ServiceAccount{}, nil
	case "v1/Service":
		return &corev1.Service{}, nil
	case "apps/v1/Deployment":
		return &appsv1.Deployment{}, nil
	case "policy/v1/PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}, nil
	case "autoscaling/v2/HorizontalPodAutoscaler":
		return &autoscalingv2.HorizontalPodAutoscaler{}, nil
	case "networking.k8s.io/v1/NetworkPolicy":
		return &networkingv1.NetworkPolicy{}, nil
	case "networking.k8s.io/v1/Ingress":
		return &networkingv1.Ingress{}, nil
	case "networking.k8s.io/v1/IngressClass":
		return &networkingv1.IngressClass{}, nil
	case "scheduling.k8s.io/v1/PriorityClass":
		return &schedulingv1.PriorityClass{}, nil
	}
	return nil, fmt.Errorf("kubeschema: no k8s.io/api type for %s %s", apiVersion, kind)
}

// Decode strictly decodes an object (as JSON-compatible maps) into its k8s.io/api type: an unknown field, a
// field of the wrong case or a duplicate field is an error.
func Decode(obj map[string]any) (Object, error) {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	out, err := newObject(apiVersion, kind)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	strict, err := sigsjson.UnmarshalStrict(b, out)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", kind, err)
	}
	if len(strict) > 0 {
		msgs := make([]string, len(strict))
		for i, e := range strict {
			msgs[i] = e.Error()
		}
		return nil, fmt.Errorf("%s: %s", kind, strings.Join(msgs, "; "))
	}
	return out, nil
}

// Validate runs the API's validation of a decoded object.
func Validate(obj Object) field.ErrorList {
	meta := field.NewPath("metadata")
	switch o := obj.(type) {
	case *corev1.Namespace:
		return apivalidation.ValidateObjectMeta(&o.ObjectMeta, false, apivalidation.ValidateNamespaceName, meta)
	case *schedulingv1.PriorityClass:
		errs := apivalidation.ValidateObjectMeta(&o.ObjectMeta, false, apivalidation.NameIsDNSSubdomain, meta)
		if strings.HasPrefix(o.Name, "system-") {
			errs = append(errs, field.Invalid(meta.Child("name"), o.Name, "the system- prefix is reserved"))
		}
		if o.Value > 1_000_000_000 {
			errs = append(errs, field.Invalid(field.NewPath("value"), o.Value, "must not exceed 1000000000 for a user-defined class"))
		}
		if p := o.PreemptionPolicy; p != nil && *p != corev1.PreemptLowerPriority && *p != corev1.PreemptNever {
			errs = append(errs, field.NotSupported(field.NewPath("preemptionPolicy"), *p, []string{"PreemptLowerPriority", "Never"}))
		}
		return errs
	case *networkingv1.IngressClass:
		errs := apivalidation.ValidateObjectMeta(&o.ObjectMeta, false, apivalidation.NameIsDNSSubdomain, meta)
		return append(errs, ingressClass(o, field.NewPath("spec"))...)
	}
	errs := apivalidation.ValidateObjectMeta(obj.(metav1.ObjectMetaAccessor).GetObjectMeta().(*metav1.ObjectMeta), true, apivalidation.NameIsDNSSubdomain, meta)
	spec := field.NewPath("spec")
	switch o := obj.(type) {
	case *corev1.ResourceQuota:
		errs = append(errs, resourceQuota(o, spec)...)
	case *corev1.LimitRange:
		errs = append(errs, limitRange(o, spec)...)
	case *corev1.ServiceAccount:
	case *corev1.Service:
		for i, port := range o.Spec.Ports {
			errs = append(errs, portNumber(port.Port, spec.Child("ports").Index(i).Child("port"))...)
			errs = append(errs, protocol(port.Protocol, spec.Child("ports").Index(i).Child("protocol"))...)
		}
		errs = append(errs, metav1validation.ValidateLabels(o.Spec.Selector, spec.Child("selector"))...)
		errs = append(errs, serviceLoadBalancer(o, spec)...)
	case *networkingv1.Ingress:
		errs = append(errs, ingress(o, spec)...)
	case *appsv1.Deployment:
		errs = append(errs, deployment(o, spec)...)
	case *policyv1.PodDisruptionBudget:
		errs = append(errs, disruptionBudget(o, spec)...)
	case *autoscalingv2.HorizontalPodAutoscaler:
		errs = append(errs, autoscaler(o, spec)...)
	case *networkingv1.NetworkPolicy:
		errs = append(errs, networkPolicy(o, spec)...)
	}
	return errs
}

func resourceQuota(o *corev1.ResourceQuota, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	for name, q := range o.Spec.Hard {
		errs = append(errs, resourceName(string(name), spec.Child("hard").Key(string(name)))...)
		errs = append(errs, nonNegative(q, spec.Child("hard").Key(string(name)))...)
	}
	return errs
}

func limitRange(o *corev1.LimitRange, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, l := range o.Spec.Limits {
		p := spec.Child("limits").Index(i)
		for name, max := range l.Max {
			if d, ok := l.Default[name]; ok && d.Cmp(max) > 0 {
				errs = append(errs, field.Invalid(p.Child("default").Key(string(name)), d.String(), "must be less than or equal to max "+max.String()))
			}
			if d, ok := l.DefaultRequest[name]; ok && d.Cmp(max) > 0 {
				errs = append(errs, field.Invalid(p.Child("defaultRequest").Key(string(name)), d.String(), "must be less than or equal to max "+max.String()))
			}
		}
		for name, r := range l.DefaultRequest {
			if d, ok := l.Default[name]; ok && r.Cmp(d) > 0 {
				errs = append(errs, field.Invalid(p.Child("defaultRequest").Key(string(name)), r.String(), "must be less than or equal to default limit "+d.String()))
			}
		}
	}
	return errs
}

func deployment(o *appsv1.Deployment, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, selectorMatches(o.Spec.Selector, o.Spec.Template.Labels, spec)...)
	errs = append(errs, podSpec(&o.Spec.Template.Spec, spec.Child("template", "spec"))...)
	if o.Spec.Replicas != nil && *o.Spec.Replicas < 0 {
		errs = append(errs, field.Invalid(spec.Child("replicas"), *o.Spec.Replicas, "must be greater than or equal to 0"))
	}
	return errs
}

func disruptionBudget(o *policyv1.PodDisruptionBudget, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	if o.Spec.MinAvailable != nil && o.Spec.MaxUnavailable != nil {
		errs = append(errs, field.Invalid(spec, o.Spec, "minAvailable and maxUnavailable cannot be both set"))
	}
	errs = append(errs, metav1validation.ValidateLabelSelector(o.Spec.Selector, metav1validation.LabelSelectorValidationOptions{}, spec.Child("selector"))...)
	return errs
}

func autoscaler(o *autoscalingv2.HorizontalPodAutoscaler, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	if o.Spec.MinReplicas != nil && *o.Spec.MinReplicas < 1 {
		errs = append(errs, field.Invalid(spec.Child("minReplicas"), *o.Spec.MinReplicas, "must be greater than or equal to 1"))
	}
	if o.Spec.MinReplicas != nil && o.Spec.MaxReplicas < *o.Spec.MinReplicas {
		errs = append(errs, field.Invalid(spec.Child("maxReplicas"), o.Spec.MaxReplicas, "must be greater than or equal to `minReplicas`"))
	}
	if o.Spec.ScaleTargetRef.Kind == "" || o.Spec.ScaleTargetRef.Name == "" {
		errs = append(errs, field.Required(spec.Child("scaleTargetRef"), "kind and name"))
	}
	for i, m := range o.Spec.Metrics {
		if m.Type == autoscalingv2.ResourceMetricSourceType && (m.Resource == nil || m.Resource.Target.AverageUtilization == nil || *m.Resource.Target.AverageUtilization < 1) {
			errs = append(errs, field.Invalid(spec.Child("metrics").Index(i), m, "a Utilization target needs averageUtilization of at least 1"))
		}
	}
	return errs
}

func networkPolicy(o *networkingv1.NetworkPolicy, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, metav1validation.ValidateLabelSelector(&o.Spec.PodSelector, metav1validation.LabelSelectorValidationOptions{}, spec.Child("podSelector"))...)
	for i, t := range o.Spec.PolicyTypes {
		if t != networkingv1.PolicyTypeIngress && t != networkingv1.PolicyTypeEgress {
			errs = append(errs, field.NotSupported(spec.Child("policyTypes").Index(i), t, []string{"Ingress", "Egress"}))
		}
	}
	rule := func(p *field.Path, ports []networkingv1.NetworkPolicyPort, peers []networkingv1.NetworkPolicyPeer) {
		for j, port := range ports {
			if port.Protocol != nil {
				errs = append(errs, protocol(*port.Protocol, p.Child("ports").Index(j).Child("protocol"))...)
			}
			if port.Port != nil && port.Port.IntValue() != 0 {
				errs = append(errs, portNumber(int32(port.Port.IntValue()), p.Child("ports").Index(j).Child("port"))...)
			}
		}
		for j, peer := range peers {
			if peer.IPBlock != nil {
				if _, err := netip.ParsePrefix(peer.IPBlock.CIDR); err != nil {
					errs = append(errs, field.Invalid(p.Child("peers").Index(j).Child("ipBlock", "cidr"), peer.IPBlock.CIDR, err.Error()))
				}
				if peer.PodSelector != nil || peer.NamespaceSelector != nil {
					errs = append(errs, field.Forbidden(p.Child("peers").Index(j), "ipBlock cannot be combined with selectors"))
				}
			}
		}
	}
	for i, r := range o.Spec.Ingress {
		rule(spec.Child("ingress").Index(i), r.Ports, r.From)
	}
	for i, r := range o.Spec.Egress {
		rule(spec.Child("egress").Index(i), r.Ports, r.To)
	}
	return errs
}

func resourceName(name string, p *field.Path) field.ErrorList {
	base := strings.TrimPrefix(strings.TrimPrefix(name, "requests."), "limits.")
	for _, msg := range validation.IsQualifiedName(base) {
		return field.ErrorList{field.Invalid(p, name, msg)}
	}
	return nil
}

func nonNegative(q resource.Quantity, p *field.Path) field.ErrorList {
	if q.Sign() < 0 {
		return field.ErrorList{field.Invalid(p, q.String(), "must be greater than or equal to 0")}
	}
	return nil
}

func portNumber(port int32, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsValidPortNum(int(port)) {
		errs = append(errs, field.Invalid(p, port, msg))
	}
	return errs
}

func protocol(proto corev1.Protocol, p *field.Path) field.ErrorList {
	switch proto {
	case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		return nil
	}
	return field.ErrorList{field.NotSupported(p, proto, []string{"TCP", "UDP", "SCTP"})}
}

// selectorMatches is the workload rule: a non-empty, valid selector that selects the template's labels.
func selectorMatches(sel *metav1.LabelSelector, template map[string]string, spec *field.Path) field.ErrorList {
	if sel == nil || (len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0) {
		return field.ErrorList{field.Required(spec.Child("selector"), "")}
	}
	errs := metav1validation.ValidateLabelSelector(sel, metav1validation.LabelSelectorValidationOptions{}, spec.Child("selector"))
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err == nil && !s.Matches(labels.Set(template)) {
		errs = append(errs, field.Invalid(spec.Child("template", "metadata", "labels"), template, "`selector` does not match template `labels`"))
	}
	return errs
}

// podSpec checks containers (DNS-label names, ports, requests within limits, named probe ports that exist),
// volumes mounted exist, and topology spread constraints.
func podSpec(s *corev1.PodSpec, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(s.Containers) == 0 {
		errs = append(errs, field.Required(p.Child("containers"), ""))
	}
	volumes := map[string]bool{}
	for _, v := range s.Volumes {
		volumes[v.Name] = true
	}
	for i, c := range s.Containers {
		cp := p.Child("containers").Index(i)
		for _, msg := range validation.IsDNS1123Label(c.Name) {
			errs = append(errs, field.Invalid(cp.Child("name"), c.Name, msg))
		}
		if c.Image == "" {
			errs = append(errs, field.Required(cp.Child("image"), ""))
		}
		ports := map[string]bool{}
		for j, port := range c.Ports {
			errs = append(errs, portNumber(port.ContainerPort, cp.Child("ports").Index(j).Child("containerPort"))...)
			ports[port.Name] = true
		}
		for name, req := range c.Resources.Requests {
			if lim, ok := c.Resources.Limits[name]; ok && req.Cmp(lim) > 0 {
				errs = append(errs, field.Invalid(cp.Child("resources", "requests").Key(string(name)), req.String(), "must be less than or equal to "+string(name)+" limit of "+lim.String()))
			}
		}
		for name, probe := range map[string]*corev1.Probe{"readinessProbe": c.ReadinessProbe, "livenessProbe": c.LivenessProbe} {
			if probe != nil && probe.HTTPGet != nil && probe.HTTPGet.Port.StrVal != "" && !ports[probe.HTTPGet.Port.StrVal] {
				errs = append(errs, field.Invalid(cp.Child(name, "httpGet", "port"), probe.HTTPGet.Port.StrVal, "must be a container port name"))
			}
		}
		for j, m := range c.VolumeMounts {
			if !volumes[m.Name] {
				errs = append(errs, field.NotFound(cp.Child("volumeMounts").Index(j).Child("name"), m.Name))
			}
		}
	}
	for i, t := range s.TopologySpreadConstraints {
		tp := p.Child("topologySpreadConstraints").Index(i)
		if t.MaxSkew < 1 {
			errs = append(errs, field.Invalid(tp.Child("maxSkew"), t.MaxSkew, "must be greater than zero"))
		}
		if t.WhenUnsatisfiable != corev1.DoNotSchedule && t.WhenUnsatisfiable != corev1.ScheduleAnyway {
			errs = append(errs, field.NotSupported(tp.Child("whenUnsatisfiable"), t.WhenUnsatisfiable, []string{"DoNotSchedule", "ScheduleAnyway"}))
		}
	}
	return errs
}

// PodTemplate returns the pod template of a workload object, or nil.
func PodTemplate(obj Object) *corev1.PodTemplateSpec {
	if d, ok := obj.(*appsv1.Deployment); ok {
		return &d.Spec.Template
	}
	return nil
}

// PodSecurity evaluates a pod template against a Pod Security level ("restricted") at a Kubernetes version
// ("v1.35" or "latest") and returns every forbidden reason with its detail.
func PodSecurity(t *corev1.PodTemplateSpec, level, version string) ([]string, error) {
	l, err := psaapi.ParseLevel(level)
	if err != nil {
		return nil, err
	}
	v, err := psaapi.ParseVersion(version)
	if err != nil {
		return nil, err
	}
	evaluator, err := psapolicy.NewEvaluator(psapolicy.DefaultChecks(), nil)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range evaluator.EvaluatePod(psaapi.LevelVersion{Level: l, Version: v}, &t.ObjectMeta, &t.Spec) {
		if !r.Allowed {
			out = append(out, r.ForbiddenReason+": "+r.ForbiddenDetail)
		}
	}
	return out, nil
}
