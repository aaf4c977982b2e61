package readiness

import (
	"encoding/json"
	"testing"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

func TestBackupCopyOneHop(t *testing.T) {
	const devAccount, backupAccount = "100000000001", "100000000002"
	vault := func(region, account string) string {
		return "arn:aws:backup:" + region + ":" + account + ":backup-vault:platform-baseline"
	}
	backupPlan := func(destinations ...string) *plan.Result {
		var copies []any
		for _, d := range destinations {
			copies = append(copies, map[string]any{"destinationVaultArn": d})
		}
		return result(stack("dev", "workload", res("dev", typeBackupPlan, "dev-backup-plan", map[string]any{
			"rules": []any{map[string]any{"ruleName": "daily", "copyActions": copies}}}, at(devAccount, "us-east-1"))))
	}
	backupPolicy := func(regions []string, target string) *plan.Result {
		content, _ := json.Marshal(map[string]any{"plans": map[string]any{"baseline": map[string]any{
			"regions": map[string]any{"@@assign": regions},
			"rules": map[string]any{"daily": map[string]any{"copy_actions": map[string]any{
				target: map[string]any{"target_backup_vault_arn": map[string]any{"@@assign": target}}}}}}}})
		return result(stack("org", "organization", res("org", typeOrgPolicy, "backup-policy",
			map[string]any{"type": "BACKUP_POLICY", "content": string(content)})))
	}
	planURN, policyURN := urn("dev", typeBackupPlan, "dev-backup-plan"), urn("org", typeOrgPolicy, "backup-policy")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"cross-account in the same region, then cross-region in the same account",
			backupPlan(vault("us-east-1", backupAccount), vault("us-west-2", devAccount)), nil},
		{"cross-account and cross-region in one copy", backupPlan(vault("us-east-1", backupAccount), vault("us-west-2", backupAccount)),
			[]want{{planURN, "backup plan dev-backup-plan rule daily copies from account " + devAccount + " in us-east-1 to " + vault("us-west-2", backupAccount)}}},
		{"policy copying to the member account's own DR vault", backupPolicy([]string{"us-east-1"}, vault("us-west-2", "$account")), nil},
		{"policy copying to a central vault in the same region", backupPolicy([]string{"us-east-1"}, vault("us-east-1", backupAccount)), nil},
		{"policy copying to a central vault in another region", backupPolicy([]string{"us-east-1"}, vault("us-west-2", backupAccount)),
			[]want{{policyURN, "backup policy backup-policy plan baseline rule daily copies from each member account in us-east-1 to " + vault("us-west-2", backupAccount)}}},
		{"policy content that is not JSON", result(stack("org", "organization", res("org", typeOrgPolicy, "backup-policy",
			map[string]any{"type": "BACKUP_POLICY", "content": "{"}))),
			[]want{{policyURN, "content is not a backup policy document"}}},
		{"other policy types are not read", result(stack("org", "organization", res("org", typeOrgPolicy, "scp",
			map[string]any{"type": "SERVICE_CONTROL_POLICY", "content": "{"}))), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, backupCopyOneHop, tt.res, tt.wants...) })
	}
}

func TestCopyDestinationCanUseSourceKey(t *testing.T) {
	const devAccount, backupAccount, keyID = "100000000001", "100000000002", "0b6f2c1e-1111-2222-3333-444455556666"
	keyARN := "arn:aws:kms:us-east-1:" + devAccount + ":key/" + keyID
	backupRoot := "arn:aws:iam::" + backupAccount + ":root"
	use := func(principal string, actions ...string) iampolicy.Statement {
		return iampolicy.Statement{Effect: iampolicy.Allow, Principal: &iampolicy.Principal{AWS: []string{principal}},
			Action: actions, Resource: []string{"*"}}
	}
	key := func(sts ...iampolicy.Statement) plan.Resource {
		return res("dev", typeKey, "db-key", map[string]any{"policy": policy(append([]iampolicy.Statement{iampolicy.AccountAdministers(devAccount)}, sts...)...)},
			at(devAccount, "us-east-1"), withID(keyID))
	}
	backupPlan := func(dest string) plan.Resource {
		return res("dev", typeBackupPlan, "dev-backup-plan", map[string]any{"rules": []any{map[string]any{"ruleName": "daily",
			"copyActions": []any{map[string]any{"destinationVaultArn": "arn:aws:backup:us-east-1:" + dest + ":backup-vault:platform-baseline"}}}}},
			at(devAccount, "us-east-1"))
	}
	db := func(kmsKeyID string) plan.Resource {
		return res("dev", typeDBInstance, "db", map[string]any{"kmsKeyId": kmsKeyID, "storageEncrypted": true}, at(devAccount, "us-east-1"))
	}
	dev := func(rs ...plan.Resource) *plan.Result { return result(stack("dev", "workload", rs...)) }
	keyURN := urn("dev", typeKey, "db-key")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"destination root may decrypt and grant", dev(backupPlan(backupAccount), db(keyARN),
			key(use(backupRoot, "kms:Decrypt", "kms:GenerateDataKey*"), use(backupRoot, "kms:CreateGrant"))), nil},
		{"a role of the destination with kms:*", dev(backupPlan(backupAccount), db(keyARN),
			key(use("arn:aws:iam::"+backupAccount+":role/platform-backup", "kms:*"))), nil},
		{"key named by ID", dev(backupPlan(backupAccount), db(keyID), key(use(backupRoot, "kms:Decrypt", "kms:CreateGrant"))), nil},
		{"same-account copy", dev(backupPlan(devAccount), db(keyARN), key()), nil},
		{"database on a key outside the plan", dev(backupPlan(backupAccount), db("arn:aws:kms:us-east-1:"+devAccount+":key/other"), key()), nil},
		{"destination not in the key policy", dev(backupPlan(backupAccount), db(keyARN), key()),
			[]want{{keyURN, "key db-key encrypts database db, which backup plan dev-backup-plan copies to account " + backupAccount + ", but its policy does not allow account " + backupAccount + " kms:Decrypt and kms:CreateGrant"}}},
		{"destination may decrypt but not grant", dev(backupPlan(backupAccount), db(keyARN), key(use(backupRoot, "kms:Decrypt", "kms:Encrypt"))),
			[]want{{keyURN, "does not allow account " + backupAccount + " kms:CreateGrant: the cross-account copy jobs fail"}}},
		{"another account granted", dev(backupPlan(backupAccount), db(keyARN), key(use("arn:aws:iam::100000000009:root", "kms:*"))),
			[]want{{keyURN, "kms:Decrypt and kms:CreateGrant"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, copyDestinationCanUseSourceKey, tt.res, tt.wants...) })
	}
}

func TestBackupPolicyTagCarried(t *testing.T) {
	content, _ := json.Marshal(map[string]any{"plans": map[string]any{"platform-baseline": map[string]any{
		"selections": map[string]any{"tags": map[string]any{"baseline": map[string]any{
			"iam_role_arn": map[string]any{"@@assign": "arn:aws:iam::$account:role/platform-backup"},
			"tag_key":      map[string]any{"@@assign": "backup"},
			"tag_value":    map[string]any{"@@assign": []any{"baseline", "daily"}}}}}}}})
	org := stack("org", "organization", res("org", typeOrgPolicy, "backup-policy", map[string]any{"type": "BACKUP_POLICY", "content": string(content)}),
		res("org", typeKey, "org-key", map[string]any{"tags": map[string]any{"backup": "baseline"}}))
	ebsDriver := func(config string) plan.Resource {
		return res("dev", typeEKSAddon, "ebs-csi", map[string]any{"addonName": "aws-ebs-csi-driver", "configurationValues": config})
	}
	policyURN := urn("org", typeOrgPolicy, "backup-policy")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"a tagged resource", result(org, stack("dev", "workload", res("dev", typeDBInstance, "db", map[string]any{"tags": map[string]any{"backup": "daily"}}))), nil},
		{"volumes tagged by the EBS CSI driver", result(org, stack("dev", "workload",
			ebsDriver(`{"controller":{"extraVolumeTags":{"backup":"baseline","team":"platform"}}}`))), nil},
		{"only the organization stack in the plan", result(org), nil},
		{"no resource tagged", result(org, stack("dev", "workload", res("dev", typeDBInstance, "db", map[string]any{"tags": map[string]any{"backup-plan": "dev-database"}}),
			ebsDriver(`{"controller":{"extraVolumeTags":{"team":"platform"}}}`))),
			[]want{{policyURN, "backup policy backup-policy plan platform-baseline selection baseline selects resources tagged backup = baseline or daily, but no resource of the plan outside the organization stack carries that tag"}}},
		{"another value of the key", result(org, stack("dev", "workload", res("dev", typeDBInstance, "db", map[string]any{"tags": map[string]any{"backup": "none"}}))),
			[]want{{policyURN, "the policy backs up nothing"}}},
		{"another add-on's configuration", result(org, stack("dev", "workload", res("dev", typeEKSAddon, "cni", map[string]any{"addonName": "vpc-cni",
			"configurationValues": `{"controller":{"extraVolumeTags":{"backup":"baseline"}}}`}))),
			[]want{{policyURN, "selects resources tagged backup"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, backupPolicyTagCarried, tt.res, tt.wants...) })
	}
}
