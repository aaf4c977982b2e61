package security

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/accessanalyzer"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cfg"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/guardduty"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/securityhub"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/scope"
)

// GuardDutyFeatures are the protection plans auto-enabled for every member account: S3, EKS audit logs, runtime
// monitoring (with the agent managed for EKS, ECS Fargate and EC2), RDS login events and malware protection.
var GuardDutyFeatures = map[string][]string{
	"S3_DATA_EVENTS":         nil,
	"EKS_AUDIT_LOGS":         nil,
	"RDS_LOGIN_EVENTS":       nil,
	"EBS_MALWARE_PROTECTION": nil,
	"RUNTIME_MONITORING":     {"EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"},
}

// StandardARNs are the Security Hub standards the central configuration policy enables.
func StandardARNs(region string) []string {
	return []string{
		fmt.Sprintf("arn:aws:securityhub:%s::standards/aws-foundational-security-best-practices/v/1.0.0", region),
		fmt.Sprintf("arn:aws:securityhub:%s::standards/cis-aws-foundations-benchmark/v/3.0.0", region),
	}
}

// SecurityToolingArgs configures SecurityTooling.
type SecurityToolingArgs struct {
	// Scope is Security Tooling in the home region.
	scope.Scope
	Regions   []string                 // every allowed region, home first
	Providers map[string]*aws.Provider // Security Tooling, by region
	// ManagementProviders reach the management account, by region: it designates Security Tooling as the GuardDuty
	// and Security Hub administrator once the detector and the hub exist there.
	ManagementProviders map[string]*aws.Provider
	RootID              string
	// FindingsBuckets and FindingsKeys are the Log Archive's GuardDuty bucket ARNs and keys, by region.
	FindingsBuckets  map[string]string
	FindingsKeys     map[string]pulumi.StringOutput
	FindingFrequency string
}

// SecurityTooling creates, in the Security Tooling account (the delegated administrator): a GuardDuty detector
// per region with the organization configuration auto-enabling every member and the protection plans in
// GuardDutyFeatures, exporting findings to the Log Archive with KMS; Security Hub in every region with central
// configuration from the home region (FSBP and CIS v3.0.0 for the whole organization) and cross-region finding
// aggregation; an AWS Config organization aggregator over all accounts and regions; an organization-wide IAM
// Access Analyzer per region.
//
// Cost: GuardDuty and Security Hub are billed per account and volume (roughly $4-5 per account per month at
// Innovate's size for Security Hub checks, GuardDuty by events analysed); Config aggregation and Access Analyzer
// (external access) are free.
//
// It exports the detector IDs by region, the Config aggregator ARN and the Security Hub aggregator ARN.
type SecurityTooling struct {
	pulumi.ResourceState

	DetectorIDs          map[string]pulumi.StringOutput
	AggregatorARN        pulumi.StringOutput
	FindingAggregatorARN pulumi.StringOutput
}

// NewSecurityTooling registers the security services.
func NewSecurityTooling(ctx *pulumi.Context, name string, args SecurityToolingArgs, opts ...pulumi.ResourceOption) (*SecurityTooling, error) {
	c := &SecurityTooling{DetectorIDs: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource("platform:security:SecurityTooling", name, c, opts...); err != nil {
		return nil, err
	}
	s := toolingScope{c: c, name: name, args: args}
	for _, region := range args.Regions {
		if err := s.guardDuty(ctx, region); err != nil {
			return nil, fmt.Errorf("GuardDuty in %s: %w", region, err)
		}
		if _, err := accessanalyzer.NewAnalyzer(ctx, s.n(region, "access-analyzer"), &accessanalyzer.AnalyzerArgs{
			AnalyzerName: pulumi.String(naming.Name(args.Stack, "org", "access-analyzer", region)),
			Type:         pulumi.String("ORGANIZATION"),
		}, s.in(region)...); err != nil {
			return nil, fmt.Errorf("creating the organization access analyzer in %s: %w", region, err)
		}
	}
	if err := s.securityHub(ctx); err != nil {
		return nil, fmt.Errorf("Security Hub: %w", err)
	}
	agg, err := s.configAggregator(ctx)
	if err != nil {
		return nil, fmt.Errorf("Config aggregator: %w", err)
	}
	c.AggregatorARN = agg.Arn
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"aggregatorArn": agg.Arn})
}

// toolingScope is what every step of SecurityTooling needs.
type toolingScope struct {
	c    *SecurityTooling
	name string
	args SecurityToolingArgs
}

func (s toolingScope) in(region string, more ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(s.c), pulumi.Provider(s.args.Providers[region])}, more...)
}

// n names a child after the component: <component>-<parts>-<region>.
func (s toolingScope) n(region string, parts ...string) string {
	return scope.Child(s.name, append(parts, region)...)
}

// guardDuty creates the region's detector first and only then designates Security Tooling as the GuardDuty
// administrator: designation enables GuardDuty in the administrator account by itself, after which creating the
// detector fails ("a detector already exists"). An existing detector is kept by the designation.
func (s toolingScope) guardDuty(ctx *pulumi.Context, region string) error {
	a := s.args
	detector, err := guardduty.NewDetector(ctx, s.n(region, "guardduty", "detector"), &guardduty.DetectorArgs{
		Enable:                     pulumi.Bool(true),
		FindingPublishingFrequency: pulumi.String(a.FindingFrequency),
	}, s.in(region, pulumi.Protect(true))...)
	if err != nil {
		return fmt.Errorf("creating the detector: %w", err)
	}
	detectorID := detector.ID().ToStringOutput()
	s.c.DetectorIDs[region] = detectorID
	admin, err := guardduty.NewOrganizationAdminAccount(ctx, s.n(region, "guardduty", "admin"),
		&guardduty.OrganizationAdminAccountArgs{AdminAccountId: pulumi.String(a.AccountID)},
		pulumi.Parent(s.c), pulumi.Provider(a.ManagementProviders[region]), pulumi.DependsOn([]pulumi.Resource{detector}))
	if err != nil {
		return fmt.Errorf("designating the administrator: %w", err)
	}
	afterAdmin := s.in(region, pulumi.DependsOn([]pulumi.Resource{admin}))
	if _, err := guardduty.NewOrganizationConfiguration(ctx, s.n(region, "guardduty", "org-config"), &guardduty.OrganizationConfigurationArgs{
		DetectorId:                    detectorID,
		AutoEnableOrganizationMembers: pulumi.String("ALL"),
	}, afterAdmin...); err != nil {
		return fmt.Errorf("configuring the organization: %w", err)
	}
	for _, feature := range slices.Sorted(maps.Keys(GuardDutyFeatures)) {
		var extra guardduty.OrganizationConfigurationFeatureAdditionalConfigurationArray
		for _, ac := range GuardDutyFeatures[feature] {
			extra = append(extra, guardduty.OrganizationConfigurationFeatureAdditionalConfigurationArgs{
				Name: pulumi.String(ac), AutoEnable: pulumi.String("ALL")})
		}
		if _, err := guardduty.NewOrganizationConfigurationFeature(ctx, s.n(region, "guardduty", "feature", naming.Slug(feature)),
			&guardduty.OrganizationConfigurationFeatureArgs{
				DetectorId: detectorID, Name: pulumi.String(feature), AutoEnable: pulumi.String("ALL"),
				AdditionalConfigurations: extra,
			}, afterAdmin...); err != nil {
			return fmt.Errorf("auto-enabling %s: %w", feature, err)
		}
	}
	if _, err := guardduty.NewPublishingDestination(ctx, s.n(region, "guardduty", "findings-export"), &guardduty.PublishingDestinationArgs{
		DetectorId:      detectorID,
		DestinationType: pulumi.String("S3"),
		DestinationArn:  pulumi.String(a.FindingsBuckets[region]),
		KmsKeyArn:       a.FindingsKeys[region],
	}, s.in(region)...); err != nil {
		return fmt.Errorf("exporting findings: %w", err)
	}
	return nil
}

// securityHub enables Security Hub in every region, then designates Security Tooling as its administrator from
// the home region (designation enables Security Hub in the administrator account by itself: the hub must exist
// first), then aggregates findings and applies the central configuration policy to the whole organization.
func (s toolingScope) securityHub(ctx *pulumi.Context) error {
	a := s.args
	var hubs []pulumi.Resource
	for _, region := range a.Regions {
		hub, err := securityhub.NewAccount(ctx, s.n(region, "securityhub", "account"), &securityhub.AccountArgs{
			EnableDefaultStandards:  pulumi.Bool(false),
			ControlFindingGenerator: pulumi.String("SECURITY_CONTROL"),
			AutoEnableControls:      pulumi.Bool(true),
		}, s.in(region)...)
		if err != nil {
			return fmt.Errorf("enabling Security Hub in %s: %w", region, err)
		}
		hubs = append(hubs, hub)
	}
	home := a.Region
	// With central configuration the administrator is designated once, in the home region.
	admin, err := securityhub.NewOrganizationAdminAccount(ctx, scope.Child(s.name, "securityhub-admin"),
		&securityhub.OrganizationAdminAccountArgs{AdminAccountId: pulumi.String(a.AccountID)},
		pulumi.Parent(s.c), pulumi.Provider(a.ManagementProviders[home]), pulumi.DependsOn(hubs))
	if err != nil {
		return fmt.Errorf("designating the administrator: %w", err)
	}
	aggregator, err := securityhub.NewFindingAggregator(ctx, scope.Child(s.name, "securityhub-aggregator"), &securityhub.FindingAggregatorArgs{
		LinkingMode:      pulumi.String("SPECIFIED_REGIONS"),
		SpecifiedRegions: pulumi.ToStringArray(without(a.Regions, home)),
	}, s.in(home, pulumi.DependsOn(append(hubs, admin)))...)
	if err != nil {
		return fmt.Errorf("aggregating findings: %w", err)
	}
	s.c.FindingAggregatorARN = aggregator.ID().ToStringOutput()
	orgConfig, err := securityhub.NewOrganizationConfiguration(ctx, scope.Child(s.name, "securityhub-org-config"), &securityhub.OrganizationConfigurationArgs{
		// Central configuration: the policy below decides what members run, not auto-enable.
		AutoEnable:                pulumi.Bool(false),
		AutoEnableStandards:       pulumi.String("NONE"),
		OrganizationConfiguration: securityhub.OrganizationConfigurationOrganizationConfigurationArgs{ConfigurationType: pulumi.String("CENTRAL")},
	}, s.in(home, pulumi.DependsOn([]pulumi.Resource{aggregator, admin}))...)
	if err != nil {
		return fmt.Errorf("turning on central configuration: %w", err)
	}
	policy, err := securityhub.NewConfigurationPolicy(ctx, scope.Child(s.name, "securityhub-policy"), &securityhub.ConfigurationPolicyArgs{
		Name:        pulumi.String(scope.Child(s.name, "securityhub-baseline")),
		Description: pulumi.String("FSBP and CIS AWS Foundations v3.0.0 for every account"),
		ConfigurationPolicy: securityhub.ConfigurationPolicyConfigurationPolicyArgs{
			ServiceEnabled:      pulumi.Bool(true),
			EnabledStandardArns: pulumi.ToStringArray(StandardARNs(home)),
			SecurityControlsConfiguration: securityhub.ConfigurationPolicyConfigurationPolicySecurityControlsConfigurationArgs{
				DisabledControlIdentifiers: pulumi.ToStringArray([]string{}),
			},
		},
	}, s.in(home, pulumi.DependsOn([]pulumi.Resource{orgConfig}))...)
	if err != nil {
		return fmt.Errorf("creating the configuration policy: %w", err)
	}
	if _, err := securityhub.NewConfigurationPolicyAssociation(ctx, scope.Child(s.name, "securityhub-policy-root"), &securityhub.ConfigurationPolicyAssociationArgs{
		PolicyId: policy.ID().ToStringOutput(),
		TargetId: pulumi.String(a.RootID),
	}, s.in(home)...); err != nil {
		return fmt.Errorf("associating the configuration policy with the root: %w", err)
	}
	return nil
}

// configAggregator aggregates AWS Config over every account and region of the organization.
func (s toolingScope) configAggregator(ctx *pulumi.Context) (*cfg.ConfigurationAggregator, error) {
	a := s.args
	role, err := iam.NewRole(ctx, scope.Child(s.name, "config-aggregator-role"), &iam.RoleArgs{
		Name:              pulumi.String(naming.Limited(scope.Child(s.name, "config-aggregator"), naming.MaxIAMRoleName)),
		Description:       pulumi.String("Lets AWS Config read the organization for the aggregator"),
		AssumeRolePolicy:  pulumi.String(iampolicy.ServiceTrust("config.amazonaws.com", a.AccountID).MustJSON()),
		ManagedPolicyArns: pulumi.ToStringArray([]string{"arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations"}),
	}, s.in(a.Region)...)
	if err != nil {
		return nil, fmt.Errorf("creating the aggregator role: %w", err)
	}
	return cfg.NewConfigurationAggregator(ctx, scope.Child(s.name, "config-aggregator"), &cfg.ConfigurationAggregatorArgs{
		Name: pulumi.String(naming.Name(a.Stack, "org", "config")),
		OrganizationAggregationSource: cfg.ConfigurationAggregatorOrganizationAggregationSourceArgs{
			AllRegions: pulumi.Bool(true),
			RoleArn:    role.Arn,
		},
	}, s.in(a.Region)...)
}

func without(list []string, drop string) []string {
	var out []string
	for _, x := range list {
		if x != drop {
			out = append(out, x)
		}
	}
	return out
}
