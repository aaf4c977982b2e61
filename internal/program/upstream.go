package program

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/providers"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/internal/stackref"
	"github.com/innovate-inc/platform/internal/tags"
)

// upstream is what the network and workload layers read first: the org and security stacks, and (for the
// workload stacks) the network stack. Every read fails naming the stacks and the key.
type upstream struct {
	org *stackref.Org
	sec *stackref.Security
	net *stackref.Network
}

// readUpstream reads the org and security stacks, the network stack when withNetwork, and returns the estate
// check's problems with them (the caller joins them with its own cross-stack checks).
func readUpstream(ctx *pulumi.Context, cfg *config.Stack, withNetwork bool) (*upstream, []error, error) {
	u := &upstream{}
	var err error
	if u.org, err = stackref.ReadOrg(ctx, cfg.Estate.PulumiOrg); err != nil {
		return nil, nil, err
	}
	if u.sec, err = stackref.ReadSecurity(ctx, cfg.Estate.PulumiOrg); err != nil {
		return nil, nil, err
	}
	if withNetwork {
		if u.net, err = stackref.ReadNetwork(ctx, cfg.Estate.PulumiOrg); err != nil {
			return nil, nil, err
		}
	}
	return u, checkEstate(cfg, u.org), nil
}

// accountScope creates the provider that reaches an account of the org stack (by key, for its name) in a region,
// assuming the organization access role, and returns the scope components build in.
func (u *upstream) accountScope(ctx *pulumi.Context, cfg *config.Stack, key, accountID, region string) (scope.Scope, error) {
	stackTags := tags.ForStack(*cfg)
	p, err := providers.New(ctx, cfg.Name, providers.Target{Key: key, Region: region, AccountID: accountID,
		RoleName: cfg.AssumedRole(u.org.AccessRoleName)}, stackTags.Map(nil))
	if err != nil {
		return scope.Scope{}, err
	}
	return scope.Scope{Stack: cfg.Name, AccountID: accountID, Region: region, Provider: p, Tags: stackTags}, nil
}

// availabilityZones lists the AZs the scope's account sees in its region and returns the first n, or an error
// naming the config key that asks for more.
func availabilityZones(ctx *pulumi.Context, s scope.Scope, n int, key string) ([]string, error) {
	zones, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{State: pulumi.StringRef("available")}, pulumi.Provider(s.Provider))
	if err != nil {
		return nil, fmt.Errorf("listing the AZs of %s: %w", s.Region, err)
	}
	if len(zones.Names) < n {
		return nil, fmt.Errorf("%s %d: account %s sees only %d AZs in %s", key, n, s.AccountID, len(zones.Names), s.Region)
	}
	return zones.Names[:n], nil
}
