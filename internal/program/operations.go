package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/eks"
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
// points, Karpenter's interruption queue and, with Container Insights, the cluster's nodes.
func workloadAlarms(ctx *pulumi.Context, cfg *config.Stack, in *workloadInputs, t observability.WorkloadTargets) error {
	w := cfg.Workload
	t.BackupVault = in.org.BackupVaultName
	_, err := observability.NewPlatformAlarms(ctx, in.home.Name("alarms", ""), observability.PlatformAlarmsArgs{
		Scope: in.home, Alarms: observability.WorkloadAlarms(t, w.Alarms), Route: w.Alarms.AlertRoute,
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
