package observability

// Metric is a CloudWatch metric a resource emits: its namespace, name and the dimensions it is published with,
// from the AWS page in Doc. Every alarm names a Metric of this table; the tests hold each alarm's namespace,
// metric and dimension names to it.
type Metric struct {
	Namespace  string
	Name       string
	Dimensions []string
	Doc        string
}

const (
	docRDS         = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html"
	docSQS         = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html"
	docBackup      = "https://docs.aws.amazon.com/aws-backup/latest/devguide/cloudwatch.html"
	docInsights    = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-EKS.html"
	docNAT         = "https://docs.aws.amazon.com/vpc/latest/userguide/metrics-dimensions-nat-gateway.html"
	docFirewall    = "https://docs.aws.amazon.com/network-firewall/latest/developerguide/monitoring-cloudwatch.html"
	docTGW         = "https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-cloudwatch-metrics.html"
	docVPN         = "https://docs.aws.amazon.com/vpn/latest/s2svpn/monitoring-cloudwatch-vpn.html"
	dimDBInstance  = "DBInstanceIdentifier"
	dimNAT         = "NatGatewayId"
	dimTGW         = "TransitGateway"
	dimAttachment  = "TransitGatewayAttachment"
	dimClusterName = "ClusterName"
)

// Metrics are the metrics the platform alarms on and its dashboards show, by key.
var Metrics = map[string]Metric{
	"rds-cpu":             {"AWS/RDS", "CPUUtilization", []string{dimDBInstance}, docRDS},
	"rds-free-storage":    {"AWS/RDS", "FreeStorageSpace", []string{dimDBInstance}, docRDS},
	"rds-freeable-memory": {"AWS/RDS", "FreeableMemory", []string{dimDBInstance}, docRDS},
	"rds-connections":     {"AWS/RDS", "DatabaseConnections", []string{dimDBInstance}, docRDS},
	"rds-replica-lag":     {"AWS/RDS", "ReplicaLag", []string{dimDBInstance}, docRDS},
	// Copy jobs into the Backup account's vault: the replication of recovery points out of the workload account.
	"backup-copy-failed": {"AWS/Backup", "NumberOfCopyJobsFailed", []string{"BackupVaultName"}, docBackup},
	"sqs-oldest-message": {"AWS/SQS", "ApproximateAgeOfOldestMessage", []string{"QueueName"}, docSQS},
	"eks-failed-nodes":   {"ContainerInsights", "cluster_failed_node_count", []string{dimClusterName}, docInsights},
	// Dashboard views, watched by no alarm.
	"eks-node-count":      {"ContainerInsights", "cluster_node_count", []string{dimClusterName}, docInsights},
	"eks-node-cpu":        {"ContainerInsights", "node_cpu_utilization", []string{dimClusterName}, docInsights},
	"eks-node-memory":     {"ContainerInsights", "node_memory_utilization", []string{dimClusterName}, docInsights},
	"nat-bytes-out":       {"AWS/NATGateway", "BytesOutToDestination", []string{dimNAT}, docNAT},
	"nat-port-allocation": {"AWS/NATGateway", "ErrorPortAllocation", []string{dimNAT}, docNAT},
	"nat-packets-dropped": {"AWS/NATGateway", "PacketsDropCount", []string{dimNAT}, docNAT},
	"firewall-dropped":    {"AWS/NetworkFirewall", "DroppedPackets", []string{"FirewallName", "AvailabilityZone", "Engine"}, docFirewall},
	"tgw-drops-no-route":  {"AWS/TransitGateway", "PacketDropCountNoRoute", []string{dimTGW, dimAttachment}, docTGW},
	"tgw-drops-blackhole": {"AWS/TransitGateway", "PacketDropCountBlackhole", []string{dimTGW, dimAttachment}, docTGW},
	"vpn-tunnel-state":    {"AWS/VPN", "TunnelState", []string{"VpnId"}, docVPN},
}
