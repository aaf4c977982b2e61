package config

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
)

// AccountRole is what a member account is for.
type AccountRole string

const (
	RoleIdentity        AccountRole = "identity"
	RoleLogArchive      AccountRole = "logArchive"
	RoleSecurityTooling AccountRole = "securityTooling"
	RoleNetworking      AccountRole = "networking"
	RoleBackup          AccountRole = "backup"
	RoleWorkload        AccountRole = "workload"
)

// SingletonRoles are the roles exactly one account must hold.
var SingletonRoles = []AccountRole{RoleIdentity, RoleLogArchive, RoleSecurityTooling, RoleNetworking, RoleBackup}

// Organization configures the organization layer (stack org, management account).
type Organization struct {
	OrganizationalUnits []OU             `json:"organizationalUnits"`
	Accounts            []Account        `json:"accounts"`
	Budgets             Budgets          `json:"budgets"`
	AnomalyDetection    AnomalyDetection `json:"anomalyDetection"`
	BackupPolicy        BackupPolicy     `json:"backupPolicy"`
}

// OU is an organizational unit; Parent names another OU, or is empty for the root.
type OU struct {
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
}

// Account is a member account.
type Account struct {
	// Name is the short key of the account (log-archive); the AWS account name is <company>-<name>.
	Name  string      `json:"name"`
	Email string      `json:"email"`
	Role  AccountRole `json:"role"`
	// Environment is set for workload accounts only: one of platform:estate.environments, one account each.
	Environment string        `json:"environment,omitempty"`
	OU          string        `json:"ou"`
	Budget      AccountBudget `json:"budget"`
}

// Production reports whether the account runs a workload environment of the production tier.
func (a Account) Production(e Estate) bool {
	env, ok := e.Environment(a.Environment)
	return a.Role == RoleWorkload && ok && env.Production()
}

// AccountBudget is the monthly cost budget of one account.
type AccountBudget struct {
	MonthlyLimitUSD float64 `json:"monthlyLimitUsd"`
	// HardLimit attaches the deny-new-spend SCP to the account when actual spend crosses
	// budgets.hardLimitPercent of the limit. Defaults to true for the workload accounts of non-production
	// environments; never allowed on a production one.
	HardLimit *bool `json:"hardLimit,omitempty"`
}

// Budgets configures alerting and spending limits.
type Budgets struct {
	AlertEmails               []string     `json:"alertEmails"`
	ActualThresholdsPercent   []float64    `json:"actualThresholdsPercent,omitempty"`
	ForecastThresholdsPercent []float64    `json:"forecastThresholdsPercent,omitempty"`
	HardLimitPercent          float64      `json:"hardLimitPercent,omitempty"`
	Teams                     []TeamBudget `json:"teams,omitempty"`
}

// TeamBudget is a monthly budget over the cost of everything tagged team=<Name>.
type TeamBudget struct {
	Name            string   `json:"name"`
	MonthlyLimitUSD float64  `json:"monthlyLimitUsd"`
	AlertEmails     []string `json:"alertEmails,omitempty"`
}

// AnomalyDetection configures Cost Anomaly Detection.
type AnomalyDetection struct {
	// ThresholdUSD is the total impact above which an anomaly is reported.
	ThresholdUSD float64  `json:"thresholdUsd,omitempty"`
	Emails       []string `json:"emails"`
}

// BackupPolicy is the organization backup policy baseline attached to the Workloads OU.
type BackupPolicy struct {
	// VaultName is the vault, in each member account and in the Backup account, that recovery points go to.
	VaultName string `json:"vaultName,omitempty"`
	// Schedule is an AWS Backup cron expression.
	Schedule      string `json:"schedule,omitempty"`
	RetentionDays int    `json:"retentionDays,omitempty"`
	// CopyRetentionDays is how long the copies in the Backup account's DR-region vault are kept.
	CopyRetentionDays int `json:"copyRetentionDays,omitempty"`
	// TagKey and TagValue select the resources the baseline backs up.
	TagKey   string `json:"tagKey,omitempty"`
	TagValue string `json:"tagValue,omitempty"`
	// RoleName is the role AWS Backup uses in each member account (created by the security layer's baseline).
	RoleName string `json:"roleName,omitempty"`
	// TargetOUs are the OUs the policy is attached to.
	TargetOUs []string `json:"targetOUs,omitempty"`
}

// Defaults of the organization layer.
const (
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

var (
	// OU names: 1-128 characters, AWS allows letters, digits, space and a few symbols; we keep names simple.
	ouPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9 _-]{0,127}$`)
	// AWS Backup vault names: 2-50 characters of letters, digits, hyphen and underscore.
	vaultNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{2,50}$`)
	// An AWS cron expression has six fields inside cron(...).
	cronPattern = regexp.MustCompile(`^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$`)
)

func (o Organization) validate(p *problems, path keyPath, e Estate) {
	ous := o.validateOUs(p, path.Field("organizationalUnits"))
	roles, envs := o.validateAccounts(p, path.Field("accounts"), path.Field("organizationalUnits"), ous, e)
	o.validateAccountSet(p, path.Field("accounts"), roles, envs, e)
	o.Budgets.validate(p, path.Field("budgets"))
	o.AnomalyDetection.validate(p, path.Field("anomalyDetection"))
	o.BackupPolicy.validate(p, path.Field("backupPolicy"), ous)
}

// validateOUs checks the OU names and the tree their parents make, and returns the OUs by name.
func (o Organization) validateOUs(p *problems, list keyPath) map[string]OU {
	if len(o.OrganizationalUnits) == 0 {
		p.missing(list, "at least the OUs the accounts are placed in")
	}
	ous := map[string]OU{}
	for i, ou := range o.OrganizationalUnits {
		if !ouPattern.MatchString(ou.Name) {
			p.bad(list.Index(i).Field("name"), ou.Name, "must start with a letter and hold 1-128 letters, digits, spaces, '_' or '-'")
		}
		ous[ou.Name] = ou
	}
	uniqueNames(p, list, "name", o.OrganizationalUnits, func(ou OU) string { return ou.Name })
	for i, ou := range o.OrganizationalUnits {
		if ou.Parent != "" {
			validateParent(p, list.Index(i).Field("parent"), list, ou, ous)
		}
	}
	return ous
}

// validateParent checks that an OU's parent exists, makes no cycle and nests the OU at most 5 levels deep, the
// most AWS Organizations allows.
func validateParent(p *problems, key, list keyPath, ou OU, ous map[string]OU) {
	if _, ok := ous[ou.Parent]; !ok {
		p.bad(key, ou.Parent, "is not an OU defined in %s (leave it empty for the root)", list)
		return
	}
	// Walk up: a cycle never reaches the root.
	depth, cur, seen := 1, ou, map[string]bool{ou.Name: true}
	for cur.Parent != "" {
		next, ok := ous[cur.Parent]
		if !ok {
			break
		}
		if seen[next.Name] {
			p.bad(key, ou.Parent, "makes a cycle of OUs")
			break
		}
		seen[next.Name] = true
		depth++
		cur = next
	}
	if depth > 5 {
		p.bad(key, ou.Parent, "nests OU %q %d levels deep: AWS Organizations allows at most 5", ou.Name, depth)
	}
}

// validateAccounts checks every member account, and what no two accounts may share: name, root email and
// environment. It returns the indexes of the accounts by role, and the account of each environment.
func (o Organization) validateAccounts(p *problems, list, ouList keyPath, ous map[string]OU, e Estate) (map[AccountRole][]int, map[string]int) {
	emails := map[string]int{}
	roles := map[AccountRole][]int{}
	envs := map[string]int{}
	for i, a := range o.Accounts {
		key := list.Index(i)
		a.validate(p, key, ouList, ous, e)
		if email := strings.ToLower(a.Email); validEmail(a.Email) {
			if j, dup := emails[email]; dup {
				p.bad(key.Field("email"), a.Email, "is already used by %s: every account needs its own root email", list.Index(j))
			} else {
				emails[email] = i
			}
		}
		if slices.Contains(accountRoles(), a.Role) {
			roles[a.Role] = append(roles[a.Role], i)
		}
		if _, declared := e.Environment(a.Environment); a.Role == RoleWorkload && declared {
			if j, dup := envs[a.Environment]; dup {
				p.bad(key.Field("environment"), a.Environment, "is already run by %s: one account per environment", list.Index(j))
			}
			envs[a.Environment] = i
		}
	}
	uniqueNames(p, list, "name", o.Accounts, func(a Account) string { return a.Name })
	return roles, envs
}

// validate checks one account's own fields.
func (a Account) validate(p *problems, key, ouList keyPath, ous map[string]OU, e Estate) {
	if !keyPattern.MatchString(a.Name) {
		// With the 16-character company prefix the account name stays under AWS's 50 characters.
		p.bad(key.Field("name"), a.Name, "must be 2-32 lowercase letters, digits or '-', starting with a letter")
	}
	if a.Email == "" {
		p.missing(key.Field("email"), "the account's root email address, unique across AWS")
	} else if !validEmail(a.Email) {
		p.bad(key.Field("email"), a.Email, "is not a valid email address")
	}
	switch {
	case a.Role == "":
		p.missing(key.Field("role"), "one of "+roleList())
	case !slices.Contains(accountRoles(), a.Role):
		p.bad(key.Field("role"), string(a.Role), "is not an account role: allowed are %s", roleList())
	}
	switch {
	case a.Role != RoleWorkload && a.Environment != "":
		p.bad(key.Field("environment"), a.Environment, "is only for workload accounts (role %q has none)", a.Role)
	case a.Role != RoleWorkload:
	case a.Environment == "":
		p.missing(key.Field("environment"), "workload accounts name their environment: one of "+e.environmentList())
	case len(e.Environments) == 0:
		// The estate's own error says the environments are missing.
	default:
		if _, declared := e.Environment(a.Environment); !declared {
			p.bad(key.Field("environment"), a.Environment, "is not an environment %s declares: allowed are %s", keyPath(KeyEstate).Field("environments"), e.environmentList())
		}
	}
	if a.OU == "" {
		p.missing(key.Field("ou"), "the OU the account is placed in")
	} else if _, ok := ous[a.OU]; !ok {
		p.bad(key.Field("ou"), a.OU, "is not an OU defined in %s", ouList)
	}
	if a.Budget.MonthlyLimitUSD <= 0 {
		p.bad(key.Field("budget").Field("monthlyLimitUsd"), a.Budget.MonthlyLimitUSD, "must be greater than 0")
	}
	if a.Production(e) && a.Budget.HardLimit != nil && *a.Budget.HardLimit {
		p.bad(key.Field("budget").Field("hardLimit"), true, "is not allowed on the account of %s, a production environment: the deny-new-spend guardrail would stop production from scaling", a.Environment)
	}
}

// validateAccountSet checks what the accounts must hold together: exactly one account of each singleton role, a
// workload account for every declared environment, and no OU holding both a production and a non-production
// workload account.
func (o Organization) validateAccountSet(p *problems, list keyPath, roles map[AccountRole][]int, envs map[string]int, e Estate) {
	for _, r := range SingletonRoles {
		switch idx := roles[r]; {
		case len(idx) == 0:
			p.missing(list, fmt.Sprintf("an account with role %q", r))
		case len(idx) > 1:
			p.bad(list.Index(idx[1]).Field("role"), string(r), "is already held by %s: exactly one account has this role", list.Index(idx[0]))
		}
	}
	for _, env := range e.Environments {
		if _, ok := envs[env.Name]; !ok && len(o.Accounts) > 0 {
			p.missing(list, fmt.Sprintf("a workload account with environment %q, which %s declares", env.Name, keyPath(KeyEstate).Field("environments")))
		}
	}
	// Production is kept apart from non-production: they never share an OU, so guardrails can differ.
	productionOU := map[string]int{}
	for _, env := range e.Environments {
		if i, ok := envs[env.Name]; ok && env.Production() {
			if _, seen := productionOU[o.Accounts[i].OU]; !seen {
				productionOU[o.Accounts[i].OU] = i
			}
		}
	}
	for _, env := range e.Environments {
		j, ok := envs[env.Name]
		if !ok || env.Production() {
			continue
		}
		if i, shared := productionOU[o.Accounts[j].OU]; shared {
			p.bad(list.Index(j).Field("ou"), o.Accounts[j].OU, "is the OU of %s, the account of production environment %q: non-production workloads must live in a different OU than production ones",
				list.Index(i), o.Accounts[i].Environment)
		}
	}
}

// accountRoles are the roles an account may hold.
func accountRoles() []AccountRole { return append(slices.Clone(SingletonRoles), RoleWorkload) }

func roleList() string {
	var names []string
	for _, r := range accountRoles() {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

func validateEmails(p *problems, path keyPath, list []string, required bool) {
	if required && len(list) == 0 {
		p.missing(path, "at least one email address")
	}
	// AWS Budgets allows 10 email subscribers per notification.
	if len(list) > 10 {
		p.bad(path, list, "has %d addresses: AWS allows at most 10 email subscribers per notification", len(list))
	}
	seen := map[string]bool{}
	for i, e := range list {
		if !validEmail(e) {
			p.bad(path.Index(i), e, "is not a valid email address")
		} else if seen[strings.ToLower(e)] {
			p.bad(path.Index(i), e, "is listed twice")
		}
		seen[strings.ToLower(e)] = true
	}
}

func validatePercents(p *problems, path keyPath, list []float64) {
	seen := map[float64]bool{}
	for i, t := range list {
		if t < 1 || t > 100 {
			p.bad(path.Index(i), t, "is outside 1-100 percent")
		} else if seen[t] {
			p.bad(path.Index(i), t, "is listed twice")
		}
		seen[t] = true
	}
}

func (b Budgets) validate(p *problems, path keyPath) {
	validateEmails(p, path.Field("alertEmails"), b.AlertEmails, true)
	validatePercents(p, path.Field("actualThresholdsPercent"), b.ActualThresholdsPercent)
	validatePercents(p, path.Field("forecastThresholdsPercent"), b.ForecastThresholdsPercent)
	// AWS Budgets allows 10 notifications per budget; the hard limit adds none (it is a budget action).
	if n := len(b.ActualThresholdsPercent) + len(b.ForecastThresholdsPercent); n > 10 {
		p.bad(path.Field("actualThresholdsPercent"), n, "thresholds in all: AWS Budgets allows at most 10 notifications per budget")
	}
	if b.HardLimitPercent != 0 && (b.HardLimitPercent < 1 || b.HardLimitPercent > 100) {
		p.bad(path.Field("hardLimitPercent"), b.HardLimitPercent, "is outside 1-100 percent")
	}
	teams := path.Field("teams")
	for i, t := range b.Teams {
		if !keyPattern.MatchString(t.Name) {
			p.bad(teams.Index(i).Field("name"), t.Name, "must be 2-32 lowercase letters, digits or '-', starting with a letter")
		}
		if t.MonthlyLimitUSD <= 0 {
			p.bad(teams.Index(i).Field("monthlyLimitUsd"), t.MonthlyLimitUSD, "must be greater than 0")
		}
		validateEmails(p, teams.Index(i).Field("alertEmails"), t.AlertEmails, false)
	}
	uniqueNames(p, teams, "name", b.Teams, func(t TeamBudget) string { return t.Name })
}

func (a AnomalyDetection) validate(p *problems, path keyPath) {
	if a.ThresholdUSD < 0 {
		p.bad(path.Field("thresholdUsd"), a.ThresholdUSD, "must be greater than 0")
	}
	validateEmails(p, path.Field("emails"), a.Emails, true)
}

func (b BackupPolicy) validate(p *problems, path keyPath, ous map[string]OU) {
	if b.VaultName != "" && !vaultNamePattern.MatchString(b.VaultName) {
		p.bad(path.Field("vaultName"), b.VaultName, "must be 2-50 letters, digits, '-' or '_'")
	}
	if b.Schedule != "" && !cronPattern.MatchString(b.Schedule) {
		p.bad(path.Field("schedule"), b.Schedule, "is not an AWS cron expression such as \"cron(0 5 ? * * *)\"")
	}
	if b.RetentionDays < 0 || (b.RetentionDays > 0 && b.RetentionDays < 7) {
		p.bad(path.Field("retentionDays"), b.RetentionDays, "must be at least 7 days")
	}
	if b.CopyRetentionDays < 0 || (b.CopyRetentionDays > 0 && b.CopyRetentionDays < 7) {
		p.bad(path.Field("copyRetentionDays"), b.CopyRetentionDays, "must be at least 7 days")
	}
	if b.TagKey != "" && !tagKeyPattern.MatchString(b.TagKey) {
		p.bad(path.Field("tagKey"), b.TagKey, "is not a valid tag key")
	}
	if b.TagValue != "" && !tagValuePattern.MatchString(b.TagValue) {
		p.bad(path.Field("tagValue"), b.TagValue, "is not a valid tag value")
	}
	if b.RoleName != "" && !roleNamePattern.MatchString(b.RoleName) {
		p.bad(path.Field("roleName"), b.RoleName, "is not a valid IAM role name")
	}
	for i, ou := range b.TargetOUs {
		if _, ok := ous[ou]; !ok {
			p.bad(path.Field("targetOUs").Index(i), ou, "is not an OU defined in organizationalUnits")
		}
	}
}

func (o *Organization) fillDefaults(e Estate) {
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
			hard := a.Role == RoleWorkload && !a.Production(e)
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
}

// validateComplete checks the backup policy once its defaults are filled in.
func (o Organization) validateComplete(p *problems, path keyPath) {
	bp := o.BackupPolicy
	if bp.CopyRetentionDays < bp.RetentionDays {
		p.bad(path.Field("backupPolicy").Field("copyRetentionDays"), bp.CopyRetentionDays,
			"is shorter than retentionDays %d: the DR copy must outlive the original", bp.RetentionDays)
	}
	if len(bp.TargetOUs) == 0 {
		p.missing(path.Field("backupPolicy").Field("targetOUs"), "the OUs the backup policy is attached to")
	}
}

// AccountByRole returns the first account holding the role.
func (o Organization) AccountByRole(r AccountRole) (Account, bool) {
	for _, a := range o.Accounts {
		if a.Role == r {
			return a, true
		}
	}
	return Account{}, false
}
