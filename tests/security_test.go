package tests

import (
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/mocks"
	"github.com/innovate-inc/platform/internal/plan"
)

// securityPlan is the security stack of the full plan, with lookups.
type stackView struct {
	t *testing.T
	s plan.StackPlan
}

func securityStack(t *testing.T) stackView {
	s, ok := fullPlan(t).Stack("security")
	require.True(t, ok)
	assert.Equal(t, []string{"org"}, s.References)
	return stackView{t, s}
}

func (v stackView) byType(typ string) []plan.Resource {
	var out []plan.Resource
	for _, r := range v.s.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

func (v stackView) named(typ, name string) plan.Resource {
	for _, r := range v.s.Resources {
		if r.Type == typ && r.Name == name {
			return r
		}
	}
	v.t.Fatalf("no %s %s", typ, name)
	return plan.Resource{}
}

func (v stackView) bucketInput(typ, bucket, key string) any {
	for _, r := range v.byType(typ) {
		if r.Inputs["bucket"] == bucket {
			return r.Inputs[key]
		}
	}
	return nil
}

func accountID(email string) string { return mocks.AccountID(email) }

var (
	logArchiveID      = accountID("aws-log-archive@example.com")
	securityToolingID = accountID("aws-security-tooling@example.com")
	backupAccount     = accountID("aws-backup@example.com")
	identityAccount   = accountID("aws-identity@example.com")
)

func orgID(t *testing.T) string {
	s, _ := fullPlan(t).Stack("org")
	return s.Outputs["organizationId"].(string)
}

func TestLogBucketsAreLockedDownAndReplicated(t *testing.T) {
	v := securityStack(t)
	buckets := v.byType("aws:s3/bucketV2:BucketV2")
	require.Len(t, buckets, 14, "7 buckets in the home region and their DR twins")
	kms := map[string]bool{"cloudtrail": true, "config": true, "flow-logs": true, "network-firewall": true, "guardduty": true}
	// Not Config: AWS Config cannot deliver to a bucket with Object Lock.
	locked := map[string]bool{"cloudtrail": true}
	for _, b := range buckets {
		name := b.Inputs["bucket"].(string)
		purpose := strings.TrimPrefix(name, "innovate-security-")
		purpose = purpose[:strings.Index(purpose, "-us-")]
		assert.Equal(t, logArchiveID, b.Account, name)
		assert.True(t, b.Protect && b.RetainOnDelete, "%s is protected and retained", name)
		assert.Equal(t, false, b.Inputs["forceDestroy"], name)
		assert.Equal(t, locked[purpose], b.Inputs["objectLockEnabled"], name)
		assert.LessOrEqual(t, len(name), 63, name)

		pab := v.bucketInput("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name, "blockPublicPolicy")
		assert.Equal(t, true, pab, name)
		own := v.bucketInput("aws:s3/bucketOwnershipControls:BucketOwnershipControls", name, "rule").(map[string]any)
		assert.Equal(t, "BucketOwnerEnforced", own["objectOwnership"], name)
		ver := v.bucketInput("aws:s3/bucketVersioningV2:BucketVersioningV2", name, "versioningConfiguration").(map[string]any)
		assert.Equal(t, "Enabled", ver["status"], name)

		rule := v.bucketInput("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", name, "rules").([]any)[0].(map[string]any)
		sse := rule["applyServerSideEncryptionByDefault"].(map[string]any)
		if kms[purpose] {
			assert.Equal(t, "aws:kms", sse["sseAlgorithm"], name)
			assert.Contains(t, sse["kmsMasterKeyId"], ":"+logArchiveID+":key/", name)
			assert.Equal(t, true, rule["bucketKeyEnabled"], name)
		} else {
			assert.Equal(t, "AES256", sse["sseAlgorithm"], "%s: its writer supports only SSE-S3", name)
		}

		lifecycle := v.bucketInput("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", name, "rules").([]any)[0].(map[string]any)
		assert.Equal(t, 400.0, lifecycle["expiration"].(map[string]any)["days"], name)
		assert.Equal(t, 7.0, lifecycle["abortIncompleteMultipartUpload"].(map[string]any)["daysAfterInitiation"], name)
		assert.Len(t, lifecycle["transitions"], 2, name)

		logging := v.bucketInput("aws:s3/bucketLoggingV2:BucketLoggingV2", name, "targetBucket")
		if purpose == "access-logs" {
			assert.Nil(t, logging, "the sink does not log itself")
		} else {
			assert.Contains(t, logging, "innovate-security-access-logs-", name)
		}

		lock := v.bucketInput("aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", name, "rule")
		if locked[purpose] {
			require.NotNil(t, lock, "%s is locked", name)
			ret := lock.(map[string]any)["defaultRetention"].(map[string]any)
			assert.Equal(t, "COMPLIANCE", ret["mode"], name)
			assert.Equal(t, 365.0, ret["days"], name)
		} else {
			assert.Nil(t, lock, name)
		}

		repl := v.bucketInput("aws:s3/bucketReplicationConfig:BucketReplicationConfig", name, "rules")
		if strings.Contains(name, "-us-east-1-") {
			require.NotNil(t, repl, "%s replicates", name)
			dest := repl.([]any)[0].(map[string]any)["destination"].(map[string]any)
			assert.Contains(t, dest["bucket"], "arn:aws:s3:::innovate-security-"+purpose+"-us-west-2-")
			if kms[purpose] {
				assert.Contains(t, dest["encryptionConfiguration"].(map[string]any)["replicaKmsKeyId"], "arn:aws:kms:us-west-2:")
			}
		} else {
			assert.Nil(t, repl, "DR twins do not replicate further")
		}
	}
}

func policyOf(t *testing.T, r plan.Resource) iampolicy.Document {
	doc, err := iampolicy.Parse(r.Inputs["policy"].(string))
	require.NoError(t, err)
	return doc
}

func statement(doc iampolicy.Document, sid string) (iampolicy.Statement, bool) {
	for _, s := range doc.Statement {
		if s.Sid == sid {
			return s, true
		}
	}
	return iampolicy.Statement{}, false
}

func TestLogBucketPoliciesAllowOnlyTheOrganization(t *testing.T) {
	v := securityStack(t)
	org := orgID(t)
	for _, r := range v.byType("aws:s3/bucketPolicy:BucketPolicy") {
		doc := policyOf(t, r)
		tls, ok := statement(doc, "DenyInsecureTransport")
		require.True(t, ok, r.Name)
		assert.Equal(t, []string{"false"}, tls.Condition["Bool"]["aws:SecureTransport"])
		_, ok = statement(doc, "DenyObjectDeletion")
		assert.True(t, ok, r.Name)
		switch {
		case strings.Contains(r.Name, "lb-access-logs"):
			w, _ := statement(doc, "LoadBalancerLogsWrite")
			assert.Contains(t, w.Principal.AWS[0], ":root", "regions with an ELB account use it")
		case strings.Contains(r.Name, "access-logs"):
			w, _ := statement(doc, "ServerAccessLogsWrite")
			assert.Equal(t, []string{logArchiveID}, w.Condition["StringEquals"]["aws:SourceAccount"])
		case strings.Contains(r.Name, "guardduty"):
			w, _ := statement(doc, "GuardDutyWrite")
			assert.Equal(t, []string{securityToolingID}, w.Condition["StringEquals"]["aws:SourceAccount"], r.Name)
			assert.Equal(t, []string{"arn:aws:guardduty:*:" + securityToolingID + ":detector/*"}, w.Condition["ArnLike"]["aws:SourceArn"], r.Name)
		case strings.Contains(r.Name, "cloudtrail"):
			w, ok := statement(doc, "CloudTrailWrite")
			require.True(t, ok, r.Name)
			mgmt := orgOutputs(t)["managementAccountId"].(string)
			assert.Equal(t, []string{"arn:aws:cloudtrail:us-east-1:" + mgmt + ":trail/security-org-trail"}, w.Condition["StringEquals"]["aws:SourceArn"], r.Name)
			assert.Equal(t, []string{bucketARNOf(w.Resource[0]) + "/AWSLogs/" + mgmt + "/*",
				bucketARNOf(w.Resource[0]) + "/AWSLogs/" + org + "/*"}, w.Resource, r.Name)
		case strings.Contains(r.Name, "config"):
			w, ok := statement(doc, "ConfigWrite")
			require.True(t, ok, r.Name)
			assert.Len(t, w.Condition["StringEquals"]["aws:SourceAccount"], 9, "%s: the eight members and the management account", r.Name)
			assert.Len(t, w.Resource, 9, r.Name)
			for _, res := range w.Resource {
				assert.Regexp(t, `/AWSLogs/\d{12}/Config/\*$`, res, r.Name)
			}
		default:
			w, ok := statement(doc, "LogDeliveryWrite")
			require.True(t, ok, r.Name)
			assert.Len(t, w.Condition["StringEquals"]["aws:SourceAccount"], 9, r.Name)
			assert.Len(t, w.Condition["ArnLike"]["aws:SourceArn"], 9, r.Name)
			assert.Len(t, w.Resource, 18, "%s: each account's path, plain and Hive-partitioned", r.Name)
			for _, res := range w.Resource {
				assert.Regexp(t, `/AWSLogs/(aws-account-id=)?\d{12}/\*$`, res, r.Name)
			}
		}
	}
}

func bucketARNOf(objectARN string) string { return objectARN[:strings.Index(objectARN, "/")] }

func TestOrganizationTrail(t *testing.T) {
	v := securityStack(t)
	trail := v.named("aws:cloudtrail/trail:Trail", "security-org-trail")
	in := trail.Inputs
	assert.Equal(t, securityToolingID, trail.Account, "created by the CloudTrail delegated administrator")
	for _, k := range []string{"isOrganizationTrail", "isMultiRegionTrail", "enableLogFileValidation", "includeGlobalServiceEvents"} {
		assert.Equal(t, true, in[k], k)
	}
	assert.Contains(t, in["s3BucketName"], "innovate-security-cloudtrail-us-east-1-")
	assert.Contains(t, in["kmsKeyId"], "arn:aws:kms:us-east-1:"+logArchiveID+":key/")
	assert.True(t, strings.HasSuffix(in["cloudWatchLogsGroupArn"].(string), ":log-group:/aws/cloudtrail/security-org-trail:*"))
	assert.True(t, trail.Protect)
	selectors := in["advancedEventSelectors"].([]any)
	require.Len(t, selectors, 2)
	data := selectors[1].(map[string]any)["fieldSelectors"].([]any)
	prefixes := data[2].(map[string]any)["startsWiths"].([]any)
	require.Len(t, prefixes, 1, "S3 data events on the Config bucket, never on the trail's own bucket (a feedback loop)")
	assert.Contains(t, prefixes[0], "innovate-security-config-us-east-1-")

	group := v.byType("aws:cloudwatch/logGroup:LogGroup")
	require.Len(t, group, 1)
	assert.Equal(t, 365.0, group[0].Inputs["retentionInDays"])
	assert.Contains(t, group[0].Inputs["kmsKeyId"], ":key/")
	assert.True(t, group[0].Protect)
}

func TestGuardDutySecurityHubConfigAccessAnalyzer(t *testing.T) {
	v := securityStack(t)
	detectors := v.byType("aws:guardduty/detector:Detector")
	require.Len(t, detectors, 2)
	for _, d := range detectors {
		assert.Equal(t, securityToolingID, d.Account)
		assert.Equal(t, "FIFTEEN_MINUTES", d.Inputs["findingPublishingFrequency"])
	}
	for _, oc := range v.byType("aws:guardduty/organizationConfiguration:OrganizationConfiguration") {
		assert.Equal(t, "ALL", oc.Inputs["autoEnableOrganizationMembers"])
	}
	features := map[string]int{}
	for _, f := range v.byType("aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature") {
		features[f.Inputs["name"].(string)]++
		assert.Equal(t, "ALL", f.Inputs["autoEnable"])
		if f.Inputs["name"] == "RUNTIME_MONITORING" {
			assert.Len(t, f.Inputs["additionalConfigurations"], 3)
		}
	}
	assert.Equal(t, map[string]int{"S3_DATA_EVENTS": 2, "EKS_AUDIT_LOGS": 2, "RDS_LOGIN_EVENTS": 2, "EBS_MALWARE_PROTECTION": 2, "RUNTIME_MONITORING": 2}, features)
	for _, p := range v.byType("aws:guardduty/publishingDestination:PublishingDestination") {
		assert.Contains(t, p.Inputs["destinationArn"], "innovate-security-guardduty-"+p.Region+"-", "findings stay in their region")
		assert.Contains(t, p.Inputs["kmsKeyArn"], "arn:aws:kms:"+p.Region+":"+logArchiveID+":key/")
	}

	oc := v.byType("aws:securityhub/organizationConfiguration:OrganizationConfiguration")
	require.Len(t, oc, 1)
	assert.Equal(t, "CENTRAL", oc[0].Inputs["organizationConfiguration"].(map[string]any)["configurationType"])
	policy := v.byType("aws:securityhub/configurationPolicy:ConfigurationPolicy")[0].Inputs["configurationPolicy"].(map[string]any)
	assert.Equal(t, []any{
		"arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0",
		"arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0",
	}, policy["enabledStandardArns"])
	orgPlan, _ := fullPlan(t).Stack("org")
	assoc := v.byType("aws:securityhub/configurationPolicyAssociation:ConfigurationPolicyAssociation")
	require.Len(t, assoc, 1)
	assert.Equal(t, orgPlan.Outputs["rootId"], assoc[0].Inputs["targetId"], "the whole organization")
	agg := v.byType("aws:securityhub/findingAggregator:FindingAggregator")[0]
	assert.Equal(t, "SPECIFIED_REGIONS", agg.Inputs["linkingMode"])
	assert.Equal(t, []any{"us-west-2"}, agg.Inputs["specifiedRegions"])

	ca := v.byType("aws:cfg/configurationAggregator:ConfigurationAggregator")
	require.Len(t, ca, 1)
	src := ca[0].Inputs["organizationAggregationSource"].(map[string]any)
	assert.Equal(t, true, src["allRegions"])

	analyzers := v.byType("aws:accessanalyzer/analyzer:Analyzer")
	require.Len(t, analyzers, 2, "one organization analyzer per region")
	for _, a := range analyzers {
		assert.Equal(t, "ORGANIZATION", a.Inputs["type"])
		assert.Equal(t, securityToolingID, a.Account)
	}
}

func TestEveryMemberAccountHasTheBaseline(t *testing.T) {
	v := securityStack(t)
	orgPlan, _ := fullPlan(t).Stack("org")
	ids := orgPlan.Outputs["accountIds"].(map[string]any)
	perAccount := func(typ string) map[string]int {
		out := map[string]int{}
		for _, r := range v.byType(typ) {
			out[r.Account]++
		}
		return out
	}
	ebs := perAccount("aws:ebs/encryptionByDefault:EncryptionByDefault")
	pab := perAccount("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock")
	recorders := perAccount("aws:cfg/recorder:Recorder")
	channels := perAccount("aws:cfg/deliveryChannel:DeliveryChannel")
	require.Len(t, ids, 8)
	ids["management"] = orgPlan.Outputs["managementAccountId"]
	for name, id := range ids {
		id := id.(string)
		assert.Equal(t, 2, ebs[id], "%s: EBS encryption in both regions", name)
		assert.Equal(t, 1, pab[id], name)
		assert.Equal(t, 2, recorders[id], name)
		assert.Equal(t, 2, channels[id], name)
	}
	global := 0
	for _, r := range v.byType("aws:cfg/recorder:Recorder") {
		if r.Inputs["recordingGroup"].(map[string]any)["includeGlobalResourceTypes"] == true {
			global++
			assert.Equal(t, "us-east-1", r.Region)
		}
	}
	assert.Equal(t, 9, global, "global resources recorded once per account (management included), in the home region")
	for _, c := range v.byType("aws:cfg/deliveryChannel:DeliveryChannel") {
		assert.Contains(t, c.Inputs["s3BucketName"], "innovate-security-config-us-east-1-")
		assert.Contains(t, c.Inputs["s3KmsKeyArn"], ":"+logArchiveID+":key/")
	}

	roles := 0
	for _, r := range v.byType("aws:iam/role:Role") {
		if r.Inputs["name"] != "platform-investigation" {
			continue
		}
		roles++
		doc, err := iampolicy.Parse(r.Inputs["assumeRolePolicy"].(string))
		require.NoError(t, err)
		require.Len(t, doc.Statement, 1)
		assert.Equal(t, []string{"arn:aws:iam::" + securityToolingID + ":root"}, doc.Statement[0].Principal.AWS)
		assert.Equal(t, []string{orgID(t)}, doc.Statement[0].Condition["StringEquals"]["aws:PrincipalOrgID"])
		assert.ElementsMatch(t, []any{"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", "arn:aws:iam::aws:policy/SecurityAudit"}, r.Inputs["managedPolicyArns"])
	}
	assert.Equal(t, 9, roles, "an investigation role in every member account and the management account")
}

func TestNoStackCreatesIAMUsers(t *testing.T) {
	for _, s := range fullPlan(t).Stacks {
		for _, r := range s.Resources {
			for _, banned := range []string{"aws:iam/user:", "aws:iam/accessKey:", "aws:iam/userLoginProfile:", "aws:iam/userPolicy"} {
				assert.False(t, strings.HasPrefix(r.Type, banned), "stack %s creates %s", s.Name, r.Type)
			}
		}
	}
}

func TestBackupVaultsAreLockedAndCopyOnly(t *testing.T) {
	v := securityStack(t)
	vaults := map[string]plan.Resource{}
	for _, r := range v.byType("aws:backup/vault:Vault") {
		if r.Account == backupAccount {
			vaults[r.Region] = r
		}
	}
	require.Len(t, vaults, 2, "a vault per region in the Backup account")
	for region, vault := range vaults {
		assert.Equal(t, "platform-baseline", vault.Inputs["name"], "the name the org backup policy copies into")
		assert.True(t, vault.Protect && vault.RetainOnDelete, region)
		assert.Contains(t, vault.Inputs["kmsKeyArn"], "arn:aws:kms:"+region+":"+backupAccount+":key/")
	}
	locks := v.byType("aws:backup/vaultLockConfiguration:VaultLockConfiguration")
	require.Len(t, locks, 2)
	for _, l := range locks {
		assert.Equal(t, 7.0, l.Inputs["minRetentionDays"])
		assert.Equal(t, 3650.0, l.Inputs["maxRetentionDays"])
		assert.Equal(t, 3.0, l.Inputs["changeableForDays"], "compliance mode after the grace period")
	}
	for _, p := range v.byType("aws:backup/vaultPolicy:VaultPolicy") {
		doc := policyOf(t, p)
		in, _ := statement(doc, "OrganizationCopiesIn")
		assert.Equal(t, []string{"backup:CopyIntoBackupVault"}, in.Action)
		assert.Equal(t, []string{orgID(t)}, in.Condition["StringEquals"]["aws:PrincipalOrgID"])
		deny, _ := statement(doc, "NobodyDeletes")
		assert.Equal(t, iampolicy.Deny, deny.Effect)
		assert.Contains(t, deny.Action, "backup:DeleteRecoveryPoint")
	}
	// Workload accounts get the vault and role the organization backup policy names.
	member := map[string]bool{}
	for _, r := range v.byType("aws:backup/vault:Vault") {
		if r.Account != backupAccount {
			member[r.Account] = true
		}
	}
	assert.Equal(t, map[string]bool{accountID("aws-prod@example.com"): true, accountID("aws-staging@example.com"): true, accountID("aws-dev@example.com"): true}, member)
}

func TestIdentityCenterMatrix(t *testing.T) {
	v := securityStack(t)
	sets := map[string]plan.Resource{}
	for _, r := range v.byType("aws:ssoadmin/permissionSet:PermissionSet") {
		sets[r.Inputs["name"].(string)] = r
		assert.Equal(t, identityAccount, r.Account, "managed from the Identity account")
	}
	require.Len(t, sets, 6)
	assert.Equal(t, "PT1H", sets["BreakGlassAdmin"].Inputs["sessionDuration"])
	assert.Len(t, v.byType("aws:identitystore/group:Group"), 6)

	groupOf := map[string]string{}
	for _, g := range v.byType("aws:identitystore/group:Group") {
		groupOf[strings.SplitN(g.Name, "-group-", 2)[1]] = g.Inputs["displayName"].(string)
	}
	orgPlan, _ := fullPlan(t).Stack("org")
	nameOf := map[string]string{}
	for name, id := range orgPlan.Outputs["accountIds"].(map[string]any) {
		nameOf[id.(string)] = name
	}
	grants := map[string][]string{}
	for _, a := range v.byType("aws:ssoadmin/accountAssignment:AccountAssignment") {
		assert.Equal(t, "GROUP", a.Inputs["principalType"])
		key := a.Name[len("security-identity-center-assignment-"):strings.LastIndex(a.Name, "-"+nameOf[a.Inputs["targetId"].(string)])]
		grants[key] = append(grants[key], nameOf[a.Inputs["targetId"].(string)])
	}
	for k := range grants {
		sort.Strings(grants[k])
	}
	assert.Equal(t, []string{"dev"}, grants["developers-developer-write"], "developers write in dev only")
	assert.Equal(t, []string{"prod", "staging"}, grants["developers-read-only"], "and read elsewhere")
	assert.Len(t, grants["break-glass-break-glass-admin"], 8)
	assert.Len(t, grants["security-auditors-security-audit"], 8)
}

func TestSecurityResourcesLiveInTheirAccounts(t *testing.T) {
	v := securityStack(t)
	want := map[string]string{
		"aws:cloudtrail/trail:Trail":                               securityToolingID,
		"aws:guardduty/detector:Detector":                          securityToolingID,
		"aws:cfg/configurationAggregator:ConfigurationAggregator":  securityToolingID,
		"aws:ssoadmin/permissionSet:PermissionSet":                 identityAccount,
		"aws:backup/vaultLockConfiguration:VaultLockConfiguration": backupAccount,
		"aws:s3/bucketReplicationConfig:BucketReplicationConfig":   logArchiveID,
	}
	for typ, acct := range want {
		rs := v.byType(typ)
		require.NotEmpty(t, rs, typ)
		for _, r := range rs {
			assert.Equal(t, acct, r.Account, "%s %s", typ, r.Name)
		}
	}
	// Every provider of the security stack assumes the org access role in a member account, except the management
	// account's own (its baseline, and the GuardDuty and Security Hub designations).
	management := 0
	for _, p := range v.byType("pulumi:providers:aws") {
		ar, ok := p.Inputs["assumeRole"].(map[string]any)
		if !ok {
			management++
			assert.Contains(t, p.Name, "-aws-management-", p.Name)
			continue
		}
		assert.Regexp(t, `^arn:aws:iam::\d{12}:role/OrganizationAccountAccessRole$`, ar["roleArn"].(string))
	}
	assert.Equal(t, 2, management, "one management provider per allowed region")
}

// Designating the GuardDuty or Security Hub administrator enables the service in that account by itself; creating
// the detector or the hub afterwards fails. The security stack creates both first, then designates from the
// management account.
func TestDetectorAndHubExistBeforeDesignation(t *testing.T) {
	v := securityStack(t)
	urns := map[string]string{}
	for _, r := range v.s.Resources {
		urns[r.Type+"::"+r.Region+"::"+r.Account] = r.URN
	}
	mgmt := orgOutputs(t)["managementAccountId"].(string)
	admins := v.byType("aws:guardduty/organizationAdminAccount:OrganizationAdminAccount")
	require.Len(t, admins, 2, "one designation per allowed region")
	for _, a := range admins {
		assert.Equal(t, mgmt, a.Account, "designated from the management account")
		assert.Equal(t, securityToolingID, a.Inputs["adminAccountId"])
		detector := urns["aws:guardduty/detector:Detector::"+a.Region+"::"+securityToolingID]
		require.NotEmpty(t, detector, a.Region)
		assert.Contains(t, a.Dependencies, detector, "%s: the detector exists before designation", a.Region)
	}
	for _, oc := range v.byType("aws:guardduty/organizationConfiguration:OrganizationConfiguration") {
		assert.Contains(t, oc.Dependencies, urns["aws:guardduty/organizationAdminAccount:OrganizationAdminAccount::"+oc.Region+"::"+mgmt],
			"%s: the organization configuration needs the administrator", oc.Region)
	}
	hub := v.byType("aws:securityhub/organizationAdminAccount:OrganizationAdminAccount")
	require.Len(t, hub, 1, "central configuration: one designation, in the home region")
	assert.Equal(t, "us-east-1", hub[0].Region)
	for _, region := range []string{"us-east-1", "us-west-2"} {
		assert.Contains(t, hub[0].Dependencies, urns["aws:securityhub/account:Account::"+region+"::"+securityToolingID], region)
	}
}
