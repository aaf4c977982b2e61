// Package diagram draws a stack from its plan, as Mermaid (GitHub renders it in Markdown) or Graphviz DOT:
// the organization's OUs and accounts with their SCPs; the Transit Gateway's route domains with their
// associations, propagations and routes; each VPC's subnets per AZ with their routes; the cluster, its node group
// and NodePools, and the database. Everything is read from the planned resources, so a diagram is never stale
// against the code: tests compare the ones the README embeds with what the plan draws.
package diagram

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Graph is a diagram: nested groups of nodes, and edges between nodes.
type Graph struct {
	Group
	Edges []Edge
}

// Group is a box of nodes and further groups (a VPC, an AZ, the hub).
type Group struct {
	ID, Label string
	Nodes     []Node
	Groups    []*Group
}

// Node is one box.
type Node struct{ ID, Label string }

// Edge is an arrow; dashed for what is learnt or attached rather than routed.
type Edge struct {
	From, To, Label string
	Dashed          bool
}

var unsafe = regexp.MustCompile(`[^A-Za-z0-9_]`)

// id turns a resource name into an identifier Mermaid and DOT both accept.
func id(parts ...string) string {
	return unsafe.ReplaceAllString(strings.Join(parts, "_"), "_")
}

func (g *Graph) edge(from, to, label string, dashed bool) {
	g.Edges = append(g.Edges, Edge{from, to, label, dashed})
}

// sortEdges makes the output independent of the order resources were read in.
func (g *Graph) sortEdges() {
	sort.SliceStable(g.Edges, func(i, j int) bool {
		a, b := g.Edges[i], g.Edges[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.To != b.To {
			return a.To < b.To
		}
		return a.Label < b.Label
	})
}

// Mermaid renders a left-to-right flowchart.
func (g *Graph) Mermaid() string {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	var group func(gr *Group, depth int)
	group = func(gr *Group, depth int) {
		ind := strings.Repeat("  ", depth)
		for _, n := range gr.Nodes {
			fmt.Fprintf(&b, "%s%s[\"%s\"]\n", ind, n.ID, quote(n.Label))
		}
		for _, sub := range gr.Groups {
			fmt.Fprintf(&b, "%ssubgraph %s[\"%s\"]\n", ind, sub.ID, quote(sub.Label))
			group(sub, depth+1)
			fmt.Fprintf(&b, "%send\n", ind)
		}
	}
	group(&g.Group, 1)
	for _, e := range g.Edges {
		arrow := "-->"
		if e.Dashed {
			arrow = "-.->"
		}
		if e.Label != "" {
			fmt.Fprintf(&b, "  %s %s|\"%s\"| %s\n", e.From, arrow, quote(e.Label), e.To)
		} else {
			fmt.Fprintf(&b, "  %s %s %s\n", e.From, arrow, e.To)
		}
	}
	return b.String()
}

// DOT renders a Graphviz digraph; groups are clusters.
func (g *Graph) DOT() string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n  rankdir=LR;\n  node [shape=box];\n", id(g.ID))
	var group func(gr *Group, depth int)
	group = func(gr *Group, depth int) {
		ind := strings.Repeat("  ", depth)
		for _, n := range gr.Nodes {
			fmt.Fprintf(&b, "%s%s [label=\"%s\"];\n", ind, n.ID, dotQuote(n.Label))
		}
		for _, sub := range gr.Groups {
			fmt.Fprintf(&b, "%ssubgraph cluster_%s {\n%s  label=\"%s\";\n", ind, sub.ID, ind, dotQuote(sub.Label))
			group(sub, depth+1)
			fmt.Fprintf(&b, "%s}\n", ind)
		}
	}
	group(&g.Group, 1)
	for _, e := range g.Edges {
		var attrs []string
		if e.Label != "" {
			attrs = append(attrs, fmt.Sprintf("label=\"%s\"", dotQuote(e.Label)))
		}
		if e.Dashed {
			attrs = append(attrs, "style=dashed")
		}
		a := ""
		if len(attrs) > 0 {
			a = " [" + strings.Join(attrs, ", ") + "]"
		}
		fmt.Fprintf(&b, "  %s -> %s%s;\n", e.From, e.To, a)
	}
	b.WriteString("}\n")
	return b.String()
}

// quote escapes what Mermaid reads inside a quoted label.
// A label's lines are separated by "\n".
func quote(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, `"`, "#quot;"), "\n", "<br/>")
}

func dotQuote(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`), "\n", `\n`)
}
