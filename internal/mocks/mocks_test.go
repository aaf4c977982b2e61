package mocks_test

import (
	"regexp"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/mocks"
	"github.com/innovate-inc/platform/internal/providers"
)

func TestAccountIDsAreDeterministicTwelveDigits(t *testing.T) {
	id := mocks.AccountID("aws-prod@example.com")
	assert.Regexp(t, regexp.MustCompile(`^[1-9][0-9]{11}$`), id)
	assert.Equal(t, id, mocks.AccountID("aws-prod@example.com"))
	assert.NotEqual(t, id, mocks.AccountID("aws-dev@example.com"))
}

// Resources and invokes answer for the account and region of their provider.
func TestProviderDecidesAccountAndRegion(t *testing.T) {
	mon := mocks.New("platform", "security", "us-east-1")
	var callerAccount, azs string
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		p, err := providers.New(ctx, "security", providers.Target{Key: "log-archive", Region: "us-west-2",
			AccountID: "123456789012", RoleName: "OrganizationAccountAccessRole"}, map[string]string{"team": "platform"})
		if err != nil {
			return err
		}
		if _, err := kms.NewKey(ctx, "key", &kms.KeyArgs{}, pulumi.Provider(p)); err != nil {
			return err
		}
		id, err := aws.GetCallerIdentity(ctx, nil, pulumi.Provider(p))
		if err != nil {
			return err
		}
		callerAccount = id.AccountId
		zones, err := aws.GetAvailabilityZones(ctx, nil, pulumi.Provider(p))
		if err != nil {
			return err
		}
		azs = zones.Names[0] + "," + zones.ZoneIds[0]
		return nil
	}, pulumi.WithMocks("platform", "security", mon))
	require.NoError(t, err)
	assert.Equal(t, "123456789012", callerAccount)
	assert.Equal(t, "us-west-2a,usw2-az1", azs)
	key := mon.ByType("aws:kms/key:Key")
	require.Len(t, key, 1)
	assert.Equal(t, "123456789012", key[0].Account)
	assert.Equal(t, "us-west-2", key[0].Region)
	assert.Regexp(t, `^arn:aws:kms:us-west-2:123456789012:key/[0-9a-f-]{36}$`, mocks.Plain(key[0].Outputs)["arn"])

	prov := mon.ByType("pulumi:providers:aws")
	require.Len(t, prov, 1)
	in := mocks.Plain(prov[0].Inputs)
	assert.Equal(t, "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole", in["assumeRole"].(map[string]any)["roleArn"])
	assert.Equal(t, providers.SessionName, in["assumeRole"].(map[string]any)["sessionName"])
	assert.Equal(t, []any{"123456789012"}, in["allowedAccountIds"])
}

func TestUnknownInvokeFailsLoudly(t *testing.T) {
	mon := mocks.New("platform", "org", "us-east-1")
	_, err := mon.Call(pulumi.MockCallArgs{Token: "aws:ec2/getVpc:getVpc"})
	assert.ErrorContains(t, err, "no mock for invoke aws:ec2/getVpc:getVpc")
}

func TestPlainHidesSecrets(t *testing.T) {
	pm := resource.PropertyMap{
		"password": resource.MakeSecret(resource.NewProperty("hunter2")),
		"name":     resource.NewProperty("db"),
		"nested":   resource.NewProperty(resource.PropertyMap{"token": resource.MakeSecret(resource.NewProperty("t"))}),
	}
	assert.Equal(t, map[string]any{"password": "[secret]", "name": "db", "nested": map[string]any{"token": "[secret]"}}, mocks.Plain(pm))
}

func TestStackReferenceReadsPlannedOutputs(t *testing.T) {
	mon := mocks.New("platform", "network", "us-east-1", mocks.WithStackOutputs("acme/platform/org", map[string]any{"rootId": "r-abcd"}))
	var got any
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		sr, err := pulumi.NewStackReference(ctx, "acme/platform/org", nil)
		if err != nil {
			return err
		}
		d, err := sr.GetOutputDetails("rootId")
		got = d.Value
		return err
	}, pulumi.WithMocks("platform", "network", mon))
	require.NoError(t, err)
	assert.Equal(t, "r-abcd", got)
	assert.Equal(t, []string{"acme/platform/org"}, mon.References())
}

// An adopted resource is recorded with the ID it imports, so the plan shows which registrations adopt
// existing infrastructure instead of creating it.
func TestImportIDIsRecorded(t *testing.T) {
	mon := mocks.New("platform", "security", "us-east-1")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		if _, err := kms.NewKey(ctx, "adopted", &kms.KeyArgs{}, pulumi.Import(pulumi.ID("1234abcd-12ab-34cd-56ef-1234567890ab"))); err != nil {
			return err
		}
		_, err := kms.NewKey(ctx, "created", &kms.KeyArgs{})
		return err
	}, pulumi.WithMocks("platform", "security", mon))
	require.NoError(t, err)
	adopted, ok := mon.Named("aws:kms/key:Key", "adopted")
	require.True(t, ok)
	assert.Equal(t, "1234abcd-12ab-34cd-56ef-1234567890ab", adopted.Import)
	created, ok := mon.Named("aws:kms/key:Key", "created")
	require.True(t, ok)
	assert.Empty(t, created.Import)
}
