// Package scope is what every component needs to know about where it builds: the stack it belongs to, the account
// and region, the explicit provider that reaches them, and the stack's mandatory tags. Components embed a Scope in
// their Args (CAPA's scope per call) instead of repeating those fields, and derive their children's names from
// their own name (Child), so one naming scheme holds from the program down to every resource.
package scope

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/tags"
)

// Scope is where a component builds.
type Scope struct {
	// Stack is the stack's name (org, security, network, dev, staging, prod): the first part of every name.
	Stack string
	// AccountID is the account the component builds in; empty where it is only known once built (the management
	// account in the org stack).
	AccountID string
	// Region is the region of Provider.
	Region string
	// Provider reaches AccountID in Region: components never use ambient credentials.
	Provider *aws.Provider
	// Tags are the stack's mandatory tags, for what provider default tags do not reach.
	Tags tags.Set
}

// Name is a name of the stack's naming scheme: <stack>-<component>-<role>[-<qualifier>...].
func (s Scope) Name(component, role string, qualifiers ...string) string {
	return naming.Name(s.Stack, component, role, qualifiers...)
}

// In returns the options of a child of parent managed by the scope's provider.
func (s Scope) In(parent pulumi.Resource, more ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(parent), pulumi.Provider(s.Provider)}, more...)
}

// Child is the name of a component's child: the component's own name, then the child's role.
func Child(component string, role ...string) string {
	return naming.Name(component, "", "", role...)
}

// After is DependsOn for the resources that are set: a component that waits for a resource its caller may not
// have (a unit test without the organization) says so once.
func After(resources ...pulumi.Resource) pulumi.ResourceOption {
	var set []pulumi.Resource
	for _, r := range resources {
		if r != nil {
			set = append(set, r)
		}
	}
	return pulumi.DependsOn(set)
}
