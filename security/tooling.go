package security

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/bytoken"
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
		if _, err := bytoken.Register[bytoken.Resource](ctx, analyzerType, s.n(region, "access-analyzer"), analyzer{
			AnalyzerName: naming.Name(args.Stack, "org", "access-analyzer", region),
			Type:         "ORGANIZATION",
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
	detector, err := bytoken.Register[bytoken.Resource](ctx, detectorType, s.n(region, "guardduty", "detector"), guardDutyDetector{
		Enable:                     true,
		FindingPublishingFrequency: a.FindingFrequency,
	}, s.in(region, pulumi.Protect(true))...)
	if err != nil {
		return fmt.Errorf("creating the detector: %w", err)
	}
	detectorID := detector.ID().ToStringOutput()
	s.c.DetectorIDs[region] = detectorID
	admin, err := bytoken.Register[bytoken.Resource](ctx, guardDutyAdminType, s.n(region, "guardduty", "admin"), organizationAdminAccount{AdminAccountID: a.AccountID},
		pulumi.Parent(s.c), pulumi.Provider(a.ManagementProviders[region]), pulumi.DependsOn([]pulumi.Resource{detector}))
	if err != nil {
		return fmt.Errorf("designating the administrator: %w", err)
	}
	afterAdmin := s.in(region, pulumi.DependsOn([]pulumi.Resource{admin}))
	if _, err := bytoken.Register[bytoken.Resource](ctx, guardDutyOrgConfigType, s.n(region, "guardduty", "org-config"), guardDutyOrgConfig{
		DetectorID:                    detectorID,
		AutoEnableOrganizationMembers: "ALL",
	}, afterAdmin...); err != nil {
		return fmt.Errorf("configuring the organization: %w", err)
	}
	for _, feature := range slices.Sorted(maps.Keys(GuardDutyFeatures)) {
		var extra []guardDutyAdditionalConfiguration
		for _, ac := range GuardDutyFeatures[feature] {
			extra = append(extra, guardDutyAdditionalConfiguration{Name: ac, AutoEnable: "ALL"})
		}
		if _, err := bytoken.Register[bytoken.Resource](ctx, guardDutyFeatureType, s.n(region, "guardduty", "feature", naming.Slug(feature)), guardDutyFeature{
			DetectorID: detectorID, Name: feature, AutoEnable: "ALL", AdditionalConfigurations: extra,
		}, afterAdmin...); err != nil {
			return fmt.Errorf("auto-enabling %s: %w", feature, err)
		}
	}
	if _, err := bytoken.Register[bytoken.Resource](ctx, publishingDestinationType, s.n(region, "guardduty", "findings-export"), publishingDestination{
		DetectorID:      detectorID,
		DestinationType: "S3",
		DestinationARN:  a.FindingsBuckets[region],
		KMSKeyARN:       a.FindingsKeys[region],
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
		hub, err := bytoken.Register[bytoken.Resource](ctx, securityHubAccountType, s.n(region, "securityhub", "account"), securityHubAccount{
			EnableDefaultStandards:  false,
			ControlFindingGenerator: "SECURITY_CONTROL",
			AutoEnableControls:      true,
		}, s.in(region)...)
		if err != nil {
			return fmt.Errorf("enabling Security Hub in %s: %w", region, err)
		}
		hubs = append(hubs, hub)
	}
	home := a.Region
	// With central configuration the administrator is designated once, in the home region.
	admin, err := bytoken.Register[bytoken.Resource](ctx, securityHubAdminType, scope.Child(s.name, "securityhub-admin"), organizationAdminAccount{AdminAccountID: a.AccountID},
		pulumi.Parent(s.c), pulumi.Provider(a.ManagementProviders[home]), pulumi.DependsOn(hubs))
	if err != nil {
		return fmt.Errorf("designating the administrator: %w", err)
	}
	aggregator, err := bytoken.Register[bytoken.Resource](ctx, findingAggregatorType, scope.Child(s.name, "securityhub-aggregator"), findingAggregator{
		LinkingMode:      "SPECIFIED_REGIONS",
		SpecifiedRegions: pulumi.ToStringArray(without(a.Regions, home)),
	}, s.in(home, pulumi.DependsOn(append(hubs, admin)))...)
	if err != nil {
		return fmt.Errorf("aggregating findings: %w", err)
	}
	s.c.FindingAggregatorARN = aggregator.ID().ToStringOutput()
	orgConfig, err := bytoken.Register[bytoken.Resource](ctx, securityHubOrgConfigType, scope.Child(s.name, "securityhub-org-config"), securityHubOrgConfig{
		// Central configuration: the policy below decides what members run, not auto-enable.
		AutoEnable:                false,
		AutoEnableStandards:       "NONE",
		OrganizationConfiguration: securityHubConfigurationType{ConfigurationType: "CENTRAL"},
	}, s.in(home, pulumi.DependsOn([]pulumi.Resource{aggregator, admin}))...)
	if err != nil {
		return fmt.Errorf("turning on central configuration: %w", err)
	}
	policy, err := bytoken.Register[bytoken.Resource](ctx, configurationPolicyType, scope.Child(s.name, "securityhub-policy"), configurationPolicy{
		Name:        scope.Child(s.name, "securityhub-baseline"),
		Description: "FSBP and CIS AWS Foundations v3.0.0 for every account",
		ConfigurationPolicy: configurationPolicyBody{
			ServiceEnabled:      true,
			EnabledStandardARNs: StandardARNs(home),
			// Sent as an empty list, as before: the policy disables no control.
			SecurityControlsConfiguration: securityControlsConfiguration{DisabledControlIdentifiers: []string{}},
		},
	}, s.in(home, pulumi.DependsOn([]pulumi.Resource{orgConfig}))...)
	if err != nil {
		return fmt.Errorf("creating the configuration policy: %w", err)
	}
	if _, err := bytoken.Register[bytoken.Resource](ctx, configurationPolicyAssociationType, scope.Child(s.name, "securityhub-policy-root"), configurationPolicyAssociation{
		PolicyID: policy.ID().ToStringOutput(),
		TargetID: a.RootID,
	}, s.in(home)...); err != nil {
		return fmt.Errorf("associating the configuration policy with the root: %w", err)
	}
	return nil
}

// configAggregator aggregates AWS Config over every account and region of the organization.
func (s toolingScope) configAggregator(ctx *pulumi.Context) (*bytoken.WithARN, error) {
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
	return bytoken.Register[bytoken.WithARN](ctx, configAggregatorType, scope.Child(s.name, "config-aggregator"), configAggregator{
		Name:                          naming.Name(a.Stack, "org", "config"),
		OrganizationAggregationSource: organizationAggregationSource{AllRegions: true, RoleARN: role.Arn},
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
