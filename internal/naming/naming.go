// Package naming is the one naming scheme of the platform: <env>-<component>-<role>[-<qualifier>...].
//
// Pulumi logical names and AWS physical names come from the same function, so a resource is found under one
// name in the plan, in state and in the console. Physical names that AWS limits get a stable hash suffix every
// time (kops GetResourceName32 with AlwaysAddHash), so two long names that share a prefix never collide and a
// name does not change shape when it grows past the limit.
package naming

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Name joins the parts with '-', lowercased, skipping empty parts.
func Name(env, component, role string, qualifiers ...string) string {
	parts := make([]string, 0, 3+len(qualifiers))
	for _, p := range append([]string{env, component, role}, qualifiers...) {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "-")
}

// HashLength is the number of hex characters of the hash suffix.
const HashLength = 6

// Limited returns name shortened to at most max characters, always ending in "-<hash>", where the hash is taken
// over the full name. Use it for every physical name AWS limits (IAM roles 64, S3 buckets 63, load balancers 32).
func Limited(name string, max int) string {
	sum := sha256.Sum256([]byte(name))
	suffix := "-" + hex.EncodeToString(sum[:])[:HashLength]
	keep := max - len(suffix)
	if keep < 1 {
		return suffix[1:]
	}
	if len(name) > keep {
		name = strings.TrimRight(name[:keep], "-")
	}
	return name + suffix
}

// AWS limits that physical names are shortened to.
const (
	MaxIAMRoleName   = 64
	MaxIAMPolicyName = 128
	MaxS3BucketName  = 63
	MaxBudgetName    = 100
	MaxSNSTopicName  = 256
	MaxKMSAliasName  = 256
	MaxLBName        = 32
	MaxEventRuleName = 64
)

// MaxEnvironmentName is the longest workload environment name. A workload stack's names start with it, and the
// tightest that carry no hash suffix are the restore-testing plan "<env>_backup_restore_test" (AWS Backup allows
// 50 characters) and the Karpenter controller role "<env>-eks-karpenter-controller", which must fit the 64
// characters of an IAM role name with its hash suffix before Limited would cut into the part
// KarpenterControllerRolePattern matches.
const MaxEnvironmentName = 30

// KarpenterControllerRole is the name of a cluster's Karpenter controller role. The deny-new-spend guardrail
// recognises every such role by KarpenterControllerRolePattern (the hash suffix is always there).
func KarpenterControllerRole(cluster string) string {
	return Limited(cluster+"-karpenter-controller", MaxIAMRoleName)
}

// KarpenterControllerRolePattern matches the name of every cluster's Karpenter controller role.
const KarpenterControllerRolePattern = "*-karpenter-controller-*"

// Slug turns a config or AWS name into a name part: lower case, words separated by '-' (CamelCase, snake_case,
// paths and dots alike): "BreakGlassAdmin" -> "break-glass-admin", "S3_DATA_EVENTS" -> "s3-data-events",
// "job-function/ViewOnlyAccess" -> "job-function-view-only-access".
func Slug(s string) string {
	var b strings.Builder
	prev := byte('-')
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '/' || ch == ' ' || ch == '_' || ch == '.' || ch == '-':
			ch = '-'
			if prev == '-' {
				continue
			}
		case ch >= 'A' && ch <= 'Z':
			if prev >= 'a' && prev <= 'z' {
				b.WriteByte('-')
			}
			ch += 'a' - 'A'
		}
		b.WriteByte(ch)
		prev = s[i]
		if ch == '-' {
			prev = '-'
		}
	}
	return strings.Trim(b.String(), "-")
}
