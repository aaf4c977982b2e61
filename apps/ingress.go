package apps

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/network"
)

// The platform's public ingress: one IngressClass whose IngressClassParams fix what an internet-facing ALB may be
// (parameters in IngressClassParams override an Ingress's annotations, so a product team's Ingress cannot turn
// off TLS, logging or the web ACL), one ALB shared by every Ingress of the class (an IngressGroup).
const (
	PublicIngressClass   = "alb-public"
	PublicIngressParams  = "alb-public"
	PublicIngressGroup   = "public"
	ALBController        = "ingress.k8s.aws/alb"
	NLBLoadBalancerClass = "service.k8s.aws/nlb"
	ELBAPIVersion        = "elbv2.k8s.aws/v1beta1"
	// LabelPublicIngress marks the namespaces allowed to use the public class (the params' namespace selector).
	LabelPublicIngress = "platform.innovate.io/public-ingress"
)

// PublicIngressParamsSpec is the spec of the public class's IngressClassParams: internet-facing, IPv4, IP
// targets, the group, the namespaces that may use it, the certificate and the TLS 1.2+ policy, HTTP redirected to
// HTTPS, invalid headers dropped, access logs to the Log Archive (its bucket is SSE-S3: ALB access logs accept no
// other encryption; objects land under AWSLogs/<account>/, the only path the bucket policy lets ELB write), and
// the web ACL when there is one.
func PublicIngressParamsSpec(certificateARN, sslPolicy, logBucket, webACLARN string) map[string]any {
	spec := map[string]any{
		"scheme":            "internet-facing",
		"ipAddressType":     "ipv4",
		"targetType":        "ip",
		"group":             map[string]any{"name": PublicIngressGroup},
		"namespaceSelector": map[string]any{"matchLabels": map[string]any{LabelPublicIngress: "true"}},
		"certificateArn":    []any{certificateARN},
		"sslPolicy":         sslPolicy,
		"sslRedirectPort":   "443",
		"loadBalancerAttributes": []any{
			map[string]any{"key": "access_logs.s3.enabled", "value": "true"},
			map[string]any{"key": "access_logs.s3.bucket", "value": logBucket},
			map[string]any{"key": "routing.http.drop_invalid_header_fields.enabled", "value": "true"},
		},
	}
	if webACLARN != "" {
		spec["wafv2AclArn"] = webACLARN
	}
	return spec
}

// FrontendIngressAnnotations are what the class cannot say: the listeners (HTTP only to redirect) and the health
// check, on the application's readiness endpoint; Shield Advanced protection when configured.
func FrontendIngressAnnotations(shield bool) map[string]string {
	out := map[string]string{
		"alb.ingress.kubernetes.io/listen-ports":     `[{"HTTP": 80}, {"HTTPS": 443}]`,
		"alb.ingress.kubernetes.io/healthcheck-path": ReadinessPath,
		"alb.ingress.kubernetes.io/success-codes":    "200",
	}
	if shield {
		out["alb.ingress.kubernetes.io/shield-advanced-protection"] = "true"
	}
	return out
}

// BackendServiceAnnotations make the backend's Service an internal NLB with IP targets, health-checked over HTTP
// on the readiness endpoint.
func BackendServiceAnnotations() map[string]string {
	return map[string]string{
		"service.beta.kubernetes.io/aws-load-balancer-scheme":               "internal",
		"service.beta.kubernetes.io/aws-load-balancer-nlb-target-type":      "ip",
		"service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol": "http",
		"service.beta.kubernetes.io/aws-load-balancer-healthcheck-path":     ReadinessPath,
	}
}

// Host is a service's name in the environment's zone.
func Host(label, zone string) string { return label + "." + zone }

// certificate requests the frontend's ACM certificate, validated by DNS in the environment's zone, and waits for
// it to be issued.
func (s steps) certificate(ctx *pulumi.Context) (pulumi.StringOutput, error) {
	a := s.args
	host := Host(a.Ingress.FrontendHost, a.ZoneName)
	cert, err := acm.NewCertificate(ctx, s.n("frontend", "certificate"), &acm.CertificateArgs{
		DomainName:       pulumi.String(host),
		ValidationMethod: pulumi.String("DNS"),
		Options:          acm.CertificateOptionsArgs{CertificateTransparencyLoggingPreference: pulumi.String("ENABLED")},
		Tags:             pulumi.ToStringMap(a.Tags.With(host)),
	}, a.In(s.c)...)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("requesting the certificate of %s: %w", host, err)
	}
	// One domain, so one validation option: its record is known without creating resources inside an apply.
	option := cert.DomainValidationOptions.Index(pulumi.Int(0))
	ttl, overwrite := 300, true
	record, err := network.NewRecord(ctx, s.n("frontend", "certificate-validation-record"), network.Record{
		ZoneID:         a.ZoneID,
		Name:           option.ResourceRecordName().Elem(),
		Type:           option.ResourceRecordType().Elem(),
		Records:        pulumi.StringArray{option.ResourceRecordValue().Elem()},
		TTL:            &ttl,
		AllowOverwrite: &overwrite,
	}, a.In(s.c)...)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating the validation record of %s: %w", host, err)
	}
	validation, err := acm.NewCertificateValidation(ctx, s.n("frontend", "certificate-validation"), &acm.CertificateValidationArgs{
		CertificateArn:        cert.Arn,
		ValidationRecordFqdns: pulumi.StringArray{record.FQDN},
	}, a.In(s.c)...)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("validating the certificate of %s: %w", host, err)
	}
	return validation.CertificateArn, nil
}

// publicIngressClass registers the IngressClassParams and the IngressClass of the public ALB, once the controller
// (and with it the CRD) is installed.
func (s steps) publicIngressClass(ctx *pulumi.Context, controller pulumi.Resource, certificateARN, webACLARN pulumi.StringOutput) (pulumi.Resource, error) {
	a := s.args
	spec := pulumi.All(certificateARN, webACLARN).ApplyT(func(xs []any) map[string]any {
		return PublicIngressParamsSpec(xs[0].(string), a.Ingress.SSLPolicy, a.AccessLogsBucket, xs[1].(string))
	}).(pulumi.MapOutput)
	params, err := apiextensions.NewCustomResource(ctx, s.n("ingress-class-params"), &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String(ELBAPIVersion),
		Kind:        pulumi.String("IngressClassParams"),
		Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String(PublicIngressParams)},
		OtherFields: kubernetes.UntypedArgs{"spec": spec},
	}, s.in(controller)...)
	if err != nil {
		return nil, fmt.Errorf("creating the public IngressClassParams: %w", err)
	}
	class, err := registerObject(ctx, s.n("ingress-class"), object[ingressClassSpec]{
		APIVersion: "networking.k8s.io/v1", Kind: "IngressClass",
		Metadata: metav1.ObjectMetaArgs{Name: pulumi.String(PublicIngressClass)},
		Spec: ingressClassSpec{
			Controller: ALBController,
			Parameters: ingressClassParametersReference{APIGroup: "elbv2.k8s.aws", Kind: "IngressClassParams", Name: PublicIngressParams},
		},
	}, s.in(params)...)
	if err != nil {
		return nil, fmt.Errorf("creating the public IngressClass: %w", err)
	}
	return class, nil
}

// The networking.k8s.io/v1 IngressClassSpec's and IngressSpec's inputs (see objects.go).
type (
	ingressClassSpec struct {
		Controller string                          `pulumi:"controller"`
		Parameters ingressClassParametersReference `pulumi:"parameters"`
	}
	ingressClassParametersReference struct {
		APIGroup string `pulumi:"apiGroup"`
		Kind     string `pulumi:"kind"`
		Name     string `pulumi:"name"`
	}
	ingressSpec struct {
		IngressClassName string        `pulumi:"ingressClassName"`
		Rules            []ingressRule `pulumi:"rules"`
	}
	ingressRule struct {
		Host string               `pulumi:"host"`
		HTTP httpIngressRuleValue `pulumi:"http"`
	}
	httpIngressRuleValue struct {
		Paths []httpIngressPath `pulumi:"paths"`
	}
	httpIngressPath struct {
		Path     string         `pulumi:"path"`
		PathType string         `pulumi:"pathType"`
		Backend  ingressBackend `pulumi:"backend"`
	}
	ingressBackend struct {
		Service ingressServiceBackend `pulumi:"service"`
	}
	ingressServiceBackend struct {
		Name string             `pulumi:"name"`
		Port serviceBackendPort `pulumi:"port"`
	}
	serviceBackendPort struct {
		Number int `pulumi:"number"`
	}
)

// ingressState is an Ingress's status, which the load balancer controller fills in: status.loadBalancer.ingress[].hostname.
type ingressState struct {
	pulumi.CustomResourceState

	Status pulumi.AnyOutput `pulumi:"status"`
}

// firstHostname is status.loadBalancer.ingress[0].hostname of an Ingress's status, "" while there is none.
func firstHostname(status any) string {
	st, _ := status.(map[string]any)
	lb, _ := st["loadBalancer"].(map[string]any)
	ingress, _ := lb["ingress"].([]any)
	if len(ingress) == 0 {
		return ""
	}
	first, _ := ingress[0].(map[string]any)
	hostname, _ := first["hostname"].(string)
	return hostname
}

// frontendIngress routes the frontend's name to its Service through the public class and returns the hostname
// the controller gives the ALB (the Ingress's status; Pulumi waits for it).
func (s steps) frontendIngress(ctx *pulumi.Context, class pulumi.Resource, ns *corev1.Namespace) (pulumi.StringOutput, error) {
	a := s.args
	svc := a.Config.Frontend
	ing := object[ingressSpec]{
		APIVersion: "networking.k8s.io/v1", Kind: "Ingress",
		Metadata: metav1.ObjectMetaArgs{
			Name: pulumi.String(config.AppFrontend), Namespace: pulumi.String(config.AppFrontend),
			Labels: labels(config.AppFrontend), Annotations: pulumi.ToStringMap(FrontendIngressAnnotations(a.Ingress.ShieldAdvanced)),
		},
		Spec: ingressSpec{
			IngressClassName: PublicIngressClass,
			Rules: []ingressRule{{
				Host: Host(a.Ingress.FrontendHost, a.ZoneName),
				HTTP: httpIngressRuleValue{Paths: []httpIngressPath{{
					Path: "/", PathType: "Prefix",
					Backend: ingressBackend{Service: ingressServiceBackend{Name: config.AppFrontend, Port: serviceBackendPort{Number: svc.Port}}},
				}}},
			}},
		},
	}
	var state ingressState
	if err := ctx.RegisterResource(ing.token(), s.n(config.AppFrontend, "ingress"), ing, &state, s.in(class, ns)...); err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating the frontend Ingress: %w", err)
	}
	return state.Status.ApplyT(firstHostname).(pulumi.StringOutput), nil
}

// alias names a load balancer in the environment's zone: an alias A record to the controller's hostname, in the
// region's canonical hosted zone of the load-balancer type, evaluating the target's health.
func (s steps) alias(ctx *pulumi.Context, app, label string, hostname pulumi.StringOutput, lbZoneID string) error {
	a := s.args
	host := Host(label, a.ZoneName)
	if _, err := network.NewRecord(ctx, s.n(app, "dns"), network.Record{
		ZoneID: a.ZoneID, Name: pulumi.String(host), Type: pulumi.String("A"),
		Aliases: []network.RecordAlias{{Name: hostname, ZoneID: pulumi.String(lbZoneID), EvaluateTargetHealth: true}},
	}, a.In(s.c)...); err != nil {
		return fmt.Errorf("creating the record %s: %w", host, err)
	}
	return nil
}
