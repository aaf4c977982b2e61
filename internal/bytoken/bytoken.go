// Package bytoken registers provider resources by their type token (aws:<module>/<name>:<Type>,
// kubernetes:<apiVersion>:<Kind>) with a local inputs struct, instead of through the provider SDK's generated
// package for the resource: for a service the program uses for a few resource types, that package costs more of
// every cold build than the resources are worth (docs/PERFORMANCE.md has the seconds per package).
//
// An inputs struct names each input in a `pulumi:"..."` tag, as the SDK's own types do, and implements
// pulumi.Input with an ElementType method that returns its own type. Optional inputs the program leaves unset are
// nil (a pointer, slice, map or pulumi.Input interface): a nil value is not sent, a zero value is. What the SDK
// would send is checked in tests against the SDK's types (internal/inputschema) and, value for value, by the
// golden plans.
package bytoken

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// Resource is a resource whose outputs the program does not read: its URN and ID only.
type Resource struct {
	pulumi.CustomResourceState
}

// WithARN is a resource whose ARN the program reads.
type WithARN struct {
	pulumi.CustomResourceState

	Arn pulumi.StringOutput `pulumi:"arn"`
}

// WithName is a resource whose name the program reads (the name another resource refers to it by).
type WithName struct {
	pulumi.CustomResourceState

	Name pulumi.StringOutput `pulumi:"name"`
}

// Register registers a resource of type token with the given inputs and returns its state, a Resource, a WithARN
// WithName, or the caller's own struct of the outputs it reads (each a pulumi.XOutput field tagged with the output's name).
func Register[State any, P interface {
	*State
	pulumi.CustomResource
}](ctx *pulumi.Context, token, name string, inputs pulumi.Input, opts ...pulumi.ResourceOption) (*State, error) {
	var s State
	if err := ctx.RegisterResource(token, name, inputs, P(&s), opts...); err != nil {
		return nil, err
	}
	return &s, nil
}
