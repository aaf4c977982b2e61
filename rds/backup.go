package rds

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/naming"
)

// Backup rules: daily and weekly recovery points.
var BackupRules = []struct{ Name, Schedule string }{
	{"daily", "cron(0 5 ? * * *)"},
	{"weekly", "cron(0 6 ? * SUN *)"},
}

// BackupPlanArgs configures the BackupPlan.
type BackupPlanArgs struct {
	Env       string
	AccountID string
	Provider  *aws.Provider // the workload account, home region
	// VaultName is the account's own vault (created by the security layer's baseline) and RoleName the role AWS
	// Backup uses there.
	VaultName string
	RoleName  string
	// CopyVaultARN is the Backup account's vault in the home region every recovery point is copied to: one hop,
	// cross-account in the same region. RDS recovery points cannot be copied cross-account and cross-Region in one
	// copy action; the DR region holds the database's replicated automated backups (Database).
	CopyVaultARN string
	// SelectionTag selects the resources by tag (key=value).
	SelectionTag [2]string
	// Database is restored by restore testing when it is set.
	DatabaseARN pulumi.StringInput
	Config      config.DatabaseBackup
}

// BackupPlan creates, in the workload account, an AWS Backup plan with a daily and a weekly rule into the
// account's vault, each copying its recovery points to the Backup account's locked vault in the home region; the selection by tag; and, when configured (prod), a restore-testing plan that restores the latest
// snapshot of the database every week and keeps it for validation.
//
// Cost: backup storage $0.095/GB-month warm; copies to another region add $0.02/GB transfer; restore testing pays
// for the restored instance for the validation window (a few dollars a week).
//
// It exports the plan ID.
type BackupPlan struct {
	pulumi.ResourceState

	PlanID pulumi.StringOutput
}

// NewBackupPlan registers the plan.
func NewBackupPlan(ctx *pulumi.Context, name string, args BackupPlanArgs, opts ...pulumi.ResourceOption) (*BackupPlan, error) {
	c := &BackupPlan{}
	if err := ctx.RegisterComponentResource("platform:rds:BackupPlan", name, c, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Provider)}
	retention := map[string]int{"daily": args.Config.DailyRetentionDays, "weekly": args.Config.WeeklyRetentionDays}
	var rules backup.PlanRuleArray
	for _, r := range BackupRules {
		copies := backup.PlanRuleCopyActionArray{backup.PlanRuleCopyActionArgs{
			DestinationVaultArn: pulumi.String(args.CopyVaultARN),
			Lifecycle:           backup.PlanRuleCopyActionLifecycleArgs{DeleteAfter: pulumi.Int(retention[r.Name])},
		}}
		rules = append(rules, backup.PlanRuleArgs{
			RuleName:         pulumi.String(r.Name),
			TargetVaultName:  pulumi.String(args.VaultName),
			Schedule:         pulumi.String(r.Schedule),
			StartWindow:      pulumi.Int(60),
			CompletionWindow: pulumi.Int(480),
			Lifecycle:        backup.PlanRuleLifecycleArgs{DeleteAfter: pulumi.Int(retention[r.Name])},
			CopyActions:      copies,
		})
	}
	planName := naming.Name(args.Env, "backup", "plan")
	plan, err := backup.NewPlan(ctx, planName, &backup.PlanArgs{Name: pulumi.String(planName), Rules: rules}, child...)
	if err != nil {
		return nil, fmt.Errorf("creating backup plan: %w", err)
	}
	c.PlanID = plan.ID().ToStringOutput()
	roleARN := fmt.Sprintf("arn:aws:iam::%s:role/%s", args.AccountID, args.RoleName)
	if _, err := backup.NewSelection(ctx, naming.Name(args.Env, "backup", "selection"), &backup.SelectionArgs{
		Name:       pulumi.String(naming.Name(args.Env, "backup", "selection")),
		PlanId:     plan.ID(),
		IamRoleArn: pulumi.String(roleARN),
		SelectionTags: backup.SelectionSelectionTagArray{backup.SelectionSelectionTagArgs{
			Type: pulumi.String("STRINGEQUALS"), Key: pulumi.String(args.SelectionTag[0]), Value: pulumi.String(args.SelectionTag[1])}},
	}, child...); err != nil {
		return nil, err
	}

	if args.Config.RestoreTesting && args.DatabaseARN != nil {
		// Restore testing plan names allow letters, digits and underscores only.
		testName := strings.ReplaceAll(naming.Name(args.Env, "database", "restore-test"), "-", "_")
		test, err := backup.NewRestoreTestingPlan(ctx, naming.Name(args.Env, "backup", "restore-testing"), &backup.RestoreTestingPlanArgs{
			Name:               pulumi.String(testName),
			ScheduleExpression: pulumi.String("cron(0 7 ? * MON *)"),
			StartWindowHours:   pulumi.Int(24),
			RecoveryPointSelection: backup.RestoreTestingPlanRecoveryPointSelectionArgs{
				Algorithm:           pulumi.String("LATEST_WITHIN_WINDOW"),
				IncludeVaults:       pulumi.ToStringArray([]string{"*"}),
				RecoveryPointTypes:  pulumi.ToStringArray([]string{"SNAPSHOT"}),
				SelectionWindowDays: pulumi.Int(7),
			},
		}, child...)
		if err != nil {
			return nil, err
		}
		if _, err := backup.NewRestoreTestingSelection(ctx, naming.Name(args.Env, "backup", "restore-testing-database"), &backup.RestoreTestingSelectionArgs{
			Name:                   pulumi.String(strings.ReplaceAll(naming.Name(args.Env, "database", "selection"), "-", "_")),
			RestoreTestingPlanName: test.Name,
			ProtectedResourceType:  pulumi.String("RDS"),
			IamRoleArn:             pulumi.String(roleARN),
			ProtectedResourceArns:  pulumi.StringArray{args.DatabaseARN},
			ValidationWindowHours:  pulumi.Int(4),
		}, child...); err != nil {
			return nil, err
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"planId": plan.ID()})
}
