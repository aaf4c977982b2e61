package security

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The security services' and IAM Identity Center's resources are registered by type token with the local input
// types below rather than through the SDK's securityhub, guardduty, accessanalyzer, cfg, ebs, ssoadmin and
// identitystore packages: together those are 3.3 MB of generated Go and about 40 s of the program's cold build
// (securityhub alone 19.5 s; docs/PERFORMANCE.md), for the few resource types below. The input names are the provider's,
// checked against the SDK's types in tests.
const (
	securityHubAccountType             = "aws:securityhub/account:Account"
	securityHubAdminType               = "aws:securityhub/organizationAdminAccount:OrganizationAdminAccount"
	findingAggregatorType              = "aws:securityhub/findingAggregator:FindingAggregator"
	securityHubOrgConfigType           = "aws:securityhub/organizationConfiguration:OrganizationConfiguration"
	configurationPolicyType            = "aws:securityhub/configurationPolicy:ConfigurationPolicy"
	configurationPolicyAssociationType = "aws:securityhub/configurationPolicyAssociation:ConfigurationPolicyAssociation"

	detectorType              = "aws:guardduty/detector:Detector"
	guardDutyAdminType        = "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount"
	guardDutyOrgConfigType    = "aws:guardduty/organizationConfiguration:OrganizationConfiguration"
	guardDutyFeatureType      = "aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature"
	publishingDestinationType = "aws:guardduty/publishingDestination:PublishingDestination"

	analyzerType            = "aws:accessanalyzer/analyzer:Analyzer"
	configAggregatorType    = "aws:cfg/configurationAggregator:ConfigurationAggregator"
	configRecorderType      = "aws:cfg/recorder:Recorder"
	deliveryChannelType     = "aws:cfg/deliveryChannel:DeliveryChannel"
	recorderStatusType      = "aws:cfg/recorderStatus:RecorderStatus"
	encryptionByDefaultType = "aws:ebs/encryptionByDefault:EncryptionByDefault"

	groupType                   = "aws:identitystore/group:Group"
	permissionSetType           = "aws:ssoadmin/permissionSet:PermissionSet"
	managedPolicyAttachmentType = "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment"
	accountAssignmentType       = "aws:ssoadmin/accountAssignment:AccountAssignment"
	getInstancesToken           = "aws:ssoadmin/getInstances:getInstances"
)

type securityHubAccount struct {
	EnableDefaultStandards  bool   `pulumi:"enableDefaultStandards"`
	ControlFindingGenerator string `pulumi:"controlFindingGenerator"`
	AutoEnableControls      bool   `pulumi:"autoEnableControls"`
}

func (securityHubAccount) ElementType() reflect.Type { return reflect.TypeFor[securityHubAccount]() }

// organizationAdminAccount is Security Hub's and GuardDuty's (the same input).
type organizationAdminAccount struct {
	AdminAccountID string `pulumi:"adminAccountId"`
}

func (organizationAdminAccount) ElementType() reflect.Type {
	return reflect.TypeFor[organizationAdminAccount]()
}

type findingAggregator struct {
	LinkingMode      string                  `pulumi:"linkingMode"`
	SpecifiedRegions pulumi.StringArrayInput `pulumi:"specifiedRegions"`
}

func (findingAggregator) ElementType() reflect.Type { return reflect.TypeFor[findingAggregator]() }

type securityHubOrgConfig struct {
	AutoEnable                bool                         `pulumi:"autoEnable"`
	AutoEnableStandards       string                       `pulumi:"autoEnableStandards"`
	OrganizationConfiguration securityHubConfigurationType `pulumi:"organizationConfiguration"`
}

func (securityHubOrgConfig) ElementType() reflect.Type {
	return reflect.TypeFor[securityHubOrgConfig]()
}

type securityHubConfigurationType struct {
	ConfigurationType string `pulumi:"configurationType"`
}

type configurationPolicy struct {
	Name                string                  `pulumi:"name"`
	Description         string                  `pulumi:"description"`
	ConfigurationPolicy configurationPolicyBody `pulumi:"configurationPolicy"`
}

func (configurationPolicy) ElementType() reflect.Type { return reflect.TypeFor[configurationPolicy]() }

type configurationPolicyBody struct {
	ServiceEnabled                bool                          `pulumi:"serviceEnabled"`
	EnabledStandardARNs           []string                      `pulumi:"enabledStandardArns"`
	SecurityControlsConfiguration securityControlsConfiguration `pulumi:"securityControlsConfiguration"`
}

type securityControlsConfiguration struct {
	DisabledControlIdentifiers []string `pulumi:"disabledControlIdentifiers"`
}

type configurationPolicyAssociation struct {
	PolicyID pulumi.StringInput `pulumi:"policyId"`
	TargetID string             `pulumi:"targetId"`
}

func (configurationPolicyAssociation) ElementType() reflect.Type {
	return reflect.TypeFor[configurationPolicyAssociation]()
}

type guardDutyDetector struct {
	Enable                     bool   `pulumi:"enable"`
	FindingPublishingFrequency string `pulumi:"findingPublishingFrequency"`
}

func (guardDutyDetector) ElementType() reflect.Type { return reflect.TypeFor[guardDutyDetector]() }

type guardDutyOrgConfig struct {
	DetectorID                    pulumi.StringInput `pulumi:"detectorId"`
	AutoEnableOrganizationMembers string             `pulumi:"autoEnableOrganizationMembers"`
}

func (guardDutyOrgConfig) ElementType() reflect.Type { return reflect.TypeFor[guardDutyOrgConfig]() }

type guardDutyFeature struct {
	DetectorID               pulumi.StringInput                 `pulumi:"detectorId"`
	Name                     string                             `pulumi:"name"`
	AutoEnable               string                             `pulumi:"autoEnable"`
	AdditionalConfigurations []guardDutyAdditionalConfiguration `pulumi:"additionalConfigurations"`
}

func (guardDutyFeature) ElementType() reflect.Type { return reflect.TypeFor[guardDutyFeature]() }

type guardDutyAdditionalConfiguration struct {
	Name       string `pulumi:"name"`
	AutoEnable string `pulumi:"autoEnable"`
}

type publishingDestination struct {
	DetectorID      pulumi.StringInput `pulumi:"detectorId"`
	DestinationType string             `pulumi:"destinationType"`
	DestinationARN  string             `pulumi:"destinationArn"`
	KMSKeyARN       pulumi.StringInput `pulumi:"kmsKeyArn"`
}

func (publishingDestination) ElementType() reflect.Type {
	return reflect.TypeFor[publishingDestination]()
}

type analyzer struct {
	AnalyzerName string `pulumi:"analyzerName"`
	Type         string `pulumi:"type"`
}

func (analyzer) ElementType() reflect.Type { return reflect.TypeFor[analyzer]() }

type configAggregator struct {
	Name                          string                        `pulumi:"name"`
	OrganizationAggregationSource organizationAggregationSource `pulumi:"organizationAggregationSource"`
}

func (configAggregator) ElementType() reflect.Type { return reflect.TypeFor[configAggregator]() }

type organizationAggregationSource struct {
	AllRegions bool               `pulumi:"allRegions"`
	RoleARN    pulumi.StringInput `pulumi:"roleArn"`
}

type configRecorder struct {
	Name           string             `pulumi:"name"`
	RoleARN        pulumi.StringInput `pulumi:"roleArn"`
	RecordingGroup recordingGroup     `pulumi:"recordingGroup"`
}

func (configRecorder) ElementType() reflect.Type { return reflect.TypeFor[configRecorder]() }

type recordingGroup struct {
	AllSupported               bool `pulumi:"allSupported"`
	IncludeGlobalResourceTypes bool `pulumi:"includeGlobalResourceTypes"`
}

type deliveryChannel struct {
	Name                       string                     `pulumi:"name"`
	S3BucketName               string                     `pulumi:"s3BucketName"`
	S3KMSKeyARN                pulumi.StringInput         `pulumi:"s3KmsKeyArn"`
	SnapshotDeliveryProperties snapshotDeliveryProperties `pulumi:"snapshotDeliveryProperties"`
}

func (deliveryChannel) ElementType() reflect.Type { return reflect.TypeFor[deliveryChannel]() }

type snapshotDeliveryProperties struct {
	DeliveryFrequency string `pulumi:"deliveryFrequency"`
}

type recorderStatus struct {
	Name      pulumi.StringInput `pulumi:"name"`
	IsEnabled bool               `pulumi:"isEnabled"`
}

func (recorderStatus) ElementType() reflect.Type { return reflect.TypeFor[recorderStatus]() }

type encryptionByDefault struct {
	Enabled bool `pulumi:"enabled"`
}

func (encryptionByDefault) ElementType() reflect.Type { return reflect.TypeFor[encryptionByDefault]() }

// instances is the result of the getInstances invoke: the organization's Identity Center instance, if any.
type instances struct {
	Arns             []string `pulumi:"arns"`
	IdentityStoreIds []string `pulumi:"identityStoreIds"`
}

type group struct {
	IdentityStoreID string `pulumi:"identityStoreId"`
	DisplayName     string `pulumi:"displayName"`
	Description     string `pulumi:"description"`
}

func (group) ElementType() reflect.Type { return reflect.TypeFor[group]() }

// groupState is a group's ID in the identity store, which assignments name.
type groupState struct {
	pulumi.CustomResourceState

	GroupID pulumi.StringOutput `pulumi:"groupId"`
}

type permissionSet struct {
	InstanceARN     string `pulumi:"instanceArn"`
	Name            string `pulumi:"name"`
	Description     string `pulumi:"description"`
	SessionDuration string `pulumi:"sessionDuration"`
}

func (permissionSet) ElementType() reflect.Type { return reflect.TypeFor[permissionSet]() }

type managedPolicyAttachment struct {
	InstanceARN      string             `pulumi:"instanceArn"`
	PermissionSetARN pulumi.StringInput `pulumi:"permissionSetArn"`
	ManagedPolicyARN string             `pulumi:"managedPolicyArn"`
}

func (managedPolicyAttachment) ElementType() reflect.Type {
	return reflect.TypeFor[managedPolicyAttachment]()
}

type accountAssignment struct {
	InstanceARN      string             `pulumi:"instanceArn"`
	PermissionSetARN pulumi.StringInput `pulumi:"permissionSetArn"`
	PrincipalID      pulumi.StringInput `pulumi:"principalId"`
	PrincipalType    string             `pulumi:"principalType"`
	TargetID         string             `pulumi:"targetId"`
	TargetType       string             `pulumi:"targetType"`
}

func (accountAssignment) ElementType() reflect.Type { return reflect.TypeFor[accountAssignment]() }
