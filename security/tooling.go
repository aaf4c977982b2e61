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
	Env        string
	HomeRegion string
	Regions    []string                 // every allowed region, home first
	Providers  map[string]*aws.Provider // Security Tooling, by region
	AccountID  string
	RootID     string
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
	in := func(region string) []pulumi.ResourceOption {
		return []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Providers[region])}
	}

	hubAccounts := map[string]*securityhub.Account{}
	for _, region := range args.Regions {
		n := func(parts ...string) string {
			return naming.Name(args.Env, parts[0], parts[1], append(parts[2:], region)...)
		}
		detector, err := guardduty.NewDetector(ctx, n("guardduty", "detector"), &guardduty.DetectorArgs{
			Enable:                     pulumi.Bool(true),
			FindingPublishingFrequency: pulumi.String(args.FindingFrequency),
		}, append(in(region), pulumi.Protect(true))...)
		if err != nil {
			return nil, fmt.Errorf("creating GuardDuty detector in %s: %w", region, err)
		}
		c.DetectorIDs[region] = detector.ID().ToStringOutput()
		detectorID := detector.ID().ToStringOutput()
		if _, err := guardduty.NewOrganizationConfiguration(ctx, n("guardduty", "org-config"), &guardduty.OrganizationConfigurationArgs{
			DetectorId:                    detectorID,
			AutoEnableOrganizationMembers: pulumi.String("ALL"),
		}, in(region)...); err != nil {
			return nil, err
		}
		for _, feature := range slices.Sorted(maps.Keys(GuardDutyFeatures)) {
			var extra guardduty.OrganizationConfigurationFeatureAdditionalConfigurationArray
			for _, ac := range GuardDutyFeatures[feature] {
				extra = append(extra, guardduty.OrganizationConfigurationFeatureAdditionalConfigurationArgs{
					Name: pulumi.String(ac), AutoEnable: pulumi.String("ALL")})
			}
			if _, err := guardduty.NewOrganizationConfigurationFeature(ctx, n("guardduty", "feature", featureKey(feature)),
				&guardduty.OrganizationConfigurationFeatureArgs{
					DetectorId: detectorID, Name: pulumi.String(feature), AutoEnable: pulumi.String("ALL"),
					AdditionalConfigurations: extra,
				}, in(region)...); err != nil {
				return nil, err
			}
		}
		if _, err := guardduty.NewPublishingDestination(ctx, n("guardduty", "findings-export"), &guardduty.PublishingDestinationArgs{
			DetectorId:      detectorID,
			DestinationType: pulumi.String("S3"),
			DestinationArn:  pulumi.String(args.FindingsBuckets[region]),
			KmsKeyArn:       args.FindingsKeys[region],
		}, in(region)...); err != nil {
			return nil, err
		}

		hub, err := securityhub.NewAccount(ctx, n("securityhub", "account"), &securityhub.AccountArgs{
			EnableDefaultStandards:  pulumi.Bool(false),
			ControlFindingGenerator: pulumi.String("SECURITY_CONTROL"),
			AutoEnableControls:      pulumi.Bool(true),
		}, in(region)...)
		if err != nil {
			return nil, err
		}
		hubAccounts[region] = hub

		if _, err := accessanalyzer.NewAnalyzer(ctx, n("access-analyzer", "org"), &accessanalyzer.AnalyzerArgs{
			AnalyzerName: pulumi.String(naming.Name(args.Env, "org", "access-analyzer", region)),
			Type:         pulumi.String("ORGANIZATION"),
		}, in(region)...); err != nil {
			return nil, err
		}
	}

	home := args.HomeRegion
	var linked []string
	for _, r := range args.Regions {
		if r != home {
			linked = append(linked, r)
		}
	}
	aggregator, err := securityhub.NewFindingAggregator(ctx, naming.Name(args.Env, "securityhub", "aggregator"), &securityhub.FindingAggregatorArgs{
		LinkingMode:      pulumi.String("SPECIFIED_REGIONS"),
		SpecifiedRegions: pulumi.ToStringArray(linked),
	}, append(in(home), pulumi.DependsOn(hubResources(hubAccounts)))...)
	if err != nil {
		return nil, err
	}
	c.FindingAggregatorARN = aggregator.ID().ToStringOutput()
	orgConfig, err := securityhub.NewOrganizationConfiguration(ctx, naming.Name(args.Env, "securityhub", "org-config"), &securityhub.OrganizationConfigurationArgs{
		// Central configuration: the policy below decides what members run, not auto-enable.
		AutoEnable:                pulumi.Bool(false),
		AutoEnableStandards:       pulumi.String("NONE"),
		OrganizationConfiguration: securityhub.OrganizationConfigurationOrganizationConfigurationArgs{ConfigurationType: pulumi.String("CENTRAL")},
	}, append(in(home), pulumi.DependsOn([]pulumi.Resource{aggregator}))...)
	if err != nil {
		return nil, err
	}
	policy, err := securityhub.NewConfigurationPolicy(ctx, naming.Name(args.Env, "securityhub", "policy"), &securityhub.ConfigurationPolicyArgs{
		Name:        pulumi.String(naming.Name(args.Env, "securityhub", "baseline")),
		Description: pulumi.String("FSBP and CIS AWS Foundations v3.0.0 for every account"),
		ConfigurationPolicy: securityhub.ConfigurationPolicyConfigurationPolicyArgs{
			ServiceEnabled:      pulumi.Bool(true),
			EnabledStandardArns: pulumi.ToStringArray(StandardARNs(home)),
			SecurityControlsConfiguration: securityhub.ConfigurationPolicyConfigurationPolicySecurityControlsConfigurationArgs{
				DisabledControlIdentifiers: pulumi.ToStringArray([]string{}),
			},
		},
	}, append(in(home), pulumi.DependsOn([]pulumi.Resource{orgConfig}))...)
	if err != nil {
		return nil, err
	}
	if _, err := securityhub.NewConfigurationPolicyAssociation(ctx, naming.Name(args.Env, "securityhub", "policy-root"), &securityhub.ConfigurationPolicyAssociationArgs{
		PolicyId: policy.ID().ToStringOutput(),
		TargetId: pulumi.String(args.RootID),
	}, in(home)...); err != nil {
		return nil, err
	}

	role, err := iam.NewRole(ctx, naming.Name(args.Env, "config", "aggregator-role"), &iam.RoleArgs{
		Name:              pulumi.String(naming.Limited(naming.Name(args.Env, "config", "aggregator"), naming.MaxIAMRoleName)),
		Description:       pulumi.String("Lets AWS Config read the organization for the aggregator"),
		AssumeRolePolicy:  pulumi.String(iampolicy.ServiceTrust("config.amazonaws.com", args.AccountID).MustJSON()),
		ManagedPolicyArns: pulumi.ToStringArray([]string{"arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations"}),
	}, in(home)...)
	if err != nil {
		return nil, err
	}
	agg, err := cfg.NewConfigurationAggregator(ctx, naming.Name(args.Env, "config", "aggregator"), &cfg.ConfigurationAggregatorArgs{
		Name: pulumi.String(naming.Name(args.Env, "org", "config")),
		OrganizationAggregationSource: cfg.ConfigurationAggregatorOrganizationAggregationSourceArgs{
			AllRegions: pulumi.Bool(true),
			RoleArn:    role.Arn,
		},
	}, in(home)...)
	if err != nil {
		return nil, err
	}
	c.AggregatorARN = agg.Arn
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"aggregatorArn": agg.Arn})
}

func featureKey(feature string) string {
	out := []byte(feature)
	for i, b := range out {
		switch {
		case b == '_':
			out[i] = '-'
		case b >= 'A' && b <= 'Z':
			out[i] = b + 'a' - 'A'
		}
	}
	return string(out)
}

func hubResources(m map[string]*securityhub.Account) []pulumi.Resource {
	var out []pulumi.Resource
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}
