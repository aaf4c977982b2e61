package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/plan"
)

// UpdateGoldenEnv rewrites the golden files when set to 1: UPDATE_GOLDEN=1 go test ./tests/ -run Golden.
// Review the diff before committing it.
const UpdateGoldenEnv = "UPDATE_GOLDEN"

// goldenResource is the normalised form of a registration: names instead of URNs, policy documents decoded.
type goldenResource struct {
	Type          string         `json:"type"`
	Name          string         `json:"name"`
	Parent        string         `json:"parent,omitempty"`
	Provider      string         `json:"provider,omitempty"`
	Where         string         `json:"where,omitempty"`
	Protect       bool           `json:"protect,omitempty"`
	Retain        bool           `json:"retainOnDelete,omitempty"`
	IgnoreChanges []string       `json:"ignoreChanges,omitempty"`
	DependsOn     []string       `json:"dependsOn,omitempty"`
	Inputs        map[string]any `json:"inputs"`
}

// urnName shortens a URN to "<type>::<name>".
func urnName(urn string) string {
	if urn == "" {
		return ""
	}
	parts := strings.Split(urn, "::")
	typ := parts[len(parts)-2]
	if i := strings.LastIndex(typ, "$"); i >= 0 {
		typ = typ[i+1:]
	}
	return typ + "::" + parts[len(parts)-1]
}

// decodeJSONStrings replaces string inputs that hold JSON objects (policy documents) by the decoded object.
func decodeJSONStrings(v any) any {
	switch x := v.(type) {
	case string:
		if strings.HasPrefix(x, "{") {
			var obj map[string]any
			if json.Unmarshal([]byte(x), &obj) == nil {
				return obj
			}
		}
		return x
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = decodeJSONStrings(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = decodeJSONStrings(e)
		}
		return out
	}
	return v
}

func golden(s plan.StackPlan) []byte {
	var rs []goldenResource
	for _, r := range s.Resources {
		g := goldenResource{Type: r.Type, Name: r.Name, Parent: urnName(r.Parent), Protect: r.Protect,
			Retain: r.RetainOnDelete, IgnoreChanges: r.IgnoreChanges,
			Inputs: decodeJSONStrings(r.Inputs).(map[string]any)}
		if r.Provider != "" {
			g.Provider = urnName(r.Provider[:strings.LastIndex(r.Provider, "::")])
		}
		if r.Account != "" {
			g.Where = r.Account + "/" + r.Region
		}
		for _, d := range r.Dependencies {
			g.DependsOn = append(g.DependsOn, urnName(d))
		}
		sort.Strings(g.DependsOn)
		rs = append(rs, g)
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].Type != rs[j].Type {
			return rs[i].Type < rs[j].Type
		}
		return rs[i].Name < rs[j].Name
	})
	b, _ := json.MarshalIndent(map[string]any{"stack": s.Name, "layer": s.Layer, "references": s.References,
		"resources": rs, "outputs": s.Outputs}, "", "  ")
	return append(b, '\n')
}

// lineDiff reports up to max differing lines of two texts, with their line numbers; "" when equal.
func lineDiff(want, got string, max int) string {
	if want == got {
		return ""
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl == gl {
			continue
		}
		fmt.Fprintf(&b, "line %d:\n  - %s\n  + %s\n", i+1, wl, gl)
		if n++; n == max {
			b.WriteString("  ...\n")
			break
		}
	}
	return b.String()
}

func TestGoldenResourceGraphs(t *testing.T) {
	for _, s := range fullPlan(t).Stacks {
		t.Run(s.Name, func(t *testing.T) {
			path := filepath.Join("testdata", "golden", s.Name+".json")
			got := golden(s)
			if os.Getenv(UpdateGoldenEnv) == "1" {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, got, 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "no golden file: run %s=1 go test ./tests/ -run Golden and review it", UpdateGoldenEnv)
			if d := lineDiff(string(want), string(got), 20); d != "" {
				t.Errorf("stack %s changed (first differences below); if intended, run %s=1 go test ./tests/ -run Golden and review the diff:\n%s",
					s.Name, UpdateGoldenEnv, d)
			}
		})
	}
}
