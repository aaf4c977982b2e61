package security

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/bytoken"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/kmskey"
	"github.com/innovate-inc/platform/internal/scope"
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
	// Scope is the account in the home region.
	scope.Scope
	AccountName string
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

// NewAccountBaseline registers one account's baseline: what is account-wide, what is per region, and the
// backup vault and role of workload accounts.
func NewAccountBaseline(ctx *pulumi.Context, name string, args AccountBaselineArgs, opts ...pulumi.ResourceOption) (*AccountBaseline, error) {
	c := &AccountBaseline{}
	if err := ctx.RegisterComponentResource("platform:security:AccountBaseline", name, c, opts...); err != nil {
		return nil, err
	}
	slr, err := c.accountWide(ctx, name, args)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", name, err)
	}
	for _, region := range args.Regions {
		if err := c.regional(ctx, name, args, region, slr); err != nil {
			return nil, fmt.Errorf("baseline %s in %s: %w", name, region, err)
		}
	}
	if args.Backup != nil {
		if err := c.backup(ctx, name, args); err != nil {
			return nil, fmt.Errorf("baseline %s: %w", name, err)
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{})
}

func (c *AccountBaseline) in(args AccountBaselineArgs, region string, more ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Providers[region])}, more...)
}

// accountWide creates the S3 account public access block, the Config service-linked role and the investigation
// role.
func (c *AccountBaseline) accountWide(ctx *pulumi.Context, name string, args AccountBaselineArgs) (*iam.ServiceLinkedRole, error) {
	if _, err := s3.NewAccountPublicAccessBlock(ctx, scope.Child(name, "s3-public-access-block"), &s3.AccountPublicAccessBlockArgs{
		AccountId:       pulumi.String(args.AccountID),
		BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, args.In(c)...); err != nil {
		return nil, fmt.Errorf("blocking public S3 access: %w", err)
	}
	slr, err := iam.NewServiceLinkedRole(ctx, scope.Child(name, "config-service-role"), &iam.ServiceLinkedRoleArgs{
		AwsServiceName: pulumi.String("config.amazonaws.com"),
	}, args.In(c)...)
	if err != nil {
		return nil, fmt.Errorf("creating the Config service-linked role: %w", err)
	}
	trust, err := InvestigationTrust(args.SecurityToolingID, args.OrgID).JSON()
	if err != nil {
		return nil, err
	}
	if _, err := iam.NewRole(ctx, scope.Child(name, "investigation-role"), &iam.RoleArgs{
		Name:               pulumi.String(InvestigationRoleName),
		Description:        pulumi.String("View-only and security-audit access for investigations from Security Tooling"),
		AssumeRolePolicy:   pulumi.String(trust),
		MaxSessionDuration: pulumi.Int(3600),
		ManagedPolicyArns:  pulumi.ToStringArray(InvestigationPolicies),
	}, args.In(c)...); err != nil {
		return nil, fmt.Errorf("creating the investigation role: %w", err)
	}
	return slr, nil
}

// regional turns EBS encryption by default on and records Config into the Log Archive (global resources in the
// home region only).
func (c *AccountBaseline) regional(ctx *pulumi.Context, name string, args AccountBaselineArgs, region string, slr *iam.ServiceLinkedRole) error {
	if _, err := bytoken.Register[bytoken.Resource](ctx, encryptionByDefaultType, scope.Child(name, "ebs-encryption", region),
		encryptionByDefault{Enabled: true}, c.in(args, region)...); err != nil {
		return fmt.Errorf("EBS encryption by default: %w", err)
	}
	recorder, err := bytoken.Register[bytoken.WithName](ctx, configRecorderType, scope.Child(name, "config-recorder", region), configRecorder{
		Name:    "default",
		RoleARN: slr.Arn,
		RecordingGroup: recordingGroup{
			AllSupported: true,
			// Global resources (IAM) are recorded once, in the home region.
			IncludeGlobalResourceTypes: region == args.Region,
		},
	}, c.in(args, region)...)
	if err != nil {
		return fmt.Errorf("creating the Config recorder: %w", err)
	}
	channel, err := bytoken.Register[bytoken.Resource](ctx, deliveryChannelType, scope.Child(name, "config-delivery", region), deliveryChannel{
		Name:                       "default",
		S3BucketName:               args.ConfigBucket,
		S3KMSKeyARN:                args.ConfigKeyARN,
		SnapshotDeliveryProperties: snapshotDeliveryProperties{DeliveryFrequency: "TwentyFour_Hours"},
	}, c.in(args, region, pulumi.DependsOn([]pulumi.Resource{recorder}))...)
	if err != nil {
		return fmt.Errorf("creating the Config delivery channel: %w", err)
	}
	if _, err := bytoken.Register[bytoken.Resource](ctx, recorderStatusType, scope.Child(name, "config-recorder-status", region), recorderStatus{
		Name: recorder.Name, IsEnabled: true,
	}, c.in(args, region, pulumi.DependsOn([]pulumi.Resource{channel}))...); err != nil {
		return fmt.Errorf("starting the Config recorder: %w", err)
	}
	return nil
}

// backup creates the KMS-encrypted vault and the role the organization backup policy names.
func (c *AccountBaseline) backup(ctx *pulumi.Context, name string, args AccountBaselineArgs) error {
	b := args.Backup
	if _, err := iam.NewRole(ctx, scope.Child(name, "backup-role"), &iam.RoleArgs{
		Name:              pulumi.String(b.RoleName),
		Description:       pulumi.String("Used by AWS Backup for the organization backup policy"),
		AssumeRolePolicy:  pulumi.String(iampolicy.ServiceTrust("backup.amazonaws.com", args.AccountID).MustJSON()),
		ManagedPolicyArns: pulumi.ToStringArray(BackupRolePolicies),
	}, args.In(c)...); err != nil {
		return fmt.Errorf("creating the backup role: %w", err)
	}
	keyPolicy, err := AccountKeyPolicy(args.AccountID).JSON()
	if err != nil {
		return err
	}
	key, err := kmskey.New(ctx, scope.Child(name, "backup-key"), pulumi.String("Encrypts the account's baseline backup vault"), pulumi.String(keyPolicy), args.In(c)...)
	if err != nil {
		return fmt.Errorf("creating the backup key: %w", err)
	}
	if _, err := backup.NewVault(ctx, scope.Child(name, "backup-vault"), &backup.VaultArgs{
		Name:         pulumi.String(b.VaultName),
		KmsKeyArn:    key.Arn,
		ForceDestroy: pulumi.Bool(false),
	}, args.In(c, pulumi.Protect(true), pulumi.RetainOnDelete(true))...); err != nil {
		return fmt.Errorf("creating the backup vault: %w", err)
	}
	return nil
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
