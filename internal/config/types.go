// Package config is the typed configuration of every stack of the platform.
//
// It imports neither Pulumi nor AWS: anyone can read what a stack accepts without reading how it is built.
// The pipeline is fixed (see Load): parse the stack's raw config once, validate what the user wrote, fill
// defaults into a copy, validate the completed config. Nothing is registered before Load returns without error.
package config

import "slices"

// Namespace is the Pulumi config namespace (the project name) that holds the platform's keys.
const Namespace = "platform"

// Layer names the part of the estate a stack builds. Deploy order is the order of Layers.
type Layer string

const (
	LayerOrganization Layer = "organization"
	LayerSecurity     Layer = "security"
	LayerNetwork      Layer = "network"
	LayerWorkload     Layer = "workload"
)

// Layers lists every layer in deploy order.
var Layers = []Layer{LayerOrganization, LayerSecurity, LayerNetwork, LayerWorkload}

// Rank is the layer's position in deploy order; unknown layers rank last.
func (l Layer) Rank() int {
	for i, x := range Layers {
		if x == l {
			return i
		}
	}
	return len(Layers)
}

// Stack is everything one stack's config holds.
type Stack struct {
	// Name is the Pulumi stack name (org, security, network, dev, staging, prod).
	Name string
	// Layer comes from platform:layer.
	Layer Layer
	// AWSRegion is aws:region; when set it must be the home region.
	AWSRegion string
	// Estate comes from platform:estate and is shared by every stack.
	Estate Estate
	// Organization comes from platform:organization; required by the organization layer only.
	Organization *Organization
	// Security comes from platform:security; required by the security layer only.
	Security *Security
	// Network comes from platform:network; required by the network layer only.
	Network *Network
	// Workload comes from platform:workload; required by the workload layer only.
	Workload *Workload
}

// Estate is the company-wide configuration every stack carries.
type Estate struct {
	// Company is a short lowercase name used as the prefix of account names.
	Company string `json:"company"`
	// PulumiOrg is the Pulumi organization that owns the stacks; stack references are <pulumiOrg>/<project>/<stack>.
	PulumiOrg string `json:"pulumiOrg"`
	// HomeRegion is the primary region.
	HomeRegion string `json:"homeRegion"`
	// DRRegion is the disaster-recovery region.
	DRRegion string `json:"drRegion"`
	// AllowedRegions are the only regions where the region guardrail lets member accounts act.
	AllowedRegions []string `json:"allowedRegions"`
	// AccessRoleName is the role Organizations creates in each member account and the platform assumes.
	AccessRoleName string `json:"accessRoleName,omitempty"`
	// PipelineRoleName is the deploy pipeline's role in every account (exempt from some guardrails).
	PipelineRoleName string `json:"pipelineRoleName,omitempty"`
	// BreakGlassPermissionSet is the IAM Identity Center permission set used for emergencies.
	BreakGlassPermissionSet string `json:"breakGlassPermissionSet,omitempty"`
	// Tags are the values of the mandatory cost-allocation tags and any extra tags.
	Tags Tags `json:"tags"`
}

// Tags holds the values of the mandatory cost-allocation tags. environment and managed-by are derived.
type Tags struct {
	Owner       string            `json:"owner"`
	Team        string            `json:"team"`
	CostCenter  string            `json:"costCenter"`
	Application string            `json:"application"`
	Extra       map[string]string `json:"extra,omitempty"`
}

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

// Environments a workload account can run.
var Environments = []string{"prod", "staging", "dev"}

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
	// Environment is set for workload accounts only: prod, staging or dev.
	Environment string        `json:"environment,omitempty"`
	OU          string        `json:"ou"`
	Budget      AccountBudget `json:"budget"`
}

// IsProd reports whether the account runs the production workload.
func (a Account) IsProd() bool { return a.Role == RoleWorkload && a.Environment == "prod" }

// AccountBudget is the monthly cost budget of one account.
type AccountBudget struct {
	MonthlyLimitUSD float64 `json:"monthlyLimitUsd"`
	// HardLimit attaches the deny-new-spend SCP to the account when actual spend crosses
	// budgets.hardLimitPercent of the limit. Defaults to true for non-prod workload accounts; never allowed on prod.
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

// Security configures the security layer (stack security).
type Security struct {
	Logs           LogRetention   `json:"logs"`
	Trail          Trail          `json:"trail"`
	GuardDuty      GuardDuty      `json:"guardDuty"`
	BackupVaults   BackupVaults   `json:"backupVaults"`
	IdentityCenter IdentityCenter `json:"identityCenter"`
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

// Network configures the network layer (stack network, Networking/Shared Services account).
type Network struct {
	// Domain is the company's public DNS domain; each environment gets <env>.<domain> delegated.
	Domain string `json:"domain"`
	// AZCount is how many AZs the inspection and egress VPC spans (at least 2).
	AZCount int `json:"azCount,omitempty"`
	// NATPerAZ runs a NAT gateway in every AZ (about $33/month each plus data). Off, one NAT serves all AZs:
	// cheaper, but an AZ outage stops all egress and traffic crosses AZs.
	NATPerAZ *bool `json:"natPerAz,omitempty"`
	// InspectionCIDR and SharedServicesCIDR are the hub VPCs.
	InspectionCIDR     string `json:"inspectionCidr"`
	SharedServicesCIDR string `json:"sharedServicesCidr"`
	// RouteDomains are the supernets of the prod and non-prod spokes; they never route to each other.
	RouteDomains RouteDomains `json:"routeDomains"`
	Firewall     Firewall     `json:"firewall"`
	Endpoints    Endpoints    `json:"endpoints"`
	// VPN, when set, connects an on-premises network through a site-to-site VPN on the Transit Gateway.
	VPN *VPN `json:"vpn,omitempty"`
	// TransitGatewayASN is the Amazon side ASN of the Transit Gateway.
	TransitGatewayASN int `json:"transitGatewayAsn,omitempty"`
	// ShareWithOUs are the OUs (names in the org stack) whose accounts may attach to the Transit Gateway.
	ShareWithOUs []string `json:"shareWithOus,omitempty"`
}

// RouteDomains holds the supernet of each route domain.
type RouteDomains struct {
	Prod    string `json:"prod"`
	NonProd string `json:"nonProd"`
}

// Firewall configures AWS Network Firewall's egress policy.
type Firewall struct {
	// AllowedDomains are the only destinations (TLS SNI or HTTP Host) egress may reach; ".example.com" matches
	// every subdomain.
	AllowedDomains []string `json:"allowedDomains"`
}

// Endpoints configures the central interface endpoints (PrivateLink).
type Endpoints struct {
	// Services are endpoint service short names (sts, ecr.dkr, ...).
	Services []string `json:"services,omitempty"`
	// AZCount is how many AZs each endpoint has a network interface in ($7.30/month per endpoint per AZ).
	AZCount int `json:"azCount,omitempty"`
}

// VPN is an optional site-to-site VPN.
type VPN struct {
	CustomerGatewayIP string `json:"customerGatewayIp"`
	BGPASN            int    `json:"bgpAsn"`
	// OnPremCIDR is the on-premises network.
	OnPremCIDR string `json:"onPremCidr"`
}

// Workload configures a workload stack (dev, staging, prod): the environment is the stack name.
type Workload struct {
	VPC       WorkloadVPC `json:"vpc"`
	EKS       EKS         `json:"eks"`
	Karpenter Karpenter   `json:"karpenter"`
	Database  Database    `json:"database"`
	// DatabasePort is the only port the database subnets admit, from the private subnets.
	DatabasePort int `json:"databasePort,omitempty"`
}

// WorkloadVPC sizes the environment's VPC.
type WorkloadVPC struct {
	// CIDR is a /16-/20 inside the environment's route domain (network stack).
	CIDR    string `json:"cidr"`
	AZCount int    `json:"azCount,omitempty"`
}

// EKS configures the environment's cluster.
type EKS struct {
	// Version is the Kubernetes minor version, in standard support.
	Version string `json:"version"`
	// PublicAccessCIDRs, when set, open the API endpoint to these CIDRs (never 0.0.0.0/0); empty keeps it private.
	PublicAccessCIDRs []string  `json:"publicAccessCidrs,omitempty"`
	SystemNodeGroup   NodeGroup `json:"systemNodeGroup"`
	// Addons are the managed add-ons with pinned versions.
	Addons map[string]string `json:"addons"`
	// Access maps Identity Center permission sets to EKS access policies.
	Access []ClusterAccess `json:"access"`
	// DeployRunnerCIDRs reach the private API endpoint on 443: where `pulumi up` of the workload stack runs.
	// Empty means the network stack's shared-services VPC, where the deploy runner lives.
	DeployRunnerCIDRs []string `json:"deployRunnerCidrs,omitempty"`
}

// NodeGroup is the managed node group for system workloads and Karpenter.
type NodeGroup struct {
	InstanceTypes []string `json:"instanceTypes"`
	MinSize       int      `json:"minSize"`
	MaxSize       int      `json:"maxSize"`
	DesiredSize   int      `json:"desiredSize"`
	DiskSizeGiB   int      `json:"diskSizeGiB,omitempty"`
}

// ClusterAccess grants the role of an Identity Center permission set an EKS access policy.
type ClusterAccess struct {
	PermissionSet string `json:"permissionSet"`
	// Policy is an EKS access policy: cluster-admin, admin, edit or view.
	Policy string `json:"policy"`
	// Namespaces limits the policy to namespaces; empty is cluster-wide.
	Namespaces []string `json:"namespaces,omitempty"`
}

// Karpenter configures Karpenter v1 in a workload cluster.
type Karpenter struct {
	// Version is the Karpenter chart version.
	Version string `json:"version"`
	// AMIAlias selects the AL2023 AMI: "al2023@v20251120" pins a release (required in prod); "al2023@latest" follows.
	AMIAlias string `json:"amiAlias"`
	// Graviton and AMD64 are the node pools by architecture; AMD64 is split into a Spot and an On-Demand pool.
	Graviton NodePool `json:"graviton"`
	AMD64    NodePool `json:"amd64"`
	// ConsolidateAfter is how long a node must be empty or underutilized before Karpenter consolidates it.
	ConsolidateAfter string `json:"consolidateAfter,omitempty"`
	// ExpireAfter is the maximum lifetime of a node (the v1 form of the seed's TTL).
	ExpireAfter string `json:"expireAfter,omitempty"`
	// BusinessHours, when set, blocks voluntary disruption during them (cron schedule in UTC and a duration).
	BusinessHours *BusinessHours `json:"businessHours,omitempty"`
}

// NodePool configures one architecture's pools.
type NodePool struct {
	// Families are EC2 instance families (c7g, m7g, r7g).
	Families []string `json:"families"`
	// CPULimit caps the total vCPUs the pool may launch.
	CPULimit int `json:"cpuLimit"`
}

// BusinessHours is a recurring window without voluntary disruption.
type BusinessHours struct {
	Schedule string `json:"schedule"`
	Duration string `json:"duration"`
}

// Database configures the environment's RDS PostgreSQL instance.
type Database struct {
	// EngineVersion is the PostgreSQL major version (16, 17). Minor versions are RDS's: automatic minor upgrades are
	// on, and a pinned minor would make the first deploy after an upgrade try a downgrade.
	EngineVersion string `json:"engineVersion"`
	InstanceClass string `json:"instanceClass"`
	// MultiAZ is required in prod and staging; dev chooses (a standby doubles the instance cost).
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
	// RestoreTesting restores a recent recovery point on a schedule and validates it (prod).
	RestoreTesting bool `json:"restoreTesting,omitempty"`
}
