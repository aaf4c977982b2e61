package rds

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/scope"
)

// Backup rules: daily and weekly recovery points.
var BackupRules = []struct{ Name, Schedule string }{
	{"daily", "cron(0 5 ? * * *)"},
	{"weekly", "cron(0 6 ? * SUN *)"},
}

// BackupPlanArgs configures the BackupPlan.
type BackupPlanArgs struct {
	// Scope is the workload account in the home region.
	scope.Scope
	// VaultName is the account's own vault (created by the security layer's baseline) and RoleName the role AWS
	// Backup uses there.
	VaultName string
	RoleName  string
	// CopyVaultARN is the Backup account's vault in the home region every recovery point is copied to: one hop,
	// cross-account in the same region. RDS recovery points cannot be copied cross-account and cross-Region in one
	// copy action; the DR region holds the database's replicated automated backups (Database).
	CopyVaultARN string
	// Database is what the plan protects: selected by its backup tag, and restored by restore testing when on.
	Database *Database
	Config   config.DatabaseBackup
}

// BackupPlan creates, in the workload account, an AWS Backup plan with a daily and a weekly rule into the
// account's vault, each copying its recovery points to the Backup account's locked vault in the home region;
// the selection of the database by its backup tag; and, when configured (prod), a restore-testing plan that
// restores the latest snapshot of the database every week and keeps it for validation.
//
// Cost: backup storage $0.095/GB-month warm; copies to another account of the same region are free of transfer;
// restore testing pays for the restored instance for the validation window (a few dollars a week).
//
// It exports the plan ID.
type BackupPlan struct {
	pulumi.ResourceState

	PlanID pulumi.StringOutput
}

// NewBackupPlan registers the plan, its selection and the restore testing.
func NewBackupPlan(ctx *pulumi.Context, name string, args BackupPlanArgs, opts ...pulumi.ResourceOption) (*BackupPlan, error) {
	c := &BackupPlan{}
	if err := ctx.RegisterComponentResource("platform:rds:BackupPlan", name, c, opts...); err != nil {
		return nil, err
	}
	plan, err := backupPlan(ctx, name, args, args.In(c)...)
	if err != nil {
		return nil, fmt.Errorf("backup plan %s: %w", name, err)
	}
	c.PlanID = plan.ID().ToStringOutput()
	roleARN := fmt.Sprintf("arn:aws:iam::%s:role/%s", args.AccountID, args.RoleName)
	key, value := args.Database.BackupTag()
	if _, err := backup.NewSelection(ctx, scope.Child(name, "selection"), &backup.SelectionArgs{
		Name:       pulumi.String(scope.Child(name, "selection")),
		PlanId:     plan.ID(),
		IamRoleArn: pulumi.String(roleARN),
		SelectionTags: backup.SelectionSelectionTagArray{backup.SelectionSelectionTagArgs{
			Type: pulumi.String("STRINGEQUALS"), Key: pulumi.String(key), Value: pulumi.String(value)}},
	}, args.In(c)...); err != nil {
		return nil, fmt.Errorf("backup plan %s: selecting the database: %w", name, err)
	}
	if args.Config.RestoreTesting {
		if err := restoreTesting(ctx, name, args, roleARN, args.In(c)...); err != nil {
			return nil, fmt.Errorf("backup plan %s: %w", name, err)
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"planId": plan.ID()})
}

func backupPlan(ctx *pulumi.Context, name string, args BackupPlanArgs, opts ...pulumi.ResourceOption) (*backup.Plan, error) {
	retention := map[string]int{"daily": args.Config.DailyRetentionDays, "weekly": args.Config.WeeklyRetentionDays}
	var rules backup.PlanRuleArray
	for _, r := range BackupRules {
		rules = append(rules, backup.PlanRuleArgs{
			RuleName:         pulumi.String(r.Name),
			TargetVaultName:  pulumi.String(args.VaultName),
			Schedule:         pulumi.String(r.Schedule),
			StartWindow:      pulumi.Int(60),
			CompletionWindow: pulumi.Int(480),
			Lifecycle:        backup.PlanRuleLifecycleArgs{DeleteAfter: pulumi.Int(retention[r.Name])},
			CopyActions: backup.PlanRuleCopyActionArray{backup.PlanRuleCopyActionArgs{
				DestinationVaultArn: pulumi.String(args.CopyVaultARN),
				Lifecycle:           backup.PlanRuleCopyActionLifecycleArgs{DeleteAfter: pulumi.Int(retention[r.Name])},
			}},
		})
	}
	planName := scope.Child(name, "plan")
	plan, err := backup.NewPlan(ctx, planName, &backup.PlanArgs{Name: pulumi.String(planName), Rules: rules}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating the plan: %w", err)
	}
	return plan, nil
}

// restoreTesting restores the latest snapshot of the database every week and keeps it for validation.
func restoreTesting(ctx *pulumi.Context, name string, args BackupPlanArgs, roleARN string, opts ...pulumi.ResourceOption) error {
	// Restore testing plan names allow letters, digits and underscores only.
	underscored := func(s string) string { return strings.ReplaceAll(s, "-", "_") }
	test, err := backup.NewRestoreTestingPlan(ctx, scope.Child(name, "restore-testing"), &backup.RestoreTestingPlanArgs{
		Name:               pulumi.String(underscored(scope.Child(name, "restore-test"))),
		ScheduleExpression: pulumi.String("cron(0 7 ? * MON *)"),
		StartWindowHours:   pulumi.Int(24),
		RecoveryPointSelection: backup.RestoreTestingPlanRecoveryPointSelectionArgs{
			Algorithm:           pulumi.String("LATEST_WITHIN_WINDOW"),
			IncludeVaults:       pulumi.ToStringArray([]string{"*"}),
			RecoveryPointTypes:  pulumi.ToStringArray([]string{"SNAPSHOT"}),
			SelectionWindowDays: pulumi.Int(7),
		},
	}, opts...)
	if err != nil {
		return fmt.Errorf("creating the restore testing plan: %w", err)
	}
	if _, err := backup.NewRestoreTestingSelection(ctx, scope.Child(name, "restore-testing-database"), &backup.RestoreTestingSelectionArgs{
		Name:                   pulumi.String(underscored(scope.Child(name, "database"))),
		RestoreTestingPlanName: test.Name,
		ProtectedResourceType:  pulumi.String("RDS"),
		IamRoleArn:             pulumi.String(roleARN),
		ProtectedResourceArns:  pulumi.StringArray{args.Database.Instance.Arn},
		ValidationWindowHours:  pulumi.Int(4),
	}, opts...); err != nil {
		return fmt.Errorf("selecting the database for restore testing: %w", err)
	}
	return nil
}
