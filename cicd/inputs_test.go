package cicd

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codebuild"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codeconnections"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/stretchr/testify/assert"

	"github.com/innovate-inc/platform/internal/bytoken"
	"github.com/innovate-inc/platform/internal/inputschema"
)

// The delivery resources registered by type token send only inputs the SDK's own types have, in their shapes,
// and every input those require; the outputs read are the resources'.
func TestDeliveryInputsMatchTheProviderSchema(t *testing.T) {
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[connection](), codeconnections.ConnectionArgs{}.ElementType()))
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[buildProject](), codebuild.ProjectArgs{}.ElementType()))
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[webhook](), codebuild.WebhookArgs{}.ElementType()))
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[repositorySecret](), secretsmanager.SecretArgs{}.ElementType()))
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[bytoken.WithARN](), reflect.TypeFor[codeconnections.Connection]()))
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[bytoken.WithName](), reflect.TypeFor[codebuild.Project]()))
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[bytoken.WithARN](), reflect.TypeFor[secretsmanager.Secret]()))
}
