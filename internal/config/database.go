package config

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Database configures the environment's RDS PostgreSQL instance.
type Database struct {
	// EngineVersion is the PostgreSQL major version (16, 17). Minor versions are RDS's: automatic minor upgrades are
	// on, and a pinned minor would make the first deploy after an upgrade try a downgrade.
	EngineVersion string `json:"engineVersion"`
	InstanceClass string `json:"instanceClass"`
	// MultiAZ is required in an environment that platform:estate.environments declares Multi-AZ (every production
	// one); another chooses (a standby doubles the instance cost).
	MultiAZ                bool   `json:"multiAz"`
	AllocatedStorageGiB    int    `json:"allocatedStorageGiB"`
	MaxAllocatedStorageGiB int    `json:"maxAllocatedStorageGiB"`
	BackupRetentionDays    int    `json:"backupRetentionDays,omitempty"`
	BackupWindow           string `json:"backupWindow,omitempty"`
	MaintenanceWindow      string `json:"maintenanceWindow,omitempty"`
	MasterUsername         string `json:"masterUsername"`
	DatabaseName           string `json:"databaseName"`
	// ReadReplica adds a read replica in another AZ (off by default).
	ReadReplica bool `json:"readReplica,omitempty"`
	// SecretRotationDays is how often RDS rotates the master password it manages in Secrets Manager.
	SecretRotationDays int `json:"secretRotationDays,omitempty"`
	// Backup is the AWS Backup plan of the workload account.
	Backup DatabaseBackup `json:"backup"`
}

// DatabaseBackup is the AWS Backup plan: daily and weekly recovery points copied to the Backup account.
type DatabaseBackup struct {
	DailyRetentionDays  int `json:"dailyRetentionDays"`
	WeeklyRetentionDays int `json:"weeklyRetentionDays"`
	// RestoreTesting restores a recent recovery point on a schedule and validates it (required in production).
	RestoreTesting bool `json:"restoreTesting,omitempty"`
}

// Defaults of the database.
const (
	ProdBackupRetentionDays   = 35
	DefaultBackupWindow       = "03:00-04:00"
	DefaultMaintenanceWindow  = "sun:04:30-sun:05:30"
	DefaultSecretRotationDays = 30
)

// DefaultBackupRetention is the PITR window: the RDS maximum (35 days) in production, 7 days elsewhere.
func DefaultBackupRetention(t Tier) int {
	if t == TierProduction {
		return ProdBackupRetentionDays
	}
	return 7
}

var (
	engineVersionPattern = regexp.MustCompile(`^(16|17)$`)
	instanceClassPattern = regexp.MustCompile(`^db\.[a-z0-9]+\.[0-9]*[a-z]+$`)
	usernamePattern      = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	backupWindowPattern  = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$`)
	maintenancePattern   = regexp.MustCompile(`^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$`)
	// Names PostgreSQL or RDS reserve, or that every scanner tries first.
	reservedUsernames = []string{"postgres", "admin", "root", "rdsadmin", "administrator", "master", "user"}
)

func (d Database) validate(p *problems, path keyPath, env Environment) {
	if !engineVersionPattern.MatchString(d.EngineVersion) {
		p.bad(path.Field("engineVersion"), d.EngineVersion, "is not a PostgreSQL major version RDS supports for new instances: 16 or 17 (the major only: RDS upgrades minor versions by itself, and a pinned minor would then read as a downgrade)")
	}
	if !instanceClassPattern.MatchString(d.InstanceClass) {
		p.bad(path.Field("instanceClass"), d.InstanceClass, "is not an RDS instance class such as db.m7g.large")
	}
	if !d.MultiAZ && env.RequiresMultiAZ() {
		p.bad(path.Field("multiAz"), false, "must be true in %s, a Multi-AZ environment: a single AZ outage would take the database down", env.Name)
	}
	if d.AllocatedStorageGiB < 20 || d.AllocatedStorageGiB > 65536 {
		p.bad(path.Field("allocatedStorageGiB"), d.AllocatedStorageGiB, "must be between 20 and 65536 (gp3)")
	}
	if d.MaxAllocatedStorageGiB <= d.AllocatedStorageGiB {
		p.bad(path.Field("maxAllocatedStorageGiB"), d.MaxAllocatedStorageGiB, "must exceed allocatedStorageGiB %d: storage autoscaling needs room", d.AllocatedStorageGiB)
	}
	switch r := d.BackupRetentionDays; {
	case r == 0:
	case env.Production() && r != ProdBackupRetentionDays:
		p.bad(path.Field("backupRetentionDays"), r, "must be %d in %s, a production environment: the longest point-in-time recovery window RDS offers", ProdBackupRetentionDays, env.Name)
	case r < 7 || r > 35:
		p.bad(path.Field("backupRetentionDays"), r, "must be between 7 and 35 days")
	}
	if d.BackupWindow != "" && !backupWindowPattern.MatchString(d.BackupWindow) {
		p.bad(path.Field("backupWindow"), d.BackupWindow, "is not a UTC window such as 03:00-04:00")
	}
	if d.MaintenanceWindow != "" && !maintenancePattern.MatchString(d.MaintenanceWindow) {
		p.bad(path.Field("maintenanceWindow"), d.MaintenanceWindow, "is not a window such as sun:04:30-sun:05:30")
	}
	if backupWindowPattern.MatchString(d.BackupWindow) && maintenancePattern.MatchString(d.MaintenanceWindow) && windowsOverlap(d.BackupWindow, d.MaintenanceWindow) {
		p.bad(path.Field("maintenanceWindow"), d.MaintenanceWindow, "overlaps backupWindow %q", d.BackupWindow)
	}
	switch {
	case !usernamePattern.MatchString(d.MasterUsername):
		p.bad(path.Field("masterUsername"), d.MasterUsername, "must be 1-63 lowercase letters, digits or '_', starting with a letter")
	case slices.Contains(reservedUsernames, d.MasterUsername):
		p.bad(path.Field("masterUsername"), d.MasterUsername, "is a default or reserved name: choose a non-default master user")
	}
	if !usernamePattern.MatchString(d.DatabaseName) {
		p.bad(path.Field("databaseName"), d.DatabaseName, "must be 1-63 lowercase letters, digits or '_', starting with a letter")
	}
	if r := d.SecretRotationDays; r != 0 && (r < 1 || r > 365) {
		p.bad(path.Field("secretRotationDays"), r, "must be between 1 and 365")
	}
	b := d.Backup
	if b.DailyRetentionDays < 7 {
		p.bad(path.Field("backup").Field("dailyRetentionDays"), b.DailyRetentionDays, "must be at least 7 days (the Backup account's vault lock minimum)")
	}
	if b.WeeklyRetentionDays < b.DailyRetentionDays {
		p.bad(path.Field("backup").Field("weeklyRetentionDays"), b.WeeklyRetentionDays, "must be at least dailyRetentionDays %d", b.DailyRetentionDays)
	}
	if env.Production() && !b.RestoreTesting {
		p.bad(path.Field("backup").Field("restoreTesting"), false, "must be true in %s, a production environment: restores are proven, not assumed", env.Name)
	}
}

// windowsOverlap compares a daily backup window with a weekly maintenance window by time of day.
func windowsOverlap(backup, maintenance string) bool {
	minutes := func(hhmm string) int {
		h, _ := strconv.Atoi(hhmm[:2])
		m, _ := strconv.Atoi(hhmm[3:5])
		return h*60 + m
	}
	b := strings.Split(backup, "-")
	m := strings.Split(maintenance, "-")
	bs, be := minutes(b[0]), minutes(b[1])
	ms, me := minutes(m[0][4:]), minutes(m[1][4:])
	if be < bs {
		be += 24 * 60
	}
	if me < ms {
		me += 24 * 60
	}
	return bs < me && ms < be
}

// PostgresFamily is the parameter group family of an engine version (postgres17).
func PostgresFamily(version string) string {
	return "postgres" + strings.SplitN(version, ".", 2)[0]
}
