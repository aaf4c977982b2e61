package readiness

import (
	"strings"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

// Categories of rules. Deploy-readiness rules catch what `pulumi up` fails on; the policy pack (compliance) holds
// the planned estate to external controls. Both run in the one engine, over the same graph.
const (
	CategoryReadiness  = "deploy-readiness"
	CategoryCompliance = "compliance"
)

// Documents the policy pack's controls come from.
const (
	docFSBP = "https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html"
	docCIS  = "https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html"
	docPSS  = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"
	docSCP  = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples.html"
)

// Control prefixes: the policy pack names the control of each framework it implements. CIS AWS Foundations
// numbers are those of v3.0.0 (the version Security Hub runs for the organization; see README); CIS EKS numbers
// are of the CIS Amazon EKS Benchmark v1.x.
const (
	cisAWS = "CIS AWS v3.0.0 "
	fsbp   = "FSBP "
	cisEKS = "CIS EKS "
	pss    = "PSS "
)

// Types the policy pack reads that the deploy-readiness rules do not.
const (
	typeBucketSSE        = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	typeBucketPAB        = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeBucketLogging    = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	typeBucketObjectLock = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"
	typeLaunchTemplate   = "aws:ec2/launchTemplate:LaunchTemplate"
	typeInstance         = "aws:ec2/instance:Instance"
	typeQueue            = "aws:sqs/queue:Queue"
	typeVault            = "aws:backup/vault:Vault"
	typeVaultLock        = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
	typeFirewall         = "aws:networkfirewall/firewall:Firewall"
	typeDefaultSG        = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	typeLoadBalancer     = "aws:lb/loadBalancer:LoadBalancer"
	typeListener         = "aws:lb/listener:Listener"
	typeParameterGroup   = "aws:rds/parameterGroup:ParameterGroup"
	typeIAMPolicy        = "aws:iam/policy:Policy"
	typeRolePolicy       = "aws:iam/rolePolicy:RolePolicy"
	typeRoleAttachment   = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typePermissionSetMP  = "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment"
	typePermissionSetIP  = "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"
	typeAWSProvider      = "pulumi:providers:aws"
	typeNamespace        = "kubernetes:core/v1:Namespace"
)

// byName is the resources of a type keyed by one string input (a bucket's name, a VPC's ID).
func byInput(res *plan.Result, typ string, keys ...string) map[string]located {
	out := map[string]located{}
	for _, l := range ofType(res, typ) {
		if v := str(inputs(l.res), keys...); v != "" {
			out[v] = l
		}
	}
	return out
}

// truthy reads a boolean the providers sometimes take as a string ("true" in launch templates).
func truthy(v any, keys ...string) bool {
	switch x := path(v, keys...).(type) {
	case bool:
		return x
	case string:
		return x == "true"
	}
	return false
}

// policyDocs returns the policy documents a resource holds, by the input that holds them; a document that does
// not parse is skipped (DR004 and the tests in tests/policy_test.go report those).
func policyDocs(r *plan.Resource) map[string]iampolicy.Document {
	fields := map[string]bool{}
	if f, ok := resourcePolicyInputs[r.Type]; ok {
		fields[f] = true
	}
	switch r.Type {
	case typeRole:
		fields["assumeRolePolicy"] = true
	case typeIAMPolicy, typeRolePolicy:
		fields["policy"] = true
	case typePermissionSetIP:
		fields["inlinePolicy"] = true
	}
	out := map[string]iampolicy.Document{}
	for f := range fields {
		if text := str(inputs(r), f); known(text) {
			if doc, err := iampolicy.Parse(text); err == nil {
				out[f] = doc
			}
		}
	}
	if r.Type == typeRole {
		for i, p := range list(inputs(r), "inlinePolicies") {
			if text := str(p, "policy"); known(text) {
				if doc, err := iampolicy.Parse(text); err == nil {
					out["inlinePolicies["+str(p, "name")+"]"] = doc
				}
			}
			_ = i
		}
	}
	return out
}

// providerOf is the provider resource a resource is registered with (its Provider is "<urn>::<id>").
func providerOf(s *plan.StackPlan, r *plan.Resource) *plan.Resource {
	if r.Provider == "" {
		return nil
	}
	urn := r.Provider
	if i := strings.LastIndex(urn, "::"); i > 0 {
		urn = urn[:i]
	}
	for i := range s.Resources {
		if s.Resources[i].URN == urn {
			return &s.Resources[i]
		}
	}
	return nil
}
