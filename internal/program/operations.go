package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/observability"
)

// The operations hooks of the network and workload layers: their platform alarms (observability), built from the
// components the layer registered, in the layer's own account.

// networkAlarms registers the network stack's alarms: NAT gateways, firewall endpoints per AZ, the hub's TGW
// attachments and the VPN when there is one.
func networkAlarms(ctx *pulumi.Context, cfg *config.Stack, in *networkInputs, c *networkComponents) error {
	t := observability.NetworkTargets{
		FirewallName: c.inspection.Firewall.Name, FirewallAZs: in.azs, TransitGatewayID: c.hub.TransitGateway.ID(),
		Attachments: map[string]pulumi.StringInput{"inspection": c.inspection.AttachmentID, "shared": c.shared.AttachmentID},
	}
	for _, nat := range c.inspection.NATs {
		t.NATGatewayIDs = append(t.NATGatewayIDs, nat.ID())
	}
	if c.vpn != nil {
		t.VPNID = c.vpn.ConnectionID
	}
	_, err := observability.NewPlatformAlarms(ctx, in.scope.Name("alarms", ""), observability.PlatformAlarmsArgs{
		Scope: in.scope, Alarms: observability.NetworkAlarms(t, cfg.Network.Alarms), Route: cfg.Network.Alarms.AlertRoute,
	})
	return err
}

// workloadAlarms registers a workload stack's alarms: the database (and its replica), the copy of its recovery
// points, Karpenter's interruption queue and, with Container Insights, the cluster's nodes; and the account's
// compute-spend budget, to the same topic.
func workloadAlarms(ctx *pulumi.Context, cfg *config.Stack, in *workloadInputs, t observability.WorkloadTargets) error {
	w := cfg.Workload
	t.BackupVault = in.org.BackupVaultName
	_, err := observability.NewPlatformAlarms(ctx, in.home.Name("alarms", ""), observability.PlatformAlarmsArgs{
		Scope: in.home, Alarms: observability.WorkloadAlarms(t, w.Alarms), Route: w.Alarms.AlertRoute,
		ComputeBudget: &observability.ComputeBudget{MonthlyLimitUSD: w.Alarms.ComputeBudgetUSD,
			ActualPercent: config.ComputeBudgetActualPercent, ForecastPercent: config.ComputeBudgetForecastPercent},
	})
	return err
}
