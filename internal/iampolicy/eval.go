package iampolicy

import (
	"fmt"
	"path"
	"strings"
)

// Request is one request a resource policy is asked to allow: a service principal (delivery.logs.amazonaws.com),
// or an account principal (arn:aws:iam::127311923021:root), calling an action on a resource, with the global condition keys the service sends.
type Request struct {
	Service  string
	Action   string
	Resource string
	// Context maps condition keys (aws:SourceAccount) to their values; a key that is absent is not sent.
	Context map[string]string
	// Identity evaluates the document as an identity policy (attached to the caller: statements name no principal).
	Identity bool
}

// Decision is the outcome of evaluating a request against one resource policy.
type Decision struct {
	Allowed bool
	// Reason names the statement that decided (the Deny that matched, or the Allow) or says that none allowed.
	Reason string
}

// Evaluate decides a request the way AWS evaluates one resource policy for a service principal: a matching Deny
// wins, otherwise a matching Allow allows, otherwise the request is implicitly denied. It is deliberately small:
// the string, ARN and Bool operators, with IfExists and ForAnyValue: taken as the single-valued operator;
// a condition with any other operator does not match (so an Allow that needs it does not allow, and a Deny that
// needs it does not deny).
func Evaluate(doc Document, req Request) Decision {
	ctx := make(map[string]string, len(req.Context))
	for k, v := range req.Context {
		ctx[strings.ToLower(k)] = v
	}
	var allowedBy string
	for i, s := range doc.Statement {
		if !s.applies(req, ctx) {
			continue
		}
		switch s.Effect {
		case Deny:
			return Decision{Allowed: false, Reason: "denied by statement " + s.name(i)}
		case Allow:
			if allowedBy == "" {
				allowedBy = s.name(i)
			}
		}
	}
	if allowedBy != "" {
		return Decision{Allowed: true, Reason: "allowed by statement " + allowedBy}
	}
	return Decision{Allowed: false, Reason: "no Allow statement matches"}
}

func (s Statement) name(i int) string {
	if s.Sid != "" {
		return fmt.Sprintf("%q", s.Sid)
	}
	return fmt.Sprintf("%d", i)
}

// applies reports whether every element of the statement matches the request.
func (s Statement) applies(req Request, ctx map[string]string) bool {
	switch {
	case req.Identity:
		if s.Principal != nil || s.NotPrincipal != nil {
			return false
		}
	case s.Principal != nil:
		if !s.Principal.names(req.Service) {
			return false
		}
	case s.NotPrincipal != nil:
		if s.NotPrincipal.names(req.Service) {
			return false
		}
	default:
		return false
	}
	if len(s.Action) > 0 && !anyGlob(s.Action, req.Action, true) {
		return false
	}
	if len(s.NotAction) > 0 && anyGlob(s.NotAction, req.Action, true) {
		return false
	}
	if len(s.Resource) > 0 && !anyGlob(s.Resource, req.Resource, false) {
		return false
	}
	if len(s.NotResource) > 0 && anyGlob(s.NotResource, req.Resource, false) {
		return false
	}
	for op, keys := range s.Condition {
		for key, values := range keys {
			if !conditionHolds(op, ctx, strings.ToLower(key), values) {
				return false
			}
		}
	}
	return true
}

// names reports whether the principal element covers a service principal, or an AWS account principal given as
// arn:aws:iam::<account>:root ("*" covers everyone).
func (p *Principal) names(service string) bool {
	for _, a := range p.AWS {
		if a == "*" || strings.EqualFold(a, service) {
			return true
		}
		// An account's root principal covers every IAM principal of the account.
		if acct, ok := strings.CutSuffix(strings.TrimPrefix(a, "arn:aws:iam::"), ":root"); ok && strings.HasPrefix(service, "arn:aws:iam::"+acct+":") {
			return true
		}
	}
	for _, svc := range p.Service {
		if strings.EqualFold(svc, service) {
			return true
		}
	}
	return false
}

// conditionHolds evaluates one operator on one key against the values (any value matching is enough).
func conditionHolds(op string, ctx map[string]string, key string, values []string) bool {
	base := strings.TrimPrefix(strings.TrimPrefix(op, "ForAnyValue:"), "ForAllValues:")
	ifExists := strings.HasSuffix(base, "IfExists")
	base = strings.TrimSuffix(base, "IfExists")
	got, present := ctx[key]
	negated := base == "StringNotEquals" || base == "ArnNotLike" || base == "ArnNotEquals"
	switch base {
	case "StringEquals", "StringNotEquals", "StringLike", "ArnEquals", "ArnLike", "ArnNotLike", "ArnNotEquals", "Bool":
	default:
		return false
	}
	if !present {
		// A negated operator holds for a key the request does not carry; IfExists makes any operator hold.
		return ifExists || negated
	}
	match := false
	for _, v := range values {
		switch base {
		case "StringEquals", "StringNotEquals":
			match = got == v
		case "StringLike", "ArnEquals", "ArnLike", "ArnNotLike", "ArnNotEquals":
			match = glob(v, got, false)
		case "Bool":
			match = strings.EqualFold(got, v)
		}
		if match {
			break
		}
	}
	if negated {
		return !match
	}
	return match
}

func anyGlob(patterns []string, s string, foldCase bool) bool {
	for _, p := range patterns {
		if glob(p, s, foldCase) {
			return true
		}
	}
	return false
}

// glob matches IAM wildcards: * is any run of characters (slashes included), ? is one character.
func glob(pattern, s string, foldCase bool) bool {
	if foldCase {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	// path.Match stops * at '/', which IAM does not; matching each '/'-free piece would be wrong too, so
	// translate to a pattern over a string with no slashes.
	const slash = "\x00"
	pattern = strings.ReplaceAll(escapeMeta(pattern), "/", slash)
	s = strings.ReplaceAll(s, "/", slash)
	ok, err := path.Match(pattern, s)
	return err == nil && ok
}

// escapeMeta escapes the path.Match metacharacters IAM does not have ([, ], \).
func escapeMeta(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r == '[' || r == ']' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Like matches a value against an IAM wildcard pattern the way ARN and string conditions and resource elements
// do: * is any run of characters (slashes included), ? is one character, case-sensitive.
func Like(pattern, value string) bool { return glob(pattern, value, false) }

// CoversAction reports whether the statement's action element applies to an action: an Action pattern matches
// it (case-insensitively, as IAM matches actions), or a NotAction is given and none of its patterns does.
// A pattern is matched against the action as written, so kms:* covers "kms:GenerateDataKey*" and
// kms:GenerateDataKey does not.
func (s Statement) CoversAction(action string) bool {
	if len(s.Action) > 0 {
		return anyGlob(s.Action, action, true)
	}
	return len(s.NotAction) > 0 && !anyGlob(s.NotAction, action, true)
}

// CoversResource reports whether the statement's resource element applies to a resource ARN: a Resource
// pattern matches it, or a NotResource is given and none of its patterns does.
func (s Statement) CoversResource(arn string) bool {
	if len(s.Resource) > 0 {
		return anyGlob(s.Resource, arn, false)
	}
	return len(s.NotResource) > 0 && !anyGlob(s.NotResource, arn, false)
}
