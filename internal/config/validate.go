package config

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// keyPath is a config key path as errors print it: platform:workload.eks.access[0].policy,
// platform:workload.eks.addons["vpc-cni"].
type keyPath string

// Field is the path of a field of the object at k.
func (k keyPath) Field(name string) keyPath { return k + "." + keyPath(name) }

// Index is the path of the i-th item of the list at k.
func (k keyPath) Index(i int) keyPath { return keyPath(fmt.Sprintf("%s[%d]", k, i)) }

// Key is the path of the entry of the map at k with the given key.
func (k keyPath) Key(name string) keyPath { return keyPath(fmt.Sprintf("%s[%q]", k, name)) }

// problems collects every validation error; each names the key path, the bad value and what is allowed.
type problems []error

func (p *problems) bad(path keyPath, value any, format string, args ...any) {
	*p = append(*p, fmt.Errorf("%s %s %s", path, quote(value), fmt.Sprintf(format, args...)))
}

func (p *problems) missing(path keyPath, what string) {
	*p = append(*p, fmt.Errorf("%s is required: %s", path, what))
}

func (p *problems) err() error { return errors.Join(*p...) }

// uniqueNames reports every item of the list at path whose name an earlier item already uses; field is the
// name's field. It is the one check, and the one message, for names that must be unique in a list.
func uniqueNames[T any](p *problems, path keyPath, field string, items []T, name func(T) string) {
	first := map[string]int{}
	for i, it := range items {
		n := name(it)
		if j, dup := first[n]; dup {
			p.bad(path.Index(i).Field(field), n, "is already used by %s", path.Index(j))
			continue
		}
		first[n] = i
	}
}

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
		p.bad(KeyAWSRegion, s.AWSRegion, "must be %s %q: the stack's default region is the home region", keyPath(KeyEstate).Field("homeRegion"), s.Estate.HomeRegion)
	}

	s.section(&p, KeyOrganization, LayerOrganization, s.Organization != nil, "the organization layer needs its OUs, accounts and budgets")
	s.section(&p, KeySecurity, LayerSecurity, s.Security != nil, "the security layer needs its log retention, vaults and Identity Center settings")
	if s.Organization != nil && s.Layer == LayerOrganization {
		s.Organization.validate(&p, KeyOrganization, s.Estate)
	}
	if s.Security != nil && s.Layer == LayerSecurity {
		s.Security.validate(&p, KeySecurity, s.Estate)
	}
	s.section(&p, KeyNetwork, LayerNetwork, s.Network != nil, "the network layer needs its hub CIDRs, route domains, firewall and endpoints")
	if s.Network != nil && s.Layer == LayerNetwork {
		s.Network.validate(&p, KeyNetwork, s.Estate)
	}
	s.section(&p, KeyWorkload, LayerWorkload, s.Workload != nil, "a workload stack needs its VPC and EKS settings")
	if _, declared := s.Estate.Environment(s.Name); s.Layer == LayerWorkload && !declared && len(s.Estate.Environments) > 0 {
		p.bad("stack name", s.Name, "is not a workload environment: %s declares %s", keyPath(KeyEstate).Field("environments"), s.Estate.environmentList())
	}
	if s.Workload != nil && s.Layer == LayerWorkload {
		s.Workload.validate(&p, KeyWorkload, s.Environment(), s.Estate)
	}
	validateWaivers(&p, KeyWaivers, s.Waivers)
	if s.Delivery != nil {
		s.Delivery.validate(&p, KeyDelivery)
	}
	if s.ProviderRole != "" && !roleNamePattern.MatchString(s.ProviderRole) {
		p.bad(KeyProviderRole, s.ProviderRole, "is not a valid IAM role name (1-64 of letters, digits and +=,.@_-)")
	}
	return p.err()
}

// section checks that a layer's own config key is present in its layer and absent elsewhere.
func (s Stack) section(p *problems, key keyPath, layer Layer, present bool, need string) {
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
	if s.Organization != nil {
		s.Organization.validateComplete(&p, KeyOrganization)
	}
	return p.err()
}
