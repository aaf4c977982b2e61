// Package rds builds a workload environment's PostgreSQL database on Amazon RDS and its backups: Multi-AZ,
// encrypted, private, point-in-time recovery, automated backups replicated to the DR region, and an AWS Backup
// plan that copies recovery points into the Backup account's locked vaults.
package rds

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/kmskey"
	"github.com/innovate-inc/platform/internal/naming"
)

// LogExports are the PostgreSQL logs exported to CloudWatch Logs.
var LogExports = []string{"postgresql", "upgrade"}

// Parameters are the parameter group's settings: TLS forced, and the logging an incident needs.
var Parameters = map[string]string{
	"rds.force_ssl":              "1",
	"log_connections":            "1",
	"log_disconnections":         "1",
	"log_min_duration_statement": "1000",
	"log_lock_waits":             "1",
	"log_statement":              "ddl",
}

// DatabaseArgs configures a Database.
type DatabaseArgs struct {
	Env       string
	Region    string
	DRRegion  string
	AccountID string
	Provider  *aws.Provider // the workload account, home region
	// DRProvider is the workload account in the DR region (automated backups are replicated there).
	DRProvider *aws.Provider
	VPCID      pulumi.StringInput
	// DatabaseSubnetIDs are the subnets with no route out.
	DatabaseSubnetIDs pulumi.StringArrayInput
	Port              int
	// ClientSecurityGroupID is the only source admitted: the EKS node security group the backend runs in.
	ClientSecurityGroupID pulumi.StringInput
	Config                config.Database
	// BackupTags select the instance into the AWS Backup plan.
	BackupTags map[string]string
	// BackupAccountID is where AWS Backup copies the recovery points: the database key must let it use the key, or
	// even the same-region cross-account copy fails.
	BackupAccountID string
}

// Database creates, in the workload account: a KMS key for storage, Performance Insights and the master secret,
// and one in the DR region for the replicated backups; the DB subnet group over the database subnets; a security
// group admitting the database port from the EKS nodes only; a parameter group forcing TLS; the enhanced
// monitoring role; the PostgreSQL instance (Multi-AZ where configured, private, encrypted gp3 with storage
// autoscaling, PITR retention, deletion protection, final snapshot, automated backups kept on delete, IAM
// authentication, Performance Insights, enhanced monitoring, logs to CloudWatch, minor upgrades, the master password
// managed by RDS in Secrets Manager with its rotation schedule); automated-backup replication to the DR region;
// and, when configured, a read replica. The instance and keys are protected.
//
// Cost (prod, db.m7g.xlarge Multi-AZ, 200 GiB gp3): ~$780/month for the instance pair, ~$46 storage, backup storage
// beyond the database size at $0.095/GB, DR replication of backups $0.02/GB transferred; dev db.t4g.medium single-AZ
// ~$55.
//
// It exports the endpoint, port, master secret ARN and security group ID.
type Database struct {
	pulumi.ResourceState

	Instance        *rds.Instance
	Endpoint        pulumi.StringOutput
	Port            int
	SecretARN       pulumi.StringOutput
	SecurityGroupID pulumi.StringOutput
}

// KeyPolicy lets the workload account administer the database key and the Backup account use it for the copies
// of the database's recovery points AWS Backup makes into its vaults (a customer-managed key must be shared with
// the destination account of a cross-account copy).
func KeyPolicy(accountID, backupAccountID string) iampolicy.Document {
	backup := &iampolicy.Principal{AWS: []string{"arn:aws:iam::" + backupAccountID + ":root"}}
	return iampolicy.New(
		iampolicy.AccountAdministers(accountID),
		iampolicy.Statement{Sid: "BackupAccountCopies", Effect: iampolicy.Allow, Principal: backup,
			Action:   []string{"kms:DescribeKey", "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"},
			Resource: []string{"*"}},
		iampolicy.Statement{Sid: "BackupAccountGrants", Effect: iampolicy.Allow, Principal: backup,
			Action: []string{"kms:CreateGrant"}, Resource: []string{"*"},
			Condition: iampolicy.Condition{"Bool": {"kms:GrantIsForAWSResource": {"true"}}}},
	)
}

// NewDatabase registers the database.
func NewDatabase(ctx *pulumi.Context, name string, args DatabaseArgs, opts ...pulumi.ResourceOption) (*Database, error) {
	c := &Database{Port: args.Port}
	if err := ctx.RegisterComponentResource("platform:rds:Database", name, c, opts...); err != nil {
		return nil, err
	}
	child := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Provider)}
	stateful := append(append([]pulumi.ResourceOption{}, child...), pulumi.Protect(true), pulumi.RetainOnDelete(true))
	n := func(role string, q ...string) string { return naming.Name(args.Env, "db", role, q...) }
	d := args.Config
	identifier := naming.Name(args.Env, "postgres", "")

	key, err := kmskey.New(ctx, n("key"), pulumi.String("Encrypts the "+args.Env+" database, its Performance Insights and its master secret"),
		pulumi.String(KeyPolicy(args.AccountID, args.BackupAccountID).MustJSON()), child...)
	if err != nil {
		return nil, fmt.Errorf("creating the database key: %w", err)
	}
	drKey, err := kmskey.New(ctx, n("key", args.DRRegion), pulumi.String("Encrypts the "+args.Env+" database's backups replicated to "+args.DRRegion),
		pulumi.String(iampolicy.New(iampolicy.AccountAdministers(args.AccountID)).MustJSON()), pulumi.Parent(c), pulumi.Provider(args.DRProvider))
	if err != nil {
		return nil, fmt.Errorf("creating the DR-region database key: %w", err)
	}

	subnets, err := rds.NewSubnetGroup(ctx, n("subnets"), &rds.SubnetGroupArgs{
		Name:        pulumi.String(identifier),
		Description: pulumi.String("Database subnets of " + args.Env + " (no route out)"),
		SubnetIds:   args.DatabaseSubnetIDs,
	}, child...)
	if err != nil {
		return nil, err
	}
	sg, err := ec2.NewSecurityGroup(ctx, n("sg"), &ec2.SecurityGroupArgs{
		Name:        pulumi.String(identifier),
		Description: pulumi.String("PostgreSQL of " + args.Env + ": the EKS nodes only"),
		VpcId:       args.VPCID,
		Ingress: ec2.SecurityGroupIngressArray{ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("PostgreSQL from the EKS nodes (the backend)"),
			Protocol:    pulumi.String("tcp"), FromPort: pulumi.Int(args.Port), ToPort: pulumi.Int(args.Port),
			SecurityGroups: pulumi.StringArray{args.ClientSecurityGroupID},
		}},
		Tags: pulumi.StringMap{"Name": pulumi.String(identifier)},
	}, child...)
	if err != nil {
		return nil, err
	}
	c.SecurityGroupID = sg.ID().ToStringOutput()
	var params rds.ParameterGroupParameterArray
	for _, k := range slices.Sorted(maps.Keys(Parameters)) {
		params = append(params, rds.ParameterGroupParameterArgs{Name: pulumi.String(k), Value: pulumi.String(Parameters[k]),
			ApplyMethod: pulumi.String("pending-reboot")})
	}
	family := config.PostgresFamily(d.EngineVersion)
	pg, err := rds.NewParameterGroup(ctx, n("parameters"), &rds.ParameterGroupArgs{
		Name:        pulumi.String(identifier + "-" + family),
		Family:      pulumi.String(family),
		Description: pulumi.String("TLS only and incident logging"),
		Parameters:  params,
	}, child...)
	if err != nil {
		return nil, err
	}
	monitoring, err := iam.NewRole(ctx, n("monitoring-role"), &iam.RoleArgs{
		Name:              pulumi.String(naming.Limited(identifier+"-monitoring", naming.MaxIAMRoleName)),
		AssumeRolePolicy:  pulumi.String(iampolicy.ServiceTrust("monitoring.rds.amazonaws.com", args.AccountID).MustJSON()),
		ManagedPolicyArns: pulumi.ToStringArray([]string{"arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"}),
	}, child...)
	if err != nil {
		return nil, err
	}

	tags := pulumi.StringMap{}
	for k, v := range args.BackupTags {
		tags[k] = pulumi.String(v)
	}
	instance, err := rds.NewInstance(ctx, identifier, &rds.InstanceArgs{
		Identifier:                         pulumi.String(identifier),
		Engine:                             pulumi.String("postgres"),
		EngineVersion:                      pulumi.String(d.EngineVersion),
		InstanceClass:                      pulumi.String(d.InstanceClass),
		MultiAz:                            pulumi.Bool(d.MultiAZ),
		DbName:                             pulumi.String(d.DatabaseName),
		Username:                           pulumi.String(d.MasterUsername),
		ManageMasterUserPassword:           pulumi.Bool(true),
		MasterUserSecretKmsKeyId:           key.Arn,
		Port:                               pulumi.Int(args.Port),
		DbSubnetGroupName:                  subnets.Name,
		VpcSecurityGroupIds:                pulumi.StringArray{sg.ID()},
		PubliclyAccessible:                 pulumi.Bool(false),
		ParameterGroupName:                 pg.Name,
		StorageType:                        pulumi.String("gp3"),
		AllocatedStorage:                   pulumi.Int(d.AllocatedStorageGiB),
		MaxAllocatedStorage:                pulumi.Int(d.MaxAllocatedStorageGiB),
		StorageEncrypted:                   pulumi.Bool(true),
		KmsKeyId:                           key.Arn,
		BackupRetentionPeriod:              pulumi.Int(d.BackupRetentionDays),
		BackupWindow:                       pulumi.String(d.BackupWindow),
		MaintenanceWindow:                  pulumi.String(d.MaintenanceWindow),
		CopyTagsToSnapshot:                 pulumi.Bool(true),
		DeletionProtection:                 pulumi.Bool(true),
		SkipFinalSnapshot:                  pulumi.Bool(false),
		FinalSnapshotIdentifier:            pulumi.String(identifier + "-final"),
		DeleteAutomatedBackups:             pulumi.Bool(false),
		IamDatabaseAuthenticationEnabled:   pulumi.Bool(true),
		PerformanceInsightsEnabled:         pulumi.Bool(true),
		PerformanceInsightsKmsKeyId:        key.Arn,
		PerformanceInsightsRetentionPeriod: pulumi.Int(7),
		MonitoringInterval:                 pulumi.Int(60),
		MonitoringRoleArn:                  monitoring.Arn,
		EnabledCloudwatchLogsExports:       pulumi.ToStringArray(LogExports),
		AutoMinorVersionUpgrade:            pulumi.Bool(true),
		AllowMajorVersionUpgrade:           pulumi.Bool(false),
		Tags:                               tags,
	}, append(stateful, pulumi.IgnoreChanges([]string{"allocatedStorage"}))...) // storage autoscaling grows it
	if err != nil {
		return nil, fmt.Errorf("creating database: %w", err)
	}
	c.Instance = instance
	c.Endpoint = instance.Address
	c.SecretARN = instance.MasterUserSecrets.Index(pulumi.Int(0)).SecretArn().Elem()

	if _, err := secretsmanager.NewSecretRotation(ctx, n("secret-rotation"), &secretsmanager.SecretRotationArgs{
		SecretId:      c.SecretARN,
		RotationRules: secretsmanager.SecretRotationRotationRulesArgs{AutomaticallyAfterDays: pulumi.Int(d.SecretRotationDays)},
	}, child...); err != nil {
		return nil, err
	}
	if _, err := rds.NewInstanceAutomatedBackupsReplication(ctx, n("backups", args.DRRegion), &rds.InstanceAutomatedBackupsReplicationArgs{
		SourceDbInstanceArn: instance.Arn,
		KmsKeyId:            drKey.Arn,
		RetentionPeriod:     pulumi.Int(d.BackupRetentionDays),
	}, pulumi.Parent(c), pulumi.Provider(args.DRProvider)); err != nil {
		return nil, err
	}
	if d.ReadReplica {
		if _, err := rds.NewInstance(ctx, identifier+"-replica", &rds.InstanceArgs{
			Identifier:                       pulumi.String(identifier + "-replica"),
			ReplicateSourceDb:                instance.Identifier,
			InstanceClass:                    pulumi.String(d.InstanceClass),
			StorageEncrypted:                 pulumi.Bool(true),
			KmsKeyId:                         key.Arn,
			VpcSecurityGroupIds:              pulumi.StringArray{sg.ID()},
			ParameterGroupName:               pg.Name,
			PubliclyAccessible:               pulumi.Bool(false),
			IamDatabaseAuthenticationEnabled: pulumi.Bool(true),
			PerformanceInsightsEnabled:       pulumi.Bool(true),
			PerformanceInsightsKmsKeyId:      key.Arn,
			MonitoringInterval:               pulumi.Int(60),
			MonitoringRoleArn:                monitoring.Arn,
			DeletionProtection:               pulumi.Bool(true),
			SkipFinalSnapshot:                pulumi.Bool(true), // the source keeps the data and the snapshots
			AutoMinorVersionUpgrade:          pulumi.Bool(true),
		}, child...); err != nil {
			return nil, err
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"endpoint": c.Endpoint})
}
