// Package program is the Pulumi program of the platform and the top of the dependency graph: load the stack's
// config, validate it, build the layer the stack names and export its outputs. main.go runs it with pulumi.Run;
// the tests and the offline plan run the very same function under mocks.
//
// Each layer is three phases: read its inputs (upstream stacks through internal/stackref, every cross-stack check,
// the invokes; it registers nothing but the providers the invokes need), build (the components of org/, security/,
// network/, eks/, karpenter/, rds/, each in its scope), then outputs. Everything else under internal/ is a
// foundation this package and the components stand on: config (typed, validated), naming, tags, scope, providers,
// stackref, iampolicy, kmskey; and, for the offline plan and the tests, mocks, plan, readiness and fixtures.
package program

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
)

// Run is the program main.go hands to pulumi.Run.
func Run(ctx *pulumi.Context) error { return RunWith(ctx, nil) }

// RunWith runs the program and, when observe is set, hands it the stack outputs (the offline plan records them).
func RunWith(ctx *pulumi.Context, observe func(pulumi.Map)) error {
	cfg, err := config.Load(ctx.Stack(), RawConfig(ctx))
	if err != nil {
		return fmt.Errorf("stack %q has invalid config:\n%w", ctx.Stack(), err)
	}
	var outputs pulumi.Map
	switch cfg.Layer {
	case config.LayerOrganization:
		outputs, err = organizationLayer(ctx, cfg)
	case config.LayerSecurity:
		outputs, err = securityLayer(ctx, cfg)
	case config.LayerNetwork:
		outputs, err = networkLayer(ctx, cfg)
	case config.LayerWorkload:
		outputs, err = workloadLayer(ctx, cfg)
	default:
		// config.Load rejects unknown layers; this is a guard against adding one without its builder.
		err = fmt.Errorf("layer %q (stack %q) has no builder", cfg.Layer, cfg.Name)
	}
	if err != nil {
		return err
	}
	for k, v := range outputs {
		ctx.Export(k, v)
	}
	if observe != nil {
		observe(outputs)
	}
	return nil
}

// RawConfig reads the platform's keys from the Pulumi config, objects as JSON, the way config.Load takes them.
func RawConfig(ctx *pulumi.Context) map[string]string {
	raw := map[string]string{}
	for _, k := range []string{config.KeyLayer, config.KeyEstate, config.KeyOrganization, config.KeySecurity, config.KeyNetwork, config.KeyWorkload, config.KeyDelivery, config.KeyProviderRole, config.KeyAWSRegion} {
		if v, ok := ctx.GetConfig(k); ok {
			raw[k] = v
		}
	}
	return raw
}
