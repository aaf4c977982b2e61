package security

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cfg"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ebs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/kmskey"
	"github.com/innovate-inc/platform/internal/naming"
)

// InvestigationRoleName is the view-only role in every member account that Security Tooling assumes.
const InvestigationRoleName = "platform-investigation"

// InvestigationPolicies are the AWS managed policies of the investigation role: view-only plus security audit.
var InvestigationPolicies = []string{
	"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
	"arn:aws:iam::aws:policy/SecurityAudit",
}

// BackupRolePolicies are the AWS managed policies of the role AWS Backup uses in member accounts.
var BackupRolePolicies = []string{
	"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
	"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
}

// AccountBaselineArgs configures one account's baseline.
type AccountBaselineArgs struct {
	Env         string
	AccountName string
	AccountID   string
	HomeRegion  string
	Regions     []string
	Providers   map[string]*aws.Provider // the account, by region
	OrgID       string
	// SecurityToolingID is the only account that may assume the investigation role.
	SecurityToolingID string
	// ConfigBucket and ConfigKeyARN are the Log Archive's Config bucket and home-region key.
	ConfigBucket string
	ConfigKeyARN pulumi.StringInput
	// Backup, when set, adds the vault and role the organization backup policy names (workload accounts).
	Backup *BackupBaseline
}

// BackupBaseline is what the organization backup policy expects in a member account.
type BackupBaseline struct {
	VaultName string
	RoleName  string
}

// AccountBaseline creates in one member account, through that account's providers: EBS encryption by default in
// every region; the account-level S3 public access block; an AWS Config recorder (global resources in the home
// region only) with its delivery channel to the Log Archive and the Config service-linked role; the
// investigation role, assumable only from Security Tooling; and, for workload accounts, the KMS-encrypted backup
// vault and the AWS Backup role the organization backup policy uses. It creates no IAM user.
type AccountBaseline struct {
	pulumi.ResourceState
}

// NewAccountBaseline registers one account's baseline.
func NewAccountBaseline(ctx *pulumi.Context, name string, args AccountBaselineArgs, opts ...pulumi.ResourceOption) (*AccountBaseline, error) {
	c := &AccountBaseline{}
	if err := ctx.RegisterComponentResource("platform:security:AccountBaseline", name, c, opts...); err != nil {
		return nil, err
	}
	in := func(region string) []pulumi.ResourceOption {
		return []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Providers[region])}
	}
	home := args.HomeRegion
	n := func(role string, qualifiers ...string) string {
		return naming.Name(args.Env, args.AccountName, role, qualifiers...)
	}

	if _, err := s3.NewAccountPublicAccessBlock(ctx, n("s3-public-access-block"), &s3.AccountPublicAccessBlockArgs{
		AccountId:       pulumi.String(args.AccountID),
		BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, in(home)...); err != nil {
		return nil, err
	}
	slr, err := iam.NewServiceLinkedRole(ctx, n("config-service-role"), &iam.ServiceLinkedRoleArgs{
		AwsServiceName: pulumi.String("config.amazonaws.com"),
	}, in(home)...)
	if err != nil {
		return nil, err
	}
	trust, err := InvestigationTrust(args.SecurityToolingID, args.OrgID).JSON()
	if err != nil {
		return nil, err
	}
	if _, err := iam.NewRole(ctx, n("investigation-role"), &iam.RoleArgs{
		Name:               pulumi.String(InvestigationRoleName),
		Description:        pulumi.String("View-only and security-audit access for investigations from Security Tooling"),
		AssumeRolePolicy:   pulumi.String(trust),
		MaxSessionDuration: pulumi.Int(3600),
		ManagedPolicyArns:  pulumi.ToStringArray(InvestigationPolicies),
	}, in(home)...); err != nil {
		return nil, err
	}

	for _, region := range args.Regions {
		if _, err := ebs.NewEncryptionByDefault(ctx, n("ebs-encryption", region), &ebs.EncryptionByDefaultArgs{
			Enabled: pulumi.Bool(true),
		}, in(region)...); err != nil {
			return nil, err
		}
		recorder, err := cfg.NewRecorder(ctx, n("config-recorder", region), &cfg.RecorderArgs{
			Name:    pulumi.String("default"),
			RoleArn: slr.Arn,
			RecordingGroup: cfg.RecorderRecordingGroupArgs{
				AllSupported: pulumi.Bool(true),
				// Global resources (IAM) are recorded once, in the home region.
				IncludeGlobalResourceTypes: pulumi.Bool(region == home),
			},
		}, in(region)...)
		if err != nil {
			return nil, err
		}
		channel, err := cfg.NewDeliveryChannel(ctx, n("config-delivery", region), &cfg.DeliveryChannelArgs{
			Name:         pulumi.String("default"),
			S3BucketName: pulumi.String(args.ConfigBucket),
			S3KmsKeyArn:  args.ConfigKeyARN,
			SnapshotDeliveryProperties: cfg.DeliveryChannelSnapshotDeliveryPropertiesArgs{
				DeliveryFrequency: pulumi.String("TwentyFour_Hours"),
			},
		}, append(in(region), pulumi.DependsOn([]pulumi.Resource{recorder}))...)
		if err != nil {
			return nil, err
		}
		if _, err := cfg.NewRecorderStatus(ctx, n("config-recorder-status", region), &cfg.RecorderStatusArgs{
			Name: recorder.Name, IsEnabled: pulumi.Bool(true),
		}, append(in(region), pulumi.DependsOn([]pulumi.Resource{channel}))...); err != nil {
			return nil, err
		}
	}

	if b := args.Backup; b != nil {
		if _, err := iam.NewRole(ctx, n("backup-role"), &iam.RoleArgs{
			Name:              pulumi.String(b.RoleName),
			Description:       pulumi.String("Used by AWS Backup for the organization backup policy"),
			AssumeRolePolicy:  pulumi.String(iampolicy.ServiceTrust("backup.amazonaws.com", args.AccountID).MustJSON()),
			ManagedPolicyArns: pulumi.ToStringArray(BackupRolePolicies),
		}, in(home)...); err != nil {
			return nil, err
		}
		keyPolicy, err := AccountKeyPolicy(args.AccountID).JSON()
		if err != nil {
			return nil, err
		}
		key, err := kmskey.New(ctx, n("backup-key"), pulumi.String("Encrypts the account's baseline backup vault"), pulumi.String(keyPolicy), in(home)...)
		if err != nil {
			return nil, err
		}
		if _, err := backup.NewVault(ctx, n("backup-vault"), &backup.VaultArgs{
			Name:         pulumi.String(b.VaultName),
			KmsKeyArn:    key.Arn,
			ForceDestroy: pulumi.Bool(false),
		}, append(in(home), pulumi.Protect(true), pulumi.RetainOnDelete(true))...); err != nil {
			return nil, fmt.Errorf("creating backup vault in %s: %w", args.AccountName, err)
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{})
}

// InvestigationTrust lets principals of the Security Tooling account, within the organization, assume the
// investigation role.
func InvestigationTrust(securityToolingID, orgID string) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{Sid: "SecurityToolingAssumes", Effect: iampolicy.Allow,
		Principal: &iampolicy.Principal{AWS: []string{"arn:aws:iam::" + securityToolingID + ":root"}},
		Action:    []string{"sts:AssumeRole", "sts:SetSourceIdentity"},
		Condition: iampolicy.Condition{"StringEquals": {"aws:PrincipalOrgID": {orgID}}}})
}

// AccountKeyPolicy lets only the account itself administer and use a key (services act through its roles).
func AccountKeyPolicy(accountID string) iampolicy.Document {
	return iampolicy.New(iampolicy.AccountAdministers(accountID))
}
