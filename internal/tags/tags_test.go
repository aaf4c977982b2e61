package tags

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/innovate-inc/platform/internal/config"
)

func TestMandatoryTagsWinOverExtras(t *testing.T) {
	s := config.Stack{Name: "dev", Layer: config.LayerWorkload, Estate: config.Estate{Tags: config.Tags{
		Owner: "platform-team", Team: "platform", CostCenter: "CC-1000", Application: "innovate",
		Extra: map[string]string{"data-classification": "internal"},
	}}}
	got := ForStack(s).Map(map[string]string{"Name": "dev-vpc", config.TagTeam: "someone-else"})
	assert.Equal(t, map[string]string{
		"Name": "dev-vpc", "data-classification": "internal",
		config.TagEnvironment: "dev", config.TagOwner: "platform-team", config.TagTeam: "platform", config.TagCostCenter: "CC-1000",
		config.TagApplication: "innovate", config.TagManagedBy: ManagedByValue,
	}, got)
}

func TestSharedLayersTagEnvironmentShared(t *testing.T) {
	s := config.Stack{Name: "org", Layer: config.LayerOrganization}
	assert.Equal(t, "shared", ForStack(s).Map(nil)[config.TagEnvironment])
}

// Keys are config's mandatory keys, sorted, and exactly the keys ForStack sets: a key added to
// config.MandatoryTagKeys (which validation reserves) without a value in ForStack fails here.
func TestKeysMatchConfig(t *testing.T) {
	assert.ElementsMatch(t, config.MandatoryTagKeys, Keys())
	assert.True(t, slices.IsSorted(Keys()), "Keys() is sorted: %v", Keys())
	s := config.Stack{Name: "prod", Layer: config.LayerWorkload, Estate: config.Estate{Tags: config.Tags{
		Owner: "platform-team", Team: "platform", CostCenter: "CC-1000", Application: "innovate",
	}}}
	set := ForStack(s).Map(nil)
	assert.ElementsMatch(t, config.MandatoryTagKeys, slices.Collect(maps.Keys(set)))
	for _, k := range config.MandatoryTagKeys {
		assert.NotEmpty(t, set[k], "mandatory tag %q has a value", k)
	}
}
