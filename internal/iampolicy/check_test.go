package iampolicy_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/iampolicy/iamref"
)

func TestCatalogActionsAndKeys(t *testing.T) {
	c := iamref.Catalog()
	assert.True(t, c.HasAction("organizations:LeaveOrganization"))
	assert.True(t, c.HasAction("ORGANIZATIONS:leaveorganization"), "case-insensitive")
	assert.True(t, c.HasAction("guardduty:Delete*"))
	assert.False(t, c.HasAction("guardduty:Obliterate*"))
	assert.False(t, c.HasAction("organizations:LeaveOrg"))
	assert.False(t, c.HasAction("notaservice:Get"))
	assert.True(t, c.HasConditionKey("aws:PrincipalArn"))
	assert.True(t, c.HasConditionKey("aws:PrincipalTag/team"), "placeholder keys match a concrete suffix")
	assert.True(t, c.HasConditionKey("ec2:MetadataHttpTokens"))
	assert.False(t, c.HasConditionKey("aws:PrincipalTag/"))
	assert.False(t, c.HasConditionKey("ec2:MetadataTokens"))
}

func TestCheckFindsEveryProblem(t *testing.T) {
	doc := iampolicy.Document{Version: "2008-10-17", Statement: []iampolicy.Statement{
		{Sid: "A", Effect: "Permit", Action: []string{"s3:GetObject", "s3:GetObjekt"}, Resource: []string{"*"},
			Principal: &iampolicy.Principal{Service: []string{"cloudtrail.amazonaws.com"}}},
		{Sid: "A", Effect: iampolicy.Deny, NotAction: []string{"iam:*"}, Resource: []string{"*"},
			Condition: iampolicy.Condition{"StringEqualz": {"aws:RequestedRegion": {"us-east-1"}}, "StringEquals": {"aws:Nope": {"x"}}}},
	}}
	errs := iampolicy.NewCatalog(nil, nil, nil).Check(doc, iampolicy.SCP)
	text := joinErrs(errs)
	for _, want := range []string{`Version "2008-10-17"`, `Effect "Permit"`, `action "s3:GetObject"`, `Sid "A" is used twice`,
		"names no principal", `operator "StringEqualz"`, `condition key "aws:Nope"`} {
		assert.Contains(t, text, want)
	}

	errs = iamref.Catalog().Check(doc, iampolicy.SCP)
	text = joinErrs(errs)
	assert.Contains(t, text, `action "s3:GetObjekt"`)
	assert.NotContains(t, text, `action "s3:GetObject" `)
}

func TestCheckKinds(t *testing.T) {
	c := iamref.Catalog()
	trust := iampolicy.New(iampolicy.Statement{Effect: iampolicy.Allow, Action: []string{"sts:AssumeRole", "s3:GetObject"},
		Principal: &iampolicy.Principal{Service: []string{"budgets.amazonaws.com"}}})
	assert.Contains(t, joinErrs(c.Check(trust, iampolicy.Trust)), `only allow sts actions, not "s3:GetObject"`)

	res := iampolicy.New(iampolicy.Statement{Effect: iampolicy.Allow, Action: []string{"kms:Decrypt"}, Resource: []string{"*"}})
	assert.Contains(t, joinErrs(c.Check(res, iampolicy.Resource)), "names its principal")

	wide := iampolicy.New(iampolicy.Statement{Effect: iampolicy.Allow, Action: []string{"*"}, Resource: []string{"*"}})
	assert.Contains(t, joinErrs(c.Check(wide, iampolicy.Identity)), "not least privilege")

	big := iampolicy.New(iampolicy.Statement{Effect: iampolicy.Deny, Action: []string{"s3:GetObject"},
		Resource: []string{strings.Repeat("x", iampolicy.MaxSCPLength)}})
	assert.Contains(t, joinErrs(c.Check(big, iampolicy.SCP)), "AWS allows 5120")
}

func TestParseRoundTripAndStringForms(t *testing.T) {
	doc, err := iampolicy.Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole",
	  "Condition":{"Bool":{"aws:SecureTransport":false}}}]}`)
	require.NoError(t, err)
	s := doc.Statement[0]
	assert.Equal(t, []string{"sts:AssumeRole"}, s.Action)
	assert.Equal(t, []string{"*"}, s.Principal.AWS)
	assert.Equal(t, []string{"false"}, s.Condition["Bool"]["aws:SecureTransport"])

	_, err = iampolicy.Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Actions":"s3:*"}]}`)
	assert.ErrorContains(t, err, `unknown field "Actions"`)
}

func joinErrs(errs []error) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Error() + "\n")
	}
	return b.String()
}

func TestOIDCConditionKeys(t *testing.T) {
	for key, want := range map[string]bool{
		"token.actions.githubusercontent.com:sub":              true,
		"token.actions.githubusercontent.com:aud":              true,
		"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub":          true,
		"token.actions.githubusercontent.com:job_workflow_ref": false,
		"token.actions.githubusercontent.com:repository":       false,
		"sts.amazonaws.com:sub":                                false,
		"aws:sub":                                              false,
		"token.actions.githubusercontent.com":                  false,
	} {
		if got := iampolicy.IsOIDCConditionKey(key); got != want {
			t.Errorf("IsOIDCConditionKey(%q) = %v, want %v", key, got, want)
		}
	}
}
