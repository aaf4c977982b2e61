// Package org builds the organization layer in the management account: the AWS Organization, its OUs and member
// accounts, the guardrail policies (SCPs, tag and backup policies), the delegated administrators and the cost
// controls (budgets, spending limits, anomaly detection).
package org

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/organizations"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/scope"
)

// ServiceAccessPrincipals are the services given trusted access to the organization: the security services run
// from Security Tooling, IAM Identity Center, AWS Backup, RAM for sharing the Transit Gateway, and the account
// management API, IAM (centralized root access).
var ServiceAccessPrincipals = []string{
	"access-analyzer.amazonaws.com",
	"account.amazonaws.com",
	"backup.amazonaws.com",
	"cloudtrail.amazonaws.com",
	"config-multiaccountsetup.amazonaws.com",
	"config.amazonaws.com",
	"guardduty.amazonaws.com",
	"iam.amazonaws.com",
	"malware-protection.guardduty.amazonaws.com",
	"ram.amazonaws.com",
	"securityhub.amazonaws.com",
	"sso.amazonaws.com",
}

// RootAccessFeatures are IAM's centralized root access features: no root credentials in member accounts, and
// root sessions from the management account for the few tasks only root can do.
var RootAccessFeatures = []string{"RootCredentialsManagement", "RootSessions"}

// PolicyTypes are the organization policy types the platform uses.
var PolicyTypes = []string{"SERVICE_CONTROL_POLICY", "TAG_POLICY", "BACKUP_POLICY"}

// OrganizationArgs configures an Organization.
type OrganizationArgs struct {
	// Scope is the management account.
	scope.Scope
	Estate config.Estate
	Config config.Organization
}

// Organization creates, in the management account, the AWS Organization with all features and the platform's
// policy types, its OUs (parents first) and the member accounts. Accounts and the organization are protected and
// retained on delete: removing them from the program never closes an account.
//
// It exports the organization ID and ARN, the root ID, the management account ID, and the OU and account IDs.
type Organization struct {
	pulumi.ResourceState

	Organization        *organizations.Organization
	ID                  pulumi.IDOutput
	ARN                 pulumi.StringOutput
	RootID              pulumi.StringOutput
	ManagementAccountID pulumi.StringOutput
	// OUIDs by OU name.
	OUIDs map[string]pulumi.StringOutput
	// AccountIDs by account name.
	AccountIDs map[string]pulumi.StringOutput
}

// NewOrganization registers the organization, its OUs and accounts.
func NewOrganization(ctx *pulumi.Context, name string, args OrganizationArgs, opts ...pulumi.ResourceOption) (*Organization, error) {
	c := &Organization{OUIDs: map[string]pulumi.StringOutput{}, AccountIDs: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource("platform:org:Organization", name, c, opts...); err != nil {
		return nil, err
	}
	child := args.In(c)
	stateful := args.In(c, pulumi.Protect(true), pulumi.RetainOnDelete(true))

	o, err := organizations.NewOrganization(ctx, name, &organizations.OrganizationArgs{
		FeatureSet:                 pulumi.String("ALL"),
		AwsServiceAccessPrincipals: pulumi.ToStringArray(ServiceAccessPrincipals),
		EnabledPolicyTypes:         pulumi.ToStringArray(PolicyTypes),
	}, stateful...)
	if err != nil {
		return nil, fmt.Errorf("organization %s: creating the organization: %w", name, err)
	}
	c.Organization, c.ID, c.ARN, c.ManagementAccountID = o, o.ID(), o.Arn, o.MasterAccountId
	c.RootID = o.Roots.Index(pulumi.Int(0)).Id().Elem()

	// Centralized root access: member accounts have no root credentials (accounts created from now on are born
	// without them) and privileged root tasks run as short root sessions from the management account. Created
	// before the accounts so that none of them ever has a root password.
	root, err := iam.NewOrganizationsFeatures(ctx, scope.Child(name, "root-access"), &iam.OrganizationsFeaturesArgs{
		EnabledFeatures: pulumi.ToStringArray(RootAccessFeatures),
	}, append(child, pulumi.DependsOn([]pulumi.Resource{o}))...)
	if err != nil {
		return nil, fmt.Errorf("organization %s: enabling centralized root access: %w", name, err)
	}

	for _, ou := range ParentsFirst(args.Config.OrganizationalUnits) {
		parent := c.RootID
		if ou.Parent != "" {
			parent = c.OUIDs[ou.Parent]
		}
		res, err := organizations.NewOrganizationalUnit(ctx, scope.Child(name, "ou", ou.Name), &organizations.OrganizationalUnitArgs{
			Name:     pulumi.String(ou.Name),
			ParentId: parent,
		}, child...)
		if err != nil {
			return nil, fmt.Errorf("organization %s: creating OU %q: %w", name, ou.Name, err)
		}
		c.OUIDs[ou.Name] = res.ID().ToStringOutput()
	}

	for _, a := range args.Config.Accounts {
		res, err := organizations.NewAccount(ctx, scope.Child(name, "account", a.Name), &organizations.AccountArgs{
			Name:     pulumi.String(AccountName(args.Estate.Company, a.Name)),
			Email:    pulumi.String(a.Email),
			ParentId: c.OUIDs[a.OU],
			RoleName: pulumi.String(args.Estate.AccessRoleName),
			// Closing an account is a 90-day, mostly irreversible process: never a side effect of a deploy.
			CloseOnDeletion: pulumi.Bool(false),
			// Lets the billing/finance permission set see the account's bills.
			IamUserAccessToBilling: pulumi.String("ALLOW"),
		}, append(stateful, pulumi.DependsOn([]pulumi.Resource{root}),
			// AWS cannot change these after creation; a diff on them would replace (recreate) the account.
			pulumi.IgnoreChanges([]string{"email", "roleName", "iamUserAccessToBilling"}))...)
		if err != nil {
			return nil, fmt.Errorf("organization %s: creating account %q: %w", name, a.Name, err)
		}
		c.AccountIDs[a.Name] = res.ID().ToStringOutput()
	}

	outs := pulumi.Map{"organizationId": c.ID, "rootId": c.RootID}
	return c, ctx.RegisterResourceOutputs(c, outs)
}

// AccountName is the AWS account name of a member account.
func AccountName(company, name string) string { return company + "-" + name }

// ParentsFirst orders OUs so that every parent comes before its children, by depth then name.
func ParentsFirst(ous []config.OU) []config.OU {
	byName := map[string]config.OU{}
	for _, ou := range ous {
		byName[ou.Name] = ou
	}
	depth := func(ou config.OU) int {
		d := 0
		for seen := 0; ou.Parent != "" && seen <= len(ous); seen++ {
			ou = byName[ou.Parent]
			d++
		}
		return d
	}
	out := append([]config.OU(nil), ous...)
	sort.SliceStable(out, func(i, j int) bool {
		di, dj := depth(out[i]), depth(out[j])
		if di != dj {
			return di < dj
		}
		return out[i].Name < out[j].Name
	})
	return out
}
