package program

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/providers"
	"github.com/innovate-inc/platform/internal/stackref"
	"github.com/innovate-inc/platform/internal/tags"
	"github.com/innovate-inc/platform/security"
)

// securityLayer builds stack security across the Log Archive, Security Tooling, Backup, Identity and every member
// account, and returns its outputs.
func securityLayer(ctx *pulumi.Context, cfg *config.Stack) (pulumi.Map, error) {
	env, e, sec := cfg.Name, cfg.Estate, *cfg.Security
	org, err := stackref.ReadOrg(ctx, e.PulumiOrg)
	if err != nil {
		return nil, err
	}
	if err := checkAgainstOrg(cfg, org); err != nil {
		return nil, err
	}
	names := accountNames(org)
	role := func(r config.AccountRole) (string, string) {
		id := org.AccountIDsByRole[string(r)]
		return names[id], id
	}
	home, dr := e.HomeRegion, e.DRRegion
	defaultTags := tags.ForStack(*cfg).Map(nil)

	// One provider per member account and allowed region, assuming the organization access role.
	provs := map[string]map[string]*aws.Provider{}
	for _, name := range slices.Sorted(maps.Keys(org.AccountIDs)) {
		provs[name] = map[string]*aws.Provider{}
		for _, region := range e.AllowedRegions {
			p, err := providers.New(ctx, env, providers.Target{Key: name, Region: region,
				AccountID: org.AccountIDs[name], RoleName: org.AccessRoleName}, defaultTags)
			if err != nil {
				return nil, err
			}
			provs[name][region] = p
		}
	}

	logName, logID := role(config.RoleLogArchive)
	archive, err := security.NewLogArchive(ctx, naming.Name(env, "log-archive", ""), security.LogArchiveArgs{
		Env: env, Company: e.Company, HomeRegion: home, DRRegion: dr, Providers: provs[logName],
		AccountID: logID, OrgID: org.OrganizationID, Logs: sec.Logs, InvestigationRole: security.InvestigationRoleName,
	})
	if err != nil {
		return nil, err
	}
	homeBuckets := archive.Buckets[home]

	toolName, toolID := role(config.RoleSecurityTooling)
	trail, err := security.NewOrgTrail(ctx, naming.Name(env, "org-trail", ""), security.OrgTrailArgs{
		Env: env, Region: home, Provider: provs[toolName][home], AccountID: toolID,
		Bucket: pulumi.String(homeBuckets["cloudtrail"].Name), KeyARN: archive.KeyARNs[home],
		AuditBucketARNs:   []string{homeBuckets["cloudtrail"].ARN, homeBuckets["config"].ARN},
		LogGroupRetention: sec.Trail.LogGroupRetentionDays,
	}, pulumi.DependsOn([]pulumi.Resource{homeBuckets["cloudtrail"].Policy}))
	if err != nil {
		return nil, err
	}

	regions := append([]string{home}, without(e.AllowedRegions, home)...)
	findingsBuckets := map[string]string{}
	for _, r := range regions {
		b, ok := archive.Buckets[r]
		if !ok {
			// Regions beyond home and DR export findings to the home-region bucket.
			b = homeBuckets
		}
		findingsBuckets[r] = b["guardduty"].ARN
	}
	findingsKeys := map[string]pulumi.StringOutput{}
	for _, r := range regions {
		if k, ok := archive.KeyARNs[r]; ok {
			findingsKeys[r] = k
		} else {
			findingsKeys[r] = archive.KeyARNs[home]
		}
	}
	var guardDutyPolicies []pulumi.Resource
	for _, r := range []string{home, dr} {
		guardDutyPolicies = append(guardDutyPolicies, archive.Buckets[r]["guardduty"].Policy)
	}
	tooling, err := security.NewSecurityTooling(ctx, naming.Name(env, "security-tooling", ""), security.SecurityToolingArgs{
		Env: env, HomeRegion: home, Regions: regions, Providers: provs[toolName], AccountID: toolID, RootID: org.RootID,
		FindingsBuckets: findingsBuckets, FindingsKeys: findingsKeys, FindingFrequency: sec.GuardDuty.FindingFrequency,
	}, pulumi.DependsOn(guardDutyPolicies))
	if err != nil {
		return nil, err
	}

	workloads := map[string]bool{}
	for _, id := range org.WorkloadAccountIDs {
		workloads[names[id]] = true
	}
	for _, name := range slices.Sorted(maps.Keys(org.AccountIDs)) {
		args := security.AccountBaselineArgs{
			Env: env, AccountName: name, AccountID: org.AccountIDs[name], HomeRegion: home, Regions: e.AllowedRegions,
			Providers: provs[name], OrgID: org.OrganizationID, SecurityToolingID: toolID,
			ConfigBucket: homeBuckets["config"].Name, ConfigKeyARN: archive.KeyARNs[home],
		}
		if workloads[name] {
			args.Backup = &security.BackupBaseline{VaultName: org.BackupVaultName, RoleName: org.BackupRoleName}
		}
		if _, err := security.NewAccountBaseline(ctx, naming.Name(env, "baseline", name), args,
			pulumi.DependsOn([]pulumi.Resource{homeBuckets["config"].Policy})); err != nil {
			return nil, fmt.Errorf("baseline of account %q: %w", name, err)
		}
	}

	backupName, backupID := role(config.RoleBackup)
	vaults, err := security.NewBackupVaults(ctx, naming.Name(env, "backup-vaults", ""), security.BackupVaultsArgs{
		Env: env, Regions: []string{home, dr}, Providers: provs[backupName], AccountID: backupID,
		OrgID: org.OrganizationID, VaultName: org.BackupVaultName, Lock: sec.BackupVaults,
	})
	if err != nil {
		return nil, err
	}

	identityName, _ := role(config.RoleIdentity)
	idc, err := security.NewIdentityCenter(ctx, naming.Name(env, "identity-center", ""), security.IdentityCenterArgs{
		Env: env, Provider: provs[identityName][home], Config: sec.IdentityCenter, AccountIDs: org.AccountIDs,
	})
	if err != nil {
		return nil, err
	}

	logBuckets, logBucketARNs, drBuckets := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}
	for purpose, b := range homeBuckets {
		logBuckets[purpose] = pulumi.String(b.Name)
		logBucketARNs[purpose] = pulumi.String(b.ARN)
		drBuckets[purpose] = pulumi.String(archive.Buckets[dr][purpose].Name)
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
	}, nil
}

// checkAgainstOrg validates the security config against what the org stack built: the regions agree and every
// account an assignment names exists. Errors name the config key.
func checkAgainstOrg(cfg *config.Stack, org *stackref.Org) error {
	errs := checkEstate(cfg, org)
	for i, a := range cfg.Security.IdentityCenter.Assignments {
		for j, acct := range a.Accounts {
			if _, ok := org.AccountIDs[acct]; !ok && acct != config.AllAccounts {
				errs = append(errs, fmt.Errorf("%s.identityCenter.assignments[%d].accounts[%d] %q is not an account of the org stack: allowed are %q or \"*\"",
					config.KeySecurity, i, j, acct, slices.Sorted(maps.Keys(org.AccountIDs))))
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
