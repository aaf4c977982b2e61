// Package stackref holds one typed adapter per upstream stack.
//
// The Go SDK has no RequireOutput and a missing key silently reads as nil, so every adapter requires each key it
// reads and fails with the reading stack, the upstream stack and the key named, before any resource is built.
// The output key names are constants here, used by the producing layer's exports and by the adapter alike.
package stackref

import (
	"errors"
	"fmt"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Name is the fully qualified name of a stack of this project: <pulumiOrg>/<project>/<stack>.
func Name(pulumiOrg, project, stack string) string {
	return fmt.Sprintf("%s/%s/%s", pulumiOrg, project, stack)
}

// ref reads required outputs of one upstream stack and collects every problem.
type ref struct {
	ctx      *pulumi.Context
	reader   string
	upstream string
	sr       *pulumi.StackReference
	errs     []error
}

func open(ctx *pulumi.Context, pulumiOrg, upstream string) (*ref, error) {
	fq := Name(pulumiOrg, ctx.Project(), upstream)
	sr, err := pulumi.NewStackReference(ctx, fq, nil)
	if err != nil {
		return nil, fmt.Errorf("stack %q: reading stack %q: %w", ctx.Stack(), fq, err)
	}
	return &ref{ctx: ctx, reader: ctx.Stack(), upstream: upstream, sr: sr}, nil
}

func (r *ref) value(key string) (any, bool) {
	d, err := r.sr.GetOutputDetails(key)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("stack %q: reading output %q of stack %q: %w", r.reader, key, r.upstream, err))
		return nil, false
	}
	v := d.Value
	if v == nil {
		v = d.SecretValue
	}
	if v == nil {
		r.errs = append(r.errs, fmt.Errorf("stack %q reads output %q of stack %q, which does not export it (deploy %q first, or check the key)",
			r.reader, key, r.upstream, r.upstream))
		return nil, false
	}
	return v, true
}

func (r *ref) wrongType(key, want string, got any) {
	r.errs = append(r.errs, fmt.Errorf("stack %q reads output %q of stack %q as %s, but it is %T", r.reader, key, r.upstream, want, got))
}

func (r *ref) string(key string) string {
	v, ok := r.value(key)
	if !ok {
		return ""
	}
	s, ok := v.(string)
	if !ok || s == "" {
		r.wrongType(key, "a non-empty string", v)
	}
	return s
}

func (r *ref) stringSlice(key string) []string {
	v, ok := r.value(key)
	if !ok {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		r.wrongType(key, "a list of strings", v)
		return nil
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			r.wrongType(key, "a list of strings", v)
			return nil
		}
		out = append(out, s)
	}
	return out
}

func (r *ref) stringMap(key string) map[string]string {
	v, ok := r.value(key)
	if !ok {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		r.wrongType(key, "a map of strings", v)
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		s, ok := x.(string)
		if !ok {
			r.wrongType(key, "a map of strings", v)
			return nil
		}
		out[k] = s
	}
	return out
}

// require checks that a map read from upstream holds the keys the reader needs.
func (r *ref) require(key string, m map[string]string, need ...string) {
	var missing []string
	for _, n := range need {
		if m[n] == "" {
			missing = append(missing, n)
		}
	}
	sort.Strings(missing)
	for _, n := range missing {
		r.errs = append(r.errs, fmt.Errorf("stack %q reads %s[%q] of stack %q, which does not export it", r.reader, key, n, r.upstream))
	}
}

func (r *ref) err() error { return errors.Join(r.errs...) }
