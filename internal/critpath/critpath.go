// Package critpath estimates how long `pulumi up` takes to create each stack from nothing: the longest chain of
// creations through the planned dependency graph, each resource weighted by the typical creation time of its
// type (data/durations.json: per type the seconds and a source, or "estimate"). A resource waits for its
// dependencies (explicit dependsOn and input references; a component stands for every resource under it), for
// its parent and for its provider, as the engine makes it; everything else runs in parallel.
package critpath

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/innovate-inc/platform/internal/plan"
)

//go:embed data/durations.json
var durationsJSON []byte

// Duration is one row of the table: the creation time of a type, optionally only when inputs have given values.
type Duration struct {
	Type    string         `json:"type"`
	When    map[string]any `json:"when,omitempty"`
	Seconds int            `json:"seconds"`
	Source  string         `json:"source"`
	Note    string         `json:"note,omitempty"`
}

// Table is the creation times and the default for a custom resource the table does not list.
type Table struct {
	DefaultSeconds int        `json:"defaultSeconds"`
	DefaultSource  string     `json:"defaultSource"`
	Durations      []Duration `json:"durations"`
}

// Durations returns the shipped table.
func Durations() (Table, error) {
	var t Table
	if err := json.Unmarshal(durationsJSON, &t); err != nil {
		return t, fmt.Errorf("internal/critpath/data/durations.json: %w", err)
	}
	return t, nil
}

// Seconds is the creation time of a resource: the first matching row, else the default for a custom resource;
// components and providers take no time of their own.
func (t Table) Seconds(r plan.Resource) int {
	for _, d := range t.Durations {
		if d.Type != r.Type {
			continue
		}
		match := true
		for k, v := range d.When {
			if fmt.Sprint(r.Inputs[k]) != fmt.Sprint(v) {
				match = false
			}
		}
		if match {
			return d.Seconds
		}
	}
	if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
		return 0
	}
	return t.DefaultSeconds
}

// Analyze fills the CriticalPath of every reported stack.
func Analyze(res *plan.Result, t Table) {
	for i := range res.Stacks {
		res.Stacks[i].CriticalPath = Stack(res.Stacks[i], t)
	}
}

// graph is a stack's resources by URN with their creation times and children.
type graph struct {
	t        Table
	byURN    map[string]plan.Resource
	children map[string][]string
	finish   map[string]int
	best     map[string]string // the predecessor that finishes last
	visiting map[string]bool
}

func newGraph(s plan.StackPlan, t Table) *graph {
	g := &graph{t: t, byURN: map[string]plan.Resource{}, children: map[string][]string{}, finish: map[string]int{},
		best: map[string]string{}, visiting: map[string]bool{}}
	for _, r := range s.Resources {
		g.byURN[r.URN] = r
	}
	for _, r := range s.Resources {
		if _, ok := g.byURN[r.Parent]; ok {
			g.children[r.Parent] = append(g.children[r.Parent], r.URN)
		}
	}
	return g
}

// isComponent: a registration that is not a cloud resource and takes no time itself.
func (g *graph) isComponent(urn string) bool {
	r := g.byURN[urn]
	return !r.Custom && g.t.Seconds(r) == 0
}

// descendants are every resource under a component.
func (g *graph) descendants(urn string) []string {
	var out []string
	for _, c := range g.children[urn] {
		out = append(out, c)
		out = append(out, g.descendants(c)...)
	}
	return out
}

// preds are what a resource waits for before it is created.
func (g *graph) preds(urn string) []string {
	r := g.byURN[urn]
	var out []string
	for _, d := range r.Dependencies {
		if _, ok := g.byURN[d]; !ok {
			continue
		}
		out = append(out, d)
		if g.isComponent(d) {
			out = append(out, g.descendants(d)...)
		}
	}
	if _, ok := g.byURN[r.Parent]; ok {
		out = append(out, r.Parent)
	}
	if i := strings.LastIndex(r.Provider, "::"); i > 0 {
		if _, ok := g.byURN[r.Provider[:i]]; ok {
			out = append(out, r.Provider[:i])
		}
	}
	return out
}

// end is when a resource's creation finishes; a cycle (a child depending on its own component) counts as zero.
func (g *graph) end(urn string) int {
	if f, ok := g.finish[urn]; ok {
		return f
	}
	if g.visiting[urn] {
		return 0
	}
	g.visiting[urn] = true
	start := 0
	for _, p := range g.preds(urn) {
		if p == urn {
			continue
		}
		if f := g.end(p); f > start || (f == start && g.best[urn] == "") {
			start, g.best[urn] = f, p
		}
	}
	delete(g.visiting, urn)
	g.finish[urn] = start + g.t.Seconds(g.byURN[urn])
	return g.finish[urn]
}

// Stack computes one stack's critical path.
func Stack(s plan.StackPlan, t Table) *plan.CriticalPath {
	g := newGraph(s, t)
	out := &plan.CriticalPath{Chain: []plan.ChainStep{}}
	urns := make([]string, 0, len(g.byURN))
	for u := range g.byURN {
		urns = append(urns, u)
	}
	sort.Strings(urns)
	last := ""
	for _, u := range urns {
		out.SerialSeconds += t.Seconds(g.byURN[u])
		if f := g.end(u); f > out.Seconds {
			out.Seconds, last = f, u
		}
	}
	for u := last; u != ""; u = g.best[u] {
		r := g.byURN[u]
		if d := t.Seconds(r); d > 0 {
			out.Chain = append(out.Chain, plan.ChainStep{Type: r.Type, Name: r.Name, Start: g.finish[u] - d, Seconds: d})
		}
	}
	for i, j := 0, len(out.Chain)-1; i < j; i, j = i+1, j-1 {
		out.Chain[i], out.Chain[j] = out.Chain[j], out.Chain[i]
	}
	return out
}

// WaitsFor lists every resource a resource waits for, directly or through others, by URN.
func WaitsFor(s plan.StackPlan, urn string) map[string]bool {
	g := newGraph(s, Table{})
	seen := map[string]bool{}
	var walk func(string)
	walk = func(u string) {
		for _, p := range g.preds(u) {
			if !seen[p] {
				seen[p] = true
				walk(p)
			}
		}
	}
	walk(urn)
	return seen
}
