package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/scope"
)

// PublicDNSArgs configures PublicDNS.
type PublicDNSArgs struct {
	scope.Scope // the networking account
	// Domain is the company's domain, registered with the domain registrar.
	Domain string
}

// PublicDNS creates the company's public hosted zone in the networking account, protected: its name servers are
// registered with the domain registrar, and recreating the zone would change them. Each environment's subdomain
// is delegated by the workload stack (EnvironmentZone). Cost: $0.50/month plus queries.
//
// It exports the zone ID and its name servers.
type PublicDNS struct {
	pulumi.ResourceState

	Zone *HostedZone
}

// NewPublicDNS registers the public zone.
func NewPublicDNS(ctx *pulumi.Context, name string, args PublicDNSArgs, opts ...pulumi.ResourceOption) (_ *PublicDNS, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("public d n s %s: %w", name, err)
		}
	}()
	c := &PublicDNS{}
	if err := ctx.RegisterComponentResource("platform:network:PublicDNS", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering public DNS %s: %w", name, err)
	}
	zone, err := newZone(ctx, scope.Child(name, "zone"), zone{
		Name:    args.Domain,
		Comment: "Public zone; each environment's subdomain is delegated to its workload account",
	}, args.In(c, pulumi.Protect(true))...)
	if err != nil {
		return nil, fmt.Errorf("creating public zone %s: %w", args.Domain, err)
	}
	c.Zone = zone
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"zoneId": zone.ZoneID})
}

// EnvironmentZoneArgs configures an EnvironmentZone.
type EnvironmentZoneArgs struct {
	// Scope is the workload account; its stack (prod, staging, dev) names the subdomain.
	scope.Scope
	// Domain is the parent zone's name and ParentZoneID its ID (in the networking account).
	Domain       string
	ParentZoneID pulumi.StringInput
	HubProvider  *aws.Provider // the networking account
}

// EnvironmentZone creates, for a workload stack, the public zone <env>.<domain> in the workload account and its
// delegation (an NS record) in the parent zone through the hub provider: the environment's load balancers and
// certificates are managed in its own account.
type EnvironmentZone struct {
	pulumi.ResourceState

	Zone *HostedZone
	// Name is the zone's name (<env>.<domain>).
	Name string
}

// NewEnvironmentZone registers an environment's delegated zone.
func NewEnvironmentZone(ctx *pulumi.Context, name string, args EnvironmentZoneArgs, opts ...pulumi.ResourceOption) (_ *EnvironmentZone, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("environment zone %s: %w", name, err)
		}
	}()
	c := &EnvironmentZone{}
	if err := ctx.RegisterComponentResource("platform:network:EnvironmentZone", name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering environment zone %s: %w", name, err)
	}
	fqdn := args.Stack + "." + args.Domain
	zone, err := newZone(ctx, scope.Child(name, "zone"), zone{
		Name:    fqdn,
		Comment: "Public zone of the " + args.Stack + " environment",
	}, args.In(c, pulumi.Protect(true))...)
	if err != nil {
		return nil, fmt.Errorf("creating public zone %s: %w", fqdn, err)
	}
	c.Zone, c.Name = zone, fqdn
	hub := args.Scope
	hub.Provider = args.HubProvider
	ttl := 172800
	if _, err := NewRecord(ctx, scope.Child(name, "delegation"), Record{
		ZoneID:  args.ParentZoneID,
		Name:    pulumi.String(fqdn),
		Type:    pulumi.String("NS"),
		TTL:     &ttl,
		Records: zone.NameServers,
	}, hub.In(c)...); err != nil {
		return nil, fmt.Errorf("delegating %s from its parent zone: %w", fqdn, err)
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"zoneId": zone.ZoneID})
}
