package security

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/accessanalyzer"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cfg"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ebs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/guardduty"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/identitystore"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/securityhub"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssoadmin"
	"github.com/stretchr/testify/assert"

	"github.com/innovate-inc/platform/internal/bytoken"
	"github.com/innovate-inc/platform/internal/inputschema"
)

// The security services' and Identity Center's resources registered by type token send only inputs the SDK's own types have, in their
// shapes, and every input those require; the outputs read are the resources'.
func TestSecurityServiceInputsMatchTheProviderSchema(t *testing.T) {
	for _, c := range []struct {
		token      string
		local, sdk reflect.Type
	}{
		{securityHubAccountType, reflect.TypeFor[securityHubAccount](), securityhub.AccountArgs{}.ElementType()},
		{securityHubAdminType, reflect.TypeFor[organizationAdminAccount](), securityhub.OrganizationAdminAccountArgs{}.ElementType()},
		{findingAggregatorType, reflect.TypeFor[findingAggregator](), securityhub.FindingAggregatorArgs{}.ElementType()},
		{securityHubOrgConfigType, reflect.TypeFor[securityHubOrgConfig](), securityhub.OrganizationConfigurationArgs{}.ElementType()},
		{configurationPolicyType, reflect.TypeFor[configurationPolicy](), securityhub.ConfigurationPolicyArgs{}.ElementType()},
		{configurationPolicyAssociationType, reflect.TypeFor[configurationPolicyAssociation](), securityhub.ConfigurationPolicyAssociationArgs{}.ElementType()},
		{detectorType, reflect.TypeFor[guardDutyDetector](), guardduty.DetectorArgs{}.ElementType()},
		{guardDutyAdminType, reflect.TypeFor[organizationAdminAccount](), guardduty.OrganizationAdminAccountArgs{}.ElementType()},
		{guardDutyOrgConfigType, reflect.TypeFor[guardDutyOrgConfig](), guardduty.OrganizationConfigurationArgs{}.ElementType()},
		{guardDutyFeatureType, reflect.TypeFor[guardDutyFeature](), guardduty.OrganizationConfigurationFeatureArgs{}.ElementType()},
		{publishingDestinationType, reflect.TypeFor[publishingDestination](), guardduty.PublishingDestinationArgs{}.ElementType()},
		{analyzerType, reflect.TypeFor[analyzer](), accessanalyzer.AnalyzerArgs{}.ElementType()},
		{configAggregatorType, reflect.TypeFor[configAggregator](), cfg.ConfigurationAggregatorArgs{}.ElementType()},
		{configRecorderType, reflect.TypeFor[configRecorder](), cfg.RecorderArgs{}.ElementType()},
		{deliveryChannelType, reflect.TypeFor[deliveryChannel](), cfg.DeliveryChannelArgs{}.ElementType()},
		{recorderStatusType, reflect.TypeFor[recorderStatus](), cfg.RecorderStatusArgs{}.ElementType()},
		{encryptionByDefaultType, reflect.TypeFor[encryptionByDefault](), ebs.EncryptionByDefaultArgs{}.ElementType()},
		{groupType, reflect.TypeFor[group](), identitystore.GroupArgs{}.ElementType()},
		{permissionSetType, reflect.TypeFor[permissionSet](), ssoadmin.PermissionSetArgs{}.ElementType()},
		{managedPolicyAttachmentType, reflect.TypeFor[managedPolicyAttachment](), ssoadmin.ManagedPolicyAttachmentArgs{}.ElementType()},
		{accountAssignmentType, reflect.TypeFor[accountAssignment](), ssoadmin.AccountAssignmentArgs{}.ElementType()},
	} {
		assert.Empty(t, inputschema.Inputs(c.local, c.sdk), c.token)
	}
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[bytoken.WithARN](), reflect.TypeFor[cfg.ConfigurationAggregator]()))
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[bytoken.WithName](), reflect.TypeFor[cfg.Recorder]()))
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[groupState](), reflect.TypeFor[identitystore.Group]()))
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[bytoken.WithARN](), reflect.TypeFor[ssoadmin.PermissionSet]()))
	// The invoke's result is read the same way.
	assert.Empty(t, inputschema.Outputs(reflect.TypeFor[instances](), reflect.TypeFor[ssoadmin.GetInstancesResult]()))
}
