package providers

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"

	"github.com/innovate-inc/platform/internal/mocks"
)

func TestRoleARN(t *testing.T) {
	assert.Equal(t, "", Target{Key: "management", Region: "us-east-1"}.RoleARN(), "management uses the deployer's credentials")
	assert.Equal(t, "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole",
		Target{AccountID: "123456789012", RoleName: "OrganizationAccountAccessRole"}.RoleARN())
}

func TestAccountWithoutRoleIsRejected(t *testing.T) {
	mon := mocks.New("platform", "security", "us-east-1")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "security", Target{Key: "log-archive", Region: "us-east-1", AccountID: "123456789012"}, nil)
		return err
	}, pulumi.WithMocks("platform", "security", mon))
	assert.ErrorContains(t, err, `provider "log-archive": account 123456789012 needs a role name to assume`)
	assert.Empty(t, mon.Resources())
}
