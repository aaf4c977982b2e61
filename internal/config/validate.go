package config

import (
	"errors"
	"fmt"
	"maps"
	"net/mail"
	"regexp"
	"slices"
	"strings"
)

// problems collects every validation error; each names the key path, the bad value and what is allowed.
type problems []error

func (p *problems) bad(path string, value any, format string, args ...any) {
	*p = append(*p, fmt.Errorf("%s %s %s", path, quote(value), fmt.Sprintf(format, args...)))
}

func (p *problems) missing(path, what string) {
	*p = append(*p, fmt.Errorf("%s is required: %s", path, what))
}

func (p *problems) err() error { return errors.Join(*p...) }

func quote(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case []string:
		return fmt.Sprintf("%q", x)
	default:
		return fmt.Sprintf("%v", x)
	}
}

var (
	companyPattern   = regexp.MustCompile(`^[a-z][a-z0-9]{1,15}$`)
	pulumiOrgPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$`)
	// IAM role names: 1-64 characters of [\w+=,.@-].
	roleNamePattern = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	// Permission set names: 1-32 characters of [\w+=,.@-].
	permissionSetPattern = regexp.MustCompile(`^[\w+=,.@-]{1,32}$`)
	// Keys of the platform's own objects (account, team and OU keys) end up in resource names.
	keyPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}[a-z0-9]$`)
	// OU names: 1-128 characters, AWS allows letters, digits, space and a few symbols; we keep names simple.
	ouPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9 _-]{0,127}$`)
	// Tag values: up to 256 Unicode letters, digits, spaces and + - = . _ : / @.
	tagValuePattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$`)
	tagKeyPattern   = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$`)
	// AWS Backup vault names: 2-50 characters of letters, digits, hyphen and underscore.
	vaultNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{2,50}$`)
	// An AWS cron expression has six fields inside cron(...).
	cronPattern = regexp.MustCompile(`^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$`)
)

// Validate checks what the user wrote and returns every problem at once.
func (s Stack) Validate() error {
	var p problems
	if s.Layer == "" {
		p.missing(KeyLayer, fmt.Sprintf("one of %s", layerList()))
	} else if s.Layer.Rank() == len(Layers) {
		p.bad(KeyLayer, string(s.Layer), "is not a layer: allowed are %s", layerList())
	}
	s.Estate.validate(&p, KeyEstate)
	if s.AWSRegion != "" && s.Estate.HomeRegion != "" && s.AWSRegion != s.Estate.HomeRegion {
		p.bad(KeyAWSRegion, s.AWSRegion, "must be %s.homeRegion %q: the stack's default region is the home region", KeyEstate, s.Estate.HomeRegion)
	}

	s.section(&p, KeyOrganization, LayerOrganization, s.Organization != nil, "the organization layer needs its OUs, accounts and budgets")
	s.section(&p, KeySecurity, LayerSecurity, s.Security != nil, "the security layer needs its log retention, vaults and Identity Center settings")
	if s.Organization != nil && s.Layer == LayerOrganization {
		s.Organization.validate(&p, KeyOrganization)
	}
	if s.Security != nil && s.Layer == LayerSecurity {
		s.Security.validate(&p, KeySecurity, s.Estate)
	}
	s.section(&p, KeyNetwork, LayerNetwork, s.Network != nil, "the network layer needs its hub CIDRs, route domains, firewall and endpoints")
	if s.Network != nil && s.Layer == LayerNetwork {
		s.Network.validate(&p, KeyNetwork, s.Estate)
	}
	s.section(&p, KeyWorkload, LayerWorkload, s.Workload != nil, "a workload stack needs its VPC and EKS settings")
	if s.Layer == LayerWorkload && !slices.Contains(Environments, s.Name) {
		p.bad("stack name", s.Name, "is not a workload environment: workload stacks are named %s", strings.Join(Environments, ", "))
	}
	if s.Workload != nil && s.Layer == LayerWorkload {
		s.Workload.validate(&p, KeyWorkload, s.Name, s.Estate)
	}
	return p.err()
}

// section checks that a layer's own config key is present in its layer and absent elsewhere.
func (s Stack) section(p *problems, key string, layer Layer, present bool, need string) {
	switch {
	case s.Layer == layer && !present:
		p.missing(key, need)
	case s.Layer != layer && present && s.Layer.Rank() < len(Layers):
		p.bad(key, "<object>", "is only read by the %s layer, not by layer %q: move it to that layer's stack", layer, s.Layer)
	}
}

func layerList() string {
	names := make([]string, len(Layers))
	for i, l := range Layers {
		names[i] = string(l)
	}
	return strings.Join(names, ", ")
}

func (e Estate) validate(p *problems, path string) {
	if e.Company == "" {
		p.missing(path+".company", "a short lowercase company name such as \"innovate\"")
	} else if !companyPattern.MatchString(e.Company) {
		p.bad(path+".company", e.Company, "must be 2-16 lowercase letters or digits, starting with a letter")
	}
	if e.PulumiOrg == "" {
		p.missing(path+".pulumiOrg", "the Pulumi organization that owns the stacks (stack references are <pulumiOrg>/<project>/<stack>)")
	} else if !pulumiOrgPattern.MatchString(e.PulumiOrg) {
		p.bad(path+".pulumiOrg", e.PulumiOrg, "must be letters, digits, '-', '_' or '.'")
	}
	validRegion := func(key, r string) bool {
		if r == "" {
			p.missing(key, "an AWS region such as us-east-1")
			return false
		}
		if !IsRegion(r) {
			p.bad(key, r, "is not a known AWS commercial region")
			return false
		}
		return true
	}
	homeOK := validRegion(path+".homeRegion", e.HomeRegion)
	drOK := validRegion(path+".drRegion", e.DRRegion)
	if homeOK && drOK && e.HomeRegion == e.DRRegion {
		p.bad(path+".drRegion", e.DRRegion, "must differ from %s.homeRegion: disaster recovery needs a second region", path)
	}
	if len(e.AllowedRegions) == 0 {
		p.missing(path+".allowedRegions", "the regions member accounts may use, including homeRegion and drRegion")
	}
	seen := map[string]bool{}
	for i, r := range e.AllowedRegions {
		key := fmt.Sprintf("%s.allowedRegions[%d]", path, i)
		if seen[r] {
			p.bad(key, r, "is listed twice")
		}
		seen[r] = true
		validRegion(key, r)
	}
	if len(e.AllowedRegions) > 0 {
		if homeOK && !seen[e.HomeRegion] {
			p.bad(path+".allowedRegions", e.AllowedRegions, "leaves out homeRegion %q: the region guardrail would lock the platform out of its own region", e.HomeRegion)
		}
		if drOK && !seen[e.DRRegion] {
			p.bad(path+".allowedRegions", e.AllowedRegions, "leaves out drRegion %q: backups could not be copied there", e.DRRegion)
		}
	}
	if e.AccessRoleName != "" && !roleNamePattern.MatchString(e.AccessRoleName) {
		p.bad(path+".accessRoleName", e.AccessRoleName, "is not a valid IAM role name (1-64 of letters, digits and +=,.@_-)")
	}
	if e.PipelineRoleName != "" && !roleNamePattern.MatchString(e.PipelineRoleName) {
		p.bad(path+".pipelineRoleName", e.PipelineRoleName, "is not a valid IAM role name (1-64 of letters, digits and +=,.@_-)")
	}
	if e.BreakGlassPermissionSet != "" && !permissionSetPattern.MatchString(e.BreakGlassPermissionSet) {
		p.bad(path+".breakGlassPermissionSet", e.BreakGlassPermissionSet, "is not a valid permission set name (1-32 of letters, digits and +=,.@_-)")
	}
	e.Tags.validate(p, path+".tags")
}

func (t Tags) validate(p *problems, path string) {
	for _, f := range []struct{ key, value string }{
		{"owner", t.Owner}, {"team", t.Team}, {"costCenter", t.CostCenter}, {"application", t.Application},
	} {
		switch {
		case f.value == "":
			p.missing(path+"."+f.key, "a value for the mandatory cost-allocation tag")
		case !tagValuePattern.MatchString(f.value):
			p.bad(path+"."+f.key, f.value, "is not a valid tag value (1-256 letters, digits, spaces and _.:/=+-@)")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(t.Extra)) {
		key := fmt.Sprintf("%s.extra[%q]", path, k)
		switch {
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			p.bad(key, k, "uses the reserved aws: prefix")
		case slices.Contains(MandatoryTagKeys, k):
			p.bad(key, k, "overrides a mandatory tag: set it through %s.%s instead", path, mandatoryTagConfigField(k))
		case !tagKeyPattern.MatchString(k):
			p.bad(key, k, "is not a valid tag key (1-128 letters, digits, spaces and _.:/=+-@)")
		case !tagValuePattern.MatchString(t.Extra[k]):
			p.bad(key, t.Extra[k], "is not a valid tag value (1-256 letters, digits, spaces and _.:/=+-@)")
		}
	}
}

// MandatoryTagKeys are the cost-allocation tag keys on every taggable resource.
var MandatoryTagKeys = []string{"environment", "owner", "team", "cost-center", "application", "managed-by"}

func mandatoryTagConfigField(k string) string {
	switch k {
	case "cost-center":
		return "costCenter"
	case "environment", "managed-by":
		return "(derived from the stack; not settable)"
	default:
		return k
	}
}

func (o Organization) validate(p *problems, path string) {
	ous := map[string]OU{}
	if len(o.OrganizationalUnits) == 0 {
		p.missing(path+".organizationalUnits", "at least the OUs the accounts are placed in")
	}
	for i, ou := range o.OrganizationalUnits {
		key := fmt.Sprintf("%s.organizationalUnits[%d]", path, i)
		if !ouPattern.MatchString(ou.Name) {
			p.bad(key+".name", ou.Name, "must start with a letter and hold 1-128 letters, digits, spaces, '_' or '-'")
		}
		if _, dup := ous[ou.Name]; dup {
			p.bad(key+".name", ou.Name, "is defined twice")
		}
		ous[ou.Name] = ou
	}
	for i, ou := range o.OrganizationalUnits {
		key := fmt.Sprintf("%s.organizationalUnits[%d].parent", path, i)
		if ou.Parent == "" {
			continue
		}
		if _, ok := ous[ou.Parent]; !ok {
			p.bad(key, ou.Parent, "is not an OU defined in %s.organizationalUnits (leave it empty for the root)", path)
			continue
		}
		// Walk up: a cycle never reaches the root. Organizations allows at most 5 levels of OUs.
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

	names, emails := map[string]int{}, map[string]int{}
	roles := map[AccountRole][]int{}
	envs := map[string]int{}
	for i, a := range o.Accounts {
		key := fmt.Sprintf("%s.accounts[%d]", path, i)
		if !keyPattern.MatchString(a.Name) {
			// With the 16-character company prefix the account name stays under AWS's 50 characters.
			p.bad(key+".name", a.Name, "must be 2-32 lowercase letters, digits or '-', starting with a letter")
		}
		if j, dup := names[a.Name]; dup {
			p.bad(key+".name", a.Name, "is already used by %s.accounts[%d]", path, j)
		} else {
			names[a.Name] = i
		}
		if a.Email == "" {
			p.missing(key+".email", "the account's root email address, unique across AWS")
		} else if !validEmail(a.Email) {
			p.bad(key+".email", a.Email, "is not a valid email address")
		} else if j, dup := emails[strings.ToLower(a.Email)]; dup {
			p.bad(key+".email", a.Email, "is already used by %s.accounts[%d]: every account needs its own root email", path, j)
		} else {
			emails[strings.ToLower(a.Email)] = i
		}
		switch {
		case a.Role == "":
			p.missing(key+".role", "one of "+roleList())
		case !slices.Contains(append(slices.Clone(SingletonRoles), RoleWorkload), a.Role):
			p.bad(key+".role", string(a.Role), "is not an account role: allowed are %s", roleList())
		default:
			roles[a.Role] = append(roles[a.Role], i)
		}
		if a.Role == RoleWorkload {
			switch {
			case a.Environment == "":
				p.missing(key+".environment", "workload accounts name their environment: one of "+strings.Join(Environments, ", "))
			case !slices.Contains(Environments, a.Environment):
				p.bad(key+".environment", a.Environment, "is not an environment: allowed are %s", strings.Join(Environments, ", "))
			default:
				if j, dup := envs[a.Environment]; dup {
					p.bad(key+".environment", a.Environment, "is already run by %s.accounts[%d]: one account per environment", path, j)
				}
				envs[a.Environment] = i
			}
		} else if a.Environment != "" {
			p.bad(key+".environment", a.Environment, "is only for workload accounts (role %q has none)", a.Role)
		}
		if a.OU == "" {
			p.missing(key+".ou", "the OU the account is placed in")
		} else if _, ok := ous[a.OU]; !ok {
			p.bad(key+".ou", a.OU, "is not an OU defined in %s.organizationalUnits", path)
		}
		if a.Budget.MonthlyLimitUSD <= 0 {
			p.bad(key+".budget.monthlyLimitUsd", a.Budget.MonthlyLimitUSD, "must be greater than 0")
		}
		if a.IsProd() && a.Budget.HardLimit != nil && *a.Budget.HardLimit {
			p.bad(key+".budget.hardLimit", true, "is not allowed on prod: the deny-new-spend guardrail would stop production from scaling")
		}
	}
	for _, r := range SingletonRoles {
		switch idx := roles[r]; {
		case len(idx) == 0:
			p.missing(path+".accounts", fmt.Sprintf("an account with role %q", r))
		case len(idx) > 1:
			p.bad(fmt.Sprintf("%s.accounts[%d].role", path, idx[1]), string(r), "is already held by %s.accounts[%d]: exactly one account has this role", path, idx[0])
		}
	}
	if _, ok := envs["prod"]; !ok && len(o.Accounts) > 0 {
		p.missing(path+".accounts", "a workload account with environment \"prod\"")
	}
	// Prod is kept apart from non-prod: they never share an OU, so guardrails can differ.
	if i, ok := envs["prod"]; ok {
		prodOU := o.Accounts[i].OU
		for _, env := range Environments {
			if j, ok := envs[env]; ok && env != "prod" && o.Accounts[j].OU == prodOU {
				p.bad(fmt.Sprintf("%s.accounts[%d].ou", path, j), prodOU, "is the prod account's OU: non-prod workloads must live in a different OU than prod")
			}
		}
	}

	o.Budgets.validate(p, path+".budgets")
	o.AnomalyDetection.validate(p, path+".anomalyDetection")
	o.BackupPolicy.validate(p, path+".backupPolicy", ous)
}

func roleList() string {
	var names []string
	for _, r := range append(slices.Clone(SingletonRoles), RoleWorkload) {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

func validateEmails(p *problems, path string, list []string, required bool) {
	if required && len(list) == 0 {
		p.missing(path, "at least one email address")
	}
	// AWS Budgets allows 10 email subscribers per notification.
	if len(list) > 10 {
		p.bad(path, list, "has %d addresses: AWS allows at most 10 email subscribers per notification", len(list))
	}
	seen := map[string]bool{}
	for i, e := range list {
		key := fmt.Sprintf("%s[%d]", path, i)
		if !validEmail(e) {
			p.bad(key, e, "is not a valid email address")
		} else if seen[strings.ToLower(e)] {
			p.bad(key, e, "is listed twice")
		}
		seen[strings.ToLower(e)] = true
	}
}

func validatePercents(p *problems, path string, list []float64) {
	seen := map[float64]bool{}
	for i, t := range list {
		key := fmt.Sprintf("%s[%d]", path, i)
		if t < 1 || t > 100 {
			p.bad(key, t, "is outside 1-100 percent")
		} else if seen[t] {
			p.bad(key, t, "is listed twice")
		}
		seen[t] = true
	}
}

func (b Budgets) validate(p *problems, path string) {
	validateEmails(p, path+".alertEmails", b.AlertEmails, true)
	validatePercents(p, path+".actualThresholdsPercent", b.ActualThresholdsPercent)
	validatePercents(p, path+".forecastThresholdsPercent", b.ForecastThresholdsPercent)
	// AWS Budgets allows 10 notifications per budget; the hard limit adds none (it is a budget action).
	if n := len(b.ActualThresholdsPercent) + len(b.ForecastThresholdsPercent); n > 10 {
		p.bad(path+".actualThresholdsPercent", n, "thresholds in all: AWS Budgets allows at most 10 notifications per budget")
	}
	if b.HardLimitPercent != 0 && (b.HardLimitPercent < 1 || b.HardLimitPercent > 100) {
		p.bad(path+".hardLimitPercent", b.HardLimitPercent, "is outside 1-100 percent")
	}
	teams := map[string]int{}
	for i, t := range b.Teams {
		key := fmt.Sprintf("%s.teams[%d]", path, i)
		if !keyPattern.MatchString(t.Name) {
			p.bad(key+".name", t.Name, "must be 2-32 lowercase letters, digits or '-', starting with a letter")
		}
		if j, dup := teams[t.Name]; dup {
			p.bad(key+".name", t.Name, "is already used by %s.teams[%d]", path, j)
		}
		teams[t.Name] = i
		if t.MonthlyLimitUSD <= 0 {
			p.bad(key+".monthlyLimitUsd", t.MonthlyLimitUSD, "must be greater than 0")
		}
		validateEmails(p, key+".alertEmails", t.AlertEmails, false)
	}
}

func (a AnomalyDetection) validate(p *problems, path string) {
	if a.ThresholdUSD < 0 {
		p.bad(path+".thresholdUsd", a.ThresholdUSD, "must be greater than 0")
	}
	validateEmails(p, path+".emails", a.Emails, true)
}

func (b BackupPolicy) validate(p *problems, path string, ous map[string]OU) {
	if b.VaultName != "" && !vaultNamePattern.MatchString(b.VaultName) {
		p.bad(path+".vaultName", b.VaultName, "must be 2-50 letters, digits, '-' or '_'")
	}
	if b.Schedule != "" && !cronPattern.MatchString(b.Schedule) {
		p.bad(path+".schedule", b.Schedule, "is not an AWS cron expression such as \"cron(0 5 ? * * *)\"")
	}
	if b.RetentionDays < 0 || (b.RetentionDays > 0 && b.RetentionDays < 7) {
		p.bad(path+".retentionDays", b.RetentionDays, "must be at least 7 days")
	}
	if b.CopyRetentionDays < 0 || (b.CopyRetentionDays > 0 && b.CopyRetentionDays < 7) {
		p.bad(path+".copyRetentionDays", b.CopyRetentionDays, "must be at least 7 days")
	}
	if b.TagKey != "" && !tagKeyPattern.MatchString(b.TagKey) {
		p.bad(path+".tagKey", b.TagKey, "is not a valid tag key")
	}
	if b.TagValue != "" && !tagValuePattern.MatchString(b.TagValue) {
		p.bad(path+".tagValue", b.TagValue, "is not a valid tag value")
	}
	if b.RoleName != "" && !roleNamePattern.MatchString(b.RoleName) {
		p.bad(path+".roleName", b.RoleName, "is not a valid IAM role name")
	}
	for i, ou := range b.TargetOUs {
		if _, ok := ous[ou]; !ok {
			p.bad(fmt.Sprintf("%s.targetOUs[%d]", path, i), ou, "is not an OU defined in organizationalUnits")
		}
	}
}

// ValidateComplete checks the invariants of the config after defaults are filled in.
func (s Stack) ValidateComplete() error {
	var p problems
	if s.Security != nil {
		s.Security.validateComplete(&p, KeySecurity)
	}
	if s.Network != nil {
		s.Network.validateComplete(&p, KeyNetwork, s.Estate)
	}
	if s.Workload != nil {
		s.Workload.validateComplete(&p, KeyWorkload)
	}
	if o := s.Organization; o != nil {
		path := KeyOrganization + ".backupPolicy"
		if o.BackupPolicy.CopyRetentionDays < o.BackupPolicy.RetentionDays {
			p.bad(path+".copyRetentionDays", o.BackupPolicy.CopyRetentionDays,
				"is shorter than retentionDays %d: the DR copy must outlive the original", o.BackupPolicy.RetentionDays)
		}
		if len(o.BackupPolicy.TargetOUs) == 0 {
			p.missing(path+".targetOUs", "the OUs the backup policy is attached to")
		}
	}
	return p.err()
}
