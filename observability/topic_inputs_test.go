package observability

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/chatbot"
	"github.com/stretchr/testify/assert"

	"github.com/innovate-inc/platform/internal/inputschema"
)

// The Slack channel registered by type token sends only inputs the SDK's own type has, and every one it requires.
func TestSlackChannelInputsMatchTheProviderSchema(t *testing.T) {
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[slackChannel](), chatbot.SlackChannelConfigurationArgs{}.ElementType()))
}
