package plandiff

import (
	"fmt"
	"io"
	"strings"
)

var symbols = map[Kind]string{Add: "+", Remove: "-", Replace: "+-", Update: "~"}

func summary(d StackDiff) string {
	s := fmt.Sprintf("%d to add, %d to change, %d to replace, %d to remove",
		d.Count(Add), d.Count(Update), d.Count(Replace), d.Count(Remove))
	switch {
	case d.New:
		s += " (new stack)"
	case d.Gone:
		s += " (stack no longer planned)"
	}
	return s
}

// detail is what follows a change's name: its changed keys, what forces replacement, protection.
func detail(c Change) string {
	var parts []string
	if len(c.Keys) > 0 {
		parts = append(parts, strings.Join(c.Keys, ", "))
	}
	if len(c.ReplaceKeys) > 0 {
		parts = append(parts, "replaced because of "+strings.Join(c.ReplaceKeys, ", "))
	}
	if c.Protected {
		parts = append(parts, "PROTECTED: pulumi up refuses to delete it")
	}
	return strings.Join(parts, "; ")
}

// WriteText prints the diff for a terminal.
func WriteText(w io.Writer, diffs []StackDiff) error {
	var b strings.Builder
	if len(diffs) == 0 {
		b.WriteString("No changes: both plans register the same resources with the same inputs.\n")
	}
	for i, d := range diffs {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "stack %s: %s\n", d.Name, summary(d))
		for _, c := range d.Changes {
			fmt.Fprintf(&b, "  %-2s %s  %s", symbols[c.Kind], c.Type, c.Name)
			if s := detail(c); s != "" {
				fmt.Fprintf(&b, "  (%s)", s)
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// MarkdownMarker starts every comment WriteMarkdown produces, so a workflow can find and update its own comment.
const MarkdownMarker = "<!-- platform-diff -->"

// WriteMarkdown prints the diff as a pull request comment: a summary table, then the changes of each stack in a
// collapsed section (replacements and removals first: they are what a reviewer must see).
func WriteMarkdown(w io.Writer, diffs []StackDiff) error {
	var b strings.Builder
	b.WriteString(MarkdownMarker + "\n### Offline plan diff\n\n")
	if len(diffs) == 0 {
		b.WriteString("No changes: both plans register the same resources with the same inputs.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString("| stack | add | change | replace | remove |\n| --- | ---: | ---: | ---: | ---: |\n")
	for _, d := range diffs {
		name := "`" + d.Name + "`"
		if d.New {
			name += " (new)"
		} else if d.Gone {
			name += " (gone)"
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s |\n", name, d.Count(Add), d.Count(Update), bold(d.Count(Replace)), bold(d.Count(Remove)))
	}
	for _, d := range diffs {
		if len(d.Changes) == 0 {
			continue
		}
		open := ""
		if d.Count(Replace)+d.Count(Remove) > 0 {
			open = " open"
		}
		fmt.Fprintf(&b, "\n<details%s><summary><code>%s</code>: %s</summary>\n\n", open, d.Name, summary(d))
		b.WriteString("| | type | name | changed inputs |\n| --- | --- | --- | --- |\n")
		for _, c := range d.Changes {
			fmt.Fprintf(&b, "| `%s` | `%s` | `%s` | %s |\n", symbols[c.Kind], c.Type, c.Name, mdEscape(detail(c)))
		}
		b.WriteString("\n</details>\n")
	}
	b.WriteString("\nFrom `platform diff` over the offline plans of the base and head commits: no credentials, inputs compared by key, values never shown.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func bold(n int) string {
	if n == 0 {
		return "0"
	}
	return fmt.Sprintf("**%d**", n)
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
