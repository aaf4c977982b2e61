// Package security builds the security layer: the Log Archive (keys and buckets), the organization CloudTrail,
// the security services administered from Security Tooling, the baseline of every member account, the Backup
// account's vaults and IAM Identity Center in the Identity account. Every component receives the providers of
// the accounts it builds in; none uses ambient credentials.
package security

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/kmskey"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/scope"
)

// LogArchiveArgs configures the LogArchive.
type LogArchiveArgs struct {
	// Scope is the Log Archive account in the home region.
	scope.Scope
	Company           string
	DRRegion          string
	Providers         map[string]*aws.Provider // the Log Archive account, by region
	Writers           Writers
	Logs              config.LogRetention
	InvestigationRole string
}

// LogArchive creates, in the Log Archive account, a KMS key per region (home and DR) and the log buckets
// (Buckets) in the home region, each replicated to its twin in the DR region through one replication role.
//
// Cost: $1/month per key; S3 storage tiers down to Glacier after the configured days.
//
// It exports the keys and the buckets by purpose and region.
type LogArchive struct {
	pulumi.ResourceState

	// KeyARNs by region.
	KeyARNs map[string]pulumi.StringOutput
	// Buckets by region, then purpose.
	Buckets map[string]map[Purpose]*LogBucket

	home string
}

// NewLogArchive registers the Log Archive: the keys, the replication role, then the buckets.
func NewLogArchive(ctx *pulumi.Context, name string, args LogArchiveArgs, opts ...pulumi.ResourceOption) (*LogArchive, error) {
	c := &LogArchive{KeyARNs: map[string]pulumi.StringOutput{}, Buckets: map[string]map[Purpose]*LogBucket{}, home: args.Region}
	if err := ctx.RegisterComponentResource("platform:security:LogArchive", name, c, opts...); err != nil {
		return nil, err
	}
	if err := c.keys(ctx, name, args); err != nil {
		return nil, fmt.Errorf("log archive %s: %w", name, err)
	}
	role, err := c.replicationRole(ctx, name, args)
	if err != nil {
		return nil, fmt.Errorf("log archive %s: %w", name, err)
	}
	// The DR twins first: replication needs its destinations.
	for _, region := range []string{args.DRRegion, args.Region} {
		if err := c.buckets(ctx, name, args, region, role); err != nil {
			return nil, fmt.Errorf("log archive %s: %w", name, err)
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{})
}

func (c *LogArchive) in(args LogArchiveArgs, region string) []pulumi.ResourceOption {
	return []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(args.Providers[region])}
}

// keys creates the key of each region, with an alias.
func (c *LogArchive) keys(ctx *pulumi.Context, name string, args LogArchiveArgs) error {
	keyPolicy, err := LogKeyPolicy(args.AccountID, args.InvestigationRole, args.Writers).JSON()
	if err != nil {
		return err
	}
	for _, region := range []string{args.Region, args.DRRegion} {
		key, err := kmskey.New(ctx, scope.Child(name, "key", region), pulumi.String("Encrypts the organization's logs in the Log Archive ("+region+")"),
			pulumi.String(keyPolicy), c.in(args, region)...)
		if err != nil {
			return fmt.Errorf("creating the key in %s: %w", region, err)
		}
		if _, err := kms.NewAlias(ctx, scope.Child(name, "key-alias", region), &kms.AliasArgs{
			Name: pulumi.String("alias/" + scope.Child(name, "key")), TargetKeyId: key.KeyId,
		}, c.in(args, region)...); err != nil {
			return fmt.Errorf("creating the key alias in %s: %w", region, err)
		}
		c.KeyARNs[region] = key.Arn
	}
	return nil
}

// replicationRole is the one role S3 replicates every home bucket to its DR twin with.
func (c *LogArchive) replicationRole(ctx *pulumi.Context, name string, args LogArchiveArgs) (*iam.Role, error) {
	home, dr := args.Region, args.DRRegion
	var sources, destinations []string
	for _, spec := range Buckets {
		sources = append(sources, "arn:aws:s3:::"+BucketName(args.Company, args.Stack, spec.Purpose, home))
		destinations = append(destinations, "arn:aws:s3:::"+BucketName(args.Company, args.Stack, spec.Purpose, dr))
	}
	role, err := iam.NewRole(ctx, scope.Child(name, "replication-role"), &iam.RoleArgs{
		Name:             pulumi.String(naming.Limited(scope.Child(name, "replication"), naming.MaxIAMRoleName)),
		Description:      pulumi.String("Replicates the Log Archive buckets to the DR region"),
		AssumeRolePolicy: pulumi.String(iampolicy.ServiceTrust("s3.amazonaws.com", args.AccountID).MustJSON()),
	}, c.in(args, home)...)
	if err != nil {
		return nil, fmt.Errorf("creating the replication role: %w", err)
	}
	if _, err := iam.NewRolePolicy(ctx, scope.Child(name, "replication-policy"), &iam.RolePolicyArgs{
		Role: role.Name,
		Name: pulumi.String("replicate-log-buckets"),
		Policy: pulumi.All(c.KeyARNs[home], c.KeyARNs[dr]).ApplyT(func(keys []any) (string, error) {
			return ReplicationPolicy(sources, destinations, keys[0].(string), keys[1].(string), home, dr).JSON()
		}).(pulumi.StringOutput),
	}, c.in(args, home)...); err != nil {
		return nil, fmt.Errorf("creating the replication policy: %w", err)
	}
	return role, nil
}

// buckets creates a region's buckets; the home region's replicate to their DR twins.
func (c *LogArchive) buckets(ctx *pulumi.Context, name string, args LogArchiveArgs, region string, role *iam.Role) error {
	c.Buckets[region] = map[Purpose]*LogBucket{}
	sink := BucketName(args.Company, args.Stack, PurposeAccessLogs, region)
	for _, spec := range Buckets {
		b := LogBucketArgs{
			Scope:   scope.Scope{Stack: args.Stack, AccountID: args.AccountID, Region: region, Provider: args.Providers[region], Tags: args.Tags},
			Company: args.Company, Spec: spec, Logs: args.Logs, KeyARN: c.KeyARNs[region], Writers: args.Writers,
			ReaderRole: args.InvestigationRole, AccessLogsBucket: pulumi.String(sink),
		}
		if region == args.Region {
			twin := c.Buckets[args.DRRegion][spec.Purpose]
			b.Replica = &Replica{BucketARN: twin.ARN, KeyARN: c.KeyARNs[args.DRRegion], RoleARN: role.Arn, Versioning: twin.Versioning}
		}
		// Depending on a component would race with the registration of its children: depend on resources.
		deps := []pulumi.Resource{}
		if !spec.Sink {
			deps = append(deps, c.Buckets[region][PurposeAccessLogs].Policy)
		}
		lb, err := NewLogBucket(ctx, scope.Child(name, string(spec.Purpose), region), b, pulumi.Parent(c), pulumi.DependsOn(deps))
		if err != nil {
			return fmt.Errorf("bucket %s in %s: %w", spec.Purpose, region, err)
		}
		c.Buckets[region][spec.Purpose] = lb
	}
	return nil
}

// FindingsDestinations are the GuardDuty findings bucket and key for each region: regions beyond home and DR
// export to the home region's.
func (c *LogArchive) FindingsDestinations(regions []string) (map[string]string, map[string]pulumi.StringOutput) {
	buckets, keys := map[string]string{}, map[string]pulumi.StringOutput{}
	for _, r := range regions {
		src := r
		if _, ok := c.Buckets[r]; !ok {
			src = c.home
		}
		buckets[r], keys[r] = c.Buckets[src][PurposeGuardDuty].ARN, c.KeyARNs[src]
	}
	return buckets, keys
}

// LogKeyPolicy lets the account administer the key; each log-delivering service encrypt for the organization's
// own accounts and resources only, with the conditions its documentation gives (CloudTrail: the trail's ARN and
// encryption context, plus a DescribeKey statement without the encryption-context condition that DescribeKey never
// carries; Config and log delivery: the organization's accounts; GuardDuty: Security Tooling's detectors); and the
// investigation role decrypt from any account of the organization.
func LogKeyPolicy(accountID, investigationRole string, w Writers) iampolicy.Document {
	principal := func(wr Writer) *iampolicy.Principal { return &iampolicy.Principal{Service: []string{string(wr)}} }
	fromTrail := iampolicy.Condition{"StringEquals": {"aws:SourceArn": {w.TrailARN}}}
	var logSources []string
	for _, id := range w.AccountIDs {
		logSources = append(logSources, "arn:aws:logs:*:"+id+":*")
	}
	return iampolicy.New(
		iampolicy.AccountAdministers(accountID),
		iampolicy.Statement{Sid: "CloudTrailEncrypts", Effect: iampolicy.Allow, Principal: principal(WriterCloudTrail),
			Action: []string{"kms:GenerateDataKey*"}, Resource: everything,
			Condition: iampolicy.Condition{
				"StringEquals": {"aws:SourceArn": {w.TrailARN}},
				"StringLike":   {"kms:EncryptionContext:aws:cloudtrail:arn": {"arn:aws:cloudtrail:*:" + w.ManagementAccountID + ":trail/*"}},
			}},
		iampolicy.Statement{Sid: "CloudTrailDescribesKey", Effect: iampolicy.Allow, Principal: principal(WriterCloudTrail),
			Action: []string{"kms:DescribeKey"}, Resource: everything, Condition: fromTrail},
		iampolicy.Statement{Sid: "TrailCreatorDecrypts", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: []string{w.TrailCreatorARN}},
			Action:    []string{"kms:Decrypt", "kms:DescribeKey"}, Resource: everything},
		iampolicy.Statement{Sid: "ConfigEncrypts", Effect: iampolicy.Allow, Principal: principal(WriterConfig),
			Action: []string{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: everything,
			Condition: iampolicy.Condition{"StringEquals": {"aws:SourceAccount": w.AccountIDs}}},
		iampolicy.Statement{Sid: "LogDeliveryEncrypts", Effect: iampolicy.Allow, Principal: principal(WriterLogDelivery),
			Action: []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}, Resource: everything,
			Condition: iampolicy.Condition{"StringEquals": {"aws:SourceAccount": w.AccountIDs}, "ArnLike": {"aws:SourceArn": logSources}}},
		iampolicy.Statement{Sid: "GuardDutyEncrypts", Effect: iampolicy.Allow, Principal: principal(WriterGuardDuty),
			Action: []string{"kms:GenerateDataKey"}, Resource: everything,
			Condition: iampolicy.Condition{
				"StringEquals": {"aws:SourceAccount": {w.SecurityToolingID}},
				"ArnLike":      {"aws:SourceArn": {"arn:aws:guardduty:*:" + w.SecurityToolingID + ":detector/*"}},
			}},
		iampolicy.Statement{Sid: "InvestigationDecrypts", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: []string{"*"}},
			Action:    []string{"kms:Decrypt", "kms:DescribeKey"}, Resource: everything,
			Condition: iampolicy.Condition{
				"StringEquals": {"aws:PrincipalOrgID": {w.OrgID}},
				"ArnLike":      {"aws:PrincipalArn": {"arn:aws:iam::*:role/" + investigationRole}},
			}},
	)
}

// ReplicationPolicy lets the replication role read the home buckets and write their replicas, decrypting with
// the home key and encrypting with the DR key through S3 only.
func ReplicationPolicy(sources, destinations []string, homeKey, drKey, home, dr string) iampolicy.Document {
	var sourceObjects, destObjects []string
	for _, s := range sources {
		sourceObjects = append(sourceObjects, s+"/*")
	}
	for _, d := range destinations {
		destObjects = append(destObjects, d+"/*")
	}
	return iampolicy.New(
		iampolicy.Statement{Sid: "ReadSourceConfiguration", Effect: iampolicy.Allow,
			Action: []string{"s3:GetReplicationConfiguration", "s3:ListBucket"}, Resource: sources},
		iampolicy.Statement{Sid: "ReadSourceObjects", Effect: iampolicy.Allow,
			Action: []string{"s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging",
				"s3:GetObjectRetention", "s3:GetObjectLegalHold"}, Resource: sourceObjects},
		iampolicy.Statement{Sid: "WriteReplicas", Effect: iampolicy.Allow,
			Action: []string{"s3:ReplicateObject", "s3:ReplicateTags"}, Resource: destObjects},
		iampolicy.Statement{Sid: "DecryptSource", Effect: iampolicy.Allow, Action: []string{"kms:Decrypt"}, Resource: []string{homeKey},
			Condition: iampolicy.Condition{"StringEquals": {"kms:ViaService": {"s3." + home + ".amazonaws.com"}}}},
		iampolicy.Statement{Sid: "EncryptReplica", Effect: iampolicy.Allow, Action: []string{"kms:Encrypt", "kms:GenerateDataKey"},
			Resource:  []string{drKey},
			Condition: iampolicy.Condition{"StringEquals": {"kms:ViaService": {"s3." + dr + ".amazonaws.com"}}}},
	)
}

var everything = []string{"*"}
