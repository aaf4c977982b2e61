package cloudwatch_test

import (
	"reflect"
	"testing"

	sdk "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/stretchr/testify/assert"

	"github.com/innovate-inc/platform/internal/bytoken"
	"github.com/innovate-inc/platform/internal/cloudwatch"
	"github.com/innovate-inc/platform/internal/inputschema"
)

// Every input type sends only inputs the SDK's own types have, in their shapes, and every input those require;
// the outputs read are the resources'.
func TestInputsMatchTheProviderSchema(t *testing.T) {
	for _, c := range []struct {
		token      string
		local, sdk reflect.Type
	}{
		{cloudwatch.LogGroupType, reflect.TypeFor[cloudwatch.LogGroupArgs](), sdk.LogGroupArgs{}.ElementType()},
		{cloudwatch.MetricAlarmType, reflect.TypeFor[cloudwatch.MetricAlarmArgs](), sdk.MetricAlarmArgs{}.ElementType()},
		{cloudwatch.DashboardType, reflect.TypeFor[cloudwatch.DashboardArgs](), sdk.DashboardArgs{}.ElementType()},
		{cloudwatch.EventRuleType, reflect.TypeFor[cloudwatch.EventRuleArgs](), sdk.EventRuleArgs{}.ElementType()},
		{cloudwatch.EventTargetType, reflect.TypeFor[cloudwatch.EventTargetArgs](), sdk.EventTargetArgs{}.ElementType()},
		{cloudwatch.EventBusPolicyType, reflect.TypeFor[cloudwatch.EventBusPolicyArgs](), sdk.EventBusPolicyArgs{}.ElementType()},
	} {
		assert.Empty(t, inputschema.Inputs(c.local, c.sdk), c.token)
	}
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[cloudwatch.LogGroup](), reflect.TypeFor[sdk.LogGroup]()))
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[bytoken.WithName](), reflect.TypeFor[sdk.EventRule]()))
}
