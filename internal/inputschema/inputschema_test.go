package inputschema_test

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"

	"github.com/innovate-inc/platform/internal/inputschema"
)

// sdkArgs and sdkRule have the shape of an SDK's plain inputs types: required inputs by value, optional ones by
// pointer, lists as slices, an int-or-string as interface{}.
type sdkArgs struct {
	Name     string            `pulumi:"name"`
	Enabled  *bool             `pulumi:"enabled"`
	Rules    []sdkRule         `pulumi:"rules"`
	Tags     map[string]string `pulumi:"tags"`
	Priority int               `pulumi:"priority"`
}

type sdkRule struct {
	Port  interface{} `pulumi:"port"`
	CIDRs []string    `pulumi:"cidrs"`
}

// sdkResource has the shape of an SDK's resource type: its outputs.
type sdkResource struct {
	pulumi.CustomResourceState

	Arn     pulumi.StringOutput    `pulumi:"arn"`
	Tags    pulumi.StringMapOutput `pulumi:"tags"`
	Secrets sdkSecretArrayOutput   `pulumi:"secrets"`
}

type sdkSecret struct {
	SecretArn *string `pulumi:"secretArn"`
	Status    *string `pulumi:"status"`
	Version   *int    `pulumi:"version"`
}

// sdkSecretArrayOutput is an SDK's output of a list of objects.
type sdkSecretArrayOutput struct{ *pulumi.OutputState }

func (sdkSecretArrayOutput) ElementType() reflect.Type { return reflect.TypeFor[[]sdkSecret]() }

type rule struct {
	Port  int                     `pulumi:"port"`
	CIDRs pulumi.StringArrayInput `pulumi:"cidrs"`
}

type args struct {
	Name     pulumi.StringInput `pulumi:"name"`
	Enabled  bool               `pulumi:"enabled"`
	Rules    []rule             `pulumi:"rules"`
	Tags     map[string]string  `pulumi:"tags"`
	Priority int                `pulumi:"priority"`
}

func TestInputsOfTheProvidersShapePass(t *testing.T) {
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[args](), reflect.TypeFor[sdkArgs]()))
}

func TestInputsReportEveryProblemWithItsPath(t *testing.T) {
	type badRule struct {
		Port  int      `pulumi:"port"`
		CIDRs string   `pulumi:"cidrs"`
		CIDR  []string `pulumi:"cidr"`
	}
	type bad struct {
		Name  string    `pulumi:"name"`
		Rules []badRule `pulumi:"rules"`
		Tag   string    `pulumi:"tag"`
	}
	assert.Equal(t, []string{
		"rules.cidr: not an input of the provider",
		"rules.cidrs: string (string), the provider takes list ([]string)",
		"tag: not an input of the provider",
		"priority: required by the provider, not sent",
	}, inputschema.Inputs(reflect.TypeFor[bad](), reflect.TypeFor[sdkArgs]()))
}

func TestOutputsAreTheResources(t *testing.T) {
	type state struct {
		pulumi.CustomResourceState

		Arn pulumi.StringOutput `pulumi:"arn"`
	}
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[state](), reflect.TypeFor[sdkResource]()))
	type misspelt struct {
		pulumi.CustomResourceState

		ARN  pulumi.StringOutput `pulumi:"ARN"`
		Tags pulumi.StringOutput `pulumi:"tags"`
	}
	assert.Equal(t, []string{"ARN: not an output of the resource", "tags: string (string), the provider takes map (map[string]string)"},
		inputschema.Outputs(reflect.TypeFor[misspelt](), reflect.TypeFor[sdkResource]()))
}

// A list of objects can be read as a list of string maps when every field of the objects is a string.
func TestOutputsReadObjectsAsMaps(t *testing.T) {
	type state struct {
		pulumi.CustomResourceState

		Secrets pulumi.StringMapArrayOutput `pulumi:"secrets"`
	}
	assert.Equal(t, []string{"secrets.version: string (string), the provider takes number (int)"},
		inputschema.Outputs(reflect.TypeFor[state](), reflect.TypeFor[sdkResource]()))
}
