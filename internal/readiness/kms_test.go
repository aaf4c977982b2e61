package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

func TestKeyPolicyPrincipalsExist(t *testing.T) {
	const acct = "100000000001"
	asgRole := "arn:aws:iam::" + acct + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
	key := func(opts ...opt) plan.Resource {
		return res("dev", typeKey, "ebs-key", map[string]any{"policy": policy(iampolicy.AccountAdministers(acct),
			iampolicy.Statement{Sid: "AutoScalingUses", Effect: iampolicy.Allow, Principal: &iampolicy.Principal{AWS: []string{asgRole}},
				Action: []string{"kms:Encrypt", "kms:Decrypt"}, Resource: []string{"*"}})}, append(opts, at(acct, "us-east-1"))...)
	}
	slr := func(s, account string) plan.Resource {
		return res(s, typeServiceLinkedRole, "asg-slr", map[string]any{"awsServiceName": "autoscaling.amazonaws.com"}, at(account, "us-east-1"))
	}
	slrURN, keyURN := urn("dev", typeServiceLinkedRole, "asg-slr"), urn("dev", typeKey, "ebs-key")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"role created first in the same stack", result(stack("dev", "workload", slr("dev", acct), key(deps(slrURN)))), nil},
		{"role created by an upstream stack", result(stack("security", "security", slr("security", acct)), stack("dev", "workload", key())), nil},
		{"no role", result(stack("dev", "workload", key())),
			[]want{{keyURN, "key ebs-key policy names " + asgRole + ", but the plan creates no service-linked role for autoscaling.amazonaws.com in account " + acct + ": KMS rejects a policy naming a principal that does not exist (MalformedPolicyDocumentException); see https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html"}}},
		{"role in another account", result(stack("dev", "workload", slr("dev", "100000000009"), key(deps(slrURN)))),
			[]want{{keyURN, "creates no service-linked role"}}},
		{"role not depended on", result(stack("dev", "workload", slr("dev", acct), key())),
			[]want{{keyURN, "does not depend on service-linked role asg-slr"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, keyPolicyPrincipalsExist, tt.res, tt.wants...) })
	}
}
