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
)

// LogArchiveArgs configures the LogArchive.
type LogArchiveArgs struct {
	Env, Company      string
	HomeRegion        string
	DRRegion          string
	Providers         map[string]*aws.Provider // the Log Archive account, by region
	AccountID         string
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
	Buckets map[string]map[string]*LogBucket

	home string
}

// NewLogArchive registers the Log Archive.
func NewLogArchive(ctx *pulumi.Context, name string, args LogArchiveArgs, opts ...pulumi.ResourceOption) (*LogArchive, error) {
	c := &LogArchive{KeyARNs: map[string]pulumi.StringOutput{}, Buckets: map[string]map[string]*LogBucket{}, home: args.HomeRegion}
	if err := ctx.RegisterComponentResource("platform:security:LogArchive", name, c, opts...); err != nil {
		return nil, err
	}
	keyPolicy, err := LogKeyPolicy(args.AccountID, args.InvestigationRole, args.Writers).JSON()
	if err != nil {
		return nil, err
	}
	for _, region := range []string{args.HomeRegion, args.DRRegion} {
		key, err := kmskey.New(ctx, naming.Name(args.Env, "logs", "key", region), pulumi.String("Encrypts the organization's logs in the Log Archive ("+region+")"), pulumi.String(keyPolicy), pulumi.Parent(c), pulumi.Provider(args.Providers[region]))
		if err != nil {
			return nil, fmt.Errorf("creating log key in %s: %w", region, err)
		}
		if _, err := kms.NewAlias(ctx, naming.Name(args.Env, "logs", "key-alias", region), &kms.AliasArgs{
			Name: pulumi.String("alias/" + naming.Name(args.Env, "logs", "key")), TargetKeyId: key.KeyId,
		}, pulumi.Parent(c), pulumi.Provider(args.Providers[region])); err != nil {
			return nil, err
		}
		c.KeyARNs[region] = key.Arn
	}

	var sources, destinations []string
	for _, spec := range Buckets {
		sources = append(sources, "arn:aws:s3:::"+BucketName(args.Company, args.Env, spec.Purpose, args.HomeRegion))
		destinations = append(destinations, "arn:aws:s3:::"+BucketName(args.Company, args.Env, spec.Purpose, args.DRRegion))
	}
	roleName := naming.Limited(naming.Name(args.Env, "logs", "replication"), naming.MaxIAMRoleName)
	role, err := iam.NewRole(ctx, naming.Name(args.Env, "logs", "replication-role"), &iam.RoleArgs{
		Name:             pulumi.String(roleName),
		Description:      pulumi.String("Replicates the Log Archive buckets to the DR region"),
		AssumeRolePolicy: pulumi.String(iampolicy.ServiceTrust("s3.amazonaws.com", args.AccountID).MustJSON()),
	}, pulumi.Parent(c), pulumi.Provider(args.Providers[args.HomeRegion]))
	if err != nil {
		return nil, fmt.Errorf("creating replication role: %w", err)
	}
	if _, err := iam.NewRolePolicy(ctx, naming.Name(args.Env, "logs", "replication-policy"), &iam.RolePolicyArgs{
		Role: role.Name,
		Name: pulumi.String("replicate-log-buckets"),
		Policy: pulumi.All(c.KeyARNs[args.HomeRegion], c.KeyARNs[args.DRRegion]).ApplyT(func(keys []any) (string, error) {
			return ReplicationPolicy(sources, destinations, keys[0].(string), keys[1].(string), args.HomeRegion, args.DRRegion).JSON()
		}).(pulumi.StringOutput),
	}, pulumi.Parent(c), pulumi.Provider(args.Providers[args.HomeRegion])); err != nil {
		return nil, err
	}

	// The DR twins first: replication needs its destinations.
	for _, region := range []string{args.DRRegion, args.HomeRegion} {
		c.Buckets[region] = map[string]*LogBucket{}
		sink := BucketName(args.Company, args.Env, "access-logs", region)
		for _, spec := range Buckets {
			b := LogBucketArgs{
				Env: args.Env, Company: args.Company, Spec: spec, Region: region, Provider: args.Providers[region],
				Logs: args.Logs, KeyARN: c.KeyARNs[region], Writers: args.Writers, AccountID: args.AccountID,
				ReaderRole: args.InvestigationRole, AccessLogsBucket: pulumi.String(sink),
			}
			if region == args.HomeRegion {
				twin := c.Buckets[args.DRRegion][spec.Purpose]
				b.Replica = &Replica{BucketARN: twin.ARN, KeyARN: c.KeyARNs[args.DRRegion], RoleARN: role.Arn, Versioning: twin.Versioning}
			}
			// Depending on a component would race with the registration of its children: depend on resources.
			deps := []pulumi.Resource{}
			if !spec.Sink {
				deps = append(deps, c.Buckets[region]["access-logs"].Policy)
			}
			lb, err := NewLogBucket(ctx, naming.Name(args.Env, "logs", spec.Purpose, region), b, pulumi.Parent(c), pulumi.DependsOn(deps))
			if err != nil {
				return nil, fmt.Errorf("log bucket %s in %s: %w", spec.Purpose, region, err)
			}
			c.Buckets[region][spec.Purpose] = lb
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{})
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
		buckets[r], keys[r] = c.Buckets[src]["guardduty"].ARN, c.KeyARNs[src]
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
