package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/plan"
)

// UpdateGoldenEnv rewrites the golden files that differ when set to 1: UPDATE_GOLDEN=1 go test ./tests/ -run Golden.
// The run that rewrites a file still fails, as kops' golden files do, so an update is never silent: review the
// diff, then run again.
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

// goldenDiffLines caps the diff a failing golden test prints; the rest is counted, not shown.
const goldenDiffLines = 60

func TestGoldenResourceGraphs(t *testing.T) {
	update := os.Getenv(UpdateGoldenEnv) == "1"
	for _, s := range fullPlan(t).Stacks {
		t.Run(s.Name, func(t *testing.T) {
			path := filepath.Join("testdata", "golden", s.Name+".json")
			got := golden(s)
			want, err := os.ReadFile(path)
			if err != nil && !(update && os.IsNotExist(err)) {
				require.NoError(t, err, "no golden file: run %s=1 go test ./tests/ -run Golden and review it", UpdateGoldenEnv)
			}
			d := lineDiff(string(want), string(got), 3, goldenDiffLines)
			if d == "" {
				return
			}
			if update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, got, 0o644))
				t.Errorf("stack %s: golden file rewritten: review the diff and run again (git diff %s):\n%s", s.Name, filepath.Join("tests", path), d)
				return
			}
			t.Errorf("stack %s changed (- golden file, + this plan); if intended, run %s=1 go test ./tests/ -run Golden and review the diff:\n%s",
				s.Name, UpdateGoldenEnv, d)
		})
	}
}

// diffOp is one line of an edit script: kept, deleted from want or inserted in got.
type diffOp byte

const (
	opKeep   diffOp = ' '
	opDelete diffOp = '-'
	opInsert diffOp = '+'
)

// lineEdit is one line of an edit script with its 1-based line numbers; 0 on the side the line is absent from.
type lineEdit struct {
	op        diffOp
	want, got int
	text      string
}

// maxDiffEdits bounds the Myers search, whose trace grows with the square of the edit count: past it, the
// changed middle is reported as deleted and inserted whole, which is still correct, only less minimal.
const maxDiffEdits = 2000

// diffLines returns a shortest edit script from a to b (Myers' O((N+M)D) algorithm), after setting aside the
// common prefix and suffix, which is where golden files mostly agree.
func diffLines(a, b []string) []lineEdit {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ops := myers(a[pre:len(a)-suf], b[pre:len(b)-suf])
	for range suf {
		ops = append(ops, opKeep)
	}
	ops = append(make([]diffOp, pre, pre+len(ops)), ops...)
	for i := range pre {
		ops[i] = opKeep
	}
	edits := make([]lineEdit, 0, len(ops))
	i, j := 0, 0
	for _, op := range ops {
		switch op {
		case opKeep:
			edits = append(edits, lineEdit{op: opKeep, want: i + 1, got: j + 1, text: a[i]})
			i, j = i+1, j+1
		case opDelete:
			edits = append(edits, lineEdit{op: opDelete, want: i + 1, text: a[i]})
			i++
		case opInsert:
			edits = append(edits, lineEdit{op: opInsert, got: j + 1, text: b[j]})
			j++
		}
	}
	return edits
}

// myers returns the operations that turn a into b.
func myers(a, b []string) []diffOp {
	n, m := len(a), len(b)
	limit := min(n+m, maxDiffEdits)
	off := limit + 1
	v := make([]int, 2*limit+3) // v[off+k]: furthest x reached on diagonal k = x-y
	var trace [][]int           // trace[d]: v[off-d-1 .. off+d+1] before step d
	for d := 0; d <= limit; d++ {
		trace = append(trace, slices.Clone(v[off-d-1:off+d+2]))
		for k := -d; k <= d; k += 2 {
			x := v[off+k-1] + 1 // a deletion from diagonal k-1
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1] // an insertion from diagonal k+1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(trace, n, m)
			}
		}
	}
	ops := make([]diffOp, 0, n+m)
	for range n {
		ops = append(ops, opDelete)
	}
	for range m {
		ops = append(ops, opInsert)
	}
	return ops
}

// backtrack walks the trace of myers back from (n, m) to (0, 0) and returns the operations in order.
func backtrack(trace [][]int, n, m int) []diffOp {
	var rev []diffOp
	x, y := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		at := func(k int) int { return trace[d][k+d+1] }
		k := x - y
		prevK := k - 1
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			rev = append(rev, opKeep)
			x, y = x-1, y-1
		}
		if d > 0 {
			if x == prevX {
				rev = append(rev, opInsert)
			} else {
				rev = append(rev, opDelete)
			}
		}
		x, y = prevX, prevY
	}
	slices.Reverse(rev)
	return rev
}

// lineDiff shows how got differs from want as hunks of changed lines with `context` kept lines around them,
// each line with its number in want and in got; at most maxLines lines, then how many more there are. "" when equal.
func lineDiff(want, got string, context, maxLines int) string {
	if want == got {
		return ""
	}
	edits := diffLines(strings.Split(want, "\n"), strings.Split(got, "\n"))
	var out []string
	for start := 0; start < len(edits); {
		first := slices.IndexFunc(edits[start:], func(e lineEdit) bool { return e.op != opKeep })
		if first < 0 {
			break
		}
		lo := max(start+first-context, start)
		hi := hunkEnd(edits, start+first, context)
		out = append(out, hunkHeader(edits[lo:hi]))
		for _, e := range edits[lo:hi] {
			out = append(out, fmt.Sprintf("%c %5s %5s  %s", e.op, lineNo(e.want), lineNo(e.got), e.text))
		}
		start = hi
	}
	if len(out) > maxLines {
		out = append(out[:maxLines], fmt.Sprintf("... %d more lines of diff", len(out)-maxLines))
	}
	return strings.Join(out, "\n") + "\n"
}

// hunkEnd is the end of the hunk holding the change at i: it goes on while changes are less than two
// contexts apart, and ends `context` kept lines after the last one.
func hunkEnd(edits []lineEdit, i, context int) int {
	last := i
	for j := i + 1; j < len(edits) && j <= last+2*context; j++ {
		if edits[j].op != opKeep {
			last = j
		}
	}
	return min(last+context+1, len(edits))
}

// hunkHeader is the unified-diff header of a hunk: first line and line count in want, then in got.
func hunkHeader(h []lineEdit) string {
	var wantFrom, gotFrom, wantN, gotN int
	for _, e := range h {
		if e.want > 0 {
			if wantN == 0 {
				wantFrom = e.want
			}
			wantN++
		}
		if e.got > 0 {
			if gotN == 0 {
				gotFrom = e.got
			}
			gotN++
		}
	}
	return fmt.Sprintf("@@ -%d,%d +%d,%d @@", wantFrom, wantN, gotFrom, gotN)
}

func lineNo(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func TestLineDiff(t *testing.T) {
	want := "a\nb\nc\nd\ne\nf\ng\nh\n"
	t.Run("equal", func(t *testing.T) {
		assert.Empty(t, lineDiff(want, want, 3, 60))
	})
	t.Run("insertion is one block of + lines", func(t *testing.T) {
		got := "a\nb\nc\nX\nY\nd\ne\nf\ng\nh\n"
		assert.Equal(t, `@@ -1,6 +1,8 @@
      1     1  a
      2     2  b
      3     3  c
+           4  X
+           5  Y
      4     6  d
      5     7  e
      6     8  f
`, lineDiff(want, got, 3, 60))
	})
	t.Run("deletion", func(t *testing.T) {
		got := "a\nb\nc\nd\nf\ng\nh\n"
		assert.Equal(t, `@@ -2,7 +2,6 @@
      2     2  b
      3     3  c
      4     4  d
-     5        e
      6     5  f
      7     6  g
      8     7  h
`, lineDiff(want, got, 3, 60))
	})
	t.Run("change deletes then inserts, distant hunks stay apart", func(t *testing.T) {
		want := "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12"
		got := "1\nTWO\n3\n4\n5\n6\n7\n8\n9\n10\nELEVEN\n12"
		assert.Equal(t, `@@ -1,3 +1,3 @@
      1     1  1
-     2        2
+           2  TWO
      3     3  3
@@ -10,3 +10,3 @@
     10    10  10
-    11        11
+          11  ELEVEN
     12    12  12
`, lineDiff(want, got, 1, 60))
	})
	t.Run("output is capped with a count of the rest", func(t *testing.T) {
		got := "a\nb\nc\nX\nY\nd\ne\nf\ng\nh\n"
		assert.Equal(t, `@@ -1,6 +1,8 @@
      1     1  a
      2     2  b
... 6 more lines of diff
`, lineDiff(want, got, 3, 3))
	})
}

// A shortest edit script keeps every line the two texts share: an insertion in the middle of a long text is
// only the inserted lines, not every line after it.
func TestDiffLinesIsMinimal(t *testing.T) {
	var a []string
	for i := range 500 {
		a = append(a, fmt.Sprintf("line %d", i))
	}
	b := slices.Concat(a[:100], []string{"new 1", "new 2"}, a[100:250], a[251:])
	var ops []string
	for _, e := range diffLines(a, b) {
		if e.op != opKeep {
			ops = append(ops, fmt.Sprintf("%c%d/%d %s", e.op, e.want, e.got, e.text))
		}
	}
	assert.Equal(t, []string{"+0/101 new 1", "+0/102 new 2", "-251/0 line 250"}, ops)
}

// Past maxDiffEdits the changed middle is deleted and inserted whole: still a script that turns a into b.
func TestDiffLinesBeyondTheSearchBound(t *testing.T) {
	var a, b []string
	for i := range maxDiffEdits {
		a = append(a, fmt.Sprintf("old %d", i))
		b = append(b, fmt.Sprintf("new %d", i))
	}
	a, b = append([]string{"same"}, a...), append([]string{"same"}, b...)
	var fromA, fromB []string
	counts := map[diffOp]int{}
	for _, e := range diffLines(a, b) {
		counts[e.op]++
		if e.op != opInsert {
			fromA = append(fromA, e.text)
		}
		if e.op != opDelete {
			fromB = append(fromB, e.text)
		}
	}
	assert.Equal(t, a, fromA)
	assert.Equal(t, b, fromB)
	assert.Equal(t, map[diffOp]int{opKeep: 1, opDelete: maxDiffEdits, opInsert: maxDiffEdits}, counts)
}
