package config

import (
	"fmt"
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
}

// Tags holds the values of the mandatory cost-allocation tags. environment and managed-by are derived.
type Tags struct {
	Owner       string            `json:"owner"`
	Team        string            `json:"team"`
	CostCenter  string            `json:"costCenter"`
	Application string            `json:"application"`
	Extra       map[string]string `json:"extra,omitempty"`
}

var (
	companyPattern   = regexp.MustCompile(`^[a-z][a-z0-9]{1,15}$`)
	pulumiOrgPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$`)
	// Tag values: up to 256 Unicode letters, digits, spaces and + - = . _ : / @.
	tagValuePattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$`)
	tagKeyPattern   = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$`)
)

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
