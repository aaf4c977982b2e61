package org

import (
	"fmt"
	"slices"
	"strings"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/naming"
)

// Guardrail is one service control policy and where it is attached.
type Guardrail struct {
	// Key is the short name; the policy is named <env>-scp-<key>.
	Key         string
	Description string
	Document    iampolicy.Document
	// Root attaches the policy to the organization root (every member account).
	Root bool
	// OUs attaches the policy to these OUs.
	OUs []string
}

// MaxSCPsPerTarget is the AWS Organizations limit of SCPs attached to one root, OU or account, counting the
// FullAWSAccess policy AWS attaches by default.
const MaxSCPsPerTarget = 5

// Exempt principals: the role the platform deploys through (the org access role), the CI pipeline's role and
// the IAM Identity Center break-glass permission set. Each guardrail that the platform itself must be able to
// cross (configuring CloudTrail, Config, Backup, its own roles) exempts exactly these; the others exempt nobody.
func exemptPrincipals(e config.Estate) []string {
	return []string{
		"arn:aws:iam::*:role/" + e.AccessRoleName,
		"arn:aws:iam::*:role/" + e.PipelineRoleName,
		"arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_" + e.BreakGlassPermissionSet + "_*",
	}
}

func unlessExempt(e config.Estate) iampolicy.Condition {
	return iampolicy.Condition{"ArnNotLike": {"aws:PrincipalArn": exemptPrincipals(e)}}
}

var everything = []string{"*"}

// GlobalServiceActions are exempt from the region guardrail: these services are global or have their control
// plane in us-east-1, so a region condition would break them.
var GlobalServiceActions = []string{
	"a4b:*", "access-analyzer:*", "account:*", "acm:*", "aws-marketplace-management:*", "aws-marketplace:*",
	"aws-portal:*", "billing:*", "budgets:*", "ce:*", "chime:*", "cloudfront:*", "config:*", "cur:*",
	"directconnect:*", "ec2:DescribeRegions", "ec2:DescribeTransitGateways", "ec2:DescribeVpnGateways",
	"fms:*", "globalaccelerator:*", "health:*", "iam:*", "identitystore:*", "importexport:*", "invoicing:*",
	"kms:*", "networkmanager:*", "organizations:*", "payments:*", "pricing:*", "route53-recovery-cluster:*",
	"route53-recovery-control-config:*", "route53-recovery-readiness:*", "route53:*", "route53domains:*",
	"s3:GetAccountPublic*", "s3:ListAllMyBuckets", "s3:ListMultiRegionAccessPoints", "s3:PutAccountPublic*",
	"shield:*", "sso:*", "sts:*", "support:*", "tax:*", "trustedadvisor:*", "waf-regional:*", "waf:*",
	"wafv2:*", "wellarchitected:*",
}

// SCPs returns the platform's SCPs. Four go on the root (with FullAWSAccess that is the limit of five);
// Suspended gets a deny-all.
func SCPs(e config.Estate, o config.Organization) []Guardrail {
	exempt := unlessExempt(e)
	platformRoles := []string{
		"arn:aws:iam::*:role/" + e.AccessRoleName,
		"arn:aws:iam::*:role/" + e.PipelineRoleName,
		"arn:aws:iam::*:role/" + o.BackupPolicy.RoleName,
	}
	g := []Guardrail{
		{
			Key:         "org-integrity",
			Description: "Deny leaving the organization, root-user actions, IAM users and access keys, default VPCs, and changes to the platform's roles",
			Root:        true,
			Document: iampolicy.New(
				iampolicy.Statement{Sid: "DenyLeaveOrganization", Effect: iampolicy.Deny,
					Action: []string{"organizations:LeaveOrganization"}, Resource: everything},
				iampolicy.Statement{Sid: "DenyRootUser", Effect: iampolicy.Deny, Action: everything, Resource: everything,
					Condition: iampolicy.Condition{"ArnLike": {"aws:PrincipalArn": {"arn:aws:iam::*:root"}}}},
				// People sign in through IAM Identity Center: no long-lived IAM users or keys anywhere.
				iampolicy.Statement{Sid: "DenyIAMUsers", Effect: iampolicy.Deny, Resource: everything, Action: []string{
					"iam:CreateUser", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:CreateAccessKey"}},
				// The guardrails exempt these role names: only the organization access role may create or change a
				// role of that name, or anyone with iam:CreateRole could step outside every guardrail.
				iampolicy.Statement{Sid: "ProtectPlatformRoles", Effect: iampolicy.Deny, Resource: platformRoles,
					Condition: iampolicy.Condition{"ArnNotLike": {"aws:PrincipalArn": {"arn:aws:iam::*:role/" + e.AccessRoleName}}},
					Action: []string{"iam:CreateRole", "iam:AttachRolePolicy", "iam:DeleteRole", "iam:DeleteRolePermissionsBoundary",
						"iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy",
						"iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:TagRole", "iam:UntagRole"}},
				iampolicy.Statement{Sid: "DenyDefaultVPC", Effect: iampolicy.Deny, Resource: everything,
					Action: []string{"ec2:CreateDefaultVpc", "ec2:CreateDefaultSubnet"}},
			),
		},
		{
			Key:         "security-baseline",
			Description: "Deny turning off or altering CloudTrail, GuardDuty, Security Hub, Config, Access Analyzer, EBS default encryption and backups; deny short KMS deletion windows",
			Root:        true,
			Document: iampolicy.New(
				iampolicy.Statement{Sid: "ProtectSecurityServices", Effect: iampolicy.Deny, Resource: everything, Condition: exempt,
					Action: []string{
						"cloudtrail:DeleteTrail", "cloudtrail:PutEventSelectors", "cloudtrail:StopLogging", "cloudtrail:UpdateTrail",
						"guardduty:DeleteDetector", "guardduty:DeleteMembers", "guardduty:DisassociateFromAdministratorAccount",
						"guardduty:DisassociateFromMasterAccount", "guardduty:DisassociateMembers", "guardduty:StopMonitoringMembers",
						"guardduty:UpdateDetector", "guardduty:CreateFilter", "guardduty:UpdateFilter",
						"securityhub:BatchDisableStandards", "securityhub:DeleteMembers", "securityhub:DisableSecurityHub",
						"securityhub:DisassociateFromAdministratorAccount", "securityhub:DisassociateMembers",
						"config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel", "config:DeleteRetentionConfiguration",
						"config:PutConfigurationRecorder", "config:PutDeliveryChannel", "config:PutRetentionConfiguration",
						"config:StopConfigurationRecorder",
						"access-analyzer:DeleteAnalyzer",
					}},
				iampolicy.Statement{Sid: "DenyDisableEBSEncryption", Effect: iampolicy.Deny, Resource: everything,
					Action: []string{"ec2:DisableEbsEncryptionByDefault"}},
				iampolicy.Statement{Sid: "DenyShortKMSDeletionWindow", Effect: iampolicy.Deny, Resource: everything,
					Action:    []string{"kms:ScheduleKeyDeletion"},
					Condition: iampolicy.Condition{"NumericLessThan": {"kms:ScheduleKeyDeletionPendingWindowInDays": {"30"}}}},
				iampolicy.Statement{Sid: "ProtectBackups", Effect: iampolicy.Deny, Resource: everything, Condition: exempt,
					Action: []string{
						"backup:DeleteBackupPlan", "backup:DeleteBackupSelection", "backup:DeleteBackupVault",
						"backup:DeleteBackupVaultAccessPolicy", "backup:DeleteBackupVaultLockConfiguration",
						"backup:DeleteRecoveryPoint", "backup:PutBackupVaultAccessPolicy",
						"backup:PutBackupVaultLockConfiguration", "backup:UpdateBackupPlan", "backup:UpdateRecoveryPointLifecycle",
					}},
			),
		},
		{
			Key:         "region-restriction",
			Description: fmt.Sprintf("Deny actions outside %s, except global services", strings.Join(e.AllowedRegions, ", ")),
			Root:        true,
			Document: iampolicy.New(iampolicy.Statement{Sid: "DenyOutsideAllowedRegions", Effect: iampolicy.Deny,
				NotAction: GlobalServiceActions, Resource: everything,
				Condition: iampolicy.Condition{
					"StringNotEquals": {"aws:RequestedRegion": e.AllowedRegions},
					"ArnNotLike":      {"aws:PrincipalArn": exemptPrincipals(e)},
				}}),
		},
		{
			Key:         "require-imdsv2",
			Description: "Require IMDSv2 on every instance launch and deny credentials delivered through IMDSv1",
			Root:        true,
			Document: iampolicy.New(
				iampolicy.Statement{Sid: "RequireIMDSv2OnLaunch", Effect: iampolicy.Deny, Action: []string{"ec2:RunInstances"},
					Resource:  []string{"arn:aws:ec2:*:*:instance/*"},
					Condition: iampolicy.Condition{"StringNotEquals": {"ec2:MetadataHttpTokens": {"required"}}}},
				iampolicy.Statement{Sid: "DenyIMDSv1Credentials", Effect: iampolicy.Deny, Action: everything, Resource: everything,
					Condition: iampolicy.Condition{"NumericLessThan": {"ec2:RoleDelivery": {"2.0"}}}},
				iampolicy.Statement{Sid: "DenyMetadataOptionChanges", Effect: iampolicy.Deny, Resource: everything, Condition: exempt,
					Action: []string{"ec2:ModifyInstanceMetadataOptions"}},
			),
		},
	}
	if ous := securityOUs(o); len(ous) > 0 {
		g = append(g, Guardrail{
			Key:         "protect-log-archive",
			Description: "Deny changing the policies, versioning, lifecycle, replication, logging and encryption of log buckets and log keys in the security accounts",
			OUs:         ous,
			Document: iampolicy.New(iampolicy.Statement{Sid: "ProtectLogArchive", Effect: iampolicy.Deny, Resource: everything,
				Condition: iampolicy.Condition{"ArnNotLike": {"aws:PrincipalArn": {"arn:aws:iam::*:role/" + e.AccessRoleName}}},
				Action: []string{
					"s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucketPolicy", "s3:PutBucketVersioning",
					"s3:PutLifecycleConfiguration", "s3:PutReplicationConfiguration", "s3:PutBucketLogging",
					"s3:PutEncryptionConfiguration", "s3:PutBucketObjectLockConfiguration", "s3:PutBucketOwnershipControls",
					"s3:PutBucketPublicAccessBlock", "s3:PutBucketAcl",
					"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DisableKeyRotation",
				}}),
		})
	}
	for _, ou := range o.OrganizationalUnits {
		if ou.Name == SuspendedOU {
			g = append(g, Guardrail{
				Key:         "suspended-deny-all",
				Description: "Deny everything in suspended accounts",
				OUs:         []string{SuspendedOU},
				Document: iampolicy.New(iampolicy.Statement{Sid: "DenyAll", Effect: iampolicy.Deny,
					Action: everything, Resource: everything}),
			})
		}
	}
	return g
}

// securityOUs are the OUs that hold the Log Archive and Security Tooling accounts.
func securityOUs(o config.Organization) []string {
	var out []string
	for _, r := range []config.AccountRole{config.RoleLogArchive, config.RoleSecurityTooling} {
		if a, ok := o.AccountByRole(r); ok && !slices.Contains(out, a.OU) {
			out = append(out, a.OU)
		}
	}
	return out
}

// SuspendedOU is the OU for accounts on their way out; everything in it is denied.
const SuspendedOU = "Suspended"

// DenyNewSpend is the SCP a budget action attaches to a non-prod account that crosses its hard limit. It stops new
// capacity, not replacements: no new clusters, node groups, databases, load balancers, NAT gateways or addresses,
// no scaling up, and no instance launches by people or pipelines; Karpenter's controllers keep replacing Spot,
// expired and unhealthy nodes within their NodePool limits, and Auto Scaling keeps replacing managed node group
// instances (its service-linked role is outside every SCP). Running workloads keep running. Break-glass can act.
func DenyNewSpend(e config.Estate) iampolicy.Document {
	breakGlass := "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_" + e.BreakGlassPermissionSet + "_*"
	return iampolicy.New(
		iampolicy.Statement{
			Sid: "DenyNewCapacity", Effect: iampolicy.Deny, Resource: everything,
			Condition: iampolicy.Condition{"ArnNotLike": {"aws:PrincipalArn": {breakGlass}}},
			Action: []string{
				"ec2:CreateNatGateway", "ec2:AllocateAddress",
				"autoscaling:CreateAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup", "autoscaling:SetDesiredCapacity",
				"eks:CreateCluster", "eks:CreateNodegroup", "eks:UpdateNodegroupConfig",
				"rds:CreateDBInstance", "rds:CreateDBCluster", "rds:StartDBInstance", "rds:StartDBCluster",
				"rds:ModifyDBInstance", "rds:CreateDBInstanceReadReplica",
				"elasticache:CreateCacheCluster", "elasticache:CreateReplicationGroup",
				"sagemaker:CreateEndpoint", "sagemaker:CreateNotebookInstance", "sagemaker:CreateTrainingJob",
				"redshift:CreateCluster", "es:CreateDomain",
				"elasticloadbalancing:CreateLoadBalancer", "lambda:CreateFunction", "ecs:CreateService",
			},
		},
		iampolicy.Statement{
			Sid: "DenyInstanceLaunchesButReplacements", Effect: iampolicy.Deny, Resource: everything,
			Condition: iampolicy.Condition{"ArnNotLike": {"aws:PrincipalArn": {breakGlass,
				"arn:aws:iam::*:role/" + naming.KarpenterControllerRolePattern}}},
			Action: []string{"ec2:RunInstances", "ec2:StartInstances", "ec2:CreateFleet", "ec2:RequestSpotInstances", "ec2:RequestSpotFleet"},
		},
	)
}
