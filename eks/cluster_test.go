package eks_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/eks"
	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/iampolicy/iamref"
	"github.com/innovate-inc/platform/internal/mocks"
	"github.com/innovate-inc/platform/internal/providers"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/internal/tags"
)

func TestVolumeKeyPolicyLetsAutoScalingEncrypt(t *testing.T) {
	doc := eks.VolumeKeyPolicy("111111111111", "us-east-1")
	assert.Empty(t, iamref.Catalog().Check(doc, iampolicy.Resource))
	assert.Equal(t, []string{"arn:aws:iam::111111111111:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"},
		doc.Statement[1].Principal.AWS)
	assert.Equal(t, []string{"true"}, doc.Statement[2].Condition["Bool"]["kms:GrantIsForAWSResource"])
}

func runCluster(t *testing.T, edit func(*eks.ClusterArgs)) (*mocks.Monitor, error) {
	s := fixtures.Stack(t, "staging")
	return fixtures.Run(t, "staging", "us-east-1", func(ctx *pulumi.Context) error {
		p, err := providers.New(ctx, "staging", providers.Target{Key: "staging", Region: "us-east-1", AccountID: "333333333333", RoleName: "R"}, nil)
		if err != nil {
			return err
		}
		args := eks.ClusterArgs{Scope: scope.Scope{Stack: "staging", Region: "us-east-1", AccountID: "333333333333", Provider: p, Tags: tags.ForStack(*s)},
			VPCID: pulumi.String("vpc-1"), VPCCIDR: "10.33.0.0/16", PrivateSubnetIDs: pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}),
			Config: s.Workload.EKS,
			AccessRoles: map[string]string{"BreakGlassAdmin": "arn:aws:iam::333333333333:role/bg", "PlatformEngineer": "arn:aws:iam::333333333333:role/pe",
				"ReadOnly": "arn:aws:iam::333333333333:role/ro"}}
		if edit != nil {
			edit(&args)
		}
		_, err = eks.NewCluster(ctx, "staging-eks", args)
		return err
	})
}

func TestClusterAlone(t *testing.T) {
	mon, err := runCluster(t, nil)
	require.NoError(t, err)
	c := mon.ByType("eks:index:Cluster")
	require.Len(t, c, 1)
	assert.Equal(t, false, mocks.Plain(c[0].Inputs)["endpointPublicAccess"])
	assert.Len(t, mon.ByType("aws:eks/addon:Addon"), 6)
	assert.Len(t, mon.ByType("aws:eks/accessEntry:AccessEntry"), 3)
	for _, k := range mon.ByType("aws:kms/key:Key") {
		assert.True(t, k.Protect, "keys are protected")
	}
}

func TestPublicEndpointOnlyForConfiguredCIDRs(t *testing.T) {
	mon, err := runCluster(t, func(a *eks.ClusterArgs) {
		a.Config.PublicAccessCIDRs = []string{"203.0.113.0/24"}
	})
	require.NoError(t, err)
	in := mocks.Plain(mon.ByType("eks:index:Cluster")[0].Inputs)
	assert.Equal(t, true, in["endpointPublicAccess"])
	assert.Equal(t, []any{"203.0.113.0/24"}, in["publicAccessCidrs"])
}

func TestAccessNeedsTheIdentityCenterRole(t *testing.T) {
	_, err := runCluster(t, func(a *eks.ClusterArgs) {
		a.Config.Access = append(a.Config.Access, config.ClusterAccess{PermissionSet: "Billing", Policy: "view"})
	})
	assert.ErrorContains(t, err, `no IAM Identity Center role for permission set "Billing"`)
}
