package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDatabaseSettings(t *testing.T) {
	for env, acct := range workloadAccounts {
		v := workloadStack(t, env)
		db := v.byType("aws:rds/instance:Instance")
		require.Len(t, db, 1, env)
		in := db[0].Inputs
		assert.Equal(t, acct, db[0].Account)
		assert.True(t, db[0].Protect && db[0].RetainOnDelete, "%s: the database is protected", env)
		assert.Equal(t, env != "dev", in["multiAz"], "%s: Multi-AZ in prod and staging", env)
		for k, want := range map[string]any{
			"engine": "postgres", "publiclyAccessible": false, "storageEncrypted": true, "storageType": "gp3",
			"deletionProtection": true, "skipFinalSnapshot": false, "deleteAutomatedBackups": false,
			"copyTagsToSnapshot": true, "iamDatabaseAuthenticationEnabled": true, "performanceInsightsEnabled": true,
			"manageMasterUserPassword": true, "autoMinorVersionUpgrade": true, "monitoringInterval": 60.0,
			"username": "innovate_owner",
		} {
			assert.Equal(t, want, in[k], "%s: %s", env, k)
		}
		assert.Greater(t, in["maxAllocatedStorage"], in["allocatedStorage"], "storage autoscaling")
		assert.Equal(t, []any{"postgresql", "upgrade"}, in["enabledCloudwatchLogsExports"])
		for _, k := range []string{"kmsKeyId", "performanceInsightsKmsKeyId", "masterUserSecretKmsKeyId"} {
			assert.Contains(t, in[k], "arn:aws:kms:us-east-1:"+acct+":key/", "%s: %s is a customer-managed key", env, k)
		}
		retention := map[string]float64{"prod": 35, "staging": 14, "dev": 7}[env]
		assert.Equal(t, retention, in["backupRetentionPeriod"], "%s: PITR window", env)
		assert.Contains(t, v.s.Outputs["databaseSecretArn"], "arn:aws:secretsmanager:us-east-1:"+acct+":secret:rds!db-")
		assert.Equal(t, 5432.0, v.s.Outputs["databasePort"])
	}
}

// No resource of any stack carries a password in its inputs: RDS manages the master password in Secrets Manager.
func TestNoPlaintextPasswordAnywhere(t *testing.T) {
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if strings.Contains(strings.ToLower(k), "password") && k != "manageMasterUserPassword" {
					if s, ok := e.(string); ok && s != "[secret]" {
						t.Errorf("%s.%s holds a plaintext password", path, k)
					}
				}
				walk(path+"."+k, e)
			}
		case []any:
			for _, e := range x {
				walk(path, e)
			}
		}
	}
	for _, s := range fullPlan(t).Stacks {
		for _, r := range s.Resources {
			walk(s.Name+":"+r.Name, r.Inputs)
			if r.Type == "aws:rds/instance:Instance" {
				assert.NotContains(t, r.Inputs, "password")
			}
		}
	}
}

func TestDatabaseAdmitsExactlyTheNodes(t *testing.T) {
	for env := range workloadAccounts {
		v := workloadStack(t, env)
		var sg map[string]any
		for _, g := range v.byType("aws:ec2/securityGroup:SecurityGroup") {
			if g.Inputs["name"] == env+"-postgres" {
				sg = g.Inputs
			}
		}
		require.NotNil(t, sg, env)
		ingress := sg["ingress"].([]any)
		require.Len(t, ingress, 1, "%s: exactly one rule", env)
		rule := ingress[0].(map[string]any)
		assert.Equal(t, []any{v.s.Outputs["nodeSecurityGroupId"]}, rule["securityGroups"], "%s: only the EKS nodes", env)
		assert.Nil(t, rule["cidrBlocks"])
		assert.Equal(t, 5432.0, rule["fromPort"])
		assert.Equal(t, 5432.0, rule["toPort"])
		assert.Equal(t, v.s.Outputs["databaseSecurityGroupId"], findID(v, "aws:ec2/securityGroup:SecurityGroup", env+"-database-sg"))
	}
}

func findID(v stackView, typ, name string) string { return v.named(typ, name).ID }

func TestParameterGroupForcesTLS(t *testing.T) {
	pg := workloadStack(t, "prod").byType("aws:rds/parameterGroup:ParameterGroup")
	require.Len(t, pg, 1)
	assert.Equal(t, "postgres17", pg[0].Inputs["family"])
	params := map[string]any{}
	for _, p := range pg[0].Inputs["parameters"].([]any) {
		p := p.(map[string]any)
		params[p["name"].(string)] = p["value"]
	}
	assert.Equal(t, "1", params["rds.force_ssl"])
	assert.Equal(t, "1", params["log_connections"])
}

func TestDatabaseDisasterRecovery(t *testing.T) {
	sec, _ := fullPlan(t).Stack("security")
	vaults := sec.Outputs["backupVaultArns"].(map[string]any)
	for env, acct := range workloadAccounts {
		v := workloadStack(t, env)
		repl := v.byType("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication")
		require.Len(t, repl, 1)
		assert.Equal(t, "us-west-2", repl[0].Region, "%s: automated backups replicated to the DR region", env)
		assert.Equal(t, acct, repl[0].Account)
		assert.Contains(t, repl[0].Inputs["kmsKeyId"], "arn:aws:kms:us-west-2:"+acct+":key/", "with a DR-region key")

		plan := v.byType("aws:backup/plan:Plan")
		require.Len(t, plan, 1)
		rules := plan[0].Inputs["rules"].([]any)
		require.Len(t, rules, 2)
		names := []string{}
		for _, r := range rules {
			r := r.(map[string]any)
			names = append(names, r["ruleName"].(string))
			assert.Equal(t, "platform-baseline", r["targetVaultName"])
			var dest []any
			for _, c := range r["copyActions"].([]any) {
				dest = append(dest, c.(map[string]any)["destinationVaultArn"])
			}
			// One hop: RDS recovery points cannot be copied cross-account and cross-Region in one copy action.
			assert.Equal(t, []any{vaults["us-east-1"]}, dest, "%s: copies to the Backup account in the home region", env)
		}
		assert.Equal(t, []string{"daily", "weekly"}, names)

		sel := v.byType("aws:backup/selection:Selection")
		require.Len(t, sel, 1)
		tag := sel[0].Inputs["selectionTags"].([]any)[0].(map[string]any)
		dbTags := v.byType("aws:rds/instance:Instance")[0].Inputs["tags"].(map[string]any)
		assert.Equal(t, tag["value"], dbTags[tag["key"].(string)], "%s: the selection matches the database's tag", env)
		assert.Equal(t, "arn:aws:iam::"+acct+":role/platform-backup", sel[0].Inputs["iamRoleArn"])

		restoreTests := v.byType("aws:backup/restoreTestingSelection:RestoreTestingSelection")
		if env == "prod" {
			require.Len(t, restoreTests, 1, "restores are proven in prod")
			assert.Equal(t, "RDS", restoreTests[0].Inputs["protectedResourceType"])
			assert.Equal(t, []any{"arn:aws:rds:us-east-1:" + acct + ":db:prod-postgres"}, restoreTests[0].Inputs["protectedResourceArns"])
		} else {
			assert.Empty(t, restoreTests, env)
		}
	}
}
