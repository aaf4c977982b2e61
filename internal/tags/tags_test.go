package tags

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/innovate-inc/platform/internal/config"
)

func TestMandatoryTagsWinOverExtras(t *testing.T) {
	s := config.Stack{Name: "dev", Layer: config.LayerWorkload, Estate: config.Estate{Tags: config.Tags{
		Owner: "platform-team", Team: "platform", CostCenter: "CC-1000", Application: "innovate",
		Extra: map[string]string{"data-classification": "internal"},
	}}}
	got := ForStack(s).Map(map[string]string{"Name": "dev-vpc", Team: "someone-else"})
	assert.Equal(t, map[string]string{
		"Name": "dev-vpc", "data-classification": "internal",
		Environment: "dev", Owner: "platform-team", Team: "platform", CostCenter: "CC-1000",
		Application: "innovate", ManagedBy: ManagedByValue,
	}, got)
}

func TestSharedLayersTagEnvironmentShared(t *testing.T) {
	s := config.Stack{Name: "org", Layer: config.LayerOrganization}
	assert.Equal(t, "shared", ForStack(s).Map(nil)[Environment])
}

func TestKeysMatchConfig(t *testing.T) {
	assert.Equal(t, []string{"application", "cost-center", "environment", "managed-by", "owner", "team"}, Keys())
}
