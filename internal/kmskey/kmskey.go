// Package kmskey creates the platform's customer-managed KMS keys, all the same way.
package kmskey

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DeletionWindowDays is the deletion window of every key: the longest AWS allows, and the minimum the
// security-baseline guardrail accepts.
const DeletionWindowDays = 30

// New creates a symmetric key with yearly rotation and a 30-day deletion window, protected and retained on
// delete: deleting a key makes everything it encrypted unreadable. Cost: $1/month per key plus requests.
func New(ctx *pulumi.Context, name string, description, policy pulumi.StringInput, opts ...pulumi.ResourceOption) (*kms.Key, error) {
	return kms.NewKey(ctx, name, &kms.KeyArgs{
		Description:          description,
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(DeletionWindowDays),
		Policy:               policy,
	}, append(opts, pulumi.Protect(true), pulumi.RetainOnDelete(true))...)
}
