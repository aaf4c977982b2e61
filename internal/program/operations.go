package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/eks"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/observability"
)

// The operations hooks of the network and workload layers: their platform alarms and dashboard (observability),
// built from the components the layer registered, in the layer's own account; the cluster's log groups and
// observability add-on.

// networkAlarms registers the network stack's alarms and its dashboard: NAT gateways, firewall endpoints per AZ,
// the hub's TGW attachments and the VPN when there is one.
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
	alarms := observability.NetworkAlarms(t, cfg.Network.Alarms)
	if _, err := observability.NewPlatformAlarms(ctx, in.scope.Name("alarms", ""), observability.PlatformAlarmsArgs{
		Scope: in.scope, Alarms: alarms, Route: cfg.Network.Alarms.AlertRoute,
	}); err != nil {
		return err
	}
	_, err := observability.NewDashboard(ctx, in.scope.Name("dashboard", ""), observability.DashboardArgs{
		Scope: in.scope, Sections: observability.NetworkDashboard(t, alarms),
	})
	return err
}

// workloadAlarms registers a workload stack's alarms and its dashboard: the database (and its replica), the copy
// of its recovery points, Karpenter's interruption queue and, with Container Insights, the cluster's nodes; and the
// account's compute-spend budget, to the same topic.
func workloadAlarms(ctx *pulumi.Context, cfg *config.Stack, in *workloadInputs, t observability.WorkloadTargets) error {
	w := cfg.Workload
	t.BackupVault = in.org.BackupVaultName
	alarms := observability.WorkloadAlarms(t, w.Alarms)
	if _, err := observability.NewPlatformAlarms(ctx, in.home.Name("alarms", ""), observability.PlatformAlarmsArgs{
		Scope: in.home, Alarms: alarms, Route: w.Alarms.AlertRoute,
		ComputeBudget: &observability.ComputeBudget{MonthlyLimitUSD: w.Alarms.ComputeBudgetUSD,
			ActualPercent: config.ComputeBudgetActualPercent, ForecastPercent: config.ComputeBudgetForecastPercent},
	}); err != nil {
		return err
	}
	_, err := observability.NewDashboard(ctx, in.home.Name("dashboard", ""), observability.DashboardArgs{
		Scope: in.home, Sections: observability.WorkloadDashboard(t, alarms),
	})
	return err
}

// clusterLogs registers, before the cluster, its control-plane and Container Insights log groups (encrypted,
// with the environment's retention), so neither EKS nor the agents create them unmanaged.
func clusterLogs(ctx *pulumi.Context, cfg *config.Stack, in *workloadInputs, clusterName string) (*observability.ClusterLogs, error) {
	return observability.NewClusterLogs(ctx, in.home.Name("cluster-logs", ""), observability.ClusterLogsArgs{
		Scope: in.home, ClusterName: clusterName, RetentionDays: cfg.Workload.Observability.LogRetentionDays,
	})
}

// clusterObservability registers the CloudWatch observability add-on of the cluster once its log groups and its
// system nodes exist: Container Insights metrics (which the node alarm reads) and container logs.
func clusterObservability(ctx *pulumi.Context, cfg *config.Stack, in *workloadInputs, cluster *eks.Cluster, logs *observability.ClusterLogs) error {
	_, err := observability.NewClusterObservability(ctx, in.home.Name("observability", ""), observability.ClusterObservabilityArgs{
		Scope: in.home, ClusterName: cluster.Name, AddonVersion: cfg.Workload.Observability.AddonVersion,
		DependsOn: append(append([]pulumi.Resource{}, logs.Groups...), cluster.SystemNodeGroup),
	})
	return err
}
