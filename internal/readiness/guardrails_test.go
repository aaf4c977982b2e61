package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

// scpResource builds a service control policy of the org stack with a mocked policy ID.
func scpResource(name, id string, sts ...iampolicy.Statement) plan.Resource {
	return res("org", typeOrgPolicy, name, map[string]any{"type": "SERVICE_CONTROL_POLICY", "content": policy(sts...)}, withID(id))
}

func attachment(name, policyID, target string) plan.Resource {
	return res("org", typeOrgPolicyAttachment, name, map[string]any{"policyId": policyID, "targetId": target})
}

func exemptingPrincipals(patterns ...string) iampolicy.Condition {
	return iampolicy.Condition{"ArnNotLike": {"aws:PrincipalArn": patterns}}
}

func TestGuardrailExemptNamesProtected(t *testing.T) {
	const pipeline = "arn:aws:iam::*:role/platform-pipeline"
	breakGlass := "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_BreakGlassAdmin_*"
	guardrail := func(patterns ...string) iampolicy.Statement {
		return iampolicy.Statement{Sid: "ProtectTrail", Effect: iampolicy.Deny, Action: []string{"cloudtrail:StopLogging"},
			Resource: []string{"*"}, Condition: exemptingPrincipals(patterns...)}
	}
	protect := func(actions []string, resources []string, cond iampolicy.Condition) iampolicy.Statement {
		return iampolicy.Statement{Sid: "ProtectPlatformRoles", Effect: iampolicy.Deny, Action: actions, Resource: resources, Condition: cond}
	}
	createRole := []string{"iam:CreateRole", "iam:DeleteRole"}
	org := func(rs ...plan.Resource) *plan.Result { return result(stack("org", "organization", rs...)) }
	baselineURN := urn("org", typeOrgPolicy, "baseline")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"name protected in the same policy", org(scpResource("baseline", "p-1", guardrail(pipeline, breakGlass),
			protect(createRole, []string{pipeline, "arn:aws:iam::*:role/OrganizationAccountAccessRole"},
				exemptingPrincipals("arn:aws:iam::*:role/OrganizationAccountAccessRole")))), nil},
		{"name protected by iam:* on a wildcard in another policy", org(scpResource("baseline", "p-1", guardrail(pipeline)),
			scpResource("integrity", "p-2", protect([]string{"iam:*"}, []string{"arn:aws:iam::*:role/platform-*"}, nil))), nil},
		{"only Identity Center and wildcard names", org(scpResource("baseline", "p-1", guardrail(breakGlass, "arn:aws:iam::*:role/*-karpenter-controller-*"))), nil},
		{"protecting policy attached to the root", org(scpResource("baseline", "p-1", guardrail(pipeline)),
			scpResource("integrity", "p-2", protect(createRole, []string{pipeline}, nil)),
			attachment("baseline-to-workloads", "p-1", "ou-workloads"), attachment("integrity-to-root", "p-2", "r-root")), nil},
		{"protecting policy attached to the parent OU", org(scpResource("baseline", "p-1", guardrail(pipeline)),
			scpResource("integrity", "p-2", protect(createRole, []string{pipeline}, nil)),
			res("org", typeOrgUnit, "nonprod", map[string]any{"parentId": "ou-workloads"}, withID("ou-nonprod")),
			attachment("baseline-to-nonprod", "p-1", "ou-nonprod"), attachment("integrity-to-workloads", "p-2", "ou-workloads")), nil},
		{"name not protected", org(scpResource("baseline", "p-1", guardrail(pipeline, breakGlass))),
			[]want{{baselineURN, "SCP baseline exempts principals " + pipeline + ", but no SCP applying where it does denies iam:CreateRole on that role name: anyone allowed iam:CreateRole can create a role named platform-pipeline"}}},
		{"protection covers other roles only", org(scpResource("baseline", "p-1", guardrail(pipeline),
			protect(createRole, []string{"arn:aws:iam::*:role/OrganizationAccountAccessRole"}, nil))),
			[]want{{baselineURN, "role named platform-pipeline"}}},
		{"protection of other actions only", org(scpResource("baseline", "p-1", guardrail(pipeline),
			protect([]string{"iam:DeleteRole", "iam:UpdateRole"}, []string{pipeline}, nil))),
			[]want{{baselineURN, "role named platform-pipeline"}}},
		{"a conditional deny (the root user's) does not protect", org(scpResource("baseline", "p-1", guardrail(pipeline),
			protect([]string{"*"}, []string{"*"}, iampolicy.Condition{"ArnLike": {"aws:PrincipalArn": {"arn:aws:iam::*:root"}}}))),
			[]want{{baselineURN, "role named platform-pipeline"}}},
		{"protecting policy attached elsewhere", org(scpResource("baseline", "p-1", guardrail(pipeline)),
			scpResource("suspended", "p-2", protect([]string{"*"}, []string{"*"}, nil)),
			attachment("baseline-to-root", "p-1", "r-root"), attachment("suspended-to-suspended", "p-2", "ou-suspended")),
			[]want{{baselineURN, "role named platform-pipeline"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, guardrailExemptNamesProtected, tt.res, tt.wants...) })
	}
}

func TestSpendLimitSparesReplacements(t *testing.T) {
	const devAccount = "100000000001"
	controller := res("dev", typeRole, "dev-eks-karpenter-controller-role", map[string]any{"name": "dev-eks-karpenter-controller-92706a"}, at(devAccount, "us-east-1"))
	node := res("dev", typeRole, "dev-eks-karpenter-node-role", map[string]any{"name": "dev-eks-karpenter-node-819d95"}, at(devAccount, "us-east-1"))
	controllerARN := "arn:aws:iam::" + devAccount + ":role/dev-eks-karpenter-controller-92706a"
	breakGlass := "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_BreakGlassAdmin_*"
	deny := func(actions []string, exempt ...string) iampolicy.Statement {
		st := iampolicy.Statement{Sid: "DenyLaunches", Effect: iampolicy.Deny, Action: actions, Resource: []string{"*"}}
		if len(exempt) > 0 {
			st.Condition = exemptingPrincipals(exempt...)
		}
		return st
	}
	budgetAction := func(policyID string) plan.Resource {
		return res("org", typeBudgetAction, "hard-limit-dev", map[string]any{"actionType": "APPLY_SCP_POLICY",
			"definition": map[string]any{"scpActionDefinition": map[string]any{"policyId": policyID, "targetIds": []any{devAccount}}}})
	}
	plans := func(sts ...iampolicy.Statement) *plan.Result {
		return result(stack("org", "organization", scpResource("deny-new-spend", "p-spend", sts...), budgetAction("p-spend")),
			stack("dev", "workload", controller, node))
	}
	spendURN := urn("org", typeOrgPolicy, "deny-new-spend")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"controllers exempt", plans(deny([]string{"ec2:RunInstances", "ec2:CreateFleet"}, breakGlass, "arn:aws:iam::*:role/*-karpenter-controller-*")), nil},
		{"launches not denied", plans(deny([]string{"rds:CreateDBInstance"}, breakGlass)), nil},
		{"an SCP no budget action applies", result(stack("org", "organization", scpResource("other", "p-other", deny([]string{"ec2:*"}))),
			stack("dev", "workload", controller)), nil},
		{"launches denied to the controller", plans(deny([]string{"ec2:RunInstances", "ec2:StartInstances"}, breakGlass)),
			[]want{{spendURN, "SCP deny-new-spend, applied by budget actions hard-limit-dev, statement \"DenyLaunches\" denies ec2:RunInstances to Karpenter controller role " + controllerARN}}},
		{"wildcard action", plans(deny([]string{"ec2:*"})),
			[]want{{spendURN, "denies ec2:RunInstances and ec2:CreateFleet to Karpenter controller role " + controllerARN}}},
		{"exemption of another name", plans(deny([]string{"ec2:CreateFleet"}, "arn:aws:iam::*:role/karpenter")),
			[]want{{spendURN, "denies ec2:CreateFleet"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, spendLimitSparesReplacements, tt.res, tt.wants...) })
	}
}
