package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteJSON prints the plan as one JSON document.
func WriteJSON(w io.Writer, r *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText prints, per stack, a tree in the spirit of `pulumi preview` (type, name, under its parent), the counts
// by type and the stack outputs. The same config gives byte-identical output.
func WriteText(w io.Writer, r *Result) error {
	var b strings.Builder
	for i, s := range r.Stacks {
		if i > 0 {
			b.WriteString("\n")
		}
		refs := "none"
		if len(s.References) > 0 {
			refs = strings.Join(s.References, ", ")
		}
		fmt.Fprintf(&b, "Stack %s/%s  (layer %s, reads %s)\n", r.Project, s.Name, s.Layer, refs)
		writeTree(&b, s.Resources)
		writeCounts(&b, s.Resources)
		writeOutputs(&b, s.Outputs)
		writeFindings(&b, s.Findings)
		if s.Cost != nil {
			fmt.Fprintf(&b, "\n  monthly cost (estimate): $%.2f\n", s.Cost.Monthly)
		}
		writeAZFailure(&b, s.AZFailure)
		writeCriticalPath(&b, s.CriticalPath)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeTree prints the resources as the tree of their parents, each with where it lives and its protections.
func writeTree(b *strings.Builder, resources []Resource) {
	children := map[string][]Resource{}
	known := map[string]bool{}
	for _, res := range resources {
		known[res.URN] = true
	}
	for _, res := range resources {
		parent := res.Parent
		if !known[parent] {
			parent = ""
		}
		children[parent] = append(children[parent], res)
	}
	for _, list := range children {
		sort.Slice(list, func(i, j int) bool {
			if list[i].Type != list[j].Type {
				return list[i].Type < list[j].Type
			}
			return list[i].Name < list[j].Name
		})
	}
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		for _, res := range children[parent] {
			var flags []string
			if res.Protect {
				flags = append(flags, "protect")
			}
			if res.RetainOnDelete {
				flags = append(flags, "retain")
			}
			if len(res.IgnoreChanges) > 0 {
				flags = append(flags, "ignoreChanges="+strings.Join(res.IgnoreChanges, ","))
			}
			where := ""
			if res.Account != "" {
				where = fmt.Sprintf("  @%s/%s", res.Account, res.Region)
			}
			flag := ""
			if len(flags) > 0 {
				flag = "  [" + strings.Join(flags, " ") + "]"
			}
			fmt.Fprintf(b, "  %s+ %-60s %s%s%s\n", strings.Repeat("  ", depth), res.Type, res.Name, where, flag)
			walk(res.URN, depth+1)
		}
	}
	walk("", 0)
}

// writeCounts prints how many resources of each type the stack creates.
func writeCounts(b *strings.Builder, resources []Resource) {
	counts := map[string]int{}
	for _, res := range resources {
		counts[res.Type]++
	}
	types := make([]string, 0, len(counts))
	for t := range counts {
		types = append(types, t)
	}
	sort.Strings(types)
	fmt.Fprintf(b, "\n  Resources: %d to create\n", len(resources))
	for _, t := range types {
		fmt.Fprintf(b, "    %4d %s\n", counts[t], t)
	}
}

// writeOutputs prints the stack outputs, sorted, as JSON values.
func writeOutputs(b *strings.Builder, outputs map[string]any) {
	b.WriteString("\n  Outputs:\n")
	keys := make([]string, 0, len(outputs))
	for k := range outputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, _ := json.Marshal(outputs[k])
		fmt.Fprintf(b, "    %s: %s\n", k, v)
	}
}

// writeFindings prints a stack's findings, one a line: `ID severity resource: message (doc)`, then the controls a
// policy-pack finding implements and, when the stack waives it, the waiver.
func writeFindings(b *strings.Builder, findings []Finding) {
	if len(findings) == 0 {
		b.WriteString("\n  findings: none\n")
		return
	}
	waived := 0
	for _, f := range findings {
		if f.Waiver != nil {
			waived++
		}
	}
	if waived > 0 {
		fmt.Fprintf(b, "\n  findings: %d (%d waived)\n", len(findings), waived)
	} else {
		fmt.Fprintf(b, "\n  findings: %d\n", len(findings))
	}
	for _, f := range findings {
		where := ""
		if f.Resource != "" {
			where = " " + f.Resource
		}
		fmt.Fprintf(b, "    %s %s%s: %s (%s)\n", f.Rule, f.Severity, where, f.Message, f.Doc)
		if len(f.Controls) > 0 {
			fmt.Fprintf(b, "      controls: %s\n", strings.Join(f.Controls, ", "))
		}
		if f.Waiver != nil {
			fmt.Fprintf(b, "      waived until %s: %s\n", f.Waiver.Expires, f.Waiver.Reason)
		}
	}
}

// WriteCost prints each stack's estimated monthly cost, line by line, and the totals by environment.
func WriteCost(w io.Writer, r *Result) error {
	var b strings.Builder
	for _, s := range r.Stacks {
		if s.Cost == nil {
			continue
		}
		fmt.Fprintf(&b, "Stack %s (environment %s): $%.2f a month\n", s.Name, s.Cost.Environment, s.Cost.Monthly)
		for _, l := range s.Cost.Lines {
			fmt.Fprintf(&b, "  %10.2f  %-28s %8g x %-30s %s\n", l.Monthly, l.Item, l.Quantity, l.Unit, l.Basis)
		}
	}
	if r.Cost != nil {
		envs := make([]string, 0, len(r.Cost.Environments))
		for e := range r.Cost.Environments {
			envs = append(envs, e)
		}
		sort.Strings(envs)
		fmt.Fprintf(&b, "\nBy environment (%s, prices as of %s):\n", r.Cost.Currency, r.Cost.PricesAsOf)
		for _, e := range envs {
			fmt.Fprintf(&b, "  %-10s %10.2f\n", e, r.Cost.Environments[e])
		}
		fmt.Fprintf(&b, "  %-10s %10.2f\n", "total", r.Cost.Total)
		for _, a := range r.Cost.Assumptions {
			fmt.Fprintf(&b, "  assumption: %s\n", a)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeAZFailure prints the AZ-failure verdicts: a line per passing check, a line per accepted or failing one.
func writeAZFailure(b *strings.Builder, a *AZFailure) {
	if a == nil {
		return
	}
	if len(a.Zones) == 0 {
		b.WriteString("\n  az failure: no subnets, nothing zonal\n")
		return
	}
	verdict := "survives the loss of any one AZ"
	if !a.Survives {
		verdict = "has single-AZ dependencies"
	}
	fmt.Fprintf(b, "\n  az failure (%s): %s\n", strings.Join(a.Zones, ", "), verdict)
	for _, v := range a.Verdicts {
		where := ""
		if v.Resource != "" {
			where = " " + v.Resource
		}
		zone := ""
		if v.Zone != "" {
			zone = " [lose " + v.Zone + "]"
		}
		fmt.Fprintf(b, "    %-8s %-9s%s%s: %s\n", v.Status, v.Check, where, zone, v.Message)
	}
}

// writeCriticalPath prints the estimated `pulumi up` time and its longest chain.
func writeCriticalPath(b *strings.Builder, c *CriticalPath) {
	if c == nil {
		return
	}
	fmt.Fprintf(b, "\n  pulumi up (estimate): %s on the critical path (%s if created one at a time)\n",
		minutes(c.Seconds), minutes(c.SerialSeconds))
	for _, s := range c.Chain {
		fmt.Fprintf(b, "    %7s +%-6s %s %s\n", minutes(s.Start), minutes(s.Seconds), s.Type, s.Name)
	}
}

func minutes(sec int) string {
	return fmt.Sprintf("%dm%02ds", sec/60, sec%60)
}
