package rds

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/stretchr/testify/assert"

	"github.com/innovate-inc/platform/internal/bytoken"
	"github.com/innovate-inc/platform/internal/inputschema"
)

// The RDS and Secrets Manager resources registered by type token send only inputs the SDK's own types have, in
// their shapes, and every input those require; the outputs read are the resources'.
func TestDatabaseInputsMatchTheProviderSchema(t *testing.T) {
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[primaryInstance](), rds.InstanceArgs{}.ElementType()))
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[replicaInstance](), rds.InstanceArgs{}.ElementType()))
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[subnetGroup](), rds.SubnetGroupArgs{}.ElementType()))
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[parameterGroup](), rds.ParameterGroupArgs{}.ElementType()))
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[backupsReplication](), rds.InstanceAutomatedBackupsReplicationArgs{}.ElementType()))
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[secretRotation](), secretsmanager.SecretRotationArgs{}.ElementType()))
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[Instance](), reflect.TypeFor[rds.Instance]()))
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[bytoken.WithName](), reflect.TypeFor[rds.SubnetGroup]()))
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[bytoken.WithName](), reflect.TypeFor[rds.ParameterGroup]()))
}
