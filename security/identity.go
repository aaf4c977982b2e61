package security

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/identitystore"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssoadmin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/naming"
)

// IdentityCenterArgs configures IdentityCenter.
type IdentityCenterArgs struct {
	Env      string
	Provider *aws.Provider // the Identity account (IAM Identity Center delegated administrator), home region
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

// NewIdentityCenter registers groups, permission sets and assignments.
func NewIdentityCenter(ctx *pulumi.Context, name string, args IdentityCenterArgs, opts ...pulumi.ResourceOption) (*IdentityCenter, error) {
	c := &IdentityCenter{PermissionSetARNs: map[string]pulumi.StringOutput{}, GroupIDs: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource("platform:security:IdentityCenter", name, c, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Provider)}
	inst, err := ssoadmin.GetInstances(ctx, pulumi.Provider(args.Provider))
	if err != nil {
		return nil, fmt.Errorf("reading the IAM Identity Center instance: %w", err)
	}
	if len(inst.Arns) == 0 || len(inst.IdentityStoreIds) == 0 {
		return nil, fmt.Errorf("IAM Identity Center is not enabled for the organization: enable it once in the management account and delegate it to the Identity account (see README)")
	}
	c.InstanceARN, c.IdentityStoreID = inst.Arns[0], inst.IdentityStoreIds[0]
	instance := pulumi.String(c.InstanceARN)

	for _, g := range args.Config.Groups {
		grp, err := identitystore.NewGroup(ctx, naming.Name(args.Env, "sso-group", slug(g.Name)), &identitystore.GroupArgs{
			IdentityStoreId: pulumi.String(c.IdentityStoreID),
			DisplayName:     pulumi.String(g.Name),
			Description:     pulumi.String(g.Description),
		}, child...)
		if err != nil {
			return nil, fmt.Errorf("creating group %q: %w", g.Name, err)
		}
		c.GroupIDs[g.Name] = grp.GroupId
	}
	for _, ps := range args.Config.PermissionSets {
		set, err := ssoadmin.NewPermissionSet(ctx, naming.Name(args.Env, "sso-permission-set", slug(ps.Name)), &ssoadmin.PermissionSetArgs{
			InstanceArn:     instance,
			Name:            pulumi.String(ps.Name),
			Description:     pulumi.String(ps.Description),
			SessionDuration: pulumi.String(ps.SessionDuration),
		}, child...)
		if err != nil {
			return nil, fmt.Errorf("creating permission set %q: %w", ps.Name, err)
		}
		c.PermissionSetARNs[ps.Name] = set.Arn
		for _, mp := range ps.ManagedPolicies {
			if _, err := ssoadmin.NewManagedPolicyAttachment(ctx, naming.Name(args.Env, "sso-policy", slug(ps.Name), slug(mp)), &ssoadmin.ManagedPolicyAttachmentArgs{
				InstanceArn:      instance,
				PermissionSetArn: set.Arn,
				ManagedPolicyArn: pulumi.String("arn:aws:iam::aws:policy/" + mp),
			}, child...); err != nil {
				return nil, err
			}
		}
	}
	for _, a := range args.Config.Assignments {
		for _, acct := range ExpandAccounts(a.Accounts, args.AccountIDs) {
			if _, err := ssoadmin.NewAccountAssignment(ctx, naming.Name(args.Env, "sso-assignment", slug(a.Group), slug(a.PermissionSet), acct), &ssoadmin.AccountAssignmentArgs{
				InstanceArn:      instance,
				PermissionSetArn: c.PermissionSetARNs[a.PermissionSet],
				PrincipalId:      c.GroupIDs[a.Group],
				PrincipalType:    pulumi.String("GROUP"),
				TargetId:         pulumi.String(args.AccountIDs[acct]),
				TargetType:       pulumi.String("AWS_ACCOUNT"),
			}, child...); err != nil {
				return nil, err
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

func slug(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer("/", "-", " ", "-", "_", "-", ".", "-").Replace(s)
	return s
}
