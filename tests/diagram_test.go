package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/diagram"
)

// UpdateDiagramsEnv rewrites the Mermaid diagrams the docs embed when set to 1:
// UPDATE_DIAGRAMS=1 go test ./tests/ -run Diagrams. As with the golden files, the rewriting run still fails.
const UpdateDiagramsEnv = "UPDATE_DIAGRAMS"

// embedded matches a generated diagram: the marker naming the stack, then its Mermaid block.
var embedded = regexp.MustCompile("(?s)(<!-- diagram: ([a-z]+) [^\n]*-->\n```mermaid\n)(.*?)(```)")

// TestDocsDiagramsAreCurrent fails when a diagram the README or docs/architecture.md embeds differs from what
// `platform diagram --stack <stack>` draws from the plan.
func TestDocsDiagramsAreCurrent(t *testing.T) {
	res := fullPlan(t)
	update := os.Getenv(UpdateDiagramsEnv) == "1"
	found := 0
	for _, doc := range []string{"README.md", filepath.Join("docs", "architecture.md")} {
		path := filepath.Join("..", doc)
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		stale := false
		out := embedded.ReplaceAllStringFunc(string(b), func(block string) string {
			m := embedded.FindStringSubmatch(block)
			found++
			g, err := diagram.Stack(res, m[2])
			require.NoError(t, err, "%s embeds a diagram of stack %q", doc, m[2])
			want := g.Mermaid()
			if m[3] != want {
				stale = true
				t.Errorf("%s: the diagram of stack %s is stale; run %s=1 go test ./tests/ -run Diagrams and review the diff",
					doc, m[2], UpdateDiagramsEnv)
			}
			return m[1] + want + m[4]
		})
		if stale && update {
			require.NoError(t, os.WriteFile(path, []byte(out), 0o644))
			t.Errorf("%s rewritten: review the diff and run again", doc)
		}
	}
	assert.GreaterOrEqual(t, found, 3, "the docs embed the org, network and a workload diagram")
}
