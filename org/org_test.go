package org_test

import (
	"encoding/json"
	"path"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/mocks"
	"github.com/innovate-inc/platform/internal/naming"
	"github.com/innovate-inc/platform/internal/providers"
	"github.com/innovate-inc/platform/internal/scope"
	"github.com/innovate-inc/platform/org"
)

const (
	typeAccount    = "aws:organizations/account:Account"
	typeOU         = "aws:organizations/organizationalUnit:OrganizationalUnit"
	typePolicy     = "aws:organizations/policy:Policy"
	typeAttachment = "aws:organizations/policyAttachment:PolicyAttachment"
	typeBudget     = "aws:budgets/budget:Budget"
	typeAction     = "aws:budgets/budgetAction:BudgetAction"
)

// orgStack is the repository's org stack config with overrides.
func orgStack(t *testing.T, overrides ...func(*config.Stack)) *config.Stack {
	return fixtures.Stack(t, "org", overrides...)
}

// runOrganization registers the Organization component alone.
func runOrganization(t *testing.T, s *config.Stack) (*mocks.Monitor, error) {
	return fixtures.Run(t, "org", "us-east-1", func(ctx *pulumi.Context) error {
		p, err := providers.New(ctx, "org", providers.Target{Key: "management", Region: "us-east-1"}, nil)
		if err != nil {
			return err
		}
		_, err = org.NewOrganization(ctx, "org-organization", org.OrganizationArgs{Scope: scope.Scope{Stack: "org", Provider: p}, Estate: s.Estate, Config: *s.Organization})
		return err
	})
}

func str(r mocks.Resource, key string) string {
	v, _ := mocks.Plain(r.Inputs)[key].(string)
	return v
}

func TestOrganizationHasAllFeaturesAndPolicyTypes(t *testing.T) {
	mon, err := runOrganization(t, orgStack(t))
	require.NoError(t, err)
	o, ok := mon.Named("aws:organizations/organization:Organization", "org-organization")
	require.True(t, ok)
	in := mocks.Plain(o.Inputs)
	assert.Equal(t, "ALL", in["featureSet"])
	assert.ElementsMatch(t, []any{"SERVICE_CONTROL_POLICY", "TAG_POLICY", "BACKUP_POLICY"}, in["enabledPolicyTypes"])
	assert.Contains(t, in["awsServiceAccessPrincipals"], "sso.amazonaws.com")
	assert.Contains(t, in["awsServiceAccessPrincipals"], "guardduty.amazonaws.com")
	assert.True(t, o.Protect)
	assert.True(t, o.RetainOnDelete)
}

func TestAccountsAreProtectedAndPlacedInTheirOUs(t *testing.T) {
	s := orgStack(t)
	mon, err := runOrganization(t, s)
	require.NoError(t, err)
	ouIDs := map[string]string{}
	for _, r := range mon.ByType(typeOU) {
		ouIDs[str(r, "name")] = r.ID
	}
	accounts := mon.ByType(typeAccount)
	require.Len(t, accounts, 8)
	for _, a := range s.Organization.Accounts {
		r, ok := mon.Named(typeAccount, "org-organization-account-"+a.Name)
		require.True(t, ok, a.Name)
		in := mocks.Plain(r.Inputs)
		assert.Equal(t, "innovate-"+a.Name, in["name"])
		assert.Equal(t, a.Email, in["email"])
		assert.Equal(t, ouIDs[a.OU], in["parentId"], "%s is in OU %s", a.Name, a.OU)
		assert.Equal(t, false, in["closeOnDeletion"], "removing an account from config never closes it")
		assert.Equal(t, "OrganizationAccountAccessRole", in["roleName"])
		assert.True(t, r.Protect, a.Name)
		assert.True(t, r.RetainOnDelete, a.Name)
		assert.ElementsMatch(t, []string{"email", "roleName", "iamUserAccessToBilling"}, r.IgnoreChanges)
		assert.Equal(t, mocks.AccountID(a.Email), r.ID)
	}
}

func TestOUsNestUnderTheirParents(t *testing.T) {
	mon, err := runOrganization(t, orgStack(t))
	require.NoError(t, err)
	byName := map[string]mocks.Resource{}
	for _, r := range mon.ByType(typeOU) {
		byName[str(r, "name")] = r
	}
	require.Len(t, byName, 7)
	o, _ := mon.Named("aws:organizations/organization:Organization", "org-organization")
	rootID := mocks.Plain(o.Outputs)["roots"].([]any)[0].(map[string]any)["id"]
	assert.Equal(t, rootID, str(byName["Workloads"], "parentId"))
	assert.Equal(t, rootID, str(byName["Security"], "parentId"))
	assert.Equal(t, byName["Workloads"].ID, str(byName["Prod"], "parentId"))
	assert.Equal(t, byName["Workloads"].ID, str(byName["NonProd"], "parentId"))
}

func TestParentsFirst(t *testing.T) {
	got := org.ParentsFirst([]config.OU{{Name: "C", Parent: "B"}, {Name: "B", Parent: "A"}, {Name: "A"}, {Name: "Z"}})
	var names []string
	for _, ou := range got {
		names = append(names, ou.Name)
	}
	assert.Equal(t, []string{"A", "Z", "B", "C"}, names)
}

// runOrgLayer registers the guardrails and cost controls with the organization they need.
func runOrgLayer(t *testing.T, s *config.Stack) *mocks.Monitor {
	mon, err := fixtures.Run(t, "org", "us-east-1", func(ctx *pulumi.Context) error {
		p, err := providers.New(ctx, "org", providers.Target{Key: "management", Region: "us-east-1"}, nil)
		if err != nil {
			return err
		}
		o, err := org.NewOrganization(ctx, "org-organization", org.OrganizationArgs{Scope: scope.Scope{Stack: "org", Provider: p}, Estate: s.Estate, Config: *s.Organization})
		if err != nil {
			return err
		}
		backup, _ := s.Organization.AccountByRole(config.RoleBackup)
		g, err := org.NewGuardrails(ctx, "org-guardrails", org.GuardrailsArgs{Scope: scope.Scope{Stack: "org", Provider: p}, Estate: s.Estate, Config: *s.Organization,
			RootID: o.RootID, OUIDs: o.OUIDs, BackupAccountID: o.AccountIDs[backup.Name], Organization: o.Organization})
		if err != nil {
			return err
		}
		_, err = org.NewCostControls(ctx, "org-cost-controls", org.CostControlsArgs{Scope: scope.Scope{Stack: "org", Provider: p}, Config: *s.Organization,
			ManagementAccountID: o.ManagementAccountID, AccountIDs: o.AccountIDs,
			DenyNewSpendID: g.DenyNewSpend.ID().ToStringOutput(), DenyNewSpendARN: g.DenyNewSpend.Arn})
		return err
	})
	require.NoError(t, err)
	return mon
}

func TestSCPsAreAttachedWhereTheyBelong(t *testing.T) {
	mon := runOrgLayer(t, orgStack(t))
	policyByID := map[string]string{}
	for _, r := range mon.ByType(typePolicy) {
		policyByID[r.ID] = str(r, "name")
	}
	o, _ := mon.Named("aws:organizations/organization:Organization", "org-organization")
	rootID := mocks.Plain(o.Outputs)["roots"].([]any)[0].(map[string]any)["id"].(string)
	suspended := ""
	for _, r := range mon.ByType(typeOU) {
		if str(r, "name") == "Suspended" {
			suspended = r.ID
		}
	}
	attached := map[string][]string{}
	for _, r := range mon.ByType(typeAttachment) {
		attached[policyByID[str(r, "policyId")]] = append(attached[policyByID[str(r, "policyId")]], str(r, "targetId"))
	}
	for _, root := range []string{"org-guardrails-scp-org-integrity", "org-guardrails-scp-security-baseline", "org-guardrails-scp-region-restriction", "org-guardrails-scp-require-imdsv2", "org-guardrails-tag-policy-cost-allocation"} {
		assert.Equal(t, []string{rootID}, attached[root], root)
	}
	assert.Equal(t, []string{suspended}, attached["org-guardrails-scp-suspended-deny-all"])
	var securityOU string
	for _, r := range mon.ByType(typeOU) {
		if str(r, "name") == "Security" {
			securityOU = r.ID
		}
	}
	assert.Equal(t, []string{securityOU}, attached["org-guardrails-scp-protect-log-archive"], "the Log Archive's policies are guarded on its OU")
	for _, r := range mon.ByType(typePolicy) {
		assert.Contains(t, r.Dependencies, "urn:pulumi:org::platform::platform:org:Organization$aws:organizations/organization:Organization::org-organization",
			"%s waits for the organization and its policy types", str(r, "name"))
	}
	assert.Empty(t, attached["org-guardrails-scp-deny-new-spend"], "deny-new-spend is only attached by budget actions")
	var workloads string
	for _, r := range mon.ByType(typeOU) {
		if str(r, "name") == "Workloads" {
			workloads = r.ID
		}
	}
	assert.Equal(t, []string{workloads}, attached["org-guardrails-backup-policy-baseline"])
}

func TestGuardrailExemptionsAreExactlyThePlatformRoles(t *testing.T) {
	s := orgStack(t)
	want := []string{
		"arn:aws:iam::*:role/OrganizationAccountAccessRole",
		"arn:aws:iam::*:role/platform-pipeline",
		"arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_BreakGlassAdmin_*",
	}
	// The exempt role names themselves, and the Log Archive's policies, only the organization access role may touch:
	// otherwise anyone with iam:CreateRole could create a role of an exempt name.
	accessRoleOnly := map[string]bool{"ProtectPlatformRoles": true, "ProtectLogArchive": true}
	exempted := map[string]bool{}
	for _, g := range org.SCPs(s.Estate, *s.Organization) {
		for _, st := range g.Document.Statement {
			if arns, ok := st.Condition["ArnNotLike"]["aws:PrincipalArn"]; ok {
				if accessRoleOnly[st.Sid] {
					assert.Equal(t, want[:1], arns, "%s/%s", g.Key, st.Sid)
				} else {
					assert.Equal(t, want, arns, "%s/%s", g.Key, st.Sid)
				}
				exempted[st.Sid] = true
			}
		}
	}
	for _, sid := range []string{"ProtectSecurityServices", "ProtectBackups", "ProtectPlatformRoles", "DenyOutsideAllowedRegions", "DenyMetadataOptionChanges"} {
		assert.True(t, exempted[sid], sid)
	}
	for _, sid := range []string{"DenyLeaveOrganization", "DenyRootUser", "DenyIAMUsers", "DenyDisableEBSEncryption", "DenyShortKMSDeletionWindow"} {
		assert.False(t, exempted[sid], "%s exempts nobody", sid)
	}
}

func TestRegionGuardrailAllowsOnlyConfiguredRegions(t *testing.T) {
	s := orgStack(t, func(s *config.Stack) { s.Estate.AllowedRegions = []string{"us-east-1", "us-west-2", "eu-west-1"} })
	for _, g := range org.SCPs(s.Estate, *s.Organization) {
		if g.Key != "region-restriction" {
			continue
		}
		st := g.Document.Statement[0]
		assert.Equal(t, iampolicy.Deny, st.Effect)
		assert.Equal(t, []string{"us-east-1", "us-west-2", "eu-west-1"}, st.Condition["StringNotEquals"]["aws:RequestedRegion"])
		assert.Contains(t, st.NotAction, "iam:*")
		assert.Contains(t, st.NotAction, "sts:*")
		assert.NotContains(t, st.NotAction, "ec2:*")
		return
	}
	t.Fatal("no region guardrail")
}

func TestIMDSv2GuardrailRequiresTokens(t *testing.T) {
	s := orgStack(t)
	for _, g := range org.SCPs(s.Estate, *s.Organization) {
		if g.Key == "require-imdsv2" {
			st := g.Document.Statement[0]
			assert.Equal(t, []string{"ec2:RunInstances"}, st.Action)
			assert.Equal(t, []string{"required"}, st.Condition["StringNotEquals"]["ec2:MetadataHttpTokens"])
			return
		}
	}
	t.Fatal("no IMDSv2 guardrail")
}

func TestNoSuspendedGuardrailWithoutTheOU(t *testing.T) {
	s := orgStack(t)
	o := *s.Organization
	o.OrganizationalUnits = nil
	for _, g := range org.SCPs(s.Estate, o) {
		assert.NotEqual(t, "suspended-deny-all", g.Key)
	}
}

func TestBudgetsAlertOnActualAndForecast(t *testing.T) {
	mon := runOrgLayer(t, orgStack(t))
	budgets := mon.ByType(typeBudget)
	require.Len(t, budgets, 8+3, "one budget per account and per team")

	prod, ok := mon.Named(typeBudget, "org-cost-controls-budget-account-prod")
	require.True(t, ok)
	in := mocks.Plain(prod.Inputs)
	assert.Equal(t, "6000.00", in["limitAmount"])
	assert.Equal(t, "MONTHLY", in["timeUnit"])
	filter := in["costFilters"].([]any)[0].(map[string]any)
	assert.Equal(t, "LinkedAccount", filter["name"])
	assert.Equal(t, []any{mocks.AccountID("aws-prod@example.com")}, filter["values"])
	var kinds []string
	for _, n := range in["notifications"].([]any) {
		n := n.(map[string]any)
		kinds = append(kinds, n["notificationType"].(string)+"@"+strings.TrimSuffix(jsonNum(n["threshold"]), ".0"))
		assert.Equal(t, []any{"finance@example.com", "platform-team@example.com"}, n["subscriberEmailAddresses"])
		assert.Len(t, n["subscriberSnsTopicArns"], 1)
	}
	assert.Equal(t, []string{"ACTUAL@50", "ACTUAL@80", "ACTUAL@100", "FORECASTED@100"}, kinds)

	team, ok := mon.Named(typeBudget, "org-cost-controls-budget-team-backend")
	require.True(t, ok)
	filter = mocks.Plain(team.Inputs)["costFilters"].([]any)[0].(map[string]any)
	assert.Equal(t, "TagKeyValue", filter["name"])
	assert.Equal(t, []any{"user:team$backend"}, filter["values"])
	n := mocks.Plain(team.Inputs)["notifications"].([]any)[0].(map[string]any)
	assert.Equal(t, []any{"backend-leads@example.com"}, n["subscriberEmailAddresses"], "team alerts go to the team's own addresses")
}

func jsonNum(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestHardLimitsAttachDenyNewSpendOnNonProdOnly(t *testing.T) {
	mon := runOrgLayer(t, orgStack(t))
	deny, ok := mon.Named(typePolicy, "org-guardrails-scp-deny-new-spend")
	require.True(t, ok)
	actions := mon.ByType(typeAction)
	require.Len(t, actions, 2)
	targets := map[string]bool{}
	for _, a := range actions {
		in := mocks.Plain(a.Inputs)
		assert.Equal(t, "APPLY_SCP_POLICY", in["actionType"])
		assert.Equal(t, "AUTOMATIC", in["approvalModel"])
		def := in["definition"].(map[string]any)["scpActionDefinition"].(map[string]any)
		assert.Equal(t, deny.ID, def["policyId"])
		for _, id := range def["targetIds"].([]any) {
			targets[id.(string)] = true
		}
		assert.Equal(t, 100.0, in["actionThreshold"].(map[string]any)["actionThresholdValue"])
	}
	assert.Equal(t, map[string]bool{mocks.AccountID("aws-dev@example.com"): true, mocks.AccountID("aws-staging@example.com"): true}, targets)

	// The action role may attach only that policy, only to those accounts.
	rp := mon.ByType("aws:iam/rolePolicy:RolePolicy")
	require.Len(t, rp, 1)
	doc, err := iampolicy.Parse(str(rp[0], "policy"))
	require.NoError(t, err)
	res := doc.Statement[0].Resource
	assert.Equal(t, mocks.Plain(deny.Outputs)["arn"], res[0])
	assert.Len(t, res, 3)
	assert.True(t, strings.HasSuffix(res[1], "/"+mocks.AccountID("aws-staging@example.com")) || strings.HasSuffix(res[2], "/"+mocks.AccountID("aws-staging@example.com")))
}

func TestNoBudgetActionsWithoutHardLimits(t *testing.T) {
	s := orgStack(t, func(s *config.Stack) {
		off := false
		for i := range s.Organization.Accounts {
			s.Organization.Accounts[i].Budget.HardLimit = &off
		}
	})
	mon := runOrgLayer(t, s)
	assert.Empty(t, mon.ByType(typeAction))
	assert.Empty(t, mon.ByType("aws:iam/role:Role"), "no action role without actions")
}

func TestBillingAlertsAreEncryptedWithACustomerManagedKey(t *testing.T) {
	mon := runOrgLayer(t, orgStack(t))
	key := mon.ByType("aws:kms/key:Key")
	require.Len(t, key, 1)
	in := mocks.Plain(key[0].Inputs)
	assert.Equal(t, true, in["enableKeyRotation"])
	assert.Equal(t, 30.0, in["deletionWindowInDays"])
	assert.True(t, key[0].Protect)
	topic := mon.ByType("aws:sns/topic:Topic")
	require.Len(t, topic, 1)
	assert.Equal(t, mocks.Plain(key[0].Outputs)["arn"], str(topic[0], "kmsMasterKeyId"))
}

// The hard spending limit stops new capacity, not replacements: Karpenter's controllers may still launch instances
// (bounded by their NodePool limits), people and pipelines may not.
func TestDenyNewSpendSparesKarpenterReplacements(t *testing.T) {
	doc := org.DenyNewSpend(orgStack(t).Estate)
	require.Len(t, doc.Statement, 2)
	capacity, launches := doc.Statement[0], doc.Statement[1]
	assert.Contains(t, capacity.Action, "eks:CreateNodegroup")
	assert.NotContains(t, capacity.Action, "ec2:RunInstances")
	assert.Equal(t, []string{"arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_BreakGlassAdmin_*"},
		capacity.Condition["ArnNotLike"]["aws:PrincipalArn"])
	assert.ElementsMatch(t, []string{"ec2:RunInstances", "ec2:StartInstances", "ec2:CreateFleet", "ec2:RequestSpotInstances", "ec2:RequestSpotFleet"}, launches.Action)
	exempt := launches.Condition["ArnNotLike"]["aws:PrincipalArn"]
	assert.Contains(t, exempt, "arn:aws:iam::*:role/*-karpenter-controller-*")
	matched, err := path.Match("*-karpenter-controller-*", naming.KarpenterControllerRole("prod-eks"))
	require.NoError(t, err)
	assert.True(t, matched, "the exemption matches the controller role's real name")
}

// Linked-account monitors, never the AWS services monitor (one per account, and AWS's default one usually exists).
func TestAnomalyMonitorsTrackEveryAccount(t *testing.T) {
	mon := runOrgLayer(t, orgStack(t))
	monitors := mon.ByType("aws:costexplorer/anomalyMonitor:AnomalyMonitor")
	require.Len(t, monitors, 1, "eight accounts fit one monitor (ten at most)")
	assert.Equal(t, "CUSTOM", str(monitors[0], "monitorType"))
	var spec map[string]any
	require.NoError(t, json.Unmarshal([]byte(str(monitors[0], "monitorSpecification")), &spec))
	dim := spec["Dimensions"].(map[string]any)
	assert.Equal(t, "LINKED_ACCOUNT", dim["Key"])
	assert.Len(t, dim["Values"], 8)
	for _, sub := range mon.ByType("aws:costexplorer/anomalySubscription:AnomalySubscription") {
		assert.Equal(t, []any{monitors[0].Outputs["arn"].StringValue()}, mocks.Plain(sub.Inputs)["monitorArnLists"])
	}
}

// Centralized root access is on before any account exists, so no member account ever has root credentials.
func TestRootAccessIsCentralizedBeforeAccounts(t *testing.T) {
	mon := runOrgLayer(t, orgStack(t))
	features := mon.ByType("aws:iam/organizationsFeatures:OrganizationsFeatures")
	require.Len(t, features, 1)
	assert.Equal(t, []any{"RootCredentialsManagement", "RootSessions"}, mocks.Plain(features[0].Inputs)["enabledFeatures"])
	o, _ := mon.Named("aws:organizations/organization:Organization", "org-organization")
	assert.Contains(t, mocks.Plain(o.Inputs)["awsServiceAccessPrincipals"], "iam.amazonaws.com")
	for _, a := range mon.ByType("aws:organizations/account:Account") {
		assert.Contains(t, a.Dependencies, features[0].URN, str(a, "name"))
	}
}

func TestAnomalySubscriptions(t *testing.T) {
	mon := runOrgLayer(t, orgStack(t))
	subs := mon.ByType("aws:costexplorer/anomalySubscription:AnomalySubscription")
	require.Len(t, subs, 2)
	freq := map[string]string{}
	for _, s := range subs {
		in := mocks.Plain(s.Inputs)
		sub := in["subscribers"].([]any)[0].(map[string]any)
		freq[in["frequency"].(string)] = sub["type"].(string)
		dim := in["thresholdExpression"].(map[string]any)["dimension"].(map[string]any)
		assert.Equal(t, []any{"100.00"}, dim["values"])
	}
	assert.Equal(t, map[string]string{"DAILY": "EMAIL", "IMMEDIATE": "SNS"}, freq)
	tags := mon.ByType("aws:costexplorer/costAllocationTag:CostAllocationTag")
	assert.Len(t, tags, 6)
}

func TestDelegatedAdministrators(t *testing.T) {
	s := orgStack(t)
	mon, err := fixtures.Run(t, "org", "us-east-1", func(ctx *pulumi.Context) error {
		p, err := providers.New(ctx, "org", providers.Target{Key: "management", Region: s.Estate.HomeRegion}, nil)
		if err != nil {
			return err
		}
		_, err = org.NewDelegatedAdmins(ctx, "org-delegated-admins", org.DelegatedAdminsArgs{
			Scope:             scope.Scope{Stack: "org", Provider: p},
			SecurityToolingID: pulumi.String("111111111111"), IdentityID: pulumi.String("222222222222"), BackupID: pulumi.String("333333333333"),
		})
		return err
	})
	require.NoError(t, err)
	got := map[string]string{}
	for _, r := range mon.ByType("aws:organizations/delegatedAdministrator:DelegatedAdministrator") {
		got[str(r, "servicePrincipal")] = str(r, "accountId")
	}
	assert.Equal(t, map[string]string{
		"access-analyzer.amazonaws.com": "111111111111", "config.amazonaws.com": "111111111111",
		"config-multiaccountsetup.amazonaws.com": "111111111111",
		"sso.amazonaws.com":                      "222222222222", "backup.amazonaws.com": "333333333333",
	}, got)
	// Designating GuardDuty or Security Hub enables them in the administrator account, after which the security
	// stack could not create its detector and hub: the security stack designates them, after creating both.
	assert.Empty(t, mon.ByType("aws:guardduty/organizationAdminAccount:OrganizationAdminAccount"))
	assert.Empty(t, mon.ByType("aws:securityhub/organizationAdminAccount:OrganizationAdminAccount"))
	ct := mon.ByType("aws:cloudtrail/organizationDelegatedAdminAccount:OrganizationDelegatedAdminAccount")
	require.Len(t, ct, 1)
	assert.Equal(t, "111111111111", str(ct[0], "accountId"))
}

func TestTagPolicyNamesEveryMandatoryKey(t *testing.T) {
	var doc map[string]map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(org.TagPolicy(orgStack(t).Estate)), &doc))
	for _, k := range []string{"environment", "owner", "team", "cost-center", "application", "managed-by"} {
		assert.Equal(t, map[string]any{"@@assign": k}, doc["tags"][k]["tag_key"])
	}
	assert.Equal(t, map[string]any{"@@assign": []any{"shared", "prod", "staging", "dev"}}, doc["tags"]["environment"]["tag_value"])

	// The allowed values are the estate's environments, whatever their names.
	e := orgStack(t).Estate
	e.Environments = []config.Environment{{Name: "live", Tier: config.TierProduction}, {Name: "qa-eu", Tier: config.TierNonProduction}}
	var open map[string]map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(org.TagPolicy(e)), &open))
	assert.Equal(t, map[string]any{"@@assign": []any{"shared", "live", "qa-eu"}}, open["tags"]["environment"]["tag_value"])
}
