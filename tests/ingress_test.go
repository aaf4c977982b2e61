package tests

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/apps"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/crdschema"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/security"
)

const (
	typeChart       = "kubernetes:helm.sh/v4:Chart"
	typeRecord      = "aws:route53/record:Record"
	typeIngress     = "kubernetes:networking.k8s.io/v1:Ingress"
	typeService     = "kubernetes:core/v1:Service"
	typeClassParams = "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams"
)

func str(v any, keys ...string) string {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	s, _ := v.(string)
	return s
}

// The application's path to users, in every workload stack: the controller (pinned chart, its Pod Identity role
// with the published policy, on the system nodes), the public class and its parameters (certificate validated in
// the environment's zone, TLS 1.2+, redirect, access logs to the Log Archive), the frontend's Ingress, the
// backend's internal NLB, and alias records in the environment's zone that wait for the load balancers.
func TestApplicationsPathToUsers(t *testing.T) {
	for env, acct := range workloadAccounts {
		v := workloadStack(t, env)
		zoneName := env + "." + fixtures.Stack(t, "network").Network.Domain
		zoneID := findID(v, "aws:route53/zone:Zone", env+"-dns-zone")

		chart := v.named(typeChart, env+"-apps-lb-controller")
		assert.Equal(t, apps.LBControllerChart, chart.Inputs["chart"], env)
		assert.Equal(t, apps.LBControllerVersion, chart.Inputs["version"], env)
		assert.Equal(t, apps.LBControllerRepository, str(chart.Inputs, "repositoryOpts", "repo"), env)
		values := chart.Inputs["values"].(map[string]any)
		assert.Equal(t, findID(v, "aws:ec2/vpc:Vpc", env+"-vpc"), values["vpcId"], env)
		assert.Equal(t, env+"-eks", values["clusterName"], env)
		assert.Equal(t, "system", str(values, "nodeSelector", "platform.innovate.io/pool"), env)
		assert.Equal(t, env, str(values, "defaultTags", config.TagEnvironment), "%s: the controller tags what it creates", env)

		assoc := v.named("aws:eks/podIdentityAssociation:PodIdentityAssociation", env+"-apps-lb-controller-pod-identity")
		assert.Equal(t, apps.LBControllerNamespace, assoc.Inputs["namespace"])
		assert.Equal(t, apps.LBControllerServiceAccount, assoc.Inputs["serviceAccount"])
		role := v.named("aws:iam/role:Role", env+"-apps-lb-controller-role")
		assert.Equal(t, "arn:aws:iam::"+acct+":role/"+role.Inputs["name"].(string), assoc.Inputs["roleArn"], env)
		trust, err := iampolicy.Parse(role.Inputs["assumeRolePolicy"].(string))
		require.NoError(t, err)
		assert.Equal(t, []string{"pods.eks.amazonaws.com"}, trust.Statement[0].Principal.Service)
		published, err := apps.LBControllerPolicy()
		require.NoError(t, err)
		assert.Equal(t, published, v.named("aws:iam/policy:Policy", env+"-apps-lb-controller-policy").Inputs["policy"], env)

		cert := v.named("aws:acm/certificate:Certificate", env+"-apps-frontend-certificate")
		assert.Equal(t, "app."+zoneName, cert.Inputs["domainName"])
		assert.Equal(t, "DNS", cert.Inputs["validationMethod"])
		validation := v.named(typeRecord, env+"-apps-frontend-certificate-validation-record")
		assert.Equal(t, zoneID, validation.Inputs["zoneId"], "%s: validated in the environment's zone", env)
		assert.True(t, strings.HasSuffix(validation.Inputs["name"].(string), ".app."+zoneName+"."), env)
		assert.Equal(t, "CNAME", validation.Inputs["type"])

		params := v.named(typeClassParams, env+"-apps-ingress-class-params").Inputs["spec"].(map[string]any)
		assert.Equal(t, "internet-facing", params["scheme"])
		assert.Equal(t, "ip", params["targetType"])
		assert.Equal(t, "ELBSecurityPolicy-TLS13-1-2-2021-06", params["sslPolicy"])
		assert.Equal(t, "443", params["sslRedirectPort"])
		issued := v.named("aws:acm/certificateValidation:CertificateValidation", env+"-apps-frontend-certificate-validation")
		assert.Equal(t, []any{issued.Inputs["certificateArn"]}, params["certificateArn"], "%s: the validated certificate", env)
		assert.Contains(t, issued.Inputs["certificateArn"], ":"+acct+":certificate/")
		assert.NotContains(t, params, "wafv2AclArn", "%s: WAF is off in the shipped config", env)
		attrs := map[string]string{}
		for _, a := range params["loadBalancerAttributes"].([]any) {
			attrs[str(a, "key")] = str(a, "value")
		}
		bucket := security.BucketName("innovate", "security", security.PurposeLBAccessLogs, "us-east-1")
		assert.Equal(t, map[string]string{"access_logs.s3.enabled": "true", "access_logs.s3.bucket": bucket,
			"routing.http.drop_invalid_header_fields.enabled": "true"}, attrs, env)

		ing := v.named(typeIngress, env+"-apps-frontend-ingress")
		assert.Equal(t, apps.PublicIngressClass, str(ing.Inputs, "spec", "ingressClassName"))
		rule := ing.Inputs["spec"].(map[string]any)["rules"].([]any)[0]
		assert.Equal(t, "app."+zoneName, str(rule, "host"))
		assert.Equal(t, `[{"HTTP": 80}, {"HTTPS": 443}]`, str(ing.Inputs, "metadata", "annotations", "alb.ingress.kubernetes.io/listen-ports"))

		svc := v.named(typeService, env+"-apps-backend-service")
		assert.Equal(t, "LoadBalancer", str(svc.Inputs, "spec", "type"))
		assert.Equal(t, apps.NLBLoadBalancerClass, str(svc.Inputs, "spec", "loadBalancerClass"))
		assert.Equal(t, "internal", str(svc.Inputs, "metadata", "annotations", "service.beta.kubernetes.io/aws-load-balancer-scheme"))
		assert.Equal(t, "ip", str(svc.Inputs, "metadata", "annotations", "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"))
		assert.Equal(t, []any{fixtures.Stack(t, env).Workload.VPC.CIDR}, svc.Inputs["spec"].(map[string]any)["loadBalancerSourceRanges"])
		for _, other := range []string{"frontend", "worker"} {
			assert.Equal(t, "ClusterIP", str(v.named(typeService, env+"-apps-"+other+"-service").Inputs, "spec", "type"), "%s %s", env, other)
		}

		for _, c := range []struct{ app, host, lbZone, source string }{
			{"frontend", "app", "Z35SXDOTRQ7X7K", ing.URN},
			{"backend", "api", "Z26RNL4JYFTOTI", svc.URN},
		} {
			rec := v.named(typeRecord, env+"-apps-"+c.app+"-dns")
			assert.Equal(t, acct, rec.Account)
			assert.Equal(t, zoneID, rec.Inputs["zoneId"])
			assert.Equal(t, c.host+"."+zoneName, rec.Inputs["name"])
			assert.Equal(t, "A", rec.Inputs["type"])
			alias := rec.Inputs["aliases"].([]any)[0]
			assert.Equal(t, c.lbZone, str(alias, "zoneId"), "%s %s: the region's canonical zone of the type", env, c.app)
			assert.True(t, strings.HasSuffix(str(alias, "name"), ".elb.amazonaws.com") || strings.Contains(str(alias, "name"), ".elb."), str(alias, "name"))
			assert.True(t, slices.Contains(rec.Dependencies, c.source), "%s %s: the record waits for the load balancer's hostname", env, c.app)
		}
	}
}

// The public class's parameters of every environment pass the controller's IngressClassParams CRD.
func TestPlannedIngressClassParamsPassTheCRD(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtures.RepoRoot(t), "apps", "testdata", "aws-load-balancer-controller", "ingressclassparams.yaml"))
	require.NoError(t, err)
	validator, err := crdschema.Load(b)
	require.NoError(t, err)
	for env := range workloadAccounts {
		r := workloadStack(t, env).named(typeClassParams, env+"-apps-ingress-class-params")
		obj := map[string]any{"apiVersion": r.Inputs["apiVersion"], "kind": r.Inputs["kind"], "metadata": r.Inputs["metadata"], "spec": r.Inputs["spec"]}
		errs, _ := validator.Validate(obj)
		assert.Empty(t, errs, env)
	}
}
