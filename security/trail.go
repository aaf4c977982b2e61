package security

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/cloudwatch"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/kmskey"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/scope"
)

// OrgTrailArgs configures the OrgTrail.
type OrgTrailArgs struct {
	// Scope is Security Tooling, the CloudTrail delegated administrator, in the home region.
	scope.Scope
	// TrailARN is the trail's ARN, in the management account (TrailARN).
	TrailARN string
	// Bucket is the Log Archive's CloudTrail bucket and KeyARN the Log Archive key of the home region.
	Bucket pulumi.StringInput
	KeyARN pulumi.StringInput
	// AuditBucketARNs get S3 data events (reads and writes of the audit logs are themselves audited). Never the
	// trail's own bucket: every delivery would be a data event, delivered in turn (a feedback loop of cost); S3
	// server access logging records access to it instead.
	AuditBucketARNs   []string
	LogGroupRetention int
}

// OrgTrail creates, from Security Tooling (the CloudTrail delegated administrator), the organization trail:
// multi-region, log file validation, KMS-encrypted into the Log Archive bucket, global service events, S3 data
// events on the audit buckets, and a copy to a KMS-encrypted CloudWatch Logs group (for metric filters and
// alarms) with its delivery role. The trail and the log group are protected.
//
// Cost: the first copy of management events is free; S3 data events are $0.10 per 100,000 events; CloudWatch
// Logs ingestion $0.50/GB.
//
// It exports the trail ARN and the log group ARN.
type OrgTrail struct {
	pulumi.ResourceState

	TrailARN    pulumi.StringOutput
	LogGroupARN pulumi.StringOutput
}

// NewOrgTrail registers the organization trail.
func NewOrgTrail(ctx *pulumi.Context, name string, args OrgTrailArgs, opts ...pulumi.ResourceOption) (*OrgTrail, error) {
	c := &OrgTrail{}
	if err := ctx.RegisterComponentResource("platform:security:OrgTrail", name, c, opts...); err != nil {
		return nil, err
	}
	child := args.In(c)
	trailName := TrailName(args.Stack)
	groupName := "/aws/cloudtrail/" + trailName

	keyPolicy, err := LogGroupKeyPolicy(args.AccountID, args.Region).JSON()
	if err != nil {
		return nil, fmt.Errorf("trail %s: %w", name, err)
	}
	key, err := kmskey.New(ctx, scope.Child(name, "log-group-key"), pulumi.String("Encrypts the organization trail's CloudWatch Logs group"), pulumi.String(keyPolicy), child...)
	if err != nil {
		return nil, fmt.Errorf("creating trail log group key: %w", err)
	}
	group, err := cloudwatch.NewLogGroup(ctx, scope.Child(name, "log-group"), cloudwatch.LogGroupArgs{
		Name:            groupName,
		RetentionInDays: args.LogGroupRetention,
		KMSKeyID:        key.Arn,
	}, append(child, pulumi.Protect(true), pulumi.RetainOnDelete(true))...)
	if err != nil {
		return nil, fmt.Errorf("creating trail log group: %w", err)
	}
	role, err := iam.NewRole(ctx, scope.Child(name, "logs-role"), &iam.RoleArgs{
		Name:        pulumi.String(naming.Limited(scope.Child(name, "logs"), naming.MaxIAMRoleName)),
		Description: pulumi.String("Lets CloudTrail deliver the organization trail to CloudWatch Logs"),
		// The organization trail is the management account's: CloudTrail assumes the role for that trail ARN.
		AssumeRolePolicy: pulumi.String(iampolicy.New(iampolicy.Statement{Sid: "CloudTrailAssumes", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: []string{"cloudtrail.amazonaws.com"}}, Action: []string{"sts:AssumeRole"},
			Condition: iampolicy.Condition{"StringEquals": {"aws:SourceArn": {args.TrailARN}}}}).MustJSON()),
	}, child...)
	if err != nil {
		return nil, fmt.Errorf("trail %s: creating the CloudWatch Logs role: %w", name, err)
	}
	if _, err := iam.NewRolePolicy(ctx, scope.Child(name, "logs-policy"), &iam.RolePolicyArgs{
		Role: role.Name,
		Name: pulumi.String("deliver-to-log-group"),
		Policy: group.Arn.ApplyT(func(arn string) (string, error) {
			return iampolicy.New(iampolicy.Statement{Sid: "DeliverTrailEvents", Effect: iampolicy.Allow,
				Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
				Resource: []string{arn + ":log-stream:*"}}).JSON()
		}).(pulumi.StringOutput),
	}, child...); err != nil {
		return nil, fmt.Errorf("trail %s: the CloudWatch Logs role policy: %w", name, err)
	}

	trail, err := cloudtrail.NewTrail(ctx, name, &cloudtrail.TrailArgs{
		Name:                       pulumi.String(trailName),
		S3BucketName:               args.Bucket,
		KmsKeyId:                   args.KeyARN,
		IsOrganizationTrail:        pulumi.Bool(true),
		IsMultiRegionTrail:         pulumi.Bool(true),
		IncludeGlobalServiceEvents: pulumi.Bool(true),
		EnableLogFileValidation:    pulumi.Bool(true),
		EnableLogging:              pulumi.Bool(true),
		CloudWatchLogsGroupArn:     pulumi.Sprintf("%s:*", group.Arn),
		CloudWatchLogsRoleArn:      role.Arn,
		AdvancedEventSelectors:     TrailSelectors(args.AuditBucketARNs),
	}, append(child, pulumi.Protect(true), pulumi.RetainOnDelete(true))...)
	if err != nil {
		return nil, fmt.Errorf("creating organization trail: %w", err)
	}
	c.TrailARN, c.LogGroupARN = trail.Arn, group.Arn
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"trailArn": trail.Arn})
}

// TrailName is the organization trail's name in a stack.
func TrailName(stack string) string { return naming.Name(stack, "org", "trail") }

// TrailARN is the organization trail's ARN: it names the management account, which owns organization resources
// even when a delegated administrator creates them, so key and bucket policies must name it too.
func TrailARN(region, managementAccountID, stack string) string {
	return fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", region, managementAccountID, TrailName(stack))
}

// TrailSelectors logs every management event and the S3 data events on the audit buckets.
func TrailSelectors(auditBuckets []string) cloudtrail.TrailAdvancedEventSelectorArray {
	var prefixes []string
	for _, b := range auditBuckets {
		prefixes = append(prefixes, b+"/")
	}
	return cloudtrail.TrailAdvancedEventSelectorArray{
		cloudtrail.TrailAdvancedEventSelectorArgs{
			Name: pulumi.String("management-events"),
			FieldSelectors: cloudtrail.TrailAdvancedEventSelectorFieldSelectorArray{
				cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("eventCategory"), Equals: pulumi.ToStringArray([]string{"Management"})},
			},
		},
		cloudtrail.TrailAdvancedEventSelectorArgs{
			Name: pulumi.String("audit-bucket-data-events"),
			FieldSelectors: cloudtrail.TrailAdvancedEventSelectorFieldSelectorArray{
				cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("eventCategory"), Equals: pulumi.ToStringArray([]string{"Data"})},
				cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("resources.type"), Equals: pulumi.ToStringArray([]string{"AWS::S3::Object"})},
				cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("resources.ARN"), StartsWiths: pulumi.ToStringArray(prefixes)},
			},
		},
	}
}

// LogGroupKeyPolicy lets the account administer the key and CloudWatch Logs of this region use it for this
// account's log groups only.
func LogGroupKeyPolicy(accountID, region string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.AccountAdministers(accountID),
		iampolicy.Statement{Sid: "CloudWatchLogsUse", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: []string{"logs." + region + ".amazonaws.com"}},
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  everything,
			Condition: iampolicy.Condition{"ArnLike": {"kms:EncryptionContext:aws:logs:arn": {
				fmt.Sprintf("arn:aws:logs:%s:%s:log-group:*", region, accountID)}}}},
	)
}
