package config_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/plan"
)

type obj = map[string]any

func list(o obj, key string) []any      { return o[key].([]any) }
func item(o obj, key string, i int) obj { return list(o, key)[i].(obj) }
func account(o obj, i int) obj          { return item(o, "accounts", i) }

// Account indexes in Pulumi.org.yaml.
const (
	identity = iota
	logArchive
	securityTooling
	networking
	backup
	prod
	staging
	dev
)

// env is the i-th workload environment of the estate (Pulumi.yaml: prod, staging, dev).
func env(e obj, i int) obj { return item(e, "environments", i) }

func ic(o obj) obj                   { return o["identityCenter"].(obj) }
func permissionSet(o obj, i int) obj { return item(ic(o), "permissionSets", i) }
func assignment(o obj, i int) obj    { return item(ic(o), "assignments", i) }

// badConfig is one edit of a repository stack file that config.Load must reject, and the problems it must name.
// The edits that only the six-stack plan can catch (across stacks, or against the org stack's outputs) are in
// tests/config_table_test.go.
type badConfig struct {
	name string
	// stack is the stack file edited; "org" when empty.
	stack    string
	estate   func(obj)
	org      func(obj)
	security func(obj)
	network  func(obj)
	workload func(obj)
	raw      func(map[string]string)
	want     []string
}

var badConfigs = []badConfig{
	{name: "layer missing", raw: func(c map[string]string) { delete(c, config.KeyLayer) },
		want: []string{"platform:layer is required: one of organization, security, network, workload"}},
	{name: "layer misspelled", raw: func(c map[string]string) { c[config.KeyLayer] = "organisation" },
		want: []string{`platform:layer "organisation" is not a layer`}},
	{name: "aws region differs from home", raw: func(c map[string]string) { c["aws:region"] = "us-west-2" },
		want: []string{`aws:region "us-west-2" must be platform:estate.homeRegion "us-east-1"`}},
	{name: "unknown platform key", raw: func(c map[string]string) { c["platform:organisation"] = "{}" },
		want: []string{"platform:organisation is not a known key"}},
	{name: "organization section missing", raw: func(c map[string]string) { delete(c, config.KeyOrganization) },
		want: []string{"platform:organization is required"}},
	{name: "unknown estate field", estate: func(e obj) { e["homeRegin"] = "us-east-1" },
		want: []string{`platform:estate: not valid: json: unknown field "homeRegin"`}},
	{name: "company not a short lowercase name", estate: func(e obj) { e["company"] = "Innovate Inc" },
		want: []string{`platform:estate.company "Innovate Inc" must be 2-16 lowercase letters`}},
	{name: "pulumi org missing", estate: func(e obj) { delete(e, "pulumiOrg") },
		want: []string{"platform:estate.pulumiOrg is required"}},
	{name: "unknown home region", estate: func(e obj) { e["homeRegion"] = "us-east-7" },
		want: []string{`platform:estate.homeRegion "us-east-7" is not a known AWS commercial region`}},
	{name: "dr region equals home", estate: func(e obj) { e["drRegion"] = "us-east-1" },
		want: []string{`platform:estate.drRegion "us-east-1" must differ from platform:estate.homeRegion`}},
	{name: "allowed regions leave out home", estate: func(e obj) { e["allowedRegions"] = []any{"us-west-2"} },
		want: []string{`platform:estate.allowedRegions ["us-west-2"] leaves out homeRegion "us-east-1"`}},
	{name: "allowed region listed twice", estate: func(e obj) { e["allowedRegions"] = []any{"us-east-1", "us-west-2", "us-west-2"} },
		want: []string{`platform:estate.allowedRegions[2] "us-west-2" is listed twice`}},
	{name: "access role name invalid", estate: func(e obj) { e["accessRoleName"] = "bad role!" },
		want: []string{`platform:estate.accessRoleName "bad role!" is not a valid IAM role name`}},
	{name: "cost center tag missing", estate: func(e obj) { delete(e["tags"].(obj), "costCenter") },
		want: []string{"platform:estate.tags.costCenter is required"}},
	{name: "extra tag overrides a mandatory tag", estate: func(e obj) { e["tags"].(obj)["extra"] = obj{"team": "other"} },
		want: []string{`platform:estate.tags.extra["team"] "team" overrides a mandatory tag`}},
	{name: "extra tag uses the aws prefix", estate: func(e obj) { e["tags"].(obj)["extra"] = obj{"aws:owner": "x"} },
		want: []string{`platform:estate.tags.extra["aws:owner"] "aws:owner" uses the reserved aws: prefix`}},
	{name: "no workload environments", estate: func(e obj) { delete(e, "environments") },
		want: []string{"platform:estate.environments is required: the workload environments"}},
	{name: "environment name not a DNS label", estate: func(e obj) { env(e, 2)["name"] = "Dev_1" },
		want: []string{`platform:estate.environments[2].name "Dev_1" must be 2-30 lowercase letters, digits or single '-'`}},
	{name: "environment name with a double hyphen", estate: func(e obj) { env(e, 2)["name"] = "dev--eu" },
		want: []string{`platform:estate.environments[2].name "dev--eu" must be 2-30 lowercase letters, digits or single '-'`}},
	{name: "environment name ending in a hyphen", estate: func(e obj) { env(e, 2)["name"] = "dev-" },
		want: []string{`platform:estate.environments[2].name "dev-" must be 2-30`}},
	{name: "environment name longer than the naming limits", estate: func(e obj) { env(e, 2)["name"] = "development-environment-europe1" },
		want: []string{`platform:estate.environments[2].name "development-environment-europe1" must be 2-30`}},
	{name: "environment name missing", estate: func(e obj) { delete(env(e, 2), "name") },
		want: []string{"platform:estate.environments[2].name is required"}},
	{name: "environment named after the network stack", estate: func(e obj) { env(e, 2)["name"] = "network" },
		want: []string{`platform:estate.environments[2].name "network" is reserved: it is the network layer's stack`}},
	{name: "environment named shared", estate: func(e obj) { env(e, 1)["name"] = "shared" },
		want: []string{`platform:estate.environments[1].name "shared" is reserved: it is the environment tag value of the org, security and network stacks`}},
	{name: "environment declared twice", estate: func(e obj) { env(e, 2)["name"] = "staging" },
		want: []string{`platform:estate.environments[2].name "staging" is already used by platform:estate.environments[1]`}},
	{name: "environment without a tier", estate: func(e obj) { delete(env(e, 1), "tier") },
		want: []string{"platform:estate.environments[1].tier is required: one of production, non-production"}},
	{name: "unknown tier", estate: func(e obj) { env(e, 1)["tier"] = "preprod" },
		want: []string{`platform:estate.environments[1].tier "preprod" is not a tier: allowed are production, non-production`}},
	{name: "single-AZ production environment", estate: func(e obj) { env(e, 0)["multiAz"] = false },
		want: []string{"platform:estate.environments[0].multiAz false is not allowed in production"}},
	{name: "no production environment", estate: func(e obj) { env(e, 0)["tier"] = "non-production" },
		want: []string{`platform:estate.environments ["prod" "staging" "dev"] declares no environment of tier "production"`}},
	{name: "declared environment without an account", estate: func(e obj) {
		e["environments"] = append(list(e, "environments"), obj{"name": "qa", "tier": "non-production"})
	}, want: []string{`platform:organization.accounts is required: a workload account with environment "qa", which platform:estate.environments declares`}},
	{name: "workload stack of an undeclared environment", stack: "dev", estate: func(e obj) { e["environments"] = list(e, "environments")[:2] },
		want: []string{`stack name "dev" is not a workload environment: platform:estate.environments declares prod, staging`}},
	{name: "Multi-AZ declared for dev, single-AZ database", stack: "dev", estate: func(e obj) { env(e, 2)["multiAz"] = true },
		want: []string{"platform:workload.database.multiAz false must be true in dev, a Multi-AZ environment"}},
	{name: "the tier, not the name, makes production", stack: "dev", estate: func(e obj) { env(e, 2)["tier"] = "production" },
		want: []string{
			`platform:workload.karpenter.amiAlias "al2023@latest" must be pinned in dev, a production environment`,
			"platform:workload.database.multiAz false must be true in dev, a Multi-AZ environment",
			"platform:workload.database.backupRetentionDays 7 must be 35 in dev, a production environment",
			"platform:workload.database.backup.restoreTesting false must be true in dev, a production environment",
		}},
	{name: "duplicate account name", org: func(o obj) { account(o, dev)["name"] = "staging" },
		want: []string{`platform:organization.accounts[7].name "staging" is already used by platform:organization.accounts[6]`}},
	{name: "duplicate account email", org: func(o obj) { account(o, staging)["email"] = "AWS-prod@example.com" },
		want: []string{`platform:organization.accounts[6].email "AWS-prod@example.com" is already used by platform:organization.accounts[5]`}},
	{name: "malformed email", org: func(o obj) { account(o, identity)["email"] = "aws-identity.example.com" },
		want: []string{`platform:organization.accounts[0].email "aws-identity.example.com" is not a valid email address`}},
	{name: "account in an unknown OU", org: func(o obj) { account(o, networking)["ou"] = "Infra" },
		want: []string{`platform:organization.accounts[3].ou "Infra" is not an OU defined in platform:organization.organizationalUnits`}},
	{name: "OU parent does not exist", org: func(o obj) { item(o, "organizationalUnits", 3)["parent"] = "Workload" },
		want: []string{`platform:organization.organizationalUnits[3].parent "Workload" is not an OU`}},
	{name: "OU cycle", org: func(o obj) { item(o, "organizationalUnits", 2)["parent"] = "Prod" },
		want: []string{`platform:organization.organizationalUnits[2].parent "Prod" makes a cycle of OUs`}},
	{name: "OU defined twice", org: func(o obj) { item(o, "organizationalUnits", 6)["name"] = "Sandbox" },
		want: []string{`platform:organization.organizationalUnits[6].name "Sandbox" is already used by platform:organization.organizationalUnits[5]`}},
	{name: "no backup account", org: func(o obj) { account(o, backup)["role"] = "workload"; account(o, backup)["environment"] = "dev" },
		want: []string{`platform:organization.accounts is required: an account with role "backup"`,
			`platform:organization.accounts[7].environment "dev" is already run by platform:organization.accounts[4]`}},
	{name: "two log archives", org: func(o obj) { account(o, securityTooling)["role"] = "logArchive" },
		want: []string{`platform:organization.accounts[2].role "logArchive" is already held by platform:organization.accounts[1]`}},
	{name: "unknown account role", org: func(o obj) { account(o, securityTooling)["role"] = "security" },
		want: []string{`platform:organization.accounts[2].role "security" is not an account role`}},
	{name: "workload without environment", org: func(o obj) { delete(account(o, dev), "environment") },
		want: []string{"platform:organization.accounts[7].environment is required"}},
	{name: "unknown environment", org: func(o obj) { account(o, dev)["environment"] = "qa" },
		want: []string{`platform:organization.accounts[7].environment "qa" is not an environment platform:estate.environments declares: allowed are prod, staging, dev`,
			`platform:organization.accounts is required: a workload account with environment "dev", which platform:estate.environments declares`}},
	{name: "environment on a non-workload account", org: func(o obj) { account(o, identity)["environment"] = "prod" },
		want: []string{`platform:organization.accounts[0].environment "prod" is only for workload accounts`}},
	{name: "non-prod in the prod OU", org: func(o obj) { account(o, staging)["ou"] = "Prod" },
		want: []string{`platform:organization.accounts[6].ou "Prod" is the OU of platform:organization.accounts[5], the account of production environment "prod": non-production workloads must live in a different OU`}},
	{name: "account name not a lowercase key", org: func(o obj) { account(o, dev)["name"] = "Dev_Account" },
		want: []string{`platform:organization.accounts[7].name "Dev_Account" must be 2-32 lowercase letters, digits or '-'`}},
	{name: "budget amount zero", org: func(o obj) { account(o, securityTooling)["budget"] = obj{"monthlyLimitUsd": 0} },
		want: []string{"platform:organization.accounts[2].budget.monthlyLimitUsd 0 must be greater than 0"}},
	{name: "hard limit on prod", org: func(o obj) { account(o, prod)["budget"].(obj)["hardLimit"] = true },
		want: []string{"platform:organization.accounts[5].budget.hardLimit true is not allowed on the account of prod, a production environment"}},
	{name: "threshold above 100 percent", org: func(o obj) { o["budgets"].(obj)["actualThresholdsPercent"] = []any{50, 150} },
		want: []string{"platform:organization.budgets.actualThresholdsPercent[1] 150 is outside 1-100 percent"}},
	{name: "forecast threshold zero", org: func(o obj) { o["budgets"].(obj)["forecastThresholdsPercent"] = []any{0} },
		want: []string{"platform:organization.budgets.forecastThresholdsPercent[0] 0 is outside 1-100 percent"}},
	{name: "hard limit percent out of range", org: func(o obj) { o["budgets"].(obj)["hardLimitPercent"] = 120 },
		want: []string{"platform:organization.budgets.hardLimitPercent 120 is outside 1-100 percent"}},
	{name: "no alert emails", org: func(o obj) { o["budgets"].(obj)["alertEmails"] = []any{} },
		want: []string{"platform:organization.budgets.alertEmails is required"}},
	{name: "negative team budget", org: func(o obj) { item(o["budgets"].(obj), "teams", 0)["monthlyLimitUsd"] = -5 },
		want: []string{"platform:organization.budgets.teams[0].monthlyLimitUsd -5 must be greater than 0"}},
	{name: "team budget defined twice", org: func(o obj) { item(o["budgets"].(obj), "teams", 1)["name"] = "platform" },
		want: []string{`platform:organization.budgets.teams[1].name "platform" is already used by platform:organization.budgets.teams[0]`}},
	{name: "anomaly email malformed", org: func(o obj) { o["anomalyDetection"].(obj)["emails"] = []any{"finance"} },
		want: []string{`platform:organization.anomalyDetection.emails[0] "finance" is not a valid email address`}},
	{name: "backup retention too short", org: func(o obj) { o["backupPolicy"].(obj)["retentionDays"] = 3 },
		want: []string{"platform:organization.backupPolicy.retentionDays 3 must be at least 7 days"}},
	{name: "backup schedule not cron", org: func(o obj) { o["backupPolicy"].(obj)["schedule"] = "daily" },
		want: []string{`platform:organization.backupPolicy.schedule "daily" is not an AWS cron expression`}},
	{name: "backup target OU unknown", org: func(o obj) { o["backupPolicy"].(obj)["targetOUs"] = []any{"Workload"} },
		want: []string{`platform:organization.backupPolicy.targetOUs[0] "Workload" is not an OU`}},
	{name: "DR copy shorter than the original", org: func(o obj) { o["backupPolicy"].(obj)["copyRetentionDays"] = 10 },
		want: []string{"platform:organization.backupPolicy.copyRetentionDays 10 is shorter than retentionDays 35"}},

	// The security stack.
	{name: "security section missing", stack: "security", raw: func(c map[string]string) { delete(c, config.KeySecurity) },
		want: []string{"platform:security is required"}},
	{name: "organization section in the security stack", stack: "security", raw: func(c map[string]string) { c[config.KeyOrganization] = "{}" },
		want: []string{`platform:organization "<object>" is only read by the organization layer, not by layer "security"`}},
	{name: "log retention under 90 days", stack: "security", security: func(o obj) { o["logs"].(obj)["retentionDays"] = 30 },
		want: []string{"platform:security.logs.retentionDays 30 must be at least 90 days"}},
	{name: "object lock longer than retention", stack: "security", security: func(o obj) { o["logs"].(obj)["objectLockDays"] = 500 },
		want: []string{"platform:security.logs.objectLockDays 500 is longer than logs.retentionDays 400"}},
	{name: "glacier before infrequent access", stack: "security", security: func(o obj) { o["logs"].(obj)["glacierAfterDays"] = 30 },
		want: []string{"platform:security.logs.glacierAfterDays 30 must come after logs.infrequentAccessAfterDays 30"}},
	{name: "trail log group retention not allowed", stack: "security", security: func(o obj) { o["trail"].(obj)["logGroupRetentionDays"] = 366 },
		want: []string{"platform:security.trail.logGroupRetentionDays 366 must be a CloudWatch Logs retention of at least 365 days"}},
	{name: "unknown GuardDuty frequency", stack: "security", security: func(o obj) { o["guardDuty"].(obj)["findingFrequency"] = "HOURLY" },
		want: []string{`platform:security.guardDuty.findingFrequency "HOURLY" is not one of FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS`}},
	{name: "vault lock grace period too short", stack: "security", security: func(o obj) { o["backupVaults"].(obj)["changeableForDays"] = 1 },
		want: []string{"platform:security.backupVaults.changeableForDays 1 must be at least 3 days"}},
	{name: "vault max retention under min", stack: "security", security: func(o obj) { o["backupVaults"].(obj)["maxRetentionDays"] = 5 },
		want: []string{"platform:security.backupVaults.maxRetentionDays 5 is shorter than backupVaults.minRetentionDays 7"}},
	{name: "session longer than 12 hours", stack: "security", security: func(o obj) { permissionSet(o, 1)["sessionDuration"] = "PT13H" },
		want: []string{`platform:security.identityCenter.permissionSets[1].sessionDuration "PT13H" must be an ISO-8601 duration from PT1H to PT12H`}},
	{name: "long break-glass session", stack: "security", security: func(o obj) { permissionSet(o, 0)["sessionDuration"] = "PT4H" },
		want: []string{`platform:security.identityCenter.permissionSets[0].sessionDuration "PT4H" must be PT1H: break-glass sessions are short`}},
	{name: "break-glass permission set missing", stack: "security", security: func(o obj) { permissionSet(o, 0)["name"] = "EmergencyAdmin" },
		want: []string{`platform:security.identityCenter.permissionSets is required: the break-glass permission set "BreakGlassAdmin"`,
			`platform:security.identityCenter.assignments[0].permissionSet "BreakGlassAdmin" is not a permission set defined`}},
	{name: "break-glass held by two groups", stack: "security", security: func(o obj) { assignment(o, 1)["permissionSet"] = "BreakGlassAdmin" },
		want: []string{`platform:security.identityCenter.assignments 2 groups hold the break-glass permission set "BreakGlassAdmin": exactly one group may`}},
	{name: "assignment to an unknown group", stack: "security", security: func(o obj) { assignment(o, 2)["group"] = "devs" },
		want: []string{`platform:security.identityCenter.assignments[2].group "devs" is not a group defined in platform:security.identityCenter.groups`}},
	{name: "duplicate assignment", stack: "security", security: func(o obj) { assignment(o, 4)["accounts"] = []any{"staging", "staging"} },
		want: []string{`platform:security.identityCenter.assignments[4].accounts[1] "staging" repeats the assignment at platform:security.identityCenter.assignments[4].accounts[0]`}},
	// The workload stacks.
	{name: "Kubernetes version leaving standard support", stack: "prod", workload: func(o obj) { o["eks"].(obj)["version"] = "1.34" },
		want: []string{`platform:workload.eks.version "1.34" is not an EKS version in standard support: allowed are 1.35, 1.36`,
			`platform:workload.eks.addons["kube-proxy"] "v1.35.0-eksbuild.2" must match the cluster version 1.34`}},
	{name: "x86 system nodes", stack: "prod", workload: func(o obj) { o["eks"].(obj)["systemNodeGroup"].(obj)["instanceTypes"] = []any{"m5.large"} },
		want: []string{`platform:workload.eks.systemNodeGroup.instanceTypes[0] "m5.large" is not a Graviton (arm64) instance type`}},
	{name: "single system node", stack: "dev", workload: func(o obj) { o["eks"].(obj)["systemNodeGroup"].(obj)["minSize"] = 1 },
		want: []string{"platform:workload.eks.systemNodeGroup.minSize 1 must be at least 2"}},
	{name: "add-on without a pinned version", stack: "staging", workload: func(o obj) { delete(o["eks"].(obj)["addons"].(obj), "coredns") },
		want: []string{`platform:workload.eks.addons is required: a pinned version of the "coredns" add-on`}},
	{name: "add-on version not pinned", stack: "staging", workload: func(o obj) { o["eks"].(obj)["addons"].(obj)["vpc-cni"] = "latest" },
		want: []string{`platform:workload.eks.addons["vpc-cni"] "latest" is not an add-on version`}},
	{name: "API endpoint open to the internet", stack: "dev", workload: func(o obj) { o["eks"].(obj)["publicAccessCidrs"] = []any{"0.0.0.0/0"} },
		want: []string{`platform:workload.eks.publicAccessCidrs[0] "0.0.0.0/0" opens the API endpoint to too much of the internet`}},
	{name: "namespaced cluster-admin", stack: "dev", workload: func(o obj) {
		o["eks"].(obj)["access"].([]any)[0].(obj)["namespaces"] = []any{"backend"}
	}, want: []string{`platform:workload.eks.access[0].namespaces ["backend"] cannot scope cluster-admin`}},
	{name: "unknown access policy", stack: "dev", workload: func(o obj) { o["eks"].(obj)["access"].([]any)[3].(obj)["policy"] = "readonly" },
		want: []string{`platform:workload.eks.access[3].policy "readonly" is not an EKS access policy`}},
	{name: "VPC too large", stack: "prod", workload: func(o obj) { o["vpc"].(obj)["cidr"] = "10.16.0.0/12" },
		want: []string{`platform:workload.vpc.cidr "10.16.0.0/12" must be between /16 and /20`}},

	{name: "unpinned AMI in prod", stack: "prod", workload: func(o obj) { o["karpenter"].(obj)["amiAlias"] = "al2023@latest" },
		want: []string{`platform:workload.karpenter.amiAlias "al2023@latest" must be pinned in prod`}},
	{name: "pinned AMI without the cluster's Kubernetes version", stack: "prod", workload: func(o obj) { o["karpenter"].(obj)["amiAlias"] = "al2023@v20251120" },
		want: []string{`platform:workload.karpenter.amiAlias "al2023@v20251120" has no AMI for Kubernetes 1.35: that release ships 1.29, 1.30, 1.31, 1.32, 1.33, 1.34`}},
	{name: "pinned AMI release that does not exist", stack: "prod", workload: func(o obj) { o["karpenter"].(obj)["amiAlias"] = "al2023@v20251117" },
		want: []string{`platform:workload.karpenter.amiAlias "al2023@v20251117" is not a known AL2023 AMI release`}},
	{name: "deploy runner outside the estate", stack: "dev", workload: func(o obj) { o["eks"].(obj)["deployRunnerCidrs"] = []any{"52.0.0.0/24"} },
		want: []string{`platform:workload.eks.deployRunnerCidrs[0] "52.0.0.0/24" is not a private range`}},
	{name: "AL2 AMI alias", stack: "dev", workload: func(o obj) { o["karpenter"].(obj)["amiAlias"] = "al2@latest" },
		want: []string{`platform:workload.karpenter.amiAlias "al2@latest" must be al2023@latest or a pinned al2023@vYYYYMMDD`}},
	{name: "Graviton family in the amd64 pools", stack: "dev", workload: func(o obj) { o["karpenter"].(obj)["amd64"].(obj)["families"] = []any{"m7g"} },
		want: []string{`platform:workload.karpenter.amd64.families[0] "m7g" is a Graviton family in the amd64 pools`}},
	{name: "x86 family in the Graviton pool", stack: "dev", workload: func(o obj) { o["karpenter"].(obj)["graviton"].(obj)["families"] = []any{"c5"} },
		want: []string{`platform:workload.karpenter.graviton.families[0] "c5" is not a Graviton (arm64) family`}},
	{name: "Karpenter version not validated", stack: "staging", workload: func(o obj) { o["karpenter"].(obj)["version"] = "0.37.0" },
		want: []string{`platform:workload.karpenter.version "0.37.0" is not the Karpenter version the platform is validated against: 1.15.2`}},
	{name: "node lifetime not a duration", stack: "staging", workload: func(o obj) { o["karpenter"].(obj)["expireAfter"] = "30 days" },
		want: []string{`platform:workload.karpenter.expireAfter "30 days" is not a duration`}},
	{name: "zero CPU limit", stack: "staging", workload: func(o obj) { o["karpenter"].(obj)["graviton"].(obj)["cpuLimit"] = 0 },
		want: []string{"platform:workload.karpenter.graviton.cpuLimit 0 must be greater than 0"}},

	{name: "single-AZ database in staging", stack: "staging", workload: func(o obj) { o["database"].(obj)["multiAz"] = false },
		want: []string{"platform:workload.database.multiAz false must be true in staging"}},
	{name: "short PITR window in prod", stack: "prod", workload: func(o obj) { o["database"].(obj)["backupRetentionDays"] = 14 },
		want: []string{"platform:workload.database.backupRetentionDays 14 must be 35 in prod"}},
	{name: "PITR window under a week", stack: "dev", workload: func(o obj) { o["database"].(obj)["backupRetentionDays"] = 3 },
		want: []string{"platform:workload.database.backupRetentionDays 3 must be between 7 and 35 days"}},
	{name: "default master user", stack: "dev", workload: func(o obj) { o["database"].(obj)["masterUsername"] = "postgres" },
		want: []string{`platform:workload.database.masterUsername "postgres" is a default or reserved name`}},
	{name: "unsupported engine version", stack: "dev", workload: func(o obj) { o["database"].(obj)["engineVersion"] = "12.22" },
		want: []string{`platform:workload.database.engineVersion "12.22" is not a PostgreSQL major version RDS supports for new instances`}},
	{name: "minor engine version pinned", stack: "prod", workload: func(o obj) { o["database"].(obj)["engineVersion"] = "17.6" },
		want: []string{`platform:workload.database.engineVersion "17.6" is not a PostgreSQL major version RDS supports for new instances: 16 or 17 (the major only`}},
	{name: "no room for storage autoscaling", stack: "dev", workload: func(o obj) { o["database"].(obj)["maxAllocatedStorageGiB"] = 50 },
		want: []string{"platform:workload.database.maxAllocatedStorageGiB 50 must exceed allocatedStorageGiB 50"}},
	{name: "maintenance during backups", stack: "dev", workload: func(o obj) { o["database"].(obj)["maintenanceWindow"] = "sun:03:30-sun:04:30" },
		want: []string{`platform:workload.database.maintenanceWindow "sun:03:30-sun:04:30" overlaps backupWindow "03:00-04:00"`}},
	{name: "prod without restore testing", stack: "prod", workload: func(o obj) { o["database"].(obj)["backup"].(obj)["restoreTesting"] = false },
		want: []string{"platform:workload.database.backup.restoreTesting false must be true in prod"}},
	{name: "backup copies shorter than the vault lock minimum", stack: "dev", workload: func(o obj) { o["database"].(obj)["backup"].(obj)["dailyRetentionDays"] = 3 },
		want: []string{"platform:workload.database.backup.dailyRetentionDays 3 must be at least 7 days"}},
	{name: "ingress host not a DNS label", stack: "dev", workload: func(o obj) { o["ingress"] = obj{"frontendHost": "App_1"} },
		want: []string{`platform:workload.ingress.frontendHost "App_1" is not a DNS label`}},
	{name: "one name for both load balancers", stack: "dev", workload: func(o obj) { o["ingress"] = obj{"frontendHost": "www", "backendHost": "www"} },
		want: []string{`platform:workload.ingress.backendHost "www" is the frontend's name too`}},
	{name: "ALB policy that still speaks TLS 1.0", stack: "prod", workload: func(o obj) { o["ingress"] = obj{"sslPolicy": "ELBSecurityPolicy-2016-08"} },
		want: []string{`platform:workload.ingress.sslPolicy "ELBSecurityPolicy-2016-08" is not an ALB security policy limited to TLS 1.2 and later`}},
	{name: "internal NLB open to a public range", stack: "prod", workload: func(o obj) { o["ingress"] = obj{"backendSourceCidrs": []any{"10.0.0.0/8", "52.0.0.0/8"}} },
		want: []string{`platform:workload.ingress.backendSourceCidrs[1] "52.0.0.0/8" is not a private range`}},

	// The network stack.
	{name: "hub CIDRs overlap", stack: "network", network: func(o obj) { o["sharedServicesCidr"] = "10.0.8.0/21" },
		want: []string{`platform:network.sharedServicesCidr "10.0.8.0/21" overlaps platform:network.inspectionCidr "10.0.0.0/20"`}},
	{name: "route domains overlap", stack: "network", network: func(o obj) { o["routeDomains"].(obj)["nonProd"] = "10.16.0.0/13" },
		want: []string{`platform:network.routeDomains.nonProd "10.16.0.0/13" overlaps platform:network.routeDomains.prod "10.16.0.0/12"`}},
	{name: "CIDR with host bits", stack: "network", network: func(o obj) { o["inspectionCidr"] = "10.0.0.1/20" },
		want: []string{`platform:network.inspectionCidr "10.0.0.1/20" has host bits set: the network is 10.0.0.0/20`}},
	{name: "public address space", stack: "network", network: func(o obj) { o["sharedServicesCidr"] = "52.0.0.0/20" },
		want: []string{`platform:network.sharedServicesCidr "52.0.0.0/20" is not private (RFC 1918) address space`}},
	{name: "inspection VPC too small", stack: "network", network: func(o obj) { o["inspectionCidr"] = "10.0.0.0/26" },
		want: []string{`platform:network.inspectionCidr "10.0.0.0/26" must be between /16 and /23`}},
	{name: "more AZs than the region has", stack: "network", network: func(o obj) { o["azCount"] = 7 },
		want: []string{"platform:network.azCount 7 must be between 2 and the 6 AZs of us-east-1"}},
	{name: "single-AZ inspection", stack: "network", network: func(o obj) { o["azCount"] = 1 },
		want: []string{"platform:network.azCount 1 must be between 2 and the 6 AZs of us-east-1"}},
	{name: "endpoints in more AZs than the VPC", stack: "network", network: func(o obj) { o["endpoints"].(obj)["azCount"] = 4 },
		want: []string{"platform:network.endpoints.azCount 4 is more than azCount 3"}},
	{name: "unknown endpoint service", stack: "network", network: func(o obj) { o["endpoints"].(obj)["services"] = []any{"sts", "s3"} },
		want: []string{`platform:network.endpoints.services[1] "s3" is not an endpoint service the platform offers`}},
	{name: "allow-list entry with a scheme", stack: "network", network: func(o obj) { o["firewall"].(obj)["allowedDomains"] = []any{"https://github.com"} },
		want: []string{`platform:network.firewall.allowedDomains[0] "https://github.com" is not a lowercase domain`}},
	{name: "empty allow-list", stack: "network", network: func(o obj) { o["firewall"].(obj)["allowedDomains"] = []any{} },
		want: []string{"platform:network.firewall.allowedDomains is required"}},
	{name: "domain not a DNS name", stack: "network", network: func(o obj) { o["domain"] = "Example.COM" },
		want: []string{`platform:network.domain "Example.COM" is not a lowercase DNS domain`}},
	{name: "public TGW ASN", stack: "network", network: func(o obj) { o["transitGatewayAsn"] = 16509 },
		want: []string{"platform:network.transitGatewayAsn 16509 must be a private ASN"}},
	{name: "VPN with a private gateway address and overlapping on-prem range", stack: "network", network: func(o obj) {
		o["vpn"] = obj{"customerGatewayIp": "192.168.1.1", "bgpAsn": 65000, "onPremCidr": "10.16.0.0/16"}
	}, want: []string{`platform:network.vpn.customerGatewayIp "192.168.1.1" must be the public IPv4 address`,
		`platform:network.vpn.onPremCidr "10.16.0.0/16" overlaps platform:network.routeDomains.prod "10.16.0.0/12"`}},
	{name: "managed policy with an ARN instead of a name", stack: "security", security: func(o obj) {
		permissionSet(o, 3)["managedPolicies"] = []any{"arn:aws:iam::aws:policy/ReadOnlyAccess"}
	}, want: []string{`platform:security.identityCenter.permissionSets[3].managedPolicies[0] "arn:aws:iam::aws:policy/ReadOnlyAccess" is not an AWS managed policy name`}},
}

// stackFile is the repository's stack file with the case's edits; the estate is the project's default, as Pulumi
// hands it to every stack.
func (c badConfig) stackFile(t *testing.T) plan.StackFile {
	t.Helper()
	stack := c.stack
	if stack == "" {
		stack = "org"
	}
	sf := fixtures.StackFile(t, stack)
	for key, edit := range map[string]func(obj){
		config.KeyEstate: c.estate, config.KeyOrganization: c.org, config.KeySecurity: c.security,
		config.KeyNetwork: c.network, config.KeyWorkload: c.workload,
	} {
		if edit != nil {
			fixtures.Edit(t, &sf, key, edit)
		}
	}
	if c.raw != nil {
		cfg := make(map[string]string, len(sf.Config))
		for k, v := range sf.Config {
			cfg[k] = v
		}
		c.raw(cfg)
		sf.Config = cfg
	}
	return sf
}

func TestBadConfigsAreRejectedNamingTheKey(t *testing.T) {
	require.GreaterOrEqual(t, len(badConfigs), 100)
	for _, c := range badConfigs {
		t.Run(c.name, func(t *testing.T) {
			sf := c.stackFile(t)
			s, err := config.Load(sf.Name, sf.Config)
			require.Error(t, err)
			assert.Nil(t, s)
			for _, want := range c.want {
				assert.ErrorContains(t, err, want)
			}
		})
	}
}

// Validate returns every problem at once, not the first one.
func TestEveryProblemIsReportedAtOnce(t *testing.T) {
	sf := badConfig{
		estate: func(e obj) { e["homeRegion"] = "mars-1"; delete(e["tags"].(obj), "owner") },
		org: func(o obj) {
			account(o, identity)["email"] = "nope"
			o["budgets"].(obj)["actualThresholdsPercent"] = []any{0}
		},
	}.stackFile(t)
	_, err := config.Load(sf.Name, sf.Config)
	require.Error(t, err)
	for _, want := range []string{"platform:estate.homeRegion", "platform:estate.tags.owner", "accounts[0].email", "actualThresholdsPercent[0]"} {
		assert.ErrorContains(t, err, want)
	}
}
