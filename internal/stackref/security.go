package stackref

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
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
	// LogBuckets and LogBucketARNs are the home-region Log Archive buckets by purpose (flow-logs, ...).
	LogBuckets    map[string]string
	LogBucketARNs map[string]string
	// BackupVaultARNs are the Backup account's vaults by region.
	BackupVaultARNs   map[string]string
	InvestigationRole string
	// PermissionSetARNs by permission set name, for EKS access entries.
	PermissionSetARNs map[string]string
}

// LogBucketPurposes are the buckets downstream stacks deliver to.
var LogBucketPurposes = []string{"flow-logs", "network-firewall", "lb-access-logs"}

// ReadSecurity reads the security stack. Every missing key is reported.
func ReadSecurity(ctx *pulumi.Context, pulumiOrg string) (*Security, error) {
	r, err := open(ctx, pulumiOrg, SecurityStack)
	if err != nil {
		return nil, err
	}
	s := &Security{
		LogKeyARNs:        r.stringMap(SecLogKeyARNs),
		LogBuckets:        r.stringMap(SecLogBuckets),
		LogBucketARNs:     r.stringMap(SecLogBucketARNs),
		BackupVaultARNs:   r.stringMap(SecBackupVaultARNs),
		InvestigationRole: r.string(SecInvestigationRole),
		PermissionSetARNs: r.stringMap(SecPermissionSetARNs),
	}
	if s.LogBuckets != nil {
		r.require(SecLogBuckets, s.LogBuckets, LogBucketPurposes...)
	}
	if s.LogBucketARNs != nil {
		r.require(SecLogBucketARNs, s.LogBucketARNs, LogBucketPurposes...)
	}
	if err := r.err(); err != nil {
		return nil, err
	}
	return s, nil
}
