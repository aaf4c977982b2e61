package readiness

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/innovate-inc/platform/internal/plan"
)

const typeFirewallRuleGroup = "aws:networkfirewall/ruleGroup:RuleGroup"

// chartTypes are the Helm resources whose chart, repository and values name registries.
var chartTypes = []string{"kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Release"}

// registryCDNs are the hosts a registry redirects layer downloads to: pulling through an egress allow-list that
// admits the registry but not these fails at the first layer. A host with * stands for a family of hosts.
var registryCDNs = map[string][]string{
	// aws/eks-anywhere docs/content/en/docs/osmgmt/artifacts.md: ECR Public images come from these CloudFront hosts.
	"public.ecr.aws": {"d2glxqk2uabbnd.cloudfront.net", "d5l0dvt14r5h8.cloudfront.net"},
	// kubernetes/registry.k8s.io cmd/archeio: blobs redirect to the regional S3 buckets prod-registry-k8s-io-<region>
	// (clients in AWS) or to Artifact Registry (*.pkg.dev); its README warns the backends change without notice.
	"registry.k8s.io": {"prod-registry-k8s-io-*.s3.dualstack.*.amazonaws.com", "*.pkg.dev"},
	// ghcr.io redirects blob downloads (GET /v2/<name>/blobs/<digest>) to this host.
	"ghcr.io": {"pkg-containers.githubusercontent.com"},
	// docker/docs content/manuals/desktop/setup/allow-list.md: registry, token service and layer CDN.
	"docker.io": {"registry-1.docker.io", "auth.docker.io", "production.cloudflare.docker.com"},
	// Red Hat, "Firewall changes for container image pulls" (access.redhat.com/articles/7001746): Quay.io CDN.
	"quay.io": {"cdn01.quay.io", "cdn02.quay.io", "cdn03.quay.io"},
}

// privateECR is a private ECR registry host: reached through the VPC's ECR endpoints, not the firewall.
var privateECR = regexp.MustCompile(`^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$`)

var registriesReachable = Rule{
	ID:       "DR021",
	Title:    "registries-reachable",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateful-rule-groups-domain-names.html",
}

// Workload egress leaves through the network layer's firewall, which passes only the domains of its allow-list
// (TLS SNI, HTTP Host). A chart or image registry outside it, or the CDN its layers come from, fails the install
// (or leaves pods in ImagePullBackOff) long after the plan looked fine.
func checkRegistriesReachable(res *plan.Result) []plan.Finding {
	var allow []string
	var groups []string
	network := false
	for _, s := range allStacks(res) {
		if s.Layer != "network" {
			continue
		}
		network = true
		for _, g := range inStack(s, typeFirewallRuleGroup) {
			src := path(inputs(g.res), "ruleGroup", "rulesSource", "rulesSourceList")
			if str(src, "generatedRulesType") != "ALLOWLIST" {
				continue
			}
			groups = append(groups, g.res.Name)
			allow = append(allow, stringList(src, "targets")...)
		}
	}
	if !network || len(groups) == 0 {
		return nil // no network layer in the plan, or one that does not filter domains
	}
	var out []plan.Finding
	for _, typ := range chartTypes {
		for _, l := range ofType(res, typ) {
			for _, ref := range registryReferences(inputs(l.res)) {
				if privateECR.MatchString(ref.host) {
					continue
				}
				if !allowed(allow, ref.host) {
					out = append(out, registriesReachable.finding(l.res.URN, fmt.Sprintf(
						"%s pulls %s from %s, which the network firewall allow-list (%s) does not admit",
						l.res.Name, ref.what, ref.host, strings.Join(groups, ", "))))
				}
				for _, cdn := range registryCDNs[ref.host] {
					if !allowed(allow, cdn) {
						out = append(out, registriesReachable.finding(l.res.URN, fmt.Sprintf(
							"%s pulls %s from %s, whose layers are served from %s, which the network firewall allow-list (%s) does not admit",
							l.res.Name, ref.what, ref.host, cdn, strings.Join(groups, ", "))))
					}
				}
			}
		}
	}
	return out
}

// registryReference is a registry host a chart resource pulls from, and what it pulls.
type registryReference struct {
	host, what string
}

// registryReferences returns the registries of a chart resource's inputs, each host once: the OCI chart, the
// chart repository, and every image of the values (a map under "image" with a "repository").
func registryReferences(in any) []registryReference {
	seen := map[string]bool{}
	var out []registryReference
	add := func(host, what string) {
		host = strings.ToLower(host)
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if host == "" || seen[host] {
			return
		}
		seen[host] = true
		out = append(out, registryReference{host, what})
	}
	if rest, ok := strings.CutPrefix(str(in, "chart"), "oci://"); ok {
		host, _, _ := strings.Cut(rest, "/")
		add(host, "its chart")
	}
	if u, err := url.Parse(str(in, "repositoryOpts", "repo")); err == nil && u.Host != "" {
		add(u.Host, "its chart")
	}
	var images []string
	walkImages(path(in, "values"), &images)
	sort.Strings(images)
	for _, img := range images {
		add(imageRegistry(img), "image "+img)
	}
	return out
}

// walkImages collects, recursively, the repository of every map under a key "image" (with its registry, when
// the chart splits the two).
func walkImages(v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			if repo := str(child, "repository"); k == "image" && repo != "" {
				if reg := str(child, "registry"); reg != "" {
					repo = reg + "/" + repo
				}
				*out = append(*out, repo)
			}
			walkImages(child, out)
		}
	case []any:
		for _, child := range x {
			walkImages(child, out)
		}
	}
}

// imageRegistry is the registry host of an image reference: its first path segment when that looks like a host
// (a dot, a port, or localhost), else Docker Hub.
func imageRegistry(image string) string {
	first, _, found := strings.Cut(image, "/")
	if found && (strings.ContainsAny(first, ".:") || first == "localhost") {
		return first
	}
	return "docker.io"
}

// allowed reports whether an allow-list admits a host: a target ".example.com" admits example.com and its
// subdomains, any other target only itself. A host with * (a family of hosts) is admitted only by a
// ".domain" target that every host of the family falls under.
func allowed(targets []string, host string) bool {
	host = strings.ToLower(host)
	for _, t := range targets {
		t = strings.ToLower(t)
		if i := strings.LastIndex(host, "*"); i >= 0 {
			if strings.HasPrefix(t, ".") && strings.HasSuffix(host[i+1:], t) {
				return true
			}
			continue
		}
		if d, ok := strings.CutPrefix(t, "."); ok {
			if host == d || strings.HasSuffix(host, t) {
				return true
			}
		} else if host == t {
			return true
		}
	}
	return false
}
