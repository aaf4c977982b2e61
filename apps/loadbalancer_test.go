package apps_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/innovate-inc/platform/apps"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/iampolicy/iamref"
)

// Every action and condition key of the published controller policy exists in the IAM reference, and the
// policy fits a managed policy; a misspelt action fails the same check.
func TestLBControllerPolicyIsValid(t *testing.T) {
	text, err := apps.LBControllerPolicy()
	require.NoError(t, err)
	assert.LessOrEqual(t, len(text), 6144)
	doc, err := iampolicy.Parse(text)
	require.NoError(t, err)
	assert.Empty(t, iamref.Catalog().Check(doc, iampolicy.Identity))
	var actions []string
	for _, s := range doc.Statement {
		actions = append(actions, s.Action...)
	}
	assert.Contains(t, actions, "elasticloadbalancing:CreateLoadBalancer")
	assert.Contains(t, actions, "wafv2:AssociateWebACL")

	doc.Statement[0].Action = append(doc.Statement[0].Action, "elasticloadbalancing:CreateLoadBalancers")
	assert.NotEmpty(t, iamref.Catalog().Check(doc, iampolicy.Identity))
}
