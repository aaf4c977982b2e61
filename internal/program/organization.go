package program

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/providers"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/internal/stackref"
	"github.com/innovate-inc/platform/internal/tags"
	"github.com/innovate-inc/platform/org"
)

// organizationLayer builds stack org in the management account and returns its outputs.
func organizationLayer(ctx *pulumi.Context, cfg *config.Stack) (pulumi.Map, error) {
	env, e, o := cfg.Name, cfg.Estate, *cfg.Organization
	defaultTags := tags.ForStack(*cfg).Map(nil)

	// The management account is reached with the deployer's own credentials, through an explicit provider.
	mgmt, err := providers.New(ctx, env, providers.Target{Key: ManagementAccountKey, Region: e.HomeRegion}, defaultTags)
	if err != nil {
		return nil, err
	}
	in := scope.Scope{Stack: env, Region: e.HomeRegion, Provider: mgmt, Tags: tags.ForStack(*cfg)}

	organization, err := org.NewOrganization(ctx, naming.Name(env, "organization", ""), org.OrganizationArgs{
		Scope: in, Estate: e, Config: o,
	})
	if err != nil {
		return nil, err
	}

	byRole := map[string]pulumi.StringOutput{}
	for _, role := range config.SingletonRoles {
		a, _ := o.AccountByRole(role)
		byRole[string(role)] = organization.AccountIDs[a.Name]
	}
	workloads := pulumi.StringMap{}
	for _, a := range o.Accounts {
		if a.Role == config.RoleWorkload {
			workloads[a.Environment] = organization.AccountIDs[a.Name]
		}
	}

	guardrails, err := org.NewGuardrails(ctx, naming.Name(env, "guardrails", ""), org.GuardrailsArgs{
		Scope: in, Estate: e, Config: o,
		RootID: organization.RootID, OUIDs: organization.OUIDs, BackupAccountID: byRole[string(config.RoleBackup)],
		Organization: organization.Organization,
	})
	if err != nil {
		return nil, err
	}

	if _, err := org.NewDelegatedAdmins(ctx, naming.Name(env, "delegated-admins", ""), org.DelegatedAdminsArgs{
		Scope: in, Organization: organization.Organization,
		SecurityToolingID: byRole[string(config.RoleSecurityTooling)],
		IdentityID:        byRole[string(config.RoleIdentity)],
		BackupID:          byRole[string(config.RoleBackup)],
	}); err != nil {
		return nil, fmt.Errorf("delegating administrators: %w", err)
	}

	costs, err := org.NewCostControls(ctx, naming.Name(env, "cost-controls", ""), org.CostControlsArgs{
		Scope: in, Config: o,
		ManagementAccountID: organization.ManagementAccountID,
		AccountIDs:          organization.AccountIDs,
		DenyNewSpendID:      guardrails.DenyNewSpend.ID().ToStringOutput(),
		DenyNewSpendARN:     guardrails.DenyNewSpend.Arn,
	})
	if err != nil {
		return nil, err
	}

	return pulumi.Map{
		stackref.OrgOrganizationID:      organization.ID,
		stackref.OrgOrganizationARN:     organization.ARN,
		stackref.OrgRootID:              organization.RootID,
		stackref.OrgManagementAccountID: organization.ManagementAccountID,
		stackref.OrgOUIDs:               toStringMap(organization.OUIDs),
		stackref.OrgAccountIDs:          toStringMap(organization.AccountIDs),
		stackref.OrgAccountIDsByRole:    toStringMap(byRole),
		stackref.OrgWorkloadAccountIDs:  workloads,
		stackref.OrgAccessRoleName:      pulumi.String(e.AccessRoleName),
		stackref.OrgHomeRegion:          pulumi.String(e.HomeRegion),
		stackref.OrgDRRegion:            pulumi.String(e.DRRegion),
		stackref.OrgAllowedRegions:      pulumi.ToStringArray(e.AllowedRegions),
		stackref.OrgBackupVaultName:     pulumi.String(o.BackupPolicy.VaultName),
		stackref.OrgBackupRoleName:      pulumi.String(o.BackupPolicy.RoleName),
		stackref.OrgBackupTag:           pulumi.StringMap{"key": pulumi.String(o.BackupPolicy.TagKey), "value": pulumi.String(o.BackupPolicy.TagValue)},
		stackref.OrgBillingTopicARN:     costs.TopicARN,
		stackref.OrgGuardrailPolicyIDs:  toStringMap(guardrails.PolicyIDs),
		stackref.OrgDenyNewSpendID:      guardrails.DenyNewSpend.ID(),
	}, nil
}

func toStringMap(m map[string]pulumi.StringOutput) pulumi.StringMap {
	out := pulumi.StringMap{}
	for k, v := range m {
		out[k] = v
	}
	return out
}
