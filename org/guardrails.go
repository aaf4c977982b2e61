package org

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/organizations"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/internal/tags"
)

// GuardrailsArgs configures Guardrails.
type GuardrailsArgs struct {
	// Scope is the management account.
	scope.Scope
	Estate config.Estate
	Config config.Organization
	RootID pulumi.StringInput
	OUIDs  map[string]pulumi.StringOutput
	// BackupAccountID is where the backup policy copies recovery points (the Backup account's home-region vault).
	BackupAccountID pulumi.StringInput
	// Organization must exist, with its policy types enabled, before any policy is created.
	Organization pulumi.Resource
}

// Guardrails creates, in the management account, the service control policies with their attachments, the
// unattached deny-new-spend SCP that budget actions use, the tag policy for the cost-allocation keys (on the
// root) and the backup policy baseline (on the workload OUs).
//
// It exports the IDs of the policies by key and the deny-new-spend policy.
type Guardrails struct {
	pulumi.ResourceState

	PolicyIDs    map[string]pulumi.StringOutput
	DenyNewSpend *organizations.Policy
}

// NewGuardrails registers the organization policies: the SCPs where they belong, the deny-new-spend SCP for the
// budget actions, the tag policy on the root and the backup policy on its OUs. Every policy waits for the
// organization: creating one before its policy type is enabled fails.
func NewGuardrails(ctx *pulumi.Context, name string, args GuardrailsArgs, opts ...pulumi.ResourceOption) (*Guardrails, error) {
	c := &Guardrails{PolicyIDs: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource("platform:org:Guardrails", name, c, opts...); err != nil {
		return nil, err
	}
	s := guardrailSteps{c: c, name: name, args: args}
	for _, g := range SCPs(args.Estate, args.Config) {
		p, err := s.policy(ctx, "scp", g.Key, g.Description, "SERVICE_CONTROL_POLICY", pulumi.String(g.Document.MustJSON()))
		if err != nil {
			return nil, fmt.Errorf("guardrails %s: %w", name, err)
		}
		c.PolicyIDs[g.Key] = p.ID().ToStringOutput()
		if g.Root {
			if err := s.attach(ctx, "scp-"+g.Key, p, "root", args.RootID); err != nil {
				return nil, fmt.Errorf("guardrails %s: %w", name, err)
			}
		}
		for _, ou := range g.OUs {
			if err := s.attach(ctx, "scp-"+g.Key, p, ou, args.OUIDs[ou]); err != nil {
				return nil, fmt.Errorf("guardrails %s: %w", name, err)
			}
		}
	}
	deny, err := s.policy(ctx, "scp", "deny-new-spend", "Attached by a budget action when a non-prod account crosses its hard spending limit",
		"SERVICE_CONTROL_POLICY", pulumi.String(DenyNewSpend(args.Estate).MustJSON()))
	if err != nil {
		return nil, fmt.Errorf("guardrails %s: %w", name, err)
	}
	c.DenyNewSpend = deny
	tagPolicy, err := s.policy(ctx, "tag-policy", "cost-allocation", "Spelling and allowed values of the mandatory cost-allocation tags",
		"TAG_POLICY", pulumi.String(TagPolicy(args.Estate)))
	if err != nil {
		return nil, fmt.Errorf("guardrails %s: %w", name, err)
	}
	if err := s.attach(ctx, "tag-policy", tagPolicy, "root", args.RootID); err != nil {
		return nil, fmt.Errorf("guardrails %s: %w", name, err)
	}
	backupContent := args.BackupAccountID.ToStringOutput().ApplyT(func(backupAccount string) (string, error) {
		return BackupPolicy(args.Estate, args.Config.BackupPolicy, backupAccount)
	}).(pulumi.StringOutput)
	backup, err := s.policy(ctx, "backup-policy", "baseline", "Daily backups of tagged resources with a copy to the Backup account",
		"BACKUP_POLICY", backupContent)
	if err != nil {
		return nil, fmt.Errorf("guardrails %s: %w", name, err)
	}
	for _, ou := range args.Config.BackupPolicy.TargetOUs {
		if err := s.attach(ctx, "backup-policy", backup, ou, args.OUIDs[ou]); err != nil {
			return nil, fmt.Errorf("guardrails %s: %w", name, err)
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{})
}

// guardrailSteps is what every step of Guardrails needs.
type guardrailSteps struct {
	c    *Guardrails
	name string
	args GuardrailsArgs
}

// policy creates one organization policy, named <component>-<kind>-<key>, after the organization.
func (s guardrailSteps) policy(ctx *pulumi.Context, kind, key, description, typ string, content pulumi.StringInput) (*organizations.Policy, error) {
	name := scope.Child(s.name, kind, key)
	p, err := organizations.NewPolicy(ctx, name, &organizations.PolicyArgs{
		Name:        pulumi.String(name),
		Description: pulumi.String(description),
		Type:        pulumi.String(typ),
		Content:     content,
	}, s.args.In(s.c, scope.After(s.args.Organization))...)
	if err != nil {
		return nil, fmt.Errorf("creating %s %q: %w", kind, key, err)
	}
	return p, nil
}

// attach attaches a policy to the root or an OU.
func (s guardrailSteps) attach(ctx *pulumi.Context, key string, policy *organizations.Policy, targetName string, target pulumi.StringInput) error {
	_, err := organizations.NewPolicyAttachment(ctx, scope.Child(s.name, key, "to", targetName),
		&organizations.PolicyAttachmentArgs{PolicyId: policy.ID(), TargetId: target}, s.args.In(s.c)...)
	if err != nil {
		return fmt.Errorf("attaching %q to %s: %w", key, targetName, err)
	}
	return nil
}

// EnvironmentValues are the values the tag policy allows for the environment tag: "shared" (the org, security
// and network stacks) and the estate's workload environments.
func EnvironmentValues(e config.Estate) []string {
	return append([]string{"shared"}, e.EnvironmentNames()...)
}

// TagPolicy is the tag policy: the cost-allocation keys with their exact spelling, and the allowed environments.
// It reports non-compliance; it does not block tagging (enforcement would break services that tag on our behalf).
func TagPolicy(e config.Estate) string {
	assign := func(v any) map[string]any { return map[string]any{"@@assign": v} }
	policyTags := map[string]any{}
	for _, k := range tags.Keys() {
		entry := map[string]any{"tag_key": assign(k)}
		if k == config.TagEnvironment {
			entry["tag_value"] = assign(EnvironmentValues(e))
		}
		policyTags[k] = entry
	}
	b, _ := json.Marshal(map[string]any{"tags": policyTags})
	return string(b)
}

// BackupPolicy is the organization backup policy: a daily rule into the member account's baseline vault, with a
// copy to the Backup account's vault of the same name in the home region, for resources tagged
// <tagKey>=<tagValue> (the EBS CSI driver tags every persistent volume it creates so). The copy stays in the home
// region: RDS, Aurora, DocumentDB and Neptune recovery points cannot be copied cross-account and cross-Region in
// one copy action, and the policy cannot know which resource types carry the tag.
func BackupPolicy(e config.Estate, bp config.BackupPolicy, backupAccountID string) (string, error) {
	assign := func(v any) map[string]any { return map[string]any{"@@assign": v} }
	copyTarget := fmt.Sprintf("arn:aws:backup:%s:%s:backup-vault:%s", e.HomeRegion, backupAccountID, bp.VaultName)
	doc := map[string]any{"plans": map[string]any{
		"platform-baseline": map[string]any{
			"regions": assign([]string{e.HomeRegion}),
			"rules": map[string]any{"daily": map[string]any{
				"schedule_expression":            assign(bp.Schedule),
				"start_backup_window_minutes":    assign("60"),
				"complete_backup_window_minutes": assign("720"),
				"target_backup_vault_name":       assign(bp.VaultName),
				"lifecycle":                      map[string]any{"delete_after_days": assign(strconv.Itoa(bp.RetentionDays))},
				"copy_actions": map[string]any{copyTarget: map[string]any{
					"target_backup_vault_arn": assign(copyTarget),
					"lifecycle":               map[string]any{"delete_after_days": assign(strconv.Itoa(bp.CopyRetentionDays))},
				}},
			}},
			"selections": map[string]any{"tags": map[string]any{"platform-baseline": map[string]any{
				"iam_role_arn": assign(fmt.Sprintf("arn:aws:iam::$account:role/%s", bp.RoleName)),
				"tag_key":      assign(bp.TagKey),
				"tag_value":    assign([]string{bp.TagValue}),
			}}},
		},
	}}
	b, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("marshalling backup policy: %w", err)
	}
	return string(b), nil
}
