package stackref

// Output keys of the workload stacks (dev, staging, prod), for the stacks and tools that read them.
const (
	WorkloadVPCID            = "vpcId"
	WorkloadPrivateSubnetIDs = "privateSubnetIds"
	WorkloadDatabaseSubnets  = "databaseSubnetIds"
	WorkloadPublicSubnetIDs  = "publicSubnetIds"
	WorkloadClusterName      = "clusterName"
	WorkloadClusterEndpoint  = "clusterEndpoint"
	WorkloadNodeSGID         = "nodeSecurityGroupId"
	WorkloadNodeRoleARN      = "nodeRoleArn"
	WorkloadKubeconfig       = "kubeconfig"
	WorkloadZoneID           = "environmentZoneId"
	WorkloadAttachmentID     = "transitGatewayAttachmentId"
	WorkloadAccountID        = "accountId"
	WorkloadKarpenterRole    = "karpenterNodeRoleName"
	WorkloadKarpenterQueue   = "karpenterInterruptionQueue"
	WorkloadDBEndpoint       = "databaseEndpoint"
	WorkloadDBPort           = "databasePort"
	WorkloadDBSecretARN      = "databaseSecretArn"
	WorkloadDBSGID           = "databaseSecurityGroupId"
	// WorkloadPodIdentity says how workloads get IAM: EKS Pod Identity (no OIDC provider is created).
	WorkloadPodIdentity = "workloadIdentity"
)
