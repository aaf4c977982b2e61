package config

import (
	"fmt"
	"regexp"
	"slices"
)

// SecurityAccountRoles are the accounts that hold the estate's evidence and its keys to the kingdom: the Identity
// Center administrator, the logs, the findings and the backups. People reach them read-only, or through break-glass.
var SecurityAccountRoles = []AccountRole{RoleIdentity, RoleLogArchive, RoleSecurityTooling, RoleBackup}

// SecurityAccountPolicies are the AWS managed policies a permission set may carry and still be assigned to a
// security account: reading, auditing and billing, no IAM, Identity Center or data-plane write.
var SecurityAccountPolicies = []string{"ReadOnlyAccess", "ViewOnlyAccess", "SecurityAudit", "job-function/ViewOnlyAccess", "job-function/Billing"}

// AllowedInSecurityAccounts tells whether every managed policy of a permission set is one of SecurityAccountPolicies.
func AllowedInSecurityAccounts(ps PermissionSet) bool {
	if len(ps.ManagedPolicies) == 0 {
		return false
	}
	for _, p := range ps.ManagedPolicies {
		if !slices.Contains(SecurityAccountPolicies, p) {
			return false
		}
	}
	return true
}

// Security configures the security layer (stack security).
type Security struct {
	Logs           LogRetention   `json:"logs"`
	Trail          Trail          `json:"trail"`
	GuardDuty      GuardDuty      `json:"guardDuty"`
	BackupVaults   BackupVaults   `json:"backupVaults"`
	IdentityCenter IdentityCenter `json:"identityCenter"`
	// Alerts routes the security alerts of Security Tooling (operations).
	Alerts SecurityAlerts `json:"alerts"`
}

// LogRetention is how long the Log Archive keeps what it receives.
type LogRetention struct {
	// RetentionDays is when log objects expire.
	RetentionDays int `json:"retentionDays,omitempty"`
	// ObjectLockDays is the compliance-mode lock on the audit buckets (CloudTrail, Config): nobody, root included,
	// can delete or overwrite an object before it ends.
	ObjectLockDays int `json:"objectLockDays,omitempty"`
	// InfrequentAccessAfterDays and GlacierAfterDays tier objects down as they age.
	InfrequentAccessAfterDays int `json:"infrequentAccessAfterDays,omitempty"`
	GlacierAfterDays          int `json:"glacierAfterDays,omitempty"`
}

// Trail configures the organization trail.
type Trail struct {
	// LogGroupRetentionDays is the retention of the trail's CloudWatch Logs group (at least 365).
	LogGroupRetentionDays int `json:"logGroupRetentionDays,omitempty"`
}

// GuardDuty configures GuardDuty in Security Tooling.
type GuardDuty struct {
	// FindingFrequency is FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS.
	FindingFrequency string `json:"findingFrequency,omitempty"`
}

// BackupVaults configures the Backup account's vaults and their compliance-mode lock.
type BackupVaults struct {
	MinRetentionDays int `json:"minRetentionDays,omitempty"`
	MaxRetentionDays int `json:"maxRetentionDays,omitempty"`
	// ChangeableForDays is the grace period (at least 3 days) before the lock becomes immutable.
	ChangeableForDays int `json:"changeableForDays,omitempty"`
}

// IdentityCenter is who may sign in where, through IAM Identity Center in the Identity account.
type IdentityCenter struct {
	Groups         []Group         `json:"groups"`
	PermissionSets []PermissionSet `json:"permissionSets"`
	Assignments    []Assignment    `json:"assignments"`
}

// Group is a group in the Identity Center identity store.
type Group struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// PermissionSet is an Identity Center permission set made of AWS managed policies.
type PermissionSet struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// ManagedPolicies are AWS managed policy names ("ReadOnlyAccess", "job-function/Billing").
	ManagedPolicies []string `json:"managedPolicies"`
	// SessionDuration is an ISO-8601 duration between PT1H and PT12H.
	SessionDuration string `json:"sessionDuration"`
}

// Assignment grants a group a permission set in accounts (account names from the org stack, or "*" for every
// member account).
type Assignment struct {
	Group         string   `json:"group"`
	PermissionSet string   `json:"permissionSet"`
	Accounts      []string `json:"accounts"`
}

// AllAccounts in an assignment means every member account.
const AllAccounts = "*"

var (
	// Identity Center sessions last between one and twelve hours.
	sessionPattern       = regexp.MustCompile(`^PT([1-9]|1[0-2])H$`)
	managedPolicyPattern = regexp.MustCompile(`^(job-function/|service-role/)?[A-Za-z0-9+=,.@_-]{1,128}$`)
	groupPattern         = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ._-]{0,127}$`)
	// CloudWatch Logs accepts only these retention periods.
	logGroupRetentions = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
	findingFrequencies = []string{"FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"}
)

func (s Security) validate(p *problems, path keyPath, e Estate) {
	positive := func(key keyPath, v, min int, why string) {
		if v != 0 && v < min {
			p.bad(key, v, "must be at least %d%s", min, why)
		}
	}
	logs := path.Field("logs")
	positive(logs.Field("retentionDays"), s.Logs.RetentionDays, 90, " days: audit logs are kept for at least 90 days")
	positive(logs.Field("objectLockDays"), s.Logs.ObjectLockDays, 1, " day")
	positive(logs.Field("infrequentAccessAfterDays"), s.Logs.InfrequentAccessAfterDays, 30, " days: S3 moves objects to STANDARD_IA after 30 days at the earliest")
	positive(logs.Field("glacierAfterDays"), s.Logs.GlacierAfterDays, 1, " day")
	if r := s.Trail.LogGroupRetentionDays; r != 0 && (r < 365 || !slices.Contains(logGroupRetentions, r)) {
		p.bad(path.Field("trail").Field("logGroupRetentionDays"), r, "must be a CloudWatch Logs retention of at least 365 days: one of 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653")
	}
	if f := s.GuardDuty.FindingFrequency; f != "" && !slices.Contains(findingFrequencies, f) {
		p.bad(path.Field("guardDuty").Field("findingFrequency"), f, "is not one of FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS")
	}
	vaults := path.Field("backupVaults")
	positive(vaults.Field("minRetentionDays"), s.BackupVaults.MinRetentionDays, 1, " day")
	positive(vaults.Field("maxRetentionDays"), s.BackupVaults.MaxRetentionDays, 1, " day")
	positive(vaults.Field("changeableForDays"), s.BackupVaults.ChangeableForDays, 3, " days: AWS Backup's grace period before a compliance lock is immutable")
	s.IdentityCenter.validate(p, path.Field("identityCenter"), e)
	s.Alerts.validate(p, path.Field("alerts"))
}

func (ic IdentityCenter) validate(p *problems, path keyPath, e Estate) {
	ic.validateGroups(p, path.Field("groups"))
	sets := ic.validatePermissionSets(p, path.Field("permissionSets"))
	breakGlass := e.BreakGlassPermissionSet
	if breakGlass == "" {
		breakGlass = DefaultBreakGlassPermissionSet
	}
	_, defined := sets[breakGlass]
	ic.validateBreakGlass(p, path.Field("permissionSets"), breakGlass, defined)
	ic.validateAssignments(p, path, sets)
	if defined {
		ic.validateBreakGlassHolders(p, path.Field("assignments"), breakGlass)
	}
}

func (ic IdentityCenter) validateGroups(p *problems, list keyPath) {
	if len(ic.Groups) == 0 {
		p.missing(list, "the identity-store groups people are assigned through")
	}
	for i, g := range ic.Groups {
		if !groupPattern.MatchString(g.Name) {
			p.bad(list.Index(i).Field("name"), g.Name, "must be 1-128 letters, digits, spaces, '.', '_' or '-'")
		}
	}
	uniqueNames(p, list, "name", ic.Groups, func(g Group) string { return g.Name })
}

// validatePermissionSets checks each permission set and returns them by name.
func (ic IdentityCenter) validatePermissionSets(p *problems, list keyPath) map[string]PermissionSet {
	sets := map[string]PermissionSet{}
	for i, ps := range ic.PermissionSets {
		key := list.Index(i)
		if !permissionSetPattern.MatchString(ps.Name) {
			p.bad(key.Field("name"), ps.Name, "is not a valid permission set name (1-32 of letters, digits and +=,.@_-)")
		}
		sets[ps.Name] = ps
		if len(ps.ManagedPolicies) == 0 {
			p.missing(key.Field("managedPolicies"), "at least one AWS managed policy name")
		}
		for j, mp := range ps.ManagedPolicies {
			if !managedPolicyPattern.MatchString(mp) {
				p.bad(key.Field("managedPolicies").Index(j), mp, "is not an AWS managed policy name such as \"ReadOnlyAccess\" or \"job-function/Billing\"")
			}
		}
		if !sessionPattern.MatchString(ps.SessionDuration) {
			p.bad(key.Field("sessionDuration"), ps.SessionDuration, "must be an ISO-8601 duration from PT1H to PT12H")
		}
	}
	uniqueNames(p, list, "name", ic.PermissionSets, func(ps PermissionSet) string { return ps.Name })
	return sets
}

// validateBreakGlass checks that the break-glass permission set, which the guardrails exempt, exists and keeps
// its sessions short.
func (ic IdentityCenter) validateBreakGlass(p *problems, list keyPath, breakGlass string, defined bool) {
	if !defined {
		p.missing(list, fmt.Sprintf("the break-glass permission set %q (%s), which the guardrails exempt",
			breakGlass, keyPath(KeyEstate).Field("breakGlassPermissionSet")))
		return
	}
	for i, ps := range ic.PermissionSets {
		if ps.Name == breakGlass && ps.SessionDuration != "PT1H" {
			p.bad(list.Index(i).Field("sessionDuration"), ps.SessionDuration, "must be PT1H: break-glass sessions are short")
		}
	}
}

// validateAssignments checks that each assignment names a defined group and permission set and account names,
// and that no group, permission set and account are assigned twice.
func (ic IdentityCenter) validateAssignments(p *problems, path keyPath, sets map[string]PermissionSet) {
	groups := map[string]bool{}
	for _, g := range ic.Groups {
		groups[g.Name] = true
	}
	seen := map[string]keyPath{}
	for i, a := range ic.Assignments {
		key := path.Field("assignments").Index(i)
		if !groups[a.Group] {
			p.bad(key.Field("group"), a.Group, "is not a group defined in %s", path.Field("groups"))
		}
		if _, ok := sets[a.PermissionSet]; !ok {
			p.bad(key.Field("permissionSet"), a.PermissionSet, "is not a permission set defined in %s", path.Field("permissionSets"))
		}
		if len(a.Accounts) == 0 {
			p.missing(key.Field("accounts"), "account names from the org stack, or \"*\" for every member account")
		}
		for j, acct := range a.Accounts {
			at := key.Field("accounts").Index(j)
			k := a.Group + "/" + a.PermissionSet + "/" + acct
			if prev, dup := seen[k]; dup {
				p.bad(at, acct, "repeats the assignment at %s", prev)
			}
			seen[k] = at
			if acct != AllAccounts && !keyPattern.MatchString(acct) {
				p.bad(at, acct, "is not an account name (or \"*\")")
			}
		}
	}
}

// validateBreakGlassHolders checks that exactly one group holds the break-glass permission set.
func (ic IdentityCenter) validateBreakGlassHolders(p *problems, list keyPath, breakGlass string) {
	holders := map[string]bool{}
	for _, a := range ic.Assignments {
		if a.PermissionSet == breakGlass {
			holders[a.Group] = true
		}
	}
	if len(holders) != 1 {
		p.bad(list, len(holders), "groups hold the break-glass permission set %q: exactly one group may", breakGlass)
	}
}

// Defaults of the security layer.
const (
	DefaultLogRetentionDays       = 400
	DefaultObjectLockDays         = 365
	DefaultInfrequentAccessAfter  = 30
	DefaultGlacierAfter           = 90
	DefaultTrailLogGroupRetention = 365
	DefaultFindingFrequency       = "FIFTEEN_MINUTES"
	DefaultVaultMinRetentionDays  = 7
	DefaultVaultMaxRetentionDays  = 3650
	DefaultVaultChangeableForDays = 3
)

func (s *Security) fillDefaults(e Estate) {
	s.Alerts.fillDefaults(e)
	setInt(&s.Logs.RetentionDays, DefaultLogRetentionDays)
	setInt(&s.Logs.ObjectLockDays, DefaultObjectLockDays)
	setInt(&s.Logs.InfrequentAccessAfterDays, DefaultInfrequentAccessAfter)
	setInt(&s.Logs.GlacierAfterDays, DefaultGlacierAfter)
	setInt(&s.Trail.LogGroupRetentionDays, DefaultTrailLogGroupRetention)
	setString(&s.GuardDuty.FindingFrequency, DefaultFindingFrequency)
	setInt(&s.BackupVaults.MinRetentionDays, DefaultVaultMinRetentionDays)
	setInt(&s.BackupVaults.MaxRetentionDays, DefaultVaultMaxRetentionDays)
	setInt(&s.BackupVaults.ChangeableForDays, DefaultVaultChangeableForDays)
}

func (s Security) validateComplete(p *problems, path keyPath) {
	s.Alerts.validateComplete(p, path.Field("alerts"))
	l, logs := s.Logs, path.Field("logs")
	if l.ObjectLockDays > l.RetentionDays {
		p.bad(logs.Field("objectLockDays"), l.ObjectLockDays, "is longer than logs.retentionDays %d: objects would expire while locked", l.RetentionDays)
	}
	if l.GlacierAfterDays <= l.InfrequentAccessAfterDays {
		p.bad(logs.Field("glacierAfterDays"), l.GlacierAfterDays, "must come after logs.infrequentAccessAfterDays %d", l.InfrequentAccessAfterDays)
	}
	if l.RetentionDays <= l.GlacierAfterDays {
		p.bad(logs.Field("retentionDays"), l.RetentionDays, "must come after logs.glacierAfterDays %d", l.GlacierAfterDays)
	}
	if s.BackupVaults.MaxRetentionDays < s.BackupVaults.MinRetentionDays {
		p.bad(path.Field("backupVaults").Field("maxRetentionDays"), s.BackupVaults.MaxRetentionDays, "is shorter than backupVaults.minRetentionDays %d", s.BackupVaults.MinRetentionDays)
	}
}
