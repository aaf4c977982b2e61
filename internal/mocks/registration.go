package mocks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// registration is one custom AWS resource being answered: what a handler reads (inputs, account, region) and
// what it writes (the physical ID and the outputs AWS would compute).
type registration struct {
	m            *Monitor
	urn          string
	args         pulumi.MockResourceArgs
	acct, region string
	// name is the resource's name input, or its logical name: auto-naming without the random suffix keeps the
	// plan deterministic.
	name string
	// orgID and rootID are the organization's, once it has been registered.
	orgID, rootID string

	id   string
	outs resource.PropertyMap
}

// handler fills in the ID and outputs of one resource type.
type handler func(r *registration)

// families are the handler tables by type token, one per AWS service family and file. They are never written.
var families = []map[string]handler{
	organizationsHandlers,
	billingHandlers,
	kmsHandlers,
	snsHandlers,
	iamHandlers,
	identityCenterHandlers,
	s3Handlers,
	loggingHandlers,
	securityServicesHandlers,
	backupHandlers,
	ec2Handlers,
	transitGatewayHandlers,
	networkFirewallHandlers,
	ramHandlers,
	route53Handlers,
	eksHandlers,
	rdsHandlers,
	deliveryHandlers,
	loadBalancingHandlers,
}

// handlerFor returns the handler of a type token, nil for a type without one.
func handlerFor(typeToken string) handler {
	for _, f := range families {
		if h, ok := f[typeToken]; ok {
			return h
		}
	}
	return nil
}

// in returns a string input, "" when it is absent or not a string.
func (r *registration) in(k string) string {
	return stringInput(r.args.Inputs, resource.PropertyKey(k))
}

// set sets an output.
func (r *registration) set(k string, v any) {
	r.outs[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
}

// setDefault sets an output the inputs did not already give.
func (r *registration) setDefault(k string, v any) {
	if _, ok := r.outs[resource.PropertyKey(k)]; !ok {
		r.set(k, v)
	}
}

// plain returns the inputs as plain Go values.
func (r *registration) plain() map[string]any { return Plain(r.args.Inputs) }
