package org

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/costexplorer"
	"github.com/stretchr/testify/assert"

	"github.com/innovate-inc/platform/internal/bytoken"
	"github.com/innovate-inc/platform/internal/inputschema"
)

// The Cost Explorer resources registered by type token send only inputs the SDK's own types have, in their
// shapes, and every input those require; the monitor's ARN is read where the SDK has it.
func TestCostExplorerInputsMatchTheProviderSchema(t *testing.T) {
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[anomalyMonitor](), costexplorer.AnomalyMonitorArgs{}.ElementType()))
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[anomalySubscription](), costexplorer.AnomalySubscriptionArgs{}.ElementType()))
	assert.Empty(t, inputschema.Inputs(reflect.TypeFor[costAllocationTag](), costexplorer.CostAllocationTagArgs{}.ElementType()))
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[bytoken.WithARN](), reflect.TypeFor[costexplorer.AnomalyMonitor]()))
}
