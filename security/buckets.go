package security

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/elblogs"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/scope"
)

// Writer is the service that delivers into a log bucket.
type Writer string

const (
	WriterCloudTrail      Writer = "cloudtrail.amazonaws.com"
	WriterConfig          Writer = "config.amazonaws.com"
	WriterLogDelivery     Writer = "delivery.logs.amazonaws.com" // VPC flow logs and Network Firewall logs
	WriterGuardDuty       Writer = "guardduty.amazonaws.com"
	WriterELB             Writer = elblogs.ServicePrincipal
	WriterS3ServerLogging Writer = "logging.s3.amazonaws.com"
)

// Purpose is what a Log Archive bucket holds; downstream stacks find the buckets by purpose.
type Purpose string

// The purposes of the Log Archive's buckets.
const (
	PurposeAccessLogs      Purpose = "access-logs"
	PurposeCloudTrail      Purpose = "cloudtrail"
	PurposeConfig          Purpose = "config"
	PurposeFlowLogs        Purpose = "flow-logs"
	PurposeNetworkFirewall Purpose = "network-firewall"
	PurposeGuardDuty       Purpose = "guardduty"
	PurposeLBAccessLogs    Purpose = "lb-access-logs"
)

// DeliveredByOtherStacks are the purposes whose buckets other stacks deliver to: the security stack exports them.
var DeliveredByOtherStacks = []Purpose{PurposeFlowLogs, PurposeNetworkFirewall, PurposeLBAccessLogs}

// BucketSpec is one kind of log bucket in the Log Archive.
type BucketSpec struct {
	Purpose Purpose
	Writer  Writer
	// KMS encrypts with the Log Archive key (SSE-KMS with an S3 bucket key). It is off where the writing service
	// cannot write to SSE-KMS buckets: ALB access logs and S3 server access logs accept only SSE-S3.
	KMS bool
	// ObjectLock puts the bucket under a compliance-mode lock (the audit buckets).
	ObjectLock bool
	// Sink is the server-access-log target of the other buckets; it does not log itself.
	Sink bool
}

// Buckets are the Log Archive's buckets, each in the home region with a replica in the DR region.
var Buckets = []BucketSpec{
	{Purpose: PurposeAccessLogs, Writer: WriterS3ServerLogging, Sink: true},
	{Purpose: PurposeCloudTrail, Writer: WriterCloudTrail, KMS: true, ObjectLock: true},
	// No Object Lock on the Config bucket: AWS Config cannot deliver to a bucket with Object Lock enabled
	// (AWS::Config::DeliveryChannel), and Object Lock can never be turned off. Its data stays immutable through
	// versioning, the policy that denies object deletion to everyone, the Security OU guardrail that denies
	// changing the bucket's policy, versioning or lifecycle, and replication to the DR region.
	{Purpose: PurposeConfig, Writer: WriterConfig, KMS: true},
	{Purpose: PurposeFlowLogs, Writer: WriterLogDelivery, KMS: true},
	{Purpose: PurposeNetworkFirewall, Writer: WriterLogDelivery, KMS: true},
	{Purpose: PurposeGuardDuty, Writer: WriterGuardDuty, KMS: true},
	{Purpose: PurposeLBAccessLogs, Writer: WriterELB},
}

// BucketName is the physical name of a log bucket: globally unique names are capped at 63 characters.
func BucketName(company, stack string, purpose Purpose, region string) string {
	return naming.Limited(naming.Name(company, stack, string(purpose), region), naming.MaxS3BucketName)
}

// Writers are the accounts and resources whose services write into the Log Archive, for the aws:SourceAccount and
// aws:SourceArn conditions each service documents (a service principal guarded by aws:SourceOrgID alone would
// write for any account that names the bucket).
type Writers struct {
	OrgID string
	// ManagementAccountID owns the organization trail, even though Security Tooling creates it.
	ManagementAccountID string
	// TrailARN is the organization trail (arn:aws:cloudtrail:<home>:<management>:trail/<name>).
	TrailARN string
	// SecurityToolingID runs GuardDuty, the only writer of findings.
	SecurityToolingID string
	// TrailCreatorARN is the role that creates and updates the trail from Security Tooling (the deploy role): with
	// S3 Bucket Keys on the destination, CreateTrail and UpdateTrail need kms:Decrypt on the key.
	TrailCreatorARN string
	// AccountIDs are every account of the organization, the management account included (Config recorders, flow
	// logs, firewall logs, load balancers).
	AccountIDs []string
}

// BucketPolicyArgs is what a log bucket's policy needs.
type BucketPolicyArgs struct {
	Spec      BucketSpec
	BucketARN string
	Region    string
	// AccountID is the Log Archive account (the only source of server access logs).
	AccountID string
	// ReaderRole is the investigation role allowed to read from any account of the organization.
	ReaderRole string
	Writers    Writers
}

// BucketPolicy is the log bucket's policy: TLS only, no object deletion by anyone, writes only by the bucket's
// service for the organization's own accounts and resources (the conditions and object paths each service
// documents), reads by the investigation role.
func BucketPolicy(a BucketPolicyArgs) iampolicy.Document {
	objects := a.BucketARN + "/*"
	w := a.Writers
	everyone := &iampolicy.Principal{AWS: []string{"*"}}
	service := &iampolicy.Principal{Service: []string{string(a.Spec.Writer)}}
	st := []iampolicy.Statement{
		iampolicy.DenyInsecureTransport([]string{"s3:*"}, a.BucketARN, objects),
		{Sid: "DenyObjectDeletion", Effect: iampolicy.Deny, Principal: everyone,
			Action:   []string{"s3:DeleteObject", "s3:DeleteObjectVersion"},
			Resource: []string{a.BucketARN, objects}},
		{Sid: "InvestigationRead", Effect: iampolicy.Allow, Principal: everyone,
			Action: []string{"s3:GetObject", "s3:ListBucket"}, Resource: []string{a.BucketARN, objects},
			Condition: iampolicy.Condition{
				"StringEquals": {"aws:PrincipalOrgID": {w.OrgID}},
				"ArnLike":      {"aws:PrincipalArn": {"arn:aws:iam::*:role/" + a.ReaderRole}},
			}},
	}
	perAccount := func(suffix string) []string {
		var out []string
		for _, id := range w.AccountIDs {
			out = append(out, a.BucketARN+"/AWSLogs/"+id+suffix)
		}
		return out
	}
	hivePerAccount := func() []string {
		var out []string
		for _, id := range w.AccountIDs {
			out = append(out, a.BucketARN+"/AWSLogs/aws-account-id="+id+"/*")
		}
		return out
	}
	fromAccounts := iampolicy.Condition{"StringEquals": {"aws:SourceAccount": w.AccountIDs}}
	switch a.Spec.Writer {
	case WriterS3ServerLogging:
		st = append(st, iampolicy.Statement{Sid: "ServerAccessLogsWrite", Effect: iampolicy.Allow, Principal: service,
			Action: []string{"s3:PutObject"}, Resource: []string{objects},
			Condition: iampolicy.Condition{"StringEquals": {"aws:SourceAccount": {a.AccountID}}}})
	case WriterELB:
		// Load balancers write under their own account's path only; older regions write as the regional ELB account.
		principal := service
		var cond iampolicy.Condition
		if acct, ok := elblogs.Account(a.Region); ok {
			principal = &iampolicy.Principal{AWS: []string{acct}}
		} else {
			cond = fromAccounts
		}
		st = append(st, iampolicy.Statement{Sid: "LoadBalancerLogsWrite", Effect: iampolicy.Allow, Principal: principal,
			Action: []string{"s3:PutObject"}, Resource: perAccount("/*"), Condition: cond})
	case WriterGuardDuty:
		fromGuardDuty := iampolicy.Condition{
			"StringEquals": {"aws:SourceAccount": {w.SecurityToolingID}},
			"ArnLike":      {"aws:SourceArn": {"arn:aws:guardduty:*:" + w.SecurityToolingID + ":detector/*"}},
		}
		st = append(st,
			iampolicy.Statement{Sid: "GuardDutyLocation", Effect: iampolicy.Allow, Principal: service,
				Action: []string{"s3:GetBucketLocation"}, Resource: []string{a.BucketARN}, Condition: fromGuardDuty},
			iampolicy.Statement{Sid: "GuardDutyWrite", Effect: iampolicy.Allow, Principal: service,
				Action: []string{"s3:PutObject"}, Resource: []string{objects}, Condition: fromGuardDuty})
	case WriterCloudTrail:
		// An organization trail writes the management account's events under AWSLogs/<management>/ and the members'
		// under AWSLogs/<organization id>/; its ARN is the management account's even when a delegated administrator
		// created it.
		fromTrail := iampolicy.Condition{"StringEquals": {"aws:SourceArn": {w.TrailARN}}}
		st = append(st,
			iampolicy.Statement{Sid: "CloudTrailAclCheck", Effect: iampolicy.Allow, Principal: service,
				Action: []string{"s3:GetBucketAcl"}, Resource: []string{a.BucketARN}, Condition: fromTrail},
			iampolicy.Statement{Sid: "CloudTrailWrite", Effect: iampolicy.Allow, Principal: service,
				Action:    []string{"s3:PutObject"},
				Resource:  []string{a.BucketARN + "/AWSLogs/" + w.ManagementAccountID + "/*", a.BucketARN + "/AWSLogs/" + w.OrgID + "/*"},
				Condition: fromTrail})
	case WriterConfig:
		st = append(st,
			iampolicy.Statement{Sid: "ConfigAclCheck", Effect: iampolicy.Allow, Principal: service,
				Action: []string{"s3:GetBucketAcl", "s3:ListBucket"}, Resource: []string{a.BucketARN}, Condition: fromAccounts},
			iampolicy.Statement{Sid: "ConfigWrite", Effect: iampolicy.Allow, Principal: service,
				Action: []string{"s3:PutObject"}, Resource: perAccount("/Config/*"), Condition: fromAccounts})
	default: // log delivery: VPC flow logs and Network Firewall logs, each under AWSLogs/<its account>/ (flow logs
		// with Hive-compatible partitions under AWSLogs/aws-account-id=<its account>/).
		var sources []string
		for _, id := range w.AccountIDs {
			sources = append(sources, "arn:aws:logs:*:"+id+":*")
		}
		fromDelivery := iampolicy.Condition{"StringEquals": {"aws:SourceAccount": w.AccountIDs}, "ArnLike": {"aws:SourceArn": sources}}
		st = append(st,
			iampolicy.Statement{Sid: "LogDeliveryAclCheck", Effect: iampolicy.Allow, Principal: service,
				Action: []string{"s3:GetBucketAcl", "s3:ListBucket"}, Resource: []string{a.BucketARN}, Condition: fromDelivery},
			iampolicy.Statement{Sid: "LogDeliveryWrite", Effect: iampolicy.Allow, Principal: service,
				Action: []string{"s3:PutObject"}, Resource: append(perAccount("/*"), hivePerAccount()...), Condition: fromDelivery})
	}
	return iampolicy.New(st...)
}

// LogBucketArgs configures one LogBucket.
type LogBucketArgs struct {
	// Scope is the Log Archive account in the bucket's region.
	scope.Scope
	Company string
	Spec    BucketSpec
	Logs    config.LogRetention
	// KeyARN encrypts the bucket when Spec.KMS.
	KeyARN     pulumi.StringInput
	ReaderRole string
	Writers    Writers
	// AccessLogsBucket receives the server access logs (unset for the sink itself).
	AccessLogsBucket pulumi.StringInput
	// Replica, when set, replicates every object to the DR-region bucket.
	Replica *Replica
}

// Replica is where a bucket replicates to.
type Replica struct {
	BucketARN string
	// Versioning is the destination's versioning: S3 refuses a replication rule until both sides are versioned.
	Versioning pulumi.Resource
	KeyARN     pulumi.StringInput
	RoleARN    pulumi.StringInput
}

// LogBucket is one Log Archive bucket with its settings: versioning, default encryption, public access block,
// BucketOwnerEnforced, the policy, server access logging, lifecycle, object lock and replication. The bucket is
// protected and retained on delete, and never force-destroyed.
type LogBucket struct {
	pulumi.ResourceState

	Name   string
	ARN    string
	Bucket *s3.BucketV2
	// Versioning is what a replication configuration into this bucket waits for.
	Versioning *s3.BucketVersioningV2
	// Policy is what delivering services check before they write: depend on it, not on the component.
	Policy *s3.BucketPolicy
}

// NewLogBucket registers a log bucket: the bucket and what locks it down, the policy, logging and lifecycle, the
// object lock, the replication.
func NewLogBucket(ctx *pulumi.Context, name string, args LogBucketArgs, opts ...pulumi.ResourceOption) (*LogBucket, error) {
	c := &LogBucket{Name: BucketName(args.Company, args.Stack, args.Spec.Purpose, args.Region)}
	c.ARN = "arn:aws:s3:::" + c.Name
	if err := ctx.RegisterComponentResource("platform:security:LogBucket", name, c, opts...); err != nil {
		return nil, err
	}
	for _, step := range []func(*pulumi.Context, string, LogBucketArgs) error{c.bucket, c.policy, c.lifecycle, c.objectLock, c.replication} {
		if err := step(ctx, name, args); err != nil {
			return nil, fmt.Errorf("bucket %s: %w", c.Name, err)
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"bucket": pulumi.String(c.Name)})
}

// bucket creates the bucket (protected, retained, never force-destroyed) with its public access block,
// BucketOwnerEnforced, versioning and default encryption.
func (c *LogBucket) bucket(ctx *pulumi.Context, name string, args LogBucketArgs) error {
	bucket, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		Bucket:            pulumi.String(c.Name),
		ForceDestroy:      pulumi.Bool(false),
		ObjectLockEnabled: pulumi.Bool(args.Spec.ObjectLock),
	}, args.In(c, pulumi.Protect(true), pulumi.RetainOnDelete(true))...)
	if err != nil {
		return fmt.Errorf("creating the bucket: %w", err)
	}
	c.Bucket = bucket
	id := bucket.ID().ToStringOutput()
	if _, err := s3.NewBucketPublicAccessBlock(ctx, scope.Child(name, "public-access-block"), &s3.BucketPublicAccessBlockArgs{
		Bucket: id, BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, args.In(c)...); err != nil {
		return fmt.Errorf("blocking public access: %w", err)
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, scope.Child(name, "ownership"), &s3.BucketOwnershipControlsArgs{
		Bucket: id, Rule: s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, args.In(c)...); err != nil {
		return fmt.Errorf("enforcing bucket ownership: %w", err)
	}
	if c.Versioning, err = s3.NewBucketVersioningV2(ctx, scope.Child(name, "versioning"), &s3.BucketVersioningV2Args{
		Bucket: id, VersioningConfiguration: s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, args.In(c)...); err != nil {
		return fmt.Errorf("versioning: %w", err)
	}
	sse := s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{SseAlgorithm: pulumi.String("AES256")}
	if args.Spec.KMS {
		sse = s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
			SseAlgorithm: pulumi.String("aws:kms"), KmsMasterKeyId: args.KeyARN}
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, scope.Child(name, "encryption"), &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: id,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: sse,
			BucketKeyEnabled:                   pulumi.Bool(args.Spec.KMS),
		}},
	}, args.In(c)...); err != nil {
		return fmt.Errorf("default encryption: %w", err)
	}
	return nil
}

// policy creates the bucket policy and, but for the sink, server access logging into the sink.
func (c *LogBucket) policy(ctx *pulumi.Context, name string, args LogBucketArgs) error {
	id := c.Bucket.ID().ToStringOutput()
	policy, err := BucketPolicy(BucketPolicyArgs{Spec: args.Spec, BucketARN: c.ARN, Region: args.Region,
		AccountID: args.AccountID, ReaderRole: args.ReaderRole, Writers: args.Writers}).JSON()
	if err != nil {
		return err
	}
	if c.Policy, err = s3.NewBucketPolicy(ctx, scope.Child(name, "policy"), &s3.BucketPolicyArgs{Bucket: id, Policy: pulumi.String(policy)}, args.In(c)...); err != nil {
		return fmt.Errorf("creating the policy: %w", err)
	}
	if args.Spec.Sink {
		return nil
	}
	if _, err := s3.NewBucketLoggingV2(ctx, scope.Child(name, "logging"), &s3.BucketLoggingV2Args{
		Bucket: id, TargetBucket: args.AccessLogsBucket, TargetPrefix: pulumi.String(c.Name + "/"),
	}, args.In(c)...); err != nil {
		return fmt.Errorf("server access logging: %w", err)
	}
	return nil
}

// lifecycle tiers objects down, expires them, and aborts incomplete uploads.
func (c *LogBucket) lifecycle(ctx *pulumi.Context, name string, args LogBucketArgs) error {
	l := args.Logs
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, scope.Child(name, "lifecycle"), &s3.BucketLifecycleConfigurationV2Args{
		Bucket: c.Bucket.ID().ToStringOutput(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:     pulumi.String("tier-and-expire"),
			Status: pulumi.String("Enabled"),
			Filter: s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			Transitions: s3.BucketLifecycleConfigurationV2RuleTransitionArray{
				s3.BucketLifecycleConfigurationV2RuleTransitionArgs{Days: pulumi.Int(l.InfrequentAccessAfterDays), StorageClass: pulumi.String("STANDARD_IA")},
				s3.BucketLifecycleConfigurationV2RuleTransitionArgs{Days: pulumi.Int(l.GlacierAfterDays), StorageClass: pulumi.String("GLACIER")},
			},
			Expiration:                     s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(l.RetentionDays)},
			NoncurrentVersionExpiration:    s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(30)},
			AbortIncompleteMultipartUpload: s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(7)},
		}},
	}, args.In(c, pulumi.DependsOn([]pulumi.Resource{c.Versioning}))...); err != nil {
		return fmt.Errorf("lifecycle: %w", err)
	}
	return nil
}

// objectLock puts the audit buckets under a compliance-mode lock.
func (c *LogBucket) objectLock(ctx *pulumi.Context, name string, args LogBucketArgs) error {
	if !args.Spec.ObjectLock {
		return nil
	}
	if _, err := s3.NewBucketObjectLockConfigurationV2(ctx, scope.Child(name, "object-lock"), &s3.BucketObjectLockConfigurationV2Args{
		Bucket:            c.Bucket.ID().ToStringOutput(),
		ObjectLockEnabled: pulumi.String("Enabled"),
		Rule: s3.BucketObjectLockConfigurationV2RuleArgs{DefaultRetention: s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
			Mode: pulumi.String("COMPLIANCE"), Days: pulumi.Int(args.Logs.ObjectLockDays)}},
	}, args.In(c, pulumi.Protect(true))...); err != nil {
		return fmt.Errorf("object lock: %w", err)
	}
	return nil
}

// replication replicates every object to the DR twin, once both sides are versioned.
func (c *LogBucket) replication(ctx *pulumi.Context, name string, args LogBucketArgs) error {
	r := args.Replica
	if r == nil {
		return nil
	}
	dest := s3.BucketReplicationConfigRuleDestinationArgs{Bucket: pulumi.String(r.BucketARN), StorageClass: pulumi.String("STANDARD_IA")}
	var criteria s3.BucketReplicationConfigRuleSourceSelectionCriteriaPtrInput
	if args.Spec.KMS {
		dest.EncryptionConfiguration = s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs{ReplicaKmsKeyId: r.KeyARN}
		criteria = s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs{
			SseKmsEncryptedObjects: s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs{Status: pulumi.String("Enabled")}}
	}
	if _, err := s3.NewBucketReplicationConfig(ctx, scope.Child(name, "replication"), &s3.BucketReplicationConfigArgs{
		Bucket: c.Bucket.ID().ToStringOutput(),
		Role:   r.RoleARN,
		Rules: s3.BucketReplicationConfigRuleArray{s3.BucketReplicationConfigRuleArgs{
			Id:                      pulumi.String("to-dr-region"),
			Status:                  pulumi.String("Enabled"),
			Filter:                  s3.BucketReplicationConfigRuleFilterArgs{Prefix: pulumi.String("")},
			DeleteMarkerReplication: s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs{Status: pulumi.String("Disabled")},
			Destination:             dest,
			SourceSelectionCriteria: criteria,
		}},
	}, args.In(c, pulumi.DependsOn([]pulumi.Resource{c.Versioning, r.Versioning}))...); err != nil {
		return fmt.Errorf("replication: %w", err)
	}
	return nil
}
