package program

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/providers"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/internal/stackref"
	"github.com/innovate-inc/platform/internal/tags"
	"github.com/innovate-inc/platform/observability"
	"github.com/innovate-inc/platform/security"
)

// securityLayer builds stack security across the Log Archive, Security Tooling, Backup, Identity, every member
// account and the management account, and returns its outputs. It reads the org stack, runs every cross-stack
// check and reads the Identity Center instance before it registers anything but providers.
func securityLayer(ctx *pulumi.Context, cfg *config.Stack) (pulumi.Map, error) {
	in, err := readSecurityInputs(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return buildSecurity(ctx, cfg, in)
}

// securityInputs is everything the security stack reads before it builds.
type securityInputs struct {
	org *stackref.Org
	// provs reaches every member account by name and region, mgmt the management account by region.
	provs    map[string]map[string]*aws.Provider
	mgmt     map[string]*aws.Provider
	instance security.IdentityCenterInstance
	writers  security.Writers
}

// account is a member account's scope in the home region, with its name.
func (in *securityInputs) account(cfg *config.Stack, r config.AccountRole) (string, scope.Scope) {
	id := in.org.AccountIDsByRole[string(r)]
	name := accountNames(in.org)[id]
	return name, scope.Scope{Stack: cfg.Name, AccountID: id, Region: cfg.Estate.HomeRegion,
		Provider: in.provs[name][cfg.Estate.HomeRegion], Tags: tags.ForStack(*cfg)}
}

func readSecurityInputs(ctx *pulumi.Context, cfg *config.Stack) (*securityInputs, error) {
	e := cfg.Estate
	org, err := stackref.ReadOrg(ctx, e.PulumiOrg)
	if err != nil {
		return nil, err
	}
	if err := checkAgainstOrg(cfg, org); err != nil {
		return nil, err
	}
	in := &securityInputs{org: org}
	if in.provs, in.mgmt, err = securityProviders(ctx, cfg, org); err != nil {
		return nil, err
	}
	identity, _ := in.account(cfg, config.RoleIdentity)
	if in.instance, err = security.ReadIdentityCenterInstance(ctx, in.provs[identity][e.HomeRegion]); err != nil {
		return nil, err
	}
	toolID := org.AccountIDsByRole[string(config.RoleSecurityTooling)]
	in.writers = security.Writers{
		OrgID: org.OrganizationID, ManagementAccountID: org.ManagementAccountID, SecurityToolingID: toolID,
		TrailARN:        security.TrailARN(e.HomeRegion, org.ManagementAccountID, cfg.Name),
		TrailCreatorARN: providers.Target{AccountID: toolID, RoleName: org.AccessRoleName}.RoleARN(),
		AccountIDs:      append(slices.Sorted(maps.Values(org.AccountIDs)), org.ManagementAccountID),
	}
	return in, nil
}

func buildSecurity(ctx *pulumi.Context, cfg *config.Stack, in *securityInputs) (pulumi.Map, error) {
	env, e, sec, org := cfg.Name, cfg.Estate, *cfg.Security, in.org
	home, dr := e.HomeRegion, e.DRRegion
	logName, logScope := in.account(cfg, config.RoleLogArchive)
	toolName, toolScope := in.account(cfg, config.RoleSecurityTooling)
	backupName, backupScope := in.account(cfg, config.RoleBackup)
	_, identityScope := in.account(cfg, config.RoleIdentity)

	archive, err := security.NewLogArchive(ctx, naming.Name(env, "log-archive", ""), security.LogArchiveArgs{
		Scope: logScope, Company: e.Company, DRRegion: dr, Providers: in.provs[logName],
		Writers: in.writers, Logs: sec.Logs, InvestigationRole: security.InvestigationRoleName,
	})
	if err != nil {
		return nil, err
	}
	homeBuckets := archive.Buckets[home]
	trail, err := security.NewOrgTrail(ctx, naming.Name(env, "org-trail", ""), security.OrgTrailArgs{
		Scope: toolScope, TrailARN: in.writers.TrailARN,
		Bucket: pulumi.String(homeBuckets[security.PurposeCloudTrail].Name), KeyARN: archive.KeyARNs[home],
		AuditBucketARNs:   []string{homeBuckets[security.PurposeConfig].ARN},
		LogGroupRetention: sec.Trail.LogGroupRetentionDays,
	}, pulumi.DependsOn([]pulumi.Resource{homeBuckets[security.PurposeCloudTrail].Policy}))
	if err != nil {
		return nil, err
	}

	regions := append([]string{home}, without(e.AllowedRegions, home)...)
	findingsBuckets, findingsKeys := archive.FindingsDestinations(regions)
	tooling, err := security.NewSecurityTooling(ctx, naming.Name(env, "tooling", ""), security.SecurityToolingArgs{
		Scope: toolScope, Regions: regions, Providers: in.provs[toolName], ManagementProviders: in.mgmt, RootID: org.RootID,
		FindingsBuckets: findingsBuckets, FindingsKeys: findingsKeys, FindingFrequency: sec.GuardDuty.FindingFrequency,
	}, pulumi.DependsOn([]pulumi.Resource{archive.Buckets[home][security.PurposeGuardDuty].Policy, archive.Buckets[dr][security.PurposeGuardDuty].Policy}))
	if err != nil {
		return nil, err
	}
	if _, err := observability.NewSecurityAlerts(ctx, naming.Name(env, "alerts", ""), observability.SecurityAlertsArgs{
		Scope: toolScope, Regions: regions, Providers: in.provs[toolName],
		ManagementAccountID: org.ManagementAccountID, ManagementProviders: in.mgmt, Config: sec.Alerts,
	}); err != nil {
		return nil, err
	}
	if err := accountBaselines(ctx, cfg, in, homeBuckets[security.PurposeConfig], archive.KeyARNs[home]); err != nil {
		return nil, err
	}
	if err := accountAccess(ctx, cfg, in); err != nil {
		return nil, err
	}
	vaults, err := security.NewBackupVaults(ctx, naming.Name(env, "backup-vaults", ""), security.BackupVaultsArgs{
		Scope: backupScope, Regions: []string{home, dr}, Providers: in.provs[backupName],
		OrgID: org.OrganizationID, VaultName: org.BackupVaultName, Lock: sec.BackupVaults,
	})
	if err != nil {
		return nil, err
	}
	idc, err := security.NewIdentityCenter(ctx, naming.Name(env, "identity-center", ""), security.IdentityCenterArgs{
		Scope: identityScope, Instance: in.instance, Config: sec.IdentityCenter, AccountIDs: org.AccountIDs,
	})
	if err != nil {
		return nil, err
	}
	return securityOutputs(archive, trail, tooling, vaults, idc, home, dr), nil
}

func securityOutputs(archive *security.LogArchive, trail *security.OrgTrail, tooling *security.SecurityTooling,
	vaults *security.BackupVaults, idc *security.IdentityCenter, home, dr string) pulumi.Map {
	logBuckets, logBucketARNs, drBuckets := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}
	for purpose, b := range archive.Buckets[home] {
		logBuckets[string(purpose)] = pulumi.String(b.Name)
		logBucketARNs[string(purpose)] = pulumi.String(b.ARN)
		drBuckets[string(purpose)] = pulumi.String(archive.Buckets[dr][purpose].Name)
	}
	return pulumi.Map{
		stackref.SecLogKeyARNs:          toStringMap(archive.KeyARNs),
		stackref.SecLogBuckets:          logBuckets,
		stackref.SecLogBucketARNs:       logBucketARNs,
		stackref.SecDRLogBuckets:        drBuckets,
		stackref.SecTrailARN:            trail.TrailARN,
		stackref.SecTrailLogGroupARN:    trail.LogGroupARN,
		stackref.SecDetectorIDs:         toStringMap(tooling.DetectorIDs),
		stackref.SecConfigAggregatorARN: tooling.AggregatorARN,
		stackref.SecFindingAggregator:   tooling.FindingAggregatorARN,
		stackref.SecBackupVaultARNs:     toStringMap(vaults.VaultARNs),
		stackref.SecInvestigationRole:   pulumi.String(security.InvestigationRoleName),
		stackref.SecPermissionSetARNs:   toStringMap(idc.PermissionSetARNs),
		stackref.SecIdentityStoreID:     pulumi.String(idc.IdentityStoreID),
		stackref.SecSSOInstanceARN:      pulumi.String(idc.InstanceARN),
		stackref.SecGroupIDs:            toStringMap(idc.GroupIDs),
	}
}

// securityProviders returns one provider per member account and allowed region (assuming the organization access
// role) and the management account's, by region (the deployer's own credentials).
func securityProviders(ctx *pulumi.Context, cfg *config.Stack, org *stackref.Org) (map[string]map[string]*aws.Provider, map[string]*aws.Provider, error) {
	e := cfg.Estate
	defaultTags := tags.ForStack(*cfg).Map(nil)
	provs, mgmt := map[string]map[string]*aws.Provider{}, map[string]*aws.Provider{}
	for _, region := range e.AllowedRegions {
		p, err := providers.New(ctx, cfg.Name, providers.Target{Key: ManagementAccountKey, Region: region}, defaultTags)
		if err != nil {
			return nil, nil, err
		}
		mgmt[region] = p
		for _, name := range slices.Sorted(maps.Keys(org.AccountIDs)) {
			if provs[name] == nil {
				provs[name] = map[string]*aws.Provider{}
			}
			p, err := providers.New(ctx, cfg.Name, providers.Target{Key: name, Region: region,
				AccountID: org.AccountIDs[name], RoleName: cfg.AssumedRole(org.AccessRoleName)}, defaultTags)
			if err != nil {
				return nil, nil, err
			}
			provs[name][region] = p
		}
	}
	return provs, mgmt, nil
}

// ManagementAccountKey names the management account among the accounts a stack reaches.
const ManagementAccountKey = "management"

// accountBaselines registers the baseline of every member account and of the management account (which SCPs do
// not reach, so its baseline matters the more).
func accountBaselines(ctx *pulumi.Context, cfg *config.Stack, in *securityInputs, configBucket *security.LogBucket, configKey pulumi.StringOutput) error {
	e, org := cfg.Estate, in.org
	workloads := map[string]bool{}
	names := accountNames(org)
	for _, id := range org.WorkloadAccountIDs {
		workloads[names[id]] = true
	}
	accounts := maps.Clone(org.AccountIDs)
	accounts[ManagementAccountKey] = org.ManagementAccountID
	for _, name := range slices.Sorted(maps.Keys(accounts)) {
		p := in.provs[name]
		if name == ManagementAccountKey {
			p = in.mgmt
		}
		args := security.AccountBaselineArgs{
			Scope:       scope.Scope{Stack: cfg.Name, AccountID: accounts[name], Region: e.HomeRegion, Provider: p[e.HomeRegion], Tags: tags.ForStack(*cfg)},
			AccountName: name, Regions: e.AllowedRegions, Providers: p, OrgID: org.OrganizationID,
			SecurityToolingID: org.AccountIDsByRole[string(config.RoleSecurityTooling)],
			ConfigBucket:      configBucket.Name, ConfigKeyARN: configKey,
		}
		if workloads[name] {
			args.Backup = &security.BackupBaseline{VaultName: org.BackupVaultName, RoleName: org.BackupRoleName}
		}
		if _, err := security.NewAccountBaseline(ctx, naming.Name(cfg.Name, "baseline", name), args,
			pulumi.DependsOn([]pulumi.Resource{configBucket.Policy})); err != nil {
			return fmt.Errorf("baseline of account %q: %w", name, err)
		}
	}
	return nil
}

// checkAgainstOrg validates the security config against what the org stack built: the regions agree, every
// account an assignment names exists, and no permission set with write access reaches a security account
// (Identity, Log Archive, Security Tooling, Backup) except break-glass: IAM or Identity Center write access there
// steps around every guardrail that protects the logs, the findings and the backups. Errors name the config key.
func checkAgainstOrg(cfg *config.Stack, org *stackref.Org) error {
	errs := checkEstate(cfg, org)
	ic := cfg.Security.IdentityCenter
	sets := map[string]config.PermissionSet{}
	for _, ps := range ic.PermissionSets {
		sets[ps.Name] = ps
	}
	securityAccounts := map[string]bool{}
	for _, r := range config.SecurityAccountRoles {
		securityAccounts[accountNames(org)[org.AccountIDsByRole[string(r)]]] = true
	}
	for i, a := range ic.Assignments {
		for j, acct := range a.Accounts {
			if _, ok := org.AccountIDs[acct]; !ok && acct != config.AllAccounts {
				errs = append(errs, fmt.Errorf("%s.identityCenter.assignments[%d].accounts[%d] %q is not an account of the org stack: allowed are %q or \"*\"",
					config.KeySecurity, i, j, acct, slices.Sorted(maps.Keys(org.AccountIDs))))
				continue
			}
			if a.PermissionSet == cfg.Estate.BreakGlassPermissionSet || config.AllowedInSecurityAccounts(sets[a.PermissionSet]) {
				continue
			}
			if acct == config.AllAccounts || securityAccounts[acct] {
				errs = append(errs, fmt.Errorf("%s.identityCenter.assignments[%d] gives permission set %q (write access) to %q: only permission sets made of %s, and %q, may reach the security accounts %q",
					config.KeySecurity, i, a.PermissionSet, acct, strings.Join(config.SecurityAccountPolicies, ", "), cfg.Estate.BreakGlassPermissionSet, slices.Sorted(maps.Keys(securityAccounts))))
			}
		}
	}
	return errors.Join(errs...)
}

// checkEstate checks that a downstream stack's estate agrees with the org stack's.
func checkEstate(cfg *config.Stack, org *stackref.Org) []error {
	var errs []error
	e := cfg.Estate
	if org.HomeRegion != e.HomeRegion || org.DRRegion != e.DRRegion {
		errs = append(errs, fmt.Errorf("%s.homeRegion/drRegion %q/%q differ from the org stack's %q/%q: every stack shares the estate",
			config.KeyEstate, e.HomeRegion, e.DRRegion, org.HomeRegion, org.DRRegion))
	}
	if !slices.Equal(org.AllowedRegions, e.AllowedRegions) {
		errs = append(errs, fmt.Errorf("%s.allowedRegions %q differ from the org stack's %q", config.KeyEstate, e.AllowedRegions, org.AllowedRegions))
	}
	return errs
}

// accountNames inverts the org stack's account IDs.
func accountNames(org *stackref.Org) map[string]string {
	out := map[string]string{}
	for name, id := range org.AccountIDs {
		out[id] = name
	}
	return out
}

func without(list []string, drop string) []string {
	var out []string
	for _, x := range list {
		if x != drop {
			out = append(out, x)
		}
	}
	return out
}
