package rds_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/mocks"
	"github.com/innovate-inc/platform/internal/providers"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/rds"
)

func runDatabase(t *testing.T, replica bool) (*mocks.Monitor, error) {
	cfg := fixtures.Stack(t, "dev").Workload.Database
	cfg.ReadReplica = replica
	return fixtures.Run(t, "dev", "us-east-1", func(ctx *pulumi.Context) error {
		p, err := providers.New(ctx, "dev", providers.Target{Key: "dev", Region: "us-east-1", AccountID: "444444444444", RoleName: "R"}, nil)
		if err != nil {
			return err
		}
		dr, err := providers.New(ctx, "dev", providers.Target{Key: "dev", Region: "us-west-2", AccountID: "444444444444", RoleName: "R"}, nil)
		if err != nil {
			return err
		}
		_, err = rds.NewDatabase(ctx, "dev-database", rds.DatabaseArgs{
			Scope:    scope.Scope{Stack: "dev", Region: "us-east-1", AccountID: "444444444444", Provider: p},
			DRRegion: "us-west-2", DRProvider: dr, VPCID: pulumi.String("vpc-1"),
			DatabaseSubnetIDs: pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}), Port: 5432,
			ClientSecurityGroupID: pulumi.String("sg-nodes"), Config: cfg, BackupAccountID: "555555555555"})
		return err
	})
}

func TestReadReplicaIsOffByDefaultAndEncryptedWhenOn(t *testing.T) {
	mon, err := runDatabase(t, false)
	require.NoError(t, err)
	require.Len(t, mon.ByType("aws:rds/instance:Instance"), 1)

	mon, err = runDatabase(t, true)
	require.NoError(t, err)
	instances := mon.ByType("aws:rds/instance:Instance")
	require.Len(t, instances, 2)
	replica, ok := mon.Named("aws:rds/instance:Instance", "dev-postgres-replica")
	require.True(t, ok)
	in := mocks.Plain(replica.Inputs)
	assert.Equal(t, "dev-postgres", in["replicateSourceDb"])
	assert.Equal(t, true, in["storageEncrypted"])
	assert.Equal(t, false, in["publiclyAccessible"])
	sg := mon.ByType("aws:ec2/securityGroup:SecurityGroup")
	require.Len(t, sg, 1)
	assert.Equal(t, sg[0].ID, in["vpcSecurityGroupIds"].([]any)[0], "the replica admits the same single source")
}

func TestDRReplicationAndRotation(t *testing.T) {
	mon, err := runDatabase(t, false)
	require.NoError(t, err)
	repl := mon.ByType("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication")
	require.Len(t, repl, 1)
	assert.Equal(t, "us-west-2", repl[0].Region)
	rot := mon.ByType("aws:secretsmanager/secretRotation:SecretRotation")
	require.Len(t, rot, 1)
	assert.Equal(t, 30.0, mocks.Plain(rot[0].Inputs)["rotationRules"].(map[string]any)["automaticallyAfterDays"])
	assert.Contains(t, mocks.Plain(rot[0].Inputs)["secretId"], "arn:aws:secretsmanager:us-east-1:444444444444:secret:rds!db-")
	assert.Equal(t, "1", rds.Parameters["rds.force_ssl"])
}
