package kubeschema

import (
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The API server's checks of the objects that put applications behind load balancers (k8s.io/kubernetes
// pkg/apis/networking/validation and pkg/apis/core/validation, the parts these objects exercise).

// ingressClass: a cluster-scoped class names its controller as a domain-prefixed path of at most 250 characters,
// and its parameters by kind and name (scope Cluster or Namespace when given).
func ingressClass(o *networkingv1.IngressClass, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	c := o.Spec.Controller
	switch {
	case c == "":
		errs = append(errs, field.Required(spec.Child("controller"), ""))
	case len(c) > 250:
		errs = append(errs, field.TooLong(spec.Child("controller"), c, 250))
	default:
		errs = append(errs, validation.IsDomainPrefixedPath(spec.Child("controller"), c)...)
	}
	if p := o.Spec.Parameters; p != nil {
		pp := spec.Child("parameters")
		if p.Kind == "" {
			errs = append(errs, field.Required(pp.Child("kind"), ""))
		}
		if p.Name == "" {
			errs = append(errs, field.Required(pp.Child("name"), ""))
		}
		if p.APIGroup != nil {
			for _, msg := range validation.IsDNS1123Subdomain(*p.APIGroup) {
				errs = append(errs, field.Invalid(pp.Child("apiGroup"), *p.APIGroup, msg))
			}
		}
		if p.Scope != nil && *p.Scope != networkingv1.IngressClassParametersReferenceScopeCluster && *p.Scope != networkingv1.IngressClassParametersReferenceScopeNamespace {
			errs = append(errs, field.NotSupported(pp.Child("scope"), *p.Scope, []string{"Cluster", "Namespace"}))
		}
	}
	return errs
}

// ingress: the class name is a DNS subdomain; each rule's host a DNS subdomain (or a wildcard); each path has a
// supported type, Prefix and Exact paths are absolute, and its backend names a Service and one port.
func ingress(o *networkingv1.Ingress, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	if n := o.Spec.IngressClassName; n != nil {
		for _, msg := range validation.IsDNS1123Subdomain(*n) {
			errs = append(errs, field.Invalid(spec.Child("ingressClassName"), *n, msg))
		}
	}
	for i, r := range o.Spec.Rules {
		rp := spec.Child("rules").Index(i)
		if r.Host != "" {
			check := validation.IsDNS1123Subdomain
			if len(r.Host) > 2 && r.Host[:2] == "*." {
				check = validation.IsWildcardDNS1123Subdomain
			}
			for _, msg := range check(r.Host) {
				errs = append(errs, field.Invalid(rp.Child("host"), r.Host, msg))
			}
		}
		if r.HTTP == nil {
			continue
		}
		for j, p := range r.HTTP.Paths {
			pp := rp.Child("http", "paths").Index(j)
			switch {
			case p.PathType == nil:
				errs = append(errs, field.Required(pp.Child("pathType"), "pathType must be specified"))
			case *p.PathType == networkingv1.PathTypePrefix || *p.PathType == networkingv1.PathTypeExact:
				if len(p.Path) == 0 || p.Path[0] != '/' {
					errs = append(errs, field.Invalid(pp.Child("path"), p.Path, "must be an absolute path"))
				}
			case *p.PathType != networkingv1.PathTypeImplementationSpecific:
				errs = append(errs, field.NotSupported(pp.Child("pathType"), *p.PathType, []string{"Exact", "Prefix", "ImplementationSpecific"}))
			}
			errs = append(errs, ingressBackend(p.Backend, pp.Child("backend"))...)
		}
	}
	return errs
}

func ingressBackend(b networkingv1.IngressBackend, p *field.Path) field.ErrorList {
	if b.Service == nil {
		if b.Resource == nil {
			return field.ErrorList{field.Invalid(p, b, "one backend (service or resource) must be specified")}
		}
		return nil
	}
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1035Label(b.Service.Name) {
		errs = append(errs, field.Invalid(p.Child("service", "name"), b.Service.Name, msg))
	}
	port := b.Service.Port
	switch {
	case port.Name != "" && port.Number != 0:
		errs = append(errs, field.Invalid(p.Child("service", "port"), port, "cannot set both port name & port number"))
	case port.Name != "":
		for _, msg := range validation.IsValidPortName(port.Name) {
			errs = append(errs, field.Invalid(p.Child("service", "port", "name"), port.Name, msg))
		}
	default:
		errs = append(errs, portNumber(port.Number, p.Child("service", "port", "number"))...)
	}
	return errs
}

// serviceLoadBalancer: the fields only a LoadBalancer Service may set, the class a qualified name, the source
// ranges CIDRs.
func serviceLoadBalancer(o *corev1.Service, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	lb := o.Spec.Type == corev1.ServiceTypeLoadBalancer
	if c := o.Spec.LoadBalancerClass; c != nil {
		if !lb {
			errs = append(errs, field.Forbidden(spec.Child("loadBalancerClass"), "may only be used when `type` is 'LoadBalancer'"))
		}
		for _, msg := range validation.IsQualifiedName(*c) {
			errs = append(errs, field.Invalid(spec.Child("loadBalancerClass"), *c, msg))
		}
	}
	if o.Spec.AllocateLoadBalancerNodePorts != nil && !lb {
		errs = append(errs, field.Forbidden(spec.Child("allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'"))
	}
	if lb && o.Spec.AllocateLoadBalancerNodePorts == nil {
		errs = append(errs, field.Required(spec.Child("allocateLoadBalancerNodePorts"), ""))
	}
	for i, r := range o.Spec.LoadBalancerSourceRanges {
		if !lb {
			errs = append(errs, field.Forbidden(spec.Child("loadBalancerSourceRanges"), "may only be used when `type` is 'LoadBalancer'"))
			break
		}
		if _, err := netip.ParsePrefix(r); err != nil {
			errs = append(errs, field.Invalid(spec.Child("loadBalancerSourceRanges").Index(i), r, err.Error()))
		}
	}
	return errs
}
