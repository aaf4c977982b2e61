package config

import (
	"regexp"
	"slices"
	"strings"
)

// Ingress is how users and other systems reach the applications: the frontend behind an internet-facing
// Application Load Balancer (HTTPS with an ACM certificate, HTTP redirected), the backend behind an internal
// Network Load Balancer, both named in the environment's zone. The AWS Load Balancer Controller creates the load
// balancers from the Ingress and the Service the platform registers.
type Ingress struct {
	// FrontendHost and BackendHost are the names of the frontend's ALB and the backend's NLB in the environment's
	// zone (<host>.<env>.<domain>): a DNS label each. Defaults "app" and "api".
	FrontendHost string `json:"frontendHost,omitempty"`
	BackendHost  string `json:"backendHost,omitempty"`
	// SSLPolicy is the ALB's HTTPS security policy: TLS 1.2 and later only. Default
	// ELBSecurityPolicy-TLS13-1-2-2021-06 (TLS 1.3 and 1.2, forward secrecy), the console's recommended policy.
	SSLPolicy string `json:"sslPolicy,omitempty"`
	// BackendSourceCIDRs reach the internal NLB (its security group); default the environment's VPC.
	BackendSourceCIDRs []string `json:"backendSourceCidrs,omitempty"`
	// WAF puts a regional AWS WAF web ACL (AWS managed rule groups and a per-IP rate limit) in front of the ALB:
	// about $10 a month plus $0.60 per million requests. Off by default (seed: optional).
	WAF bool `json:"waf,omitempty"`
	// ShieldAdvanced asks the controller to protect the ALB with AWS Shield Advanced. The organization must hold a
	// Shield Advanced subscription ($3,000 a month, one-year commitment), which this program never buys. Off by
	// default (seed: optional).
	ShieldAdvanced bool `json:"shieldAdvanced,omitempty"`
}

// Defaults of the ingress settings.
const (
	DefaultFrontendHost = "app"
	DefaultBackendHost  = "api"
	DefaultSSLPolicy    = "ELBSecurityPolicy-TLS13-1-2-2021-06"
)

// TLS12SSLPolicies are the ALB security policies that refuse TLS 1.0 and 1.1 (Elastic Load Balancing, "Security
// policies for your Application Load Balancer": the TLS13 family and the TLS-1-2 and FS-1-2 policies).
var TLS12SSLPolicies = []string{
	"ELBSecurityPolicy-TLS13-1-2-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
	"ELBSecurityPolicy-TLS13-1-3-2021-06",
	"ELBSecurityPolicy-TLS-1-2-2017-01",
	"ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
	"ELBSecurityPolicy-FS-1-2-2019-08",
	"ELBSecurityPolicy-FS-1-2-Res-2019-08",
	"ELBSecurityPolicy-FS-1-2-Res-2020-10",
}

var dnsLabelPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

func (i *Ingress) fillDefaults() {
	setString(&i.FrontendHost, DefaultFrontendHost)
	setString(&i.BackendHost, DefaultBackendHost)
	setString(&i.SSLPolicy, DefaultSSLPolicy)
}

func (i Ingress) validate(p *problems, path keyPath) {
	for _, h := range []struct{ key, value string }{{"frontendHost", i.FrontendHost}, {"backendHost", i.BackendHost}} {
		if h.value != "" && !dnsLabelPattern.MatchString(h.value) {
			p.bad(path.Field(h.key), h.value, "is not a DNS label (lower-case letters, digits and hyphens, at most 63)")
		}
	}
	if i.FrontendHost != "" && i.FrontendHost == i.BackendHost {
		p.bad(path.Field("backendHost"), i.BackendHost, "is the frontend's name too: the ALB and the NLB need a name each")
	}
	if i.SSLPolicy != "" && !slices.Contains(TLS12SSLPolicies, i.SSLPolicy) {
		p.bad(path.Field("sslPolicy"), i.SSLPolicy, "is not an ALB security policy limited to TLS 1.2 and later: allowed are %s", strings.Join(TLS12SSLPolicies, ", "))
	}
	for n, c := range i.BackendSourceCIDRs {
		key := path.Field("backendSourceCidrs").Index(n)
		pfx, err := parseAny(c)
		switch {
		case err != nil:
			p.bad(key, c, "%v", err)
		case !pfx.Addr().IsPrivate():
			p.bad(key, c, "is not a private range: the backend's load balancer is internal")
		}
	}
}

// Mesh configures the optional service mesh. AWS App Mesh reached end of support on 2026-09-30; the platform
// offers Istio in ambient mode instead, off by default.
type Mesh struct {
	// Istio installs Istio (base, istiod, the Istio CNI node agent and ztunnel, all from the project's charts) in
	// ambient mode and enrols the application namespaces with STRICT mutual TLS.
	Istio bool `json:"istio,omitempty"`
}
