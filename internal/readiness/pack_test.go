package readiness

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

// Each policy-pack rule is tested with a passing and a violating resource side by side: the rule must report
// exactly the violating one.

const ps = "prod"

func protected(r plan.Resource) plan.Resource { r.Protect, r.RetainOnDelete = true, true; return r }

func TestEncryptionAtRest(t *testing.T) {
	good := res(ps, typeBucket, "good", map[string]any{"bucket": "good"})
	bad := res(ps, typeBucket, "bad", map[string]any{"bucket": "bad"})
	sse := res(ps, typeBucketSSE, "good-sse", map[string]any{"bucket": "good"})
	dbGood := res(ps, typeDBInstance, "db-good", map[string]any{"storageEncrypted": true})
	dbBad := res(ps, typeDBInstance, "db-bad", map[string]any{"storageEncrypted": false})
	ltGood := res(ps, typeLaunchTemplate, "lt-good", map[string]any{"blockDeviceMappings": []any{
		map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{"encrypted": "true"}}}})
	ltBad := res(ps, typeLaunchTemplate, "lt-bad", map[string]any{"blockDeviceMappings": []any{
		map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{"encrypted": "false"}}}})
	keyBad := res(ps, typeKey, "key-bad", map[string]any{"enableKeyRotation": false})
	keyGood := res(ps, typeKey, "key-good", map[string]any{"enableKeyRotation": true})
	qBad := res(ps, typeQueue, "q-bad", nil)
	qGood := res(ps, typeQueue, "q-good", map[string]any{"sqsManagedSseEnabled": true})
	eksBad := res(ps, typeEKSCluster, "eks-bad", nil)
	eksGood := res(ps, typeEKSCluster, "eks-good", map[string]any{"encryptionConfigKeyArn": "arn:aws:kms:k"})
	expect(t, encryptionAtRest, result(stack(ps, "workload", good, bad, sse, dbGood, dbBad, ltGood, ltBad, keyBad,
		keyGood, qBad, qGood, eksBad, eksGood)),
		want{bad.URN, `(bucket "bad") has no server-side encryption`}, want{dbBad.URN, "storageEncrypted"},
		want{ltBad.URN, "unencrypted"}, want{keyBad.URN, "does not rotate"}, want{qBad.URN, "not encrypted"},
		want{eksBad.URN, "envelope-encrypt"})
}

func TestEncryptionInTransit(t *testing.T) {
	tls := policy(iampolicy.DenyInsecureTransport([]string{"s3:*"}, "arn:aws:s3:::good", "arn:aws:s3:::good/*"))
	good := res(ps, typeBucket, "good", map[string]any{"bucket": "good"})
	bad := res(ps, typeBucket, "bad", map[string]any{"bucket": "bad"})
	pol := res(ps, typeBucketPolicy, "good-policy", map[string]any{"bucket": "good", "policy": tls})
	pg := res(ps, typeParameterGroup, "pg", map[string]any{"name": "tls", "parameters": []any{
		map[string]any{"name": "rds.force_ssl", "value": "1"}}})
	dbGood := res(ps, typeDBInstance, "db-good", map[string]any{"engine": "postgres", "parameterGroupName": "tls"})
	dbBad := res(ps, typeDBInstance, "db-bad", map[string]any{"engine": "postgres", "parameterGroupName": "default.postgres17"})
	lGood := res(ps, typeListener, "http-redirect", map[string]any{"protocol": "HTTP", "defaultActions": []any{
		map[string]any{"type": "redirect", "redirect": map[string]any{"protocol": "HTTPS"}}}})
	lBad := res(ps, typeListener, "http-forward", map[string]any{"protocol": "HTTP", "defaultActions": []any{
		map[string]any{"type": "forward"}}})
	expect(t, encryptionInTransit, result(stack(ps, "workload", good, bad, pol, pg, dbGood, dbBad, lGood, lBad)),
		want{bad.URN, "aws:SecureTransport"}, want{dbBad.URN, "rds.force_ssl"}, want{lBad.URN, "without redirecting"})
}

func TestPublicExposure(t *testing.T) {
	all := map[string]any{"bucket": "good", "blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}
	good := res(ps, typeBucket, "good", map[string]any{"bucket": "good"})
	bad := res(ps, typeBucket, "bad", map[string]any{"bucket": "bad"})
	pab := res(ps, typeBucketPAB, "good-pab", all)
	dbBad := res(ps, typeDBInstance, "db-bad", map[string]any{"publiclyAccessible": true})
	dbGood := res(ps, typeDBInstance, "db-good", map[string]any{"publiclyAccessible": false})
	sgGood := res(ps, typeSecurityGroupRule, "https", map[string]any{"type": "ingress", "protocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrBlocks": []any{"0.0.0.0/0"}})
	sgBad := res(ps, typeSecurityGroupRule, "ssh", map[string]any{"type": "ingress", "protocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrBlocks": []any{"0.0.0.0/0"}})
	egress := res(ps, typeSecurityGroupRule, "egress", map[string]any{"type": "egress", "protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "cidrBlocks": []any{"0.0.0.0/0"}})
	inline := res(ps, typeSecurityGroup, "inline", map[string]any{"ingress": []any{map[string]any{"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "ipv6CidrBlocks": []any{"::/0"}}}})
	eksBad := res(ps, typeEKSCluster, "eks-bad", map[string]any{"endpointPublicAccess": true, "publicAccessCidrs": []any{}})
	eksGood := res(ps, typeEKSCluster, "eks-good", map[string]any{"endpointPublicAccess": true, "publicAccessCidrs": []any{"203.0.113.0/24"}})
	dsg := res(ps, typeDefaultSG, "default-sg", map[string]any{"ingress": []any{map[string]any{"protocol": "-1"}}})
	expect(t, publicExposure, result(stack(ps, "workload", good, bad, pab, dbBad, dbGood, sgGood, sgBad, egress, inline, eksBad, eksGood, dsg)),
		want{bad.URN, "has no public access block"}, want{dbBad.URN, "publicly accessible"}, want{sgBad.URN, "ports 22-22"},
		want{inline.URN, "::/0"}, want{eksBad.URN, "public API endpoint"}, want{dsg.URN, "default security group"})
}

func TestLogging(t *testing.T) {
	trailGood := res("security", typeTrail, "trail-good", map[string]any{"isMultiRegionTrail": true, "enableLogFileValidation": true,
		"includeGlobalServiceEvents": true, "kmsKeyId": "k", "cloudWatchLogsGroupArn": "arn:aws:logs:g"})
	trailBad := res("security", typeTrail, "trail-bad", map[string]any{"isMultiRegionTrail": true, "enableLogFileValidation": true,
		"includeGlobalServiceEvents": true, "kmsKeyId": "k"})
	vpcGood := res(ps, typeVPC, "vpc-good", nil, withID("vpc-1"))
	vpcBad := res(ps, typeVPC, "vpc-bad", nil, withID("vpc-2"))
	flow := res(ps, typeFlowLog, "flow", map[string]any{"vpcId": "vpc-1"})
	eksBad := res(ps, typeEKSCluster, "eks-bad", map[string]any{"enabledClusterLogTypes": []any{"api"}})
	eksGood := res(ps, typeEKSCluster, "eks-good", map[string]any{"enabledClusterLogTypes": []any{"api", "audit", "authenticator"}})
	dbBad := res(ps, typeDBInstance, "db-bad", nil)
	sink := res(ps, typeBucket, "sink", map[string]any{"bucket": "sink"})
	logged := res(ps, typeBucket, "logged", map[string]any{"bucket": "logged"})
	unlogged := res(ps, typeBucket, "unlogged", map[string]any{"bucket": "unlogged"})
	bl := res(ps, typeBucketLogging, "logged-logging", map[string]any{"bucket": "logged", "targetBucket": "sink"})
	fw := res("network", typeFirewall, "fw", nil, withID("arn:fw"))
	fwl := res("network", typeFirewallLogging, "fw-logging", map[string]any{"firewallArn": "arn:fw", "loggingConfiguration": map[string]any{
		"logDestinationConfigs": []any{map[string]any{"logType": "FLOW"}}}})
	expect(t, loggingEnabled, result(stack("security", "security", trailGood, trailBad),
		stack(ps, "workload", vpcGood, vpcBad, flow, eksBad, eksGood, dbBad, sink, logged, unlogged, bl),
		stack("network", "network", fw, fwl)),
		want{trailBad.URN, "CloudWatch Logs"}, want{vpcBad.URN, "no flow log"}, want{eksBad.URN, "audit"},
		want{eksBad.URN, "authenticator"}, want{dbBad.URN, "exports no logs"}, want{unlogged.URN, "server access logging"},
		want{fw.URN, "does not log ALERT"})
	expect(t, loggingEnabled, result(stack("security", "security")), want{"", "without a CloudTrail trail"})
}

func TestIMDSv2(t *testing.T) {
	ltGood := res(ps, typeLaunchTemplate, "lt-good", map[string]any{"metadataOptions": map[string]any{"httpTokens": "required"}})
	ltBad := res(ps, typeLaunchTemplate, "lt-bad", map[string]any{"metadataOptions": map[string]any{"httpTokens": "optional"}})
	ncDefault := res(ps, typeEC2NodeClass, "nc-default", map[string]any{"spec": map[string]any{}})
	ncBad := res(ps, typeEC2NodeClass, "nc-bad", map[string]any{"spec": map[string]any{"metadataOptions": map[string]any{"httpTokens": "optional"}}})
	ngGood := res(ps, typeNodeGroup, "ng-good", map[string]any{"launchTemplate": map[string]any{"id": "lt-1"}})
	ngBad := res(ps, typeNodeGroup, "ng-bad", nil)
	expect(t, imdsv2, result(stack(ps, "workload", ltGood, ltBad, ncDefault, ncBad, ngGood, ngBad)),
		want{ltBad.URN, `"optional"`}, want{ncBad.URN, `"optional"`}, want{ngBad.URN, "no launch template"})
}

func TestLeastPrivilege(t *testing.T) {
	admin := policy(iampolicy.Statement{Effect: "Allow", Action: []string{"*"}, Resource: []string{"*"}})
	scoped := policy(iampolicy.Statement{Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{"*"}})
	anyone := policy(iampolicy.Statement{Effect: "Allow", Principal: &iampolicy.Principal{AWS: []string{"*"}}, Action: []string{"s3:GetObject"}, Resource: []string{"*"}})
	anyoneInOrg := policy(iampolicy.Statement{Effect: "Allow", Principal: &iampolicy.Principal{AWS: []string{"*"}}, Action: []string{"s3:GetObject"},
		Resource: []string{"*"}, Condition: iampolicy.Condition{"StringEquals": {"aws:PrincipalOrgID": {"o-1"}}}})
	oidc := "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
	trustAud := policy(iampolicy.Statement{Effect: "Allow", Principal: &iampolicy.Principal{Federated: []string{oidc}}, Action: []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: iampolicy.Condition{"StringEquals": {"token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"}}}})
	trustSub := policy(iampolicy.Statement{Effect: "Allow", Principal: &iampolicy.Principal{Federated: []string{oidc}}, Action: []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: iampolicy.Condition{"StringEquals": {"token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"}},
			"StringLike": {"token.actions.githubusercontent.com:sub": {"repo:innovate-inc/platform:*"}}}})
	pAdmin := res(ps, typeIAMPolicy, "admin", map[string]any{"policy": admin})
	pScoped := res(ps, typeIAMPolicy, "scoped", map[string]any{"policy": scoped})
	bpAnyone := res(ps, typeBucketPolicy, "anyone", map[string]any{"policy": anyone})
	bpOrg := res(ps, typeBucketPolicy, "org", map[string]any{"policy": anyoneInOrg})
	rAud := res(ps, typeRole, "ci-aud", map[string]any{"assumeRolePolicy": trustAud})
	rSub := res(ps, typeRole, "ci-sub", map[string]any{"assumeRolePolicy": trustSub})
	attAdmin := res(ps, typeRoleAttachment, "att-admin", map[string]any{"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
	attRO := res(ps, typeRoleAttachment, "att-ro", map[string]any{"policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})
	expect(t, leastPrivilege, result(stack(ps, "workload", pAdmin, pScoped, bpAnyone, bpOrg, rAud, rSub, attAdmin, attRO)),
		want{pAdmin.URN, "allows *:*"}, want{bpAnyone.URN, "any principal"}, want{rAud.URN, "subject (:sub)"},
		want{attAdmin.URN, "AdministratorAccess"})
}

func TestDataLossGuards(t *testing.T) {
	good := protected(res(ps, typeDBInstance, "db-good", map[string]any{"deletionProtection": true, "finalSnapshotIdentifier": "final",
		"deleteAutomatedBackups": false, "backupRetentionPeriod": 35.0}))
	bad := res(ps, typeDBInstance, "db-bad", map[string]any{"deletionProtection": false, "skipFinalSnapshot": true, "backupRetentionPeriod": 1.0})
	bucket := protected(res("security", typeBucket, "trail-bucket", map[string]any{"bucket": "trail", "forceDestroy": true}))
	lock := res("security", typeBucketObjectLock, "lock", map[string]any{"bucket": "other", "rule": map[string]any{"defaultRetention": map[string]any{"mode": "COMPLIANCE"}}})
	trail := res("security", typeTrail, "trail", map[string]any{"s3BucketName": "trail"})
	plan1 := res(ps, typeBackupPlan, "plan-locked", map[string]any{"rules": []any{map[string]any{"copyActions": []any{
		map[string]any{"destinationVaultArn": "arn:aws:backup:us-east-1:222222222222:backup-vault:central"}}}}})
	plan2 := res(ps, typeBackupPlan, "plan-unlocked", map[string]any{"rules": []any{map[string]any{"copyActions": []any{
		map[string]any{"destinationVaultArn": "arn:aws:backup:us-east-1:222222222222:backup-vault:other"}}}}})
	vlock := res("security", typeVaultLock, "vault-lock", map[string]any{"backupVaultName": "central"}, at("222222222222", "us-east-1"))
	fw := res("network", typeFirewall, "fw", map[string]any{"deleteProtection": false})
	t.Run("vault locks unseen without the security layer", func(t *testing.T) {
		expect(t, dataLossGuards, result(stack(ps, "workload", plan2)))
	})
	expect(t, dataLossGuards, result(stack(ps, "workload", good, bad, plan1, plan2), stack("security", "security", bucket, lock, trail, vlock),
		stack("network", "network", fw)),
		want{bad.URN, "not protected"}, want{bad.URN, "deletion protection"}, want{bad.URN, "final snapshot"},
		want{bad.URN, "deleteAutomatedBackups"}, want{bad.URN, "under 7"}, want{bucket.URN, "forceDestroy"},
		want{trail.URN, "no Object Lock"}, want{plan2.URN, "backup-vault:other, which has no Vault Lock"}, want{fw.URN, "delete protection"})
}

func TestRequiredTags(t *testing.T) {
	tags := map[string]any{}
	for _, k := range config.MandatoryTagKeys {
		tags[k] = "x"
	}
	tagged := res(ps, typeAWSProvider, "tagged", map[string]any{"defaultTags": map[string]any{"tags": tags}}, withID("1"))
	untagged := res(ps, typeAWSProvider, "untagged", nil, withID("2"))
	viaProvider := res(ps, typeVPC, "via-provider", nil, func(r *plan.Resource) { r.Provider = tagged.URN + "::1" })
	bare := res(ps, typeVPC, "bare", map[string]any{"tags": map[string]any{"team": "platform"}}, func(r *plan.Resource) { r.Provider = untagged.URN + "::2" })
	// A launch template is not reached by default tags: its provider's tags do not count.
	lt := res(ps, typeLaunchTemplate, "lt", map[string]any{"tagSpecifications": []any{map[string]any{"resourceType": "instance", "tags": tags}}},
		func(r *plan.Resource) { r.Provider = tagged.URN + "::1" })
	nc := res(ps, typeEC2NodeClass, "nc", map[string]any{"spec": map[string]any{"tags": tags}})
	expect(t, requiredTags, result(stack(ps, "workload", tagged, untagged, viaProvider, bare, lt, nc)),
		want{bare.URN, "application, cost-center, environment, managed-by, owner"}, want{lt.URN, "tagSpecifications for volume"})
}

func TestSCPGuardrails(t *testing.T) {
	const o = "org"
	org := res(o, typeOrganization, "org", nil)
	deny := func(name, id string, st iampolicy.Statement) plan.Resource {
		st.Effect = "Deny"
		if st.Resource == nil {
			st.Resource = []string{"*"}
		}
		return res(o, typeOrgPolicy, name, map[string]any{"type": "SERVICE_CONTROL_POLICY", "content": policy(st)}, withID(id))
	}
	leave := deny("leave", "p-1", iampolicy.Statement{Action: []string{"organizations:LeaveOrganization"}})
	trail := deny("trail", "p-2", iampolicy.Statement{Action: []string{"cloudtrail:StopLogging"}})
	gd := deny("gd", "p-3", iampolicy.Statement{Action: []string{"guardduty:DeleteDetector"}})
	region := deny("region", "p-4", iampolicy.Statement{NotAction: []string{"iam:*"}, Condition: iampolicy.Condition{"StringNotEquals": {"aws:RequestedRegion": {"us-east-1"}}}})
	attach := func(id string) plan.Resource {
		return res(o, typeOrgPolicyAttachment, "att-"+id, map[string]any{"policyId": id, "targetId": "r-1"})
	}
	// IMDSv2 is in no SCP; the trail guardrail is in one attached nowhere.
	expect(t, scpGuardrails, result(stack(o, "organization", org, leave, trail, gd, region, attach("p-1"), attach("p-3"), attach("p-4"))),
		want{org.URN, `"require IMDSv2"`}, want{org.URN, "attached nowhere (trail)"})
}

func TestPodSecurity(t *testing.T) {
	nsGood := res(ps, typeNamespace, "apps", map[string]any{"metadata": map[string]any{"labels": map[string]any{"pod-security.kubernetes.io/enforce": "restricted"}}})
	nsBad := res(ps, typeNamespace, "legacy", map[string]any{"metadata": map[string]any{}})
	depGood := res(ps, "kubernetes:apps/v1:Deployment", "web", map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
		"containers": []any{map[string]any{"name": "web"}}}}}})
	dsBad := res(ps, "kubernetes:apps/v1:DaemonSet", "agent", map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
		"hostNetwork": true, "containers": []any{map[string]any{"name": "agent", "securityContext": map[string]any{"privileged": true}}}}}}})
	expect(t, podSecurity, result(stack(ps, "workload", nsGood, nsBad, depGood, dsBad)),
		want{nsBad.URN, "does not enforce"}, want{dsBad.URN, "hostNetwork"}, want{dsBad.URN, "privileged containers (agent)"})
}

func TestWaivers(t *testing.T) {
	admin := res("security", typeRoleAttachment, "break-glass", map[string]any{"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
	now := time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC)
	run := func(ws ...config.Waiver) plan.StackPlan {
		s := stack("security", "identity", admin)
		s.Waivers = ws
		r := result(s)
		EvaluateAt(r, now)
		return r.Stacks[0]
	}
	rules := func(s plan.StackPlan) []string {
		var out []string
		for _, f := range s.Findings {
			w := ""
			if f.Waiver != nil {
				w = " waived"
			}
			out = append(out, f.Rule+w)
		}
		return out
	}
	const reason = "break-glass needs full access in an emergency"
	t.Run("no waiver", func(t *testing.T) { assert.Equal(t, []string{"PC006"}, rules(run())) })
	t.Run("waived", func(t *testing.T) {
		s := run(config.Waiver{Rule: "PC006", Resource: "break-glass", Reason: reason, Expires: "2027-01-15"})
		assert.Equal(t, []string{"PC006 waived"}, rules(s))
		require.NotNil(t, s.Findings[0].Waiver)
		assert.Equal(t, reason, s.Findings[0].Waiver.Reason)
		r := result(s)
		assert.Zero(t, Count(r))
		assert.Zero(t, Blocking(r))
	})
	t.Run("other resource", func(t *testing.T) {
		assert.Equal(t, []string{"PC006"}, rules(run(config.Waiver{Rule: "PC006", Resource: "other", Reason: reason, Expires: "2027-06-30"})))
	})
	t.Run("expired", func(t *testing.T) {
		s := run(config.Waiver{Rule: "PC006", Resource: "break-glass", Reason: reason, Expires: "2027-01-14"})
		assert.Equal(t, []string{"PC006", "WV001"}, rules(s))
		assert.Contains(t, s.Findings[1].Message, "expired after 2027-01-14")
		assert.Equal(t, 2, Blocking(result(s)))
	})
}

func TestBlockingCountsOnlyHighAndCriticalCompliance(t *testing.T) {
	s := stack(ps, "workload")
	s.Findings = []plan.Finding{
		{Rule: "PC008", Severity: Medium, Category: CategoryCompliance},
		{Rule: "PC001", Severity: High, Category: CategoryCompliance},
		{Rule: "PC003", Severity: Critical, Category: CategoryCompliance, Waiver: &plan.Waiver{Reason: "r", Expires: "2099-01-01"}},
		{Rule: "DR009", Severity: Medium, Category: CategoryReadiness},
	}
	r := result(s)
	assert.Equal(t, 2, Blocking(r))
	assert.Equal(t, 3, Count(r))
}

func TestEveryPolicyPackRuleNamesControls(t *testing.T) {
	n := 0
	for _, r := range Rules() {
		assert.Contains(t, []string{CategoryReadiness, CategoryCompliance}, r.Category, r.ID)
		if r.Category == CategoryCompliance && r.ID != waiverExpired.ID {
			n++
			assert.NotEmpty(t, r.Controls, "%s names no external control", r.ID)
		}
	}
	assert.Equal(t, 10, n)
}
