// Package providers creates the explicit AWS providers every component receives: one per target account and
// region. Components never use ambient credentials; the program builds the providers here and passes them down.
package providers

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/internal/naming"
)

// SessionName is the assume-role session name, so CloudTrail shows which tool acted.
const SessionName = "pulumi-innovate-platform"

// Target is an account and region to reach.
type Target struct {
	// Key names the provider (management, log-archive, ...); the provider is named "<stack>-aws-<key>-<region>".
	Key    string
	Region string
	// AccountID is empty for the management account, reached with the deployer's own credentials.
	AccountID string
	// RoleName is the role assumed in AccountID (the organization access role).
	RoleName string
}

// RoleARN is the ARN of the role assumed in the target account, or "" for the management account.
func (t Target) RoleARN() string {
	if t.AccountID == "" {
		return ""
	}
	return fmt.Sprintf("arn:aws:iam::%s:role/%s", t.AccountID, t.RoleName)
}

// New creates the provider for a target with the stack's tags as default tags.
func New(ctx *pulumi.Context, stack string, t Target, defaultTags map[string]string) (*aws.Provider, error) {
	args := &aws.ProviderArgs{
		Region:      pulumi.String(t.Region),
		DefaultTags: aws.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(defaultTags)},
	}
	if t.AccountID != "" {
		if t.RoleName == "" {
			return nil, fmt.Errorf("provider %q: account %s needs a role name to assume", t.Key, t.AccountID)
		}
		args.AllowedAccountIds = pulumi.ToStringArray([]string{t.AccountID})
		args.AssumeRole = aws.ProviderAssumeRoleArgs{
			RoleArn:     pulumi.String(t.RoleARN()),
			SessionName: pulumi.String(SessionName),
		}
	}
	p, err := aws.NewProvider(ctx, naming.Name(stack, "aws", t.Key, t.Region), args)
	if err != nil {
		return nil, fmt.Errorf("creating AWS provider for %s in %s: %w", t.Key, t.Region, err)
	}
	return p, nil
}
