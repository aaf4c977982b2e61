package stackref

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/innovate-inc/platform/security"
)

// Output keys of the security stack.
const (
	SecLogKeyARNs          = "logArchiveKeyArns"
	SecLogBuckets          = "logBuckets"
	SecLogBucketARNs       = "logBucketArns"
	SecDRLogBuckets        = "drLogBuckets"
	SecTrailARN            = "trailArn"
	SecTrailLogGroupARN    = "trailLogGroupArn"
	SecDetectorIDs         = "guardDutyDetectorIds"
	SecConfigAggregatorARN = "configAggregatorArn"
	SecFindingAggregator   = "securityHubAggregatorArn"
	SecBackupVaultARNs     = "backupVaultArns"
	SecInvestigationRole   = "investigationRoleName"
	SecPermissionSetARNs   = "permissionSetArns"
	SecIdentityStoreID     = "identityStoreId"
	SecSSOInstanceARN      = "ssoInstanceArn"
	SecGroupIDs            = "groupIds"
)

// SecurityStack is the name of the security layer's stack.
const SecurityStack = "security"

// Security is what the network and workload stacks read from the security stack.
type Security struct {
	// LogKeyARNs are the Log Archive keys by region.
	LogKeyARNs map[string]string
	// LogBuckets and LogBucketARNs are the home-region Log Archive buckets by purpose.
	LogBuckets    map[security.Purpose]string
	LogBucketARNs map[security.Purpose]string
	// BackupVaultARNs are the Backup account's vaults by region.
	BackupVaultARNs   map[string]string
	InvestigationRole string
	// PermissionSetARNs by permission set name, for EKS access entries.
	PermissionSetARNs map[string]string
}

// ReadSecurity reads the security stack. Every missing key is reported.
func ReadSecurity(ctx *pulumi.Context, pulumiOrg string) (*Security, error) {
	r, err := open(ctx, pulumiOrg, SecurityStack)
	if err != nil {
		return nil, err
	}
	s := &Security{
		LogKeyARNs:        r.stringMap(SecLogKeyARNs),
		LogBuckets:        byPurpose(r, SecLogBuckets),
		LogBucketARNs:     byPurpose(r, SecLogBucketARNs),
		BackupVaultARNs:   r.stringMap(SecBackupVaultARNs),
		InvestigationRole: r.string(SecInvestigationRole),
		PermissionSetARNs: r.stringMap(SecPermissionSetARNs),
	}
	if err := r.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// byPurpose reads a map of Log Archive buckets by purpose, requiring the purposes other stacks deliver to.
func byPurpose(r *ref, key string) map[security.Purpose]string {
	m := r.stringMap(key)
	if m == nil {
		return nil
	}
	var need []string
	for _, p := range security.DeliveredByOtherStacks {
		need = append(need, string(p))
	}
	r.require(key, m, need...)
	out := map[security.Purpose]string{}
	for k, v := range m {
		out[security.Purpose(k)] = v
	}
	return out
}
