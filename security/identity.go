package security

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/bytoken"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/scope"
)

// IdentityCenterArgs configures IdentityCenter.
type IdentityCenterArgs struct {
	// Scope is the Identity account (IAM Identity Center delegated administrator), home region.
	scope.Scope
	// Instance is the organization's IAM Identity Center instance (ReadIdentityCenterInstance).
	Instance IdentityCenterInstance
	Config   config.IdentityCenter
	// AccountIDs are the member accounts by name (from the org stack); "*" in an assignment means all of them.
	AccountIDs map[string]string
}

// IdentityCenter creates, through the Identity account (the IAM Identity Center delegated administrator), the
// identity-store groups, the permission sets with their AWS managed policies and session durations, and the
// account assignments of the config matrix (group x permission set x account). People sign in only this way;
// the guardrails deny IAM users.
//
// It exports the instance ARN, the identity store ID, the permission set ARNs and the group IDs by name.
type IdentityCenter struct {
	pulumi.ResourceState

	InstanceARN       string
	IdentityStoreID   string
	PermissionSetARNs map[string]pulumi.StringOutput
	GroupIDs          map[string]pulumi.StringOutput
}

// IdentityCenterInstance is the organization's IAM Identity Center instance.
type IdentityCenterInstance struct{ ARN, IdentityStoreID string }

// ReadIdentityCenterInstance reads the instance through the Identity account: no API creates the organization
// instance, so a stack reads it before it builds anything and stops, naming the manual step, when it is missing.
func ReadIdentityCenterInstance(ctx *pulumi.Context, identity *aws.Provider) (IdentityCenterInstance, error) {
	var inst instances
	if err := ctx.Invoke(getInstancesToken, nil, &inst, pulumi.Provider(identity)); err != nil {
		return IdentityCenterInstance{}, fmt.Errorf("reading the IAM Identity Center instance: %w", err)
	}
	if len(inst.Arns) == 0 || len(inst.IdentityStoreIds) == 0 {
		return IdentityCenterInstance{}, fmt.Errorf("IAM Identity Center is not enabled for the organization: enable it once in the management account and delegate it to the Identity account (see README)")
	}
	return IdentityCenterInstance{ARN: inst.Arns[0], IdentityStoreID: inst.IdentityStoreIds[0]}, nil
}

// NewIdentityCenter registers groups, permission sets and assignments.
func NewIdentityCenter(ctx *pulumi.Context, name string, args IdentityCenterArgs, opts ...pulumi.ResourceOption) (*IdentityCenter, error) {
	c := &IdentityCenter{PermissionSetARNs: map[string]pulumi.StringOutput{}, GroupIDs: map[string]pulumi.StringOutput{},
		InstanceARN: args.Instance.ARN, IdentityStoreID: args.Instance.IdentityStoreID}
	if err := ctx.RegisterComponentResource("platform:security:IdentityCenter", name, c, opts...); err != nil {
		return nil, err
	}
	child := args.In(c)
	for _, g := range args.Config.Groups {
		grp, err := bytoken.Register[groupState](ctx, groupType, scope.Child(name, "group", naming.Slug(g.Name)), group{
			IdentityStoreID: c.IdentityStoreID,
			DisplayName:     g.Name,
			Description:     g.Description,
		}, child...)
		if err != nil {
			return nil, fmt.Errorf("identity center %s: creating group %q: %w", name, g.Name, err)
		}
		c.GroupIDs[g.Name] = grp.GroupID
	}
	for _, ps := range args.Config.PermissionSets {
		set, err := bytoken.Register[bytoken.WithARN](ctx, permissionSetType, scope.Child(name, "permission-set", naming.Slug(ps.Name)), permissionSet{
			InstanceARN:     c.InstanceARN,
			Name:            ps.Name,
			Description:     ps.Description,
			SessionDuration: ps.SessionDuration,
		}, child...)
		if err != nil {
			return nil, fmt.Errorf("identity center %s: creating permission set %q: %w", name, ps.Name, err)
		}
		c.PermissionSetARNs[ps.Name] = set.Arn
		for _, mp := range ps.ManagedPolicies {
			if _, err := bytoken.Register[bytoken.Resource](ctx, managedPolicyAttachmentType, scope.Child(name, "policy", naming.Slug(ps.Name), naming.Slug(mp)), managedPolicyAttachment{
				InstanceARN:      c.InstanceARN,
				PermissionSetARN: set.Arn,
				ManagedPolicyARN: "arn:aws:iam::aws:policy/" + mp,
			}, child...); err != nil {
				return nil, fmt.Errorf("identity center %s: attaching %s to %q: %w", name, mp, ps.Name, err)
			}
		}
	}
	for _, a := range args.Config.Assignments {
		for _, acct := range ExpandAccounts(a.Accounts, args.AccountIDs) {
			if _, err := bytoken.Register[bytoken.Resource](ctx, accountAssignmentType, scope.Child(name, "assignment", naming.Slug(a.Group), naming.Slug(a.PermissionSet), acct), accountAssignment{
				InstanceARN:      c.InstanceARN,
				PermissionSetARN: c.PermissionSetARNs[a.PermissionSet],
				PrincipalID:      c.GroupIDs[a.Group],
				PrincipalType:    "GROUP",
				TargetID:         args.AccountIDs[acct],
				TargetType:       "AWS_ACCOUNT",
			}, child...); err != nil {
				return nil, fmt.Errorf("identity center %s: assigning %q to %q in %s: %w", name, a.PermissionSet, a.Group, acct, err)
			}
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{})
}

// ExpandAccounts resolves "*" to every account name, sorted and without duplicates.
func ExpandAccounts(names []string, ids map[string]string) []string {
	set := map[string]bool{}
	for _, n := range names {
		if n == config.AllAccounts {
			for k := range ids {
				set[k] = true
			}
			continue
		}
		set[n] = true
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
