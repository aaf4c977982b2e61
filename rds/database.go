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
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/bytoken"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/kmskey"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/scope"
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
	// Scope is the workload account in the home region.
	scope.Scope
	DRRegion string
	// DRProvider is the workload account in the DR region (automated backups are replicated there).
	DRProvider *aws.Provider
	VPCID      pulumi.StringInput
	// DatabaseSubnetIDs are the subnets with no route out.
	DatabaseSubnetIDs pulumi.StringArrayInput
	Port              int
	// ClientSecurityGroupID is the only source admitted: the EKS node security group the backend runs in.
	ClientSecurityGroupID pulumi.StringInput
	Config                config.Database
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

	Instance  *Instance
	Endpoint  pulumi.StringOutput
	Port      int
	SecretARN pulumi.StringOutput
	// SecretKeyARN is the KMS key of the master secret: its readers decrypt with it.
	SecretKeyARN    pulumi.StringOutput
	SecurityGroupID pulumi.StringOutput

	name string
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

// NewDatabase registers the database, step by step: keys, network, parameters and monitoring, the instance,
// then what keeps it safe (rotation, DR replication, the optional replica).
func NewDatabase(ctx *pulumi.Context, name string, args DatabaseArgs, opts ...pulumi.ResourceOption) (*Database, error) {
	c := &Database{Port: args.Port, name: name}
	if err := ctx.RegisterComponentResource("platform:rds:Database", name, c, opts...); err != nil {
		return nil, err
	}
	s := dbScope{c: c, args: args, identifier: args.Name("postgres", "")}
	keys, err := s.keys(ctx)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	deps, err := s.dependencies(ctx)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	if err := s.instance(ctx, keys, deps); err != nil {
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	if err := s.safeguards(ctx, keys, deps); err != nil {
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"endpoint": c.Endpoint})
}

// BackupTag is the tag that selects the database into its AWS Backup plan: the database carries it, BackupPlan
// selects by it.
func (c *Database) BackupTag() (string, string) { return "backup-plan", c.name }

// dbScope is what every step of NewDatabase needs.
type dbScope struct {
	c          *Database
	args       DatabaseArgs
	identifier string
}

type dbKeys struct{ home, dr *kms.Key }

type dbDependencies struct {
	subnets    *bytoken.WithName
	sg         *ec2.SecurityGroup
	parameters *bytoken.WithName
	monitoring *iam.Role
}

func (s dbScope) keys(ctx *pulumi.Context) (dbKeys, error) {
	a := s.args
	home, err := kmskey.New(ctx, scope.Child(s.c.name, "key"), pulumi.String("Encrypts the "+a.Stack+" database, its Performance Insights and its master secret"),
		pulumi.String(KeyPolicy(a.AccountID, a.BackupAccountID).MustJSON()), a.In(s.c)...)
	if err != nil {
		return dbKeys{}, fmt.Errorf("creating the key: %w", err)
	}
	dr, err := kmskey.New(ctx, scope.Child(s.c.name, "key", a.DRRegion), pulumi.String("Encrypts the "+a.Stack+" database's backups replicated to "+a.DRRegion),
		pulumi.String(iampolicy.New(iampolicy.AccountAdministers(a.AccountID)).MustJSON()), pulumi.Parent(s.c), pulumi.Provider(a.DRProvider))
	if err != nil {
		return dbKeys{}, fmt.Errorf("creating the %s key: %w", a.DRRegion, err)
	}
	return dbKeys{home: home, dr: dr}, nil
}

// dependencies creates the subnet group, the security group (the EKS nodes only), the parameter group (TLS only,
// incident logging) and the enhanced-monitoring role.
func (s dbScope) dependencies(ctx *pulumi.Context) (dbDependencies, error) {
	a, n, in := s.args, func(role string) string { return scope.Child(s.c.name, role) }, s.args.In(s.c)
	var d dbDependencies
	var err error
	if d.subnets, err = bytoken.Register[bytoken.WithName](ctx, subnetGroupType, n("subnets"), subnetGroup{
		Name:        s.identifier,
		Description: "Database subnets of " + a.Stack + " (no route out)",
		SubnetIDs:   a.DatabaseSubnetIDs,
	}, in...); err != nil {
		return d, fmt.Errorf("creating the subnet group: %w", err)
	}
	if d.sg, err = ec2.NewSecurityGroup(ctx, n("sg"), &ec2.SecurityGroupArgs{
		Name:        pulumi.String(s.identifier),
		Description: pulumi.String("PostgreSQL of " + a.Stack + ": the EKS nodes only"),
		VpcId:       a.VPCID,
		Ingress: ec2.SecurityGroupIngressArray{ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("PostgreSQL from the EKS nodes (the backend)"),
			Protocol:    pulumi.String("tcp"), FromPort: pulumi.Int(a.Port), ToPort: pulumi.Int(a.Port),
			SecurityGroups: pulumi.StringArray{a.ClientSecurityGroupID},
		}},
		Tags: pulumi.StringMap{"Name": pulumi.String(s.identifier)},
	}, in...); err != nil {
		return d, fmt.Errorf("creating the security group: %w", err)
	}
	s.c.SecurityGroupID = d.sg.ID().ToStringOutput()
	var params []parameter
	for _, k := range slices.Sorted(maps.Keys(Parameters)) {
		params = append(params, parameter{Name: k, Value: Parameters[k], ApplyMethod: "pending-reboot"})
	}
	family := config.PostgresFamily(a.Config.EngineVersion)
	if d.parameters, err = bytoken.Register[bytoken.WithName](ctx, parameterGroupType, n("parameters"), parameterGroup{
		Name:        s.identifier + "-" + family,
		Family:      family,
		Description: "TLS only and incident logging",
		Parameters:  params,
	}, in...); err != nil {
		return d, fmt.Errorf("creating the parameter group: %w", err)
	}
	if d.monitoring, err = iam.NewRole(ctx, n("monitoring-role"), &iam.RoleArgs{
		Name:              pulumi.String(naming.Limited(s.identifier+"-monitoring", naming.MaxIAMRoleName)),
		AssumeRolePolicy:  pulumi.String(iampolicy.ServiceTrust("monitoring.rds.amazonaws.com", a.AccountID).MustJSON()),
		ManagedPolicyArns: pulumi.ToStringArray([]string{"arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"}),
	}, in...); err != nil {
		return d, fmt.Errorf("creating the monitoring role: %w", err)
	}
	return d, nil
}

func (s dbScope) instance(ctx *pulumi.Context, keys dbKeys, d dbDependencies) error {
	a, cfg := s.args, s.args.Config
	tagKey, tagValue := s.c.BackupTag()
	instance, err := bytoken.Register[Instance](ctx, instanceType, s.identifier, primaryInstance{
		Identifier:                         s.identifier,
		Engine:                             "postgres",
		EngineVersion:                      cfg.EngineVersion,
		InstanceClass:                      cfg.InstanceClass,
		MultiAZ:                            cfg.MultiAZ,
		DBName:                             cfg.DatabaseName,
		Username:                           cfg.MasterUsername,
		ManageMasterUserPassword:           true,
		MasterUserSecretKMSKeyID:           keys.home.Arn,
		Port:                               a.Port,
		DBSubnetGroupName:                  d.subnets.Name,
		VPCSecurityGroupIDs:                pulumi.StringArray{d.sg.ID()},
		PubliclyAccessible:                 false,
		ParameterGroupName:                 d.parameters.Name,
		StorageType:                        "gp3",
		AllocatedStorage:                   cfg.AllocatedStorageGiB,
		MaxAllocatedStorage:                cfg.MaxAllocatedStorageGiB,
		StorageEncrypted:                   true,
		KMSKeyID:                           keys.home.Arn,
		BackupRetentionPeriod:              cfg.BackupRetentionDays,
		BackupWindow:                       cfg.BackupWindow,
		MaintenanceWindow:                  cfg.MaintenanceWindow,
		CopyTagsToSnapshot:                 true,
		DeletionProtection:                 true,
		SkipFinalSnapshot:                  false,
		FinalSnapshotIdentifier:            s.identifier + "-final",
		DeleteAutomatedBackups:             false,
		IAMDatabaseAuthenticationEnabled:   true,
		PerformanceInsightsEnabled:         true,
		PerformanceInsightsKMSKeyID:        keys.home.Arn,
		PerformanceInsightsRetentionPeriod: 7,
		MonitoringInterval:                 60,
		MonitoringRoleARN:                  d.monitoring.Arn,
		EnabledCloudwatchLogsExports:       LogExports,
		AutoMinorVersionUpgrade:            true,
		AllowMajorVersionUpgrade:           false,
		Tags:                               map[string]string{tagKey: tagValue},
	}, a.In(s.c, pulumi.Protect(true), pulumi.RetainOnDelete(true), instanceSecrets,
		pulumi.IgnoreChanges([]string{"allocatedStorage"}))...) // storage autoscaling grows it
	if err != nil {
		return fmt.Errorf("creating the instance: %w", err)
	}
	s.c.Instance = instance
	s.c.Endpoint = instance.Address
	s.c.SecretARN = instance.MasterUserSecrets.Index(pulumi.Int(0)).MapIndex(pulumi.String("secretArn"))
	s.c.SecretKeyARN = keys.home.Arn
	return nil
}

// safeguards rotates the master secret, replicates automated backups to the DR region and adds the read replica
// when configured.
func (s dbScope) safeguards(ctx *pulumi.Context, keys dbKeys, d dbDependencies) error {
	a, cfg, instance := s.args, s.args.Config, s.c.Instance
	if _, err := bytoken.Register[bytoken.Resource](ctx, secretRotationType, scope.Child(s.c.name, "secret-rotation"), secretRotation{
		SecretID:      s.c.SecretARN,
		RotationRules: rotationRules{AutomaticallyAfterDays: cfg.SecretRotationDays},
	}, a.In(s.c)...); err != nil {
		return fmt.Errorf("rotating the master secret: %w", err)
	}
	if _, err := bytoken.Register[bytoken.Resource](ctx, backupsReplicationType, scope.Child(s.c.name, "backups", a.DRRegion), backupsReplication{
		SourceDBInstanceARN: instance.Arn,
		KMSKeyID:            keys.dr.Arn,
		RetentionPeriod:     cfg.BackupRetentionDays,
	}, pulumi.Parent(s.c), pulumi.Provider(a.DRProvider)); err != nil {
		return fmt.Errorf("replicating automated backups to %s: %w", a.DRRegion, err)
	}
	if !cfg.ReadReplica {
		return nil
	}
	if _, err := bytoken.Register[Instance](ctx, instanceType, s.identifier+"-replica", replicaInstance{
		Identifier:                       s.identifier + "-replica",
		ReplicateSourceDB:                instance.Identifier,
		InstanceClass:                    cfg.InstanceClass,
		StorageEncrypted:                 true,
		KMSKeyID:                         keys.home.Arn,
		VPCSecurityGroupIDs:              pulumi.StringArray{d.sg.ID()},
		ParameterGroupName:               d.parameters.Name,
		PubliclyAccessible:               false,
		IAMDatabaseAuthenticationEnabled: true,
		PerformanceInsightsEnabled:       true,
		PerformanceInsightsKMSKeyID:      keys.home.Arn,
		MonitoringInterval:               60,
		MonitoringRoleARN:                d.monitoring.Arn,
		DeletionProtection:               true,
		SkipFinalSnapshot:                true, // the source keeps the data and the snapshots
		AutoMinorVersionUpgrade:          true,
	}, a.In(s.c, instanceSecrets)...); err != nil {
		return fmt.Errorf("creating the read replica: %w", err)
	}
	return nil
}
