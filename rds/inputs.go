package rds

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The database's RDS and Secrets Manager resources are registered by type token with the local input types below
// rather than through the SDK's rds and secretsmanager packages: together those are 1.5 MB of generated Go, about
// 14 s of the program's cold build (rds 12.7 s; docs/PERFORMANCE.md), for five resource types. The input
// names are the provider's, checked against the SDK's types in tests.
const (
	instanceType           = "aws:rds/instance:Instance"
	subnetGroupType        = "aws:rds/subnetGroup:SubnetGroup"
	parameterGroupType     = "aws:rds/parameterGroup:ParameterGroup"
	backupsReplicationType = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"
	secretRotationType     = "aws:secretsmanager/secretRotation:SecretRotation"
)

// instanceSecrets is what the SDK's rds.NewInstance adds to every instance: the password output is kept secret.
var instanceSecrets = pulumi.AdditionalSecretOutputs([]string{"password"})

// Instance is a registered DB instance: what the environment reads of it.
type Instance struct {
	pulumi.CustomResourceState

	Arn        pulumi.StringOutput `pulumi:"arn"`
	Identifier pulumi.StringOutput `pulumi:"identifier"`
	Address    pulumi.StringOutput `pulumi:"address"`
	// MasterUserSecrets is the secret RDS manages for the master password: secretArn, kmsKeyId, secretStatus.
	MasterUserSecrets pulumi.StringMapArrayOutput `pulumi:"masterUserSecrets"`
}

// primaryInstance is the primary's inputs.
type primaryInstance struct {
	Identifier                         string                  `pulumi:"identifier"`
	Engine                             string                  `pulumi:"engine"`
	EngineVersion                      string                  `pulumi:"engineVersion"`
	InstanceClass                      string                  `pulumi:"instanceClass"`
	MultiAZ                            bool                    `pulumi:"multiAz"`
	DBName                             string                  `pulumi:"dbName"`
	Username                           string                  `pulumi:"username"`
	ManageMasterUserPassword           bool                    `pulumi:"manageMasterUserPassword"`
	MasterUserSecretKMSKeyID           pulumi.StringInput      `pulumi:"masterUserSecretKmsKeyId"`
	Port                               int                     `pulumi:"port"`
	DBSubnetGroupName                  pulumi.StringInput      `pulumi:"dbSubnetGroupName"`
	VPCSecurityGroupIDs                pulumi.StringArrayInput `pulumi:"vpcSecurityGroupIds"`
	PubliclyAccessible                 bool                    `pulumi:"publiclyAccessible"`
	ParameterGroupName                 pulumi.StringInput      `pulumi:"parameterGroupName"`
	StorageType                        string                  `pulumi:"storageType"`
	AllocatedStorage                   int                     `pulumi:"allocatedStorage"`
	MaxAllocatedStorage                int                     `pulumi:"maxAllocatedStorage"`
	StorageEncrypted                   bool                    `pulumi:"storageEncrypted"`
	KMSKeyID                           pulumi.StringInput      `pulumi:"kmsKeyId"`
	BackupRetentionPeriod              int                     `pulumi:"backupRetentionPeriod"`
	BackupWindow                       string                  `pulumi:"backupWindow"`
	MaintenanceWindow                  string                  `pulumi:"maintenanceWindow"`
	CopyTagsToSnapshot                 bool                    `pulumi:"copyTagsToSnapshot"`
	DeletionProtection                 bool                    `pulumi:"deletionProtection"`
	SkipFinalSnapshot                  bool                    `pulumi:"skipFinalSnapshot"`
	FinalSnapshotIdentifier            string                  `pulumi:"finalSnapshotIdentifier"`
	DeleteAutomatedBackups             bool                    `pulumi:"deleteAutomatedBackups"`
	IAMDatabaseAuthenticationEnabled   bool                    `pulumi:"iamDatabaseAuthenticationEnabled"`
	PerformanceInsightsEnabled         bool                    `pulumi:"performanceInsightsEnabled"`
	PerformanceInsightsKMSKeyID        pulumi.StringInput      `pulumi:"performanceInsightsKmsKeyId"`
	PerformanceInsightsRetentionPeriod int                     `pulumi:"performanceInsightsRetentionPeriod"`
	MonitoringInterval                 int                     `pulumi:"monitoringInterval"`
	MonitoringRoleARN                  pulumi.StringInput      `pulumi:"monitoringRoleArn"`
	EnabledCloudwatchLogsExports       []string                `pulumi:"enabledCloudwatchLogsExports"`
	AutoMinorVersionUpgrade            bool                    `pulumi:"autoMinorVersionUpgrade"`
	AllowMajorVersionUpgrade           bool                    `pulumi:"allowMajorVersionUpgrade"`
	Tags                               map[string]string       `pulumi:"tags"`
}

func (primaryInstance) ElementType() reflect.Type { return reflect.TypeFor[primaryInstance]() }

// replicaInstance is the read replica's inputs: it inherits engine, storage, credentials and port from its source.
type replicaInstance struct {
	Identifier                       string                  `pulumi:"identifier"`
	ReplicateSourceDB                pulumi.StringInput      `pulumi:"replicateSourceDb"`
	InstanceClass                    string                  `pulumi:"instanceClass"`
	StorageEncrypted                 bool                    `pulumi:"storageEncrypted"`
	KMSKeyID                         pulumi.StringInput      `pulumi:"kmsKeyId"`
	VPCSecurityGroupIDs              pulumi.StringArrayInput `pulumi:"vpcSecurityGroupIds"`
	ParameterGroupName               pulumi.StringInput      `pulumi:"parameterGroupName"`
	PubliclyAccessible               bool                    `pulumi:"publiclyAccessible"`
	IAMDatabaseAuthenticationEnabled bool                    `pulumi:"iamDatabaseAuthenticationEnabled"`
	PerformanceInsightsEnabled       bool                    `pulumi:"performanceInsightsEnabled"`
	PerformanceInsightsKMSKeyID      pulumi.StringInput      `pulumi:"performanceInsightsKmsKeyId"`
	MonitoringInterval               int                     `pulumi:"monitoringInterval"`
	MonitoringRoleARN                pulumi.StringInput      `pulumi:"monitoringRoleArn"`
	DeletionProtection               bool                    `pulumi:"deletionProtection"`
	SkipFinalSnapshot                bool                    `pulumi:"skipFinalSnapshot"`
	AutoMinorVersionUpgrade          bool                    `pulumi:"autoMinorVersionUpgrade"`
}

func (replicaInstance) ElementType() reflect.Type { return reflect.TypeFor[replicaInstance]() }

type subnetGroup struct {
	Name        string                  `pulumi:"name"`
	Description string                  `pulumi:"description"`
	SubnetIDs   pulumi.StringArrayInput `pulumi:"subnetIds"`
}

func (subnetGroup) ElementType() reflect.Type { return reflect.TypeFor[subnetGroup]() }

type parameterGroup struct {
	Name        string      `pulumi:"name"`
	Family      string      `pulumi:"family"`
	Description string      `pulumi:"description"`
	Parameters  []parameter `pulumi:"parameters"`
}

func (parameterGroup) ElementType() reflect.Type { return reflect.TypeFor[parameterGroup]() }

type parameter struct {
	Name        string `pulumi:"name"`
	Value       string `pulumi:"value"`
	ApplyMethod string `pulumi:"applyMethod"`
}

type backupsReplication struct {
	SourceDBInstanceARN pulumi.StringInput `pulumi:"sourceDbInstanceArn"`
	KMSKeyID            pulumi.StringInput `pulumi:"kmsKeyId"`
	RetentionPeriod     int                `pulumi:"retentionPeriod"`
}

func (backupsReplication) ElementType() reflect.Type { return reflect.TypeFor[backupsReplication]() }

type secretRotation struct {
	SecretID      pulumi.StringInput `pulumi:"secretId"`
	RotationRules rotationRules      `pulumi:"rotationRules"`
}

func (secretRotation) ElementType() reflect.Type { return reflect.TypeFor[secretRotation]() }

type rotationRules struct {
	AutomaticallyAfterDays int `pulumi:"automaticallyAfterDays"`
}
