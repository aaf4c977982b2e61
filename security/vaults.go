package security

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/kmskey"
	"github.com/innovate-inc/platform/internal/scope"
)

// BackupVaultsArgs configures BackupVaults.
type BackupVaultsArgs struct {
	// Scope is the Backup account in the home region.
	scope.Scope
	Regions   []string                 // home and DR
	Providers map[string]*aws.Provider // the Backup account, by region
	OrgID     string
	// VaultName is the name the organization backup policy copies into.
	VaultName string
	Lock      config.BackupVaults
}

// BackupVaults creates, in the Backup account, a KMS key and a vault per region (home and DR), each under a
// compliance-mode vault lock (after the grace period nobody, root included, can shorten retention or delete
// recovery points), with a vault policy that lets the organization's accounts copy recovery points in and
// denies deleting them to everyone. Keys and vaults are protected and retained.
//
// Cost: $1/month per key; backup storage is billed per GB-month ($0.05 warm).
//
// It exports the vault ARNs by region.
type BackupVaults struct {
	pulumi.ResourceState

	VaultARNs map[string]pulumi.StringOutput
}

// NewBackupVaults registers the vaults.
func NewBackupVaults(ctx *pulumi.Context, name string, args BackupVaultsArgs, opts ...pulumi.ResourceOption) (*BackupVaults, error) {
	c := &BackupVaults{VaultARNs: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource("platform:security:BackupVaults", name, c, opts...); err != nil {
		return nil, err
	}
	keyPolicy, err := BackupKeyPolicy(args.AccountID, args.OrgID).JSON()
	if err != nil {
		return nil, fmt.Errorf("backup vaults %s: %w", name, err)
	}
	for _, region := range args.Regions {
		in := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Providers[region])}
		stateful := append(append([]pulumi.ResourceOption{}, in...), pulumi.Protect(true), pulumi.RetainOnDelete(true))
		key, err := kmskey.New(ctx, scope.Child(name, "key", region), pulumi.String("Encrypts the organization's backup copies ("+region+")"), pulumi.String(keyPolicy), stateful...)
		if err != nil {
			return nil, fmt.Errorf("backup vaults %s: creating the key in %s: %w", name, region, err)
		}
		vault, err := backup.NewVault(ctx, scope.Child(name, region), &backup.VaultArgs{
			Name:         pulumi.String(args.VaultName),
			KmsKeyArn:    key.Arn,
			ForceDestroy: pulumi.Bool(false),
		}, stateful...)
		if err != nil {
			return nil, fmt.Errorf("backup vaults %s: creating the vault in %s: %w", name, region, err)
		}
		c.VaultARNs[region] = vault.Arn
		if _, err := backup.NewVaultLockConfiguration(ctx, scope.Child(name, "lock", region), &backup.VaultLockConfigurationArgs{
			BackupVaultName:   vault.Name,
			MinRetentionDays:  pulumi.Int(args.Lock.MinRetentionDays),
			MaxRetentionDays:  pulumi.Int(args.Lock.MaxRetentionDays),
			ChangeableForDays: pulumi.Int(args.Lock.ChangeableForDays),
		}, stateful...); err != nil {
			return nil, fmt.Errorf("backup vaults %s: locking the vault in %s: %w", name, region, err)
		}
		if _, err := backup.NewVaultPolicy(ctx, scope.Child(name, "policy", region), &backup.VaultPolicyArgs{
			BackupVaultName: vault.Name,
			Policy: vault.Arn.ApplyT(func(arn string) (string, error) {
				return VaultPolicy(arn, args.OrgID).JSON()
			}).(pulumi.StringOutput),
		}, in...); err != nil {
			return nil, fmt.Errorf("backup vaults %s: the vault policy in %s: %w", name, region, err)
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{})
}

// VaultPolicy lets accounts of the organization copy recovery points into the vault and denies everyone the
// deletion of recovery points and changes to their lifecycle.
func VaultPolicy(vaultARN, orgID string) iampolicy.Document {
	everyone := &iampolicy.Principal{AWS: []string{"*"}}
	return iampolicy.New(
		iampolicy.Statement{Sid: "OrganizationCopiesIn", Effect: iampolicy.Allow, Principal: everyone,
			Action: []string{"backup:CopyIntoBackupVault"}, Resource: []string{vaultARN},
			Condition: iampolicy.Condition{"StringEquals": {"aws:PrincipalOrgID": {orgID}}}},
		iampolicy.Statement{Sid: "NobodyDeletes", Effect: iampolicy.Deny, Principal: everyone,
			Action:   []string{"backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:DeleteBackupVault"},
			Resource: []string{vaultARN}},
	)
}

// BackupKeyPolicy lets the Backup account administer the key and the organization's accounts use it through AWS
// Backup when they copy in.
func BackupKeyPolicy(accountID, orgID string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.AccountAdministers(accountID),
		iampolicy.Statement{Sid: "OrganizationCopiesThroughBackup", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: []string{"*"}},
			Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"},
			Resource:  everything,
			Condition: iampolicy.Condition{
				"StringEquals": {"aws:PrincipalOrgID": {orgID}},
				"StringLike":   {"kms:ViaService": {"backup.*.amazonaws.com"}},
			}},
	)
}
