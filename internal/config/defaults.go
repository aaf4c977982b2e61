package config

import (
	"maps"
	"slices"
)

// Defaults that apply when the user leaves a key out.
const (
	DefaultAccessRoleName          = "OrganizationAccountAccessRole"
	DefaultPipelineRoleName        = "platform-pipeline"
	DefaultBreakGlassPermissionSet = "BreakGlassAdmin"
	DefaultHardLimitPercent        = 100
	DefaultAnomalyThresholdUSD     = 100
	DefaultBackupVaultName         = "platform-baseline"
	DefaultBackupSchedule          = "cron(0 5 ? * * *)"
	DefaultBackupRetentionDays     = 35
	DefaultBackupCopyRetentionDays = 90
	DefaultBackupTagKey            = "backup"
	DefaultBackupTagValue          = "baseline"
	DefaultBackupRoleName          = "platform-backup"
)

// WithDefaults returns a copy of the config with every default filled in; the receiver is not changed.
func (s Stack) WithDefaults() Stack {
	out := s
	e := &out.Estate
	e.AllowedRegions = slices.Clone(s.Estate.AllowedRegions)
	e.Tags.Extra = maps.Clone(s.Estate.Tags.Extra)
	setString(&e.AccessRoleName, DefaultAccessRoleName)
	setString(&e.PipelineRoleName, DefaultPipelineRoleName)
	setString(&e.BreakGlassPermissionSet, DefaultBreakGlassPermissionSet)

	if s.Security != nil {
		sec := s.Security.withDefaults()
		out.Security = &sec
	}
	if s.Network != nil {
		n := s.Network.withDefaults()
		out.Network = &n
	}
	if s.Workload != nil {
		w := s.Workload.withDefaults(s.Name)
		out.Workload = &w
	}
	if s.Organization == nil {
		return out
	}
	o := cloneOrganization(*s.Organization)
	b := &o.Budgets
	if len(b.ActualThresholdsPercent) == 0 {
		b.ActualThresholdsPercent = []float64{50, 80, 100}
	}
	if len(b.ForecastThresholdsPercent) == 0 {
		b.ForecastThresholdsPercent = []float64{100}
	}
	if b.HardLimitPercent == 0 {
		b.HardLimitPercent = DefaultHardLimitPercent
	}
	for i := range o.Accounts {
		a := &o.Accounts[i]
		if a.Budget.HardLimit == nil {
			hard := a.Role == RoleWorkload && !a.IsProd()
			a.Budget.HardLimit = &hard
		}
	}
	if o.AnomalyDetection.ThresholdUSD == 0 {
		o.AnomalyDetection.ThresholdUSD = DefaultAnomalyThresholdUSD
	}
	bp := &o.BackupPolicy
	setString(&bp.VaultName, DefaultBackupVaultName)
	setString(&bp.Schedule, DefaultBackupSchedule)
	setInt(&bp.RetentionDays, DefaultBackupRetentionDays)
	setInt(&bp.CopyRetentionDays, DefaultBackupCopyRetentionDays)
	setString(&bp.TagKey, DefaultBackupTagKey)
	setString(&bp.TagValue, DefaultBackupTagValue)
	setString(&bp.RoleName, DefaultBackupRoleName)
	if len(bp.TargetOUs) == 0 {
		// The OUs that hold workload accounts.
		for _, a := range o.Accounts {
			if a.Role == RoleWorkload && !slices.Contains(bp.TargetOUs, a.OU) {
				bp.TargetOUs = append(bp.TargetOUs, a.OU)
			}
		}
		slices.Sort(bp.TargetOUs)
	}
	out.Organization = &o
	return out
}

func cloneOrganization(o Organization) Organization {
	o.OrganizationalUnits = slices.Clone(o.OrganizationalUnits)
	o.Accounts = slices.Clone(o.Accounts)
	for i := range o.Accounts {
		if h := o.Accounts[i].Budget.HardLimit; h != nil {
			v := *h
			o.Accounts[i].Budget.HardLimit = &v
		}
	}
	o.Budgets.AlertEmails = slices.Clone(o.Budgets.AlertEmails)
	o.Budgets.ActualThresholdsPercent = slices.Clone(o.Budgets.ActualThresholdsPercent)
	o.Budgets.ForecastThresholdsPercent = slices.Clone(o.Budgets.ForecastThresholdsPercent)
	o.Budgets.Teams = slices.Clone(o.Budgets.Teams)
	o.AnomalyDetection.Emails = slices.Clone(o.AnomalyDetection.Emails)
	o.BackupPolicy.TargetOUs = slices.Clone(o.BackupPolicy.TargetOUs)
	return o
}

func setString(v *string, def string) {
	if *v == "" {
		*v = def
	}
}

func setInt(v *int, def int) {
	if *v == 0 {
		*v = def
	}
}
