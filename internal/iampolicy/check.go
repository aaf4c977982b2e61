package iampolicy

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Kind is what a document is attached to; it decides which elements it may hold.
type Kind string

const (
	// Identity policies are attached to roles; they name no principal.
	Identity Kind = "identity"
	// Trust policies say who may assume a role.
	Trust Kind = "trust"
	// Resource policies (key, bucket, topic, queue, vault) name principals.
	Resource Kind = "resource"
	// SCP is a service control policy: no principal, at most 5,120 characters.
	SCP Kind = "scp"
)

// MaxSCPLength is the AWS Organizations limit on the size of one SCP document.
const MaxSCPLength = 5120

// Catalog is the set of actions and condition keys AWS defines.
type Catalog struct {
	actions  map[string]bool // lowercase service:action
	services map[string]bool
	keys     []keyPattern // service-specific and global condition keys
}

type keyPattern struct {
	exact  string // lowercase, when it has no placeholder
	prefix string // lowercase part before the placeholder
}

// NewCatalog builds a catalog from the reference lists.
func NewCatalog(actions, conditionKeys, globalKeys []string) *Catalog {
	c := &Catalog{actions: map[string]bool{}, services: map[string]bool{}}
	for _, a := range actions {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == "" {
			continue
		}
		c.actions[a] = true
		c.services[strings.SplitN(a, ":", 2)[0]] = true
	}
	for _, k := range append(append([]string{}, conditionKeys...), globalKeys...) {
		k = strings.ToLower(strings.TrimSpace(k))
		if k == "" {
			continue
		}
		if i := strings.Index(k, "${"); i >= 0 {
			c.keys = append(c.keys, keyPattern{prefix: k[:i]})
		} else {
			c.keys = append(c.keys, keyPattern{exact: k})
		}
	}
	return c
}

// HasAction reports whether the action (or the wildcard pattern) names at least one real action.
func (c *Catalog) HasAction(action string) bool {
	a := strings.ToLower(action)
	if a == "*" {
		return true
	}
	svc, name, ok := strings.Cut(a, ":")
	if !ok || !c.services[svc] {
		return false
	}
	if !strings.ContainsAny(name, "*?") {
		return c.actions[a]
	}
	for known := range c.actions {
		if m, _ := path.Match(a, known); m {
			return true
		}
	}
	return false
}

// oidcClaims are the claims IAM exposes as condition keys of an OIDC identity provider, named
// <provider URL without https://>:<claim> (IAM User Guide, "Available keys for OIDC federation").
var oidcClaims = []string{"aud", "sub", "amr", "azp", "email", "oaud"}

// oidcKey matches <host>[/path]:<claim>: the keys of a web-identity trust, which AWS's lists cannot name.
var oidcKey = regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+)+(/[a-z0-9._/-]+)?:([a-z_]+)$`)

// IsOIDCConditionKey reports whether the key is an OIDC provider's claim key (token.actions.githubusercontent.com:sub).
func IsOIDCConditionKey(key string) bool {
	m := oidcKey.FindStringSubmatch(strings.ToLower(key))
	if m == nil || strings.HasSuffix(m[0][:strings.LastIndex(m[0], ":")], ".amazonaws.com") {
		return false
	}
	for _, c := range oidcClaims {
		if m[3] == c {
			return true
		}
	}
	return false
}

// HasConditionKey reports whether the key is a defined service or global condition key, or an OIDC provider's
// claim key.
func (c *Catalog) HasConditionKey(key string) bool {
	k := strings.ToLower(key)
	if IsOIDCConditionKey(k) {
		return true
	}
	for _, p := range c.keys {
		if p.exact != "" && p.exact == k {
			return true
		}
		if p.prefix != "" && strings.HasPrefix(k, p.prefix) && len(k) > len(p.prefix) {
			return true
		}
	}
	return false
}

var sidPattern = regexp.MustCompile(`^[A-Za-z0-9]+$`)

var operatorPattern = regexp.MustCompile(`^(ForAnyValue:|ForAllValues:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike|Null)(IfExists)?$`)

// Check returns every problem of the document as the kind of policy it is.
func (c *Catalog) Check(doc Document, kind Kind) []error {
	var errs []error
	if doc.Version != Version {
		errs = append(errs, fmt.Errorf("Version %q: must be %q", doc.Version, Version))
	}
	if len(doc.Statement) == 0 {
		errs = append(errs, fmt.Errorf("no statements"))
	}
	sids := map[string]bool{}
	for i, s := range doc.Statement {
		at := fmt.Sprintf("Statement[%d]", i)
		if s.Sid != "" && sids[s.Sid] {
			errs = append(errs, fmt.Errorf("%s: Sid %q is used twice", at, s.Sid))
		}
		sids[s.Sid] = true
		errs = append(errs, c.checkStatement(at, s)...)
		errs = append(errs, checkKind(at, s, kind)...)
	}
	if kind == SCP {
		if text, err := doc.JSON(); err == nil && len(text) > MaxSCPLength {
			errs = append(errs, fmt.Errorf("SCP is %d characters: AWS allows %d", len(text), MaxSCPLength))
		}
	}
	return errs
}

// checkStatement checks what every statement must get right: Sid, Effect, actions, resources, conditions.
func (c *Catalog) checkStatement(at string, s Statement) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{at}, args...)...))
	}
	if s.Sid != "" && !sidPattern.MatchString(s.Sid) {
		bad("Sid %q must be alphanumeric", s.Sid)
	}
	if s.Effect != Allow && s.Effect != Deny {
		bad("Effect %q must be Allow or Deny", s.Effect)
	}
	if (len(s.Action) == 0) == (len(s.NotAction) == 0) {
		bad("exactly one of Action and NotAction is required")
	}
	for _, a := range append(append([]string{}, s.Action...), s.NotAction...) {
		if !c.HasAction(a) {
			bad("action %q is not an AWS action", a)
		}
	}
	if len(s.Resource) > 0 && len(s.NotResource) > 0 {
		bad("Resource and NotResource are exclusive")
	}
	for op, keys := range s.Condition {
		if !operatorPattern.MatchString(op) {
			bad("condition operator %q is not an IAM operator", op)
		}
		for k, vals := range keys {
			if !c.HasConditionKey(k) {
				bad("condition key %q is not an AWS condition key", k)
			}
			if len(vals) == 0 {
				bad("condition %s %q has no values", op, k)
			}
		}
	}
	return errs
}

// checkKind checks what the kind of policy requires of a statement: principals, resources, sts actions in trust
// policies, least privilege in identity policies.
func checkKind(at string, s Statement, kind Kind) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{at}, args...)...))
	}
	hasPrincipal := s.Principal != nil || s.NotPrincipal != nil
	switch kind {
	case Identity, SCP:
		if hasPrincipal {
			bad("a %s policy names no principal", kind)
		}
		if len(s.Resource) == 0 && len(s.NotResource) == 0 {
			bad("Resource is required in a %s policy", kind)
		}
	case Trust:
		if s.Principal == nil {
			bad("a trust policy names its principal")
		}
		for _, a := range s.Action {
			if !strings.HasPrefix(strings.ToLower(a), "sts:") {
				bad("trust policies only allow sts actions, not %q", a)
			}
		}
	case Resource:
		if !hasPrincipal {
			bad("a resource policy names its principal")
		}
	}
	if kind == Identity && s.Effect == Allow && slices.Contains(s.Action, "*") {
		bad("Allow of every action is not least privilege")
	}
	return errs
}
