// Package chartvalues turns the typed values the platform sets on a Helm chart into what the chart resource takes,
// and checks them against the chart's own values.yaml for the charts that ship no values.schema.json: a value the
// chart does not know is silently ignored by its templates, so a renamed or misspelt key must fail a test instead.
package chartvalues

import (
	"encoding/json"
	"slices"
	"sort"
)

// Map is a typed values struct as the Helm chart resource takes it: its JSON form, as a map.
func Map(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(b, &out)
}

// Unknown returns the dotted paths of set that the chart's values do not have. A key whose chart default is empty
// or not a map ends the walk (below it the chart takes whatever its templates read: resources, tags), and so does
// a freeForm path, a map whose default has example keys but takes any (a nodeSelector, Argo CD's configs.params).
func Unknown(set, chart map[string]any, freeForm ...string) []string {
	out := unknown(set, chart, "", freeForm)
	sort.Strings(out)
	return out
}

func unknown(set, chart map[string]any, prefix string, freeForm []string) []string {
	var out []string
	for k, v := range set {
		def, ok := chart[k]
		if !ok {
			out = append(out, prefix+k)
			continue
		}
		sub, isMap := v.(map[string]any)
		defMap, defIsMap := def.(map[string]any)
		if isMap && defIsMap && len(defMap) > 0 && !slices.Contains(freeForm, prefix+k) {
			out = append(out, unknown(sub, defMap, prefix+k+".", freeForm)...)
		}
	}
	return out
}
