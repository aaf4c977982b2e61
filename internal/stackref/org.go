package stackref

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Output keys of the org stack.
const (
	OrgOrganizationID      = "organizationId"
	OrgOrganizationARN     = "organizationArn"
	OrgRootID              = "rootId"
	OrgManagementAccountID = "managementAccountId"
	OrgOUIDs               = "organizationalUnitIds"
	OrgAccountIDs          = "accountIds"
	OrgAccountIDsByRole    = "accountIdsByRole"
	OrgWorkloadAccountIDs  = "workloadAccountIds"
	OrgAccessRoleName      = "accessRoleName"
	OrgHomeRegion          = "homeRegion"
	OrgDRRegion            = "drRegion"
	OrgAllowedRegions      = "allowedRegions"
	OrgBackupVaultName     = "backupVaultName"
	OrgBackupRoleName      = "backupRoleName"
	OrgBackupTag           = "backupTag"
	OrgBillingTopicARN     = "billingAlertsTopicArn"
	OrgGuardrailPolicyIDs  = "guardrailPolicyIds"
	OrgDenyNewSpendID      = "denyNewSpendPolicyId"
)

// OrgStack is the name of the organization layer's stack.
const OrgStack = "org"

// Org is what downstream stacks read from the org stack.
type Org struct {
	OrganizationID      string
	RootID              string
	ManagementAccountID string
	// OUIDs by OU name.
	OUIDs map[string]string
	// AccountIDs by account name (log-archive, prod, ...).
	AccountIDs map[string]string
	// AccountIDsByRole by role (identity, logArchive, securityTooling, networking, backup).
	AccountIDsByRole map[string]string
	// WorkloadAccountIDs by environment (prod, staging, dev).
	WorkloadAccountIDs map[string]string
	AccessRoleName     string
	HomeRegion         string
	DRRegion           string
	AllowedRegions     []string
	BackupVaultName    string
	// BackupRoleName is the role the organization backup policy (and the workload backup plans) use in each account.
	BackupRoleName string
	// BackupTagKey=BackupTagValue selects resources into the organization backup policy.
	BackupTagKey, BackupTagValue string
}

// OUARN is the ARN of the OU named name, and false when the org stack has no such OU. OU ARNs name the
// management account and the organization: arn:aws:organizations::<management>:ou/<organization>/<ou>.
func (o *Org) OUARN(name string) (string, bool) {
	id, ok := o.OUIDs[name]
	if !ok {
		return "", false
	}
	return fmt.Sprintf("arn:aws:organizations::%s:ou/%s/%s", o.ManagementAccountID, o.OrganizationID, id), true
}

// SingletonRoleKeys are the account roles every downstream stack may need an ID for.
var SingletonRoleKeys = []string{"identity", "logArchive", "securityTooling", "networking", "backup"}

// ReadOrg reads the org stack of the same Pulumi organization and project. Every missing key is reported.
func ReadOrg(ctx *pulumi.Context, pulumiOrg string) (*Org, error) {
	r, err := open(ctx, pulumiOrg, OrgStack)
	if err != nil {
		return nil, err
	}
	o := &Org{
		OrganizationID:      r.string(OrgOrganizationID),
		RootID:              r.string(OrgRootID),
		ManagementAccountID: r.string(OrgManagementAccountID),
		OUIDs:               r.stringMap(OrgOUIDs),
		AccountIDs:          r.stringMap(OrgAccountIDs),
		AccountIDsByRole:    r.stringMap(OrgAccountIDsByRole),
		WorkloadAccountIDs:  r.stringMap(OrgWorkloadAccountIDs),
		AccessRoleName:      r.string(OrgAccessRoleName),
		HomeRegion:          r.string(OrgHomeRegion),
		DRRegion:            r.string(OrgDRRegion),
		AllowedRegions:      r.stringSlice(OrgAllowedRegions),
		BackupVaultName:     r.string(OrgBackupVaultName),
		BackupRoleName:      r.string(OrgBackupRoleName),
	}
	if tag := r.stringMap(OrgBackupTag); tag != nil {
		r.require(OrgBackupTag, tag, "key", "value")
		o.BackupTagKey, o.BackupTagValue = tag["key"], tag["value"]
	}
	if o.AccountIDsByRole != nil {
		r.require(OrgAccountIDsByRole, o.AccountIDsByRole, SingletonRoleKeys...)
	}
	if err := r.err(); err != nil {
		return nil, err
	}
	return o, nil
}
