package naming

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestName(t *testing.T) {
	assert.Equal(t, "org-scp-deny-leave", Name("org", "scp", "deny-leave"))
	assert.Equal(t, "prod-eks-nodes-us-east-1a", Name("prod", "EKS", "nodes", "us-east-1a"))
	assert.Equal(t, "org-budget", Name("org", "budget", ""), "empty parts are skipped")
}

func TestLimitedAlwaysHashesAndFits(t *testing.T) {
	short := Limited("org-budget-action", MaxIAMRoleName)
	assert.True(t, strings.HasPrefix(short, "org-budget-action-"), short)
	assert.Len(t, short, len("org-budget-action")+1+HashLength)

	long := strings.Repeat("a", 80)
	got := Limited(long, MaxIAMRoleName)
	assert.Len(t, got, MaxIAMRoleName)
	assert.Equal(t, got, Limited(long, MaxIAMRoleName), "stable")

	// Two names sharing the kept prefix differ by their hash.
	assert.NotEqual(t, Limited(long+"-x", 32), Limited(long+"-y", 32))
	// No "--" when the cut lands on a separator.
	assert.NotContains(t, Limited("abcdefghijklmnopqrstuvwxy-zzzzzzzzzz", 32), "--")
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"BreakGlassAdmin":             "break-glass-admin",
		"PlatformEngineer":            "platform-engineer",
		"S3_DATA_EVENTS":              "s3-data-events",
		"EBS_MALWARE_PROTECTION":      "ebs-malware-protection",
		"job-function/ViewOnlyAccess": "job-function-view-only-access",
		"platform-engineers":          "platform-engineers",
		"RDS":                         "rds",
	} {
		assert.Equal(t, want, Slug(in), in)
	}
}

func TestLongestEnvironmentNameFitsTheNamesWithoutHash(t *testing.T) {
	env := strings.Repeat("e", MaxEnvironmentName)
	role := KarpenterControllerRole(Name(env, "eks", ""))
	assert.True(t, strings.HasPrefix(role, env+"-eks-karpenter-controller-"), "the deny-new-spend pattern still matches %s", role)
	assert.LessOrEqual(t, len(env+"_backup_restore_test"), 50, "AWS Backup's limit on restore testing plan names")
	assert.Greater(t, len(env+"e_backup_restore_test"), 50, "MaxEnvironmentName is the tightest limit, not below it")
}
