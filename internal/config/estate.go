package config

import (
	"maps"
	"regexp"
	"slices"
	"strings"
)

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
	// Environments are the workload environments: each has a workload account (organization layer) and a
	// workload stack of its name, and its tier decides its route domain, guardrails and defaults.
	Environments []Environment `json:"environments"`
}

// Tags holds the values of the mandatory cost-allocation tags. environment and managed-by are derived.
type Tags struct {
	Owner       string            `json:"owner"`
	Team        string            `json:"team"`
	CostCenter  string            `json:"costCenter"`
	Application string            `json:"application"`
	Extra       map[string]string `json:"extra,omitempty"`
}

// Defaults of the estate.
const (
	DefaultAccessRoleName          = "OrganizationAccountAccessRole"
	DefaultPipelineRoleName        = "platform-pipeline"
	DefaultBreakGlassPermissionSet = "BreakGlassAdmin"
)

var (
	companyPattern   = regexp.MustCompile(`^[a-z][a-z0-9]{1,15}$`)
	pulumiOrgPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$`)
	// Tag values: up to 256 Unicode letters, digits, spaces and + - = . _ : / @.
	tagValuePattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$`)
	tagKeyPattern   = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$`)
)

func (e Estate) validate(p *problems, path keyPath) {
	if e.Company == "" {
		p.missing(path.Field("company"), "a short lowercase company name such as \"innovate\"")
	} else if !companyPattern.MatchString(e.Company) {
		p.bad(path.Field("company"), e.Company, "must be 2-16 lowercase letters or digits, starting with a letter")
	}
	if e.PulumiOrg == "" {
		p.missing(path.Field("pulumiOrg"), "the Pulumi organization that owns the stacks (stack references are <pulumiOrg>/<project>/<stack>)")
	} else if !pulumiOrgPattern.MatchString(e.PulumiOrg) {
		p.bad(path.Field("pulumiOrg"), e.PulumiOrg, "must be letters, digits, '-', '_' or '.'")
	}
	e.validateRegions(p, path)
	if e.AccessRoleName != "" && !roleNamePattern.MatchString(e.AccessRoleName) {
		p.bad(path.Field("accessRoleName"), e.AccessRoleName, "is not a valid IAM role name (1-64 of letters, digits and +=,.@_-)")
	}
	if e.PipelineRoleName != "" && !roleNamePattern.MatchString(e.PipelineRoleName) {
		p.bad(path.Field("pipelineRoleName"), e.PipelineRoleName, "is not a valid IAM role name (1-64 of letters, digits and +=,.@_-)")
	}
	if e.BreakGlassPermissionSet != "" && !permissionSetPattern.MatchString(e.BreakGlassPermissionSet) {
		p.bad(path.Field("breakGlassPermissionSet"), e.BreakGlassPermissionSet, "is not a valid permission set name (1-32 of letters, digits and +=,.@_-)")
	}
	e.Tags.validate(p, path.Field("tags"))
	e.validateEnvironments(p, path.Field("environments"))
}

// validateRegions checks the home and DR regions and the allow-list the region guardrail enforces.
func (e Estate) validateRegions(p *problems, path keyPath) {
	validRegion := func(key keyPath, r string) bool {
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
	homeOK := validRegion(path.Field("homeRegion"), e.HomeRegion)
	drOK := validRegion(path.Field("drRegion"), e.DRRegion)
	if homeOK && drOK && e.HomeRegion == e.DRRegion {
		p.bad(path.Field("drRegion"), e.DRRegion, "must differ from %s: disaster recovery needs a second region", path.Field("homeRegion"))
	}
	allowed := path.Field("allowedRegions")
	if len(e.AllowedRegions) == 0 {
		p.missing(allowed, "the regions member accounts may use, including homeRegion and drRegion")
		return
	}
	seen := map[string]bool{}
	for i, r := range e.AllowedRegions {
		if seen[r] {
			p.bad(allowed.Index(i), r, "is listed twice")
		}
		seen[r] = true
		validRegion(allowed.Index(i), r)
	}
	if homeOK && !seen[e.HomeRegion] {
		p.bad(allowed, e.AllowedRegions, "leaves out homeRegion %q: the region guardrail would lock the platform out of its own region", e.HomeRegion)
	}
	if drOK && !seen[e.DRRegion] {
		p.bad(allowed, e.AllowedRegions, "leaves out drRegion %q: backups could not be copied there", e.DRRegion)
	}
}

func (t Tags) validate(p *problems, path keyPath) {
	for _, f := range []struct{ key, value string }{
		{"owner", t.Owner}, {"team", t.Team}, {"costCenter", t.CostCenter}, {"application", t.Application},
	} {
		switch {
		case f.value == "":
			p.missing(path.Field(f.key), "a value for the mandatory cost-allocation tag")
		case !tagValuePattern.MatchString(f.value):
			p.bad(path.Field(f.key), f.value, "is not a valid tag value (1-256 letters, digits, spaces and _.:/=+-@)")
		}
	}
	extra := path.Field("extra")
	for _, k := range slices.Sorted(maps.Keys(t.Extra)) {
		switch {
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			p.bad(extra.Key(k), k, "uses the reserved aws: prefix")
		case slices.Contains(MandatoryTagKeys, k):
			p.bad(extra.Key(k), k, "overrides a mandatory tag: set it through %s instead", path.Field(mandatoryTagConfigField(k)))
		case !tagKeyPattern.MatchString(k):
			p.bad(extra.Key(k), k, "is not a valid tag key (1-128 letters, digits, spaces and _.:/=+-@)")
		case !tagValuePattern.MatchString(t.Extra[k]):
			p.bad(extra.Key(k), t.Extra[k], "is not a valid tag value (1-256 letters, digits, spaces and _.:/=+-@)")
		}
	}
}

// The mandatory cost-allocation tag keys, defined here once: package tags applies them, the tag policy spells
// them, Cost Explorer activates them.
const (
	TagEnvironment = "environment"
	TagOwner       = "owner"
	TagTeam        = "team"
	TagCostCenter  = "cost-center"
	TagApplication = "application"
	TagManagedBy   = "managed-by"
)

// MandatoryTagKeys are the cost-allocation tag keys on every taggable resource.
var MandatoryTagKeys = []string{TagEnvironment, TagOwner, TagTeam, TagCostCenter, TagApplication, TagManagedBy}

func mandatoryTagConfigField(k string) string {
	switch k {
	case TagCostCenter:
		return "costCenter"
	case TagEnvironment, TagManagedBy:
		return "(derived from the stack; not settable)"
	default:
		return k
	}
}

func (e *Estate) fillDefaults() {
	setString(&e.AccessRoleName, DefaultAccessRoleName)
	setString(&e.PipelineRoleName, DefaultPipelineRoleName)
	setString(&e.BreakGlassPermissionSet, DefaultBreakGlassPermissionSet)
	e.fillEnvironmentDefaults()
}
