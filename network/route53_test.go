package network

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/stretchr/testify/assert"

	"github.com/innovate-inc/platform/internal/inputschema"
)

// The Route 53 resources registered by type token send only inputs the SDK's own types have, in their shapes, and
// every input those require; the outputs read are the resources'.
func TestRoute53InputsMatchTheProviderSchema(t *testing.T) {
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[zone](), route53.ZoneArgs{}.ElementType()))
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[Record](), route53.RecordArgs{}.ElementType()))
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[zoneAssociation](), route53.VpcAssociationAuthorizationArgs{}.ElementType()))
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[zoneAssociation](), route53.ZoneAssociationArgs{}.ElementType()))
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[HostedZone](), reflect.TypeFor[route53.Zone]()))
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[RecordState](), reflect.TypeFor[route53.Record]()))
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[zoneAuthorization](), reflect.TypeFor[route53.VpcAssociationAuthorization]()))
}
