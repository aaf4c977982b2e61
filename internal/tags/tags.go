// Package tags builds the mandatory cost-allocation tags that every taggable resource carries.
//
// Precedence (CAPA BuildParams): resource-specific tags first, then the user's extra tags, then the mandatory
// tags, which nothing overrides; only Name may be set per resource. Provider default tags carry the set to every
// resource of a provider; Set is applied explicitly where default tags do not reach (launch templates,
// Auto Scaling groups, Karpenter nodes, the org policy documents that enforce the keys).
package tags

import (
	"maps"
	"slices"

	"github.com/innovate-inc/platform/internal/config"
)

// ManagedByValue marks everything this program creates (the managed-by tag). The keys of the mandatory tags are
// config's (config.MandatoryTagKeys).
const ManagedByValue = "pulumi-innovate-platform"

// Set is a tag set with the mandatory tags fixed.
type Set struct{ base map[string]string }

// ForStack returns the tag set for a stack: the mandatory tags from the estate config plus its extra tags.
func ForStack(s config.Stack) Set {
	t := s.Estate.Tags
	base := maps.Clone(t.Extra)
	if base == nil {
		base = map[string]string{}
	}
	maps.Copy(base, map[string]string{
		config.TagEnvironment: s.EnvironmentTag(),
		config.TagOwner:       t.Owner,
		config.TagTeam:        t.Team,
		config.TagCostCenter:  t.CostCenter,
		config.TagApplication: t.Application,
		config.TagManagedBy:   ManagedByValue,
	})
	return Set{base: base}
}

// Map returns the tags, with the resource-specific extras applied under the mandatory ones.
func (s Set) Map(extra map[string]string) map[string]string {
	out := maps.Clone(extra)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, s.base)
	return out
}

// With returns the set for a resource with a Name tag.
func (s Set) With(name string) map[string]string { return s.Map(map[string]string{"Name": name}) }

// Keys returns the mandatory tag keys, sorted.
func Keys() []string {
	keys := slices.Clone(config.MandatoryTagKeys)
	slices.Sort(keys)
	return keys
}
