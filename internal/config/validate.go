package config

import (
	"errors"
	"fmt"
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
	// IAM role names: 1-64 characters of [\w+=,.@-].
	roleNamePattern = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	// Permission set names: 1-32 characters of [\w+=,.@-].
	permissionSetPattern = regexp.MustCompile(`^[\w+=,.@-]{1,32}$`)
	// Keys of the platform's own objects (account, team and OU keys) end up in resource names.
	keyPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}[a-z0-9]$`)
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
