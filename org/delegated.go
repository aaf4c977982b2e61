package org

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/organizations"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ram"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/scope"
)

// DelegatedAdminsArgs configures DelegatedAdmins.
type DelegatedAdminsArgs struct {
	// Scope is the management account in the home region.
	scope.Scope
	// Organization must exist with trusted access on before any delegation.
	Organization      pulumi.Resource
	SecurityToolingID pulumi.StringInput
	IdentityID        pulumi.StringInput
	BackupID          pulumi.StringInput
}

// DelegatedServicePrincipals are the services delegated through organizations:RegisterDelegatedAdministrator,
// by the account role that administers them. GuardDuty, Security Hub and CloudTrail have their own APIs.
var DelegatedServicePrincipals = map[string][]string{
	"securityTooling": {"access-analyzer.amazonaws.com", "config-multiaccountsetup.amazonaws.com", "config.amazonaws.com"},
	"identity":        {"sso.amazonaws.com"},
	"backup":          {"backup.amazonaws.com"},
}

// DelegatedAdmins makes, from the management account, Security Tooling the administrator of CloudTrail, Config
// and Access Analyzer (GuardDuty and Security Hub follow in the security stack, see SecurityTooling); Identity the administrator of IAM
// Identity Center; Backup the administrator of AWS Backup (with cross-account backup turned on). The management
// account then stays free of day-to-day administration.
type DelegatedAdmins struct {
	pulumi.ResourceState
}

// NewDelegatedAdmins registers the delegations.
func NewDelegatedAdmins(ctx *pulumi.Context, name string, args DelegatedAdminsArgs, opts ...pulumi.ResourceOption) (*DelegatedAdmins, error) {
	c := &DelegatedAdmins{}
	if err := ctx.RegisterComponentResource("platform:org:DelegatedAdmins", name, c, opts...); err != nil {
		return nil, err
	}
	child := args.In(c, scope.After(args.Organization))
	ids := map[string]pulumi.StringInput{"securityTooling": args.SecurityToolingID, "identity": args.IdentityID, "backup": args.BackupID}

	for _, role := range []string{"securityTooling", "identity", "backup"} {
		for _, principal := range DelegatedServicePrincipals[role] {
			service := principal[:len(principal)-len(".amazonaws.com")]
			if _, err := organizations.NewDelegatedAdministrator(ctx, scope.Child(name, service),
				&organizations.DelegatedAdministratorArgs{AccountId: ids[role], ServicePrincipal: pulumi.String(principal)}, child...); err != nil {
				return nil, fmt.Errorf("delegating %s: %w", principal, err)
			}
		}
	}

	// GuardDuty and Security Hub are designated by the security stack, after it has created the detector and the
	// hub in Security Tooling: designation enables both in the administrator account by itself, and creating them
	// afterwards fails.
	if _, err := cloudtrail.NewOrganizationDelegatedAdminAccount(ctx, scope.Child(name, "cloudtrail"),
		&cloudtrail.OrganizationDelegatedAdminAccountArgs{AccountId: args.SecurityToolingID}, child...); err != nil {
		return nil, fmt.Errorf("delegating CloudTrail: %w", err)
	}
	// RAM sharing with the organization lets the network stack share the Transit Gateway with an OU.
	if _, err := ram.NewSharingWithOrganization(ctx, scope.Child(name, "ram-sharing-with-organization"), nil, child...); err != nil {
		return nil, fmt.Errorf("enabling RAM sharing with the organization: %w", err)
	}
	// Cross-account backup lets member accounts copy recovery points into the Backup account's vaults.
	if _, err := backup.NewGlobalSettings(ctx, scope.Child(name, "backup-global-settings"), &backup.GlobalSettingsArgs{
		GlobalSettings: pulumi.StringMap{"isCrossAccountBackupEnabled": pulumi.String("true")},
	}, child...); err != nil {
		return nil, fmt.Errorf("enabling cross-account backup: %w", err)
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{})
}
