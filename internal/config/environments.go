package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/innovate-inc/platform/internal/naming"
)

// Tier is what a workload environment is for. It decides the route domain the environment's VPC joins, the
// guardrails on its account (a production account never gets the deny-new-spend hard limit and never shares an
// OU with a non-production one), the production-only requirements (a pinned AMI, the longest point-in-time
// recovery window, restore testing) and the default alarm thresholds and log retention.
type Tier string

const (
	TierProduction    Tier = "production"
	TierNonProduction Tier = "non-production"
)

// Tiers are the tiers an environment may have.
var Tiers = []Tier{TierProduction, TierNonProduction}

// Environment is one workload environment: the workload account whose environment it is (organization layer)
// and the workload stack of the same name.
type Environment struct {
	// Name is the workload stack's name and the first part of every name that stack builds.
	Name string `json:"name"`
	Tier Tier   `json:"tier"`
	// MultiAZ says the environment survives the loss of an AZ: its VPC spans three AZs unless
	// platform:workload.vpc.azCount says otherwise, and its database must be Multi-AZ. Defaults to true in
	// production, where it cannot be false, and to false elsewhere.
	MultiAZ *bool `json:"multiAz,omitempty"`
}

// Production reports whether the environment is of the production tier.
func (e Environment) Production() bool { return e.Tier == TierProduction }

// RequiresMultiAZ reports whether the environment must survive the loss of an AZ; it reads the config as
// written (before defaults) and completed alike.
func (e Environment) RequiresMultiAZ() bool {
	if e.MultiAZ != nil {
		return *e.MultiAZ
	}
	return e.Production()
}

// Environment returns the workload environment of that name, as platform:estate.environments declares it.
func (e Estate) Environment(name string) (Environment, bool) {
	for _, env := range e.Environments {
		if env.Name == name {
			return env, true
		}
	}
	return Environment{}, false
}

// EnvironmentNames are the declared environments' names, in the order declared.
func (e Estate) EnvironmentNames() []string {
	names := make([]string, len(e.Environments))
	for i, env := range e.Environments {
		names[i] = env.Name
	}
	return names
}

// Environment is the workload environment a workload stack builds (its stack name). A stack of another layer, or
// a workload stack whose name is not declared (Validate reports it), gets a non-production environment of its
// own name, so that defaults can still be filled.
func (s Stack) Environment() Environment {
	if env, ok := s.Estate.Environment(s.Name); ok && s.Layer == LayerWorkload {
		return env
	}
	return Environment{Name: s.Name, Tier: TierNonProduction}
}

var (
	// Environment names are DNS labels without consecutive hyphens (an RDS identifier starts with one).
	environmentNamePattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	// reservedEnvironmentNames are the stack names of the other layers (internal/stackref's OrgStack,
	// SecurityStack and NetworkStack) and the environment tag value of the stacks shared by every environment.
	reservedEnvironmentNames = map[string]string{
		"org":      "the organization layer's stack",
		"security": "the security layer's stack",
		"network":  "the network layer's stack",
		"shared":   "the environment tag value of the org, security and network stacks",
	}
)

// validateEnvironments checks the declared workload environments: valid, unique and unreserved names, a known
// tier, Multi-AZ in production, and at least one production environment.
func (e Estate) validateEnvironments(p *problems, list keyPath) {
	if len(e.Environments) == 0 {
		p.missing(list, "the workload environments, each with a name (its workload stack) and a tier (production or non-production)")
		return
	}
	production := false
	for i, env := range e.Environments {
		key := list.Index(i)
		switch {
		case env.Name == "":
			p.missing(key.Field("name"), "the environment's name, which is also its workload stack's name")
		case len(env.Name) < 2 || len(env.Name) > naming.MaxEnvironmentName || !environmentNamePattern.MatchString(env.Name):
			p.bad(key.Field("name"), env.Name, "must be 2-%d lowercase letters, digits or single '-', starting with a letter and ending with a letter or digit: it names the workload stack and starts every name the stack builds", naming.MaxEnvironmentName)
		case reservedEnvironmentNames[env.Name] != "":
			p.bad(key.Field("name"), env.Name, "is reserved: it is %s", reservedEnvironmentNames[env.Name])
		}
		switch {
		case env.Tier == "":
			p.missing(key.Field("tier"), "one of "+tierList())
		case !slices.Contains(Tiers, env.Tier):
			p.bad(key.Field("tier"), string(env.Tier), "is not a tier: allowed are %s", tierList())
		}
		if env.Production() && env.MultiAZ != nil && !*env.MultiAZ {
			p.bad(key.Field("multiAz"), false, "is not allowed in production: a single AZ outage would take the environment down")
		}
		production = production || env.Production()
	}
	uniqueNames(p, list, "name", e.Environments, func(env Environment) string { return env.Name })
	if !production {
		p.bad(list, e.EnvironmentNames(), "declares no environment of tier %q: the estate needs one", TierProduction)
	}
}

func tierList() string {
	names := make([]string, len(Tiers))
	for i, t := range Tiers {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// environmentList is the declared environments for an error message: "prod, staging, dev".
func (e Estate) environmentList() string {
	if len(e.Environments) == 0 {
		return fmt.Sprintf("none (%s declares none)", keyPath(KeyEstate).Field("environments"))
	}
	return strings.Join(e.EnvironmentNames(), ", ")
}

func (e *Estate) fillEnvironmentDefaults() {
	for i := range e.Environments {
		env := &e.Environments[i]
		if env.MultiAZ == nil {
			multi := env.Production()
			env.MultiAZ = &multi
		}
	}
}
