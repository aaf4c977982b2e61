package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

func TestKarpenterVolumeKeyUsable(t *testing.T) {
	const acct, keyID = "100000000001", "85f95170-aec4-4426-8fd5-b970bfe74e20"
	arn := "arn:aws:kms:us-east-1:" + acct + ":key/" + keyID
	viaEC2 := iampolicy.Condition{"StringEquals": {"kms:ViaService": {"ec2.us-east-1.amazonaws.com"}, "kms:CallerAccount": {acct}}}
	ec2Use := func(principal string, cond iampolicy.Condition, actions ...string) iampolicy.Statement {
		return iampolicy.Statement{Sid: "EC2Uses", Effect: iampolicy.Allow, Principal: &iampolicy.Principal{AWS: []string{principal}},
			Action: actions, Resource: []string{"*"}, Condition: cond}
	}
	key := func(sts ...iampolicy.Statement) plan.Resource {
		return res("dev", typeKey, "volume-key", map[string]any{"policy": policy(append([]iampolicy.Statement{iampolicy.AccountAdministers(acct)}, sts...)...)},
			at(acct, "us-east-1"), withID(keyID))
	}
	nodeClass := func(kmsKeyID string) plan.Resource {
		return res("dev", typeEC2NodeClass, "default", map[string]any{"spec": map[string]any{"blockDeviceMappings": []any{
			map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{"encrypted": true, "kmsKeyID": kmsKeyID}}}}})
	}
	dev := func(rs ...plan.Resource) *plan.Result { return result(stack("dev", "workload", rs...)) }
	ncURN := urn("dev", typeEC2NodeClass, "default")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"everyone in the account through EC2", dev(nodeClass(arn), key(ec2Use("*", viaEC2, "kms:Encrypt", "kms:GenerateDataKey*", "kms:CreateGrant"))), nil},
		{"account root with kms:* through EC2 in a StringLike", dev(nodeClass(arn), key(ec2Use("arn:aws:iam::"+acct+":root",
			iampolicy.Condition{"StringLike": {"kms:ViaService": {"ec2.*.amazonaws.com"}}}, "kms:*"))), nil},
		{"no encryption key", dev(nodeClass(""), key()), nil},
		{"only the administration statement", dev(nodeClass(arn), key()),
			[]want{{ncURN, "EC2NodeClass default encrypts volumes with key volume-key, whose policy allows no kms:CreateGrant or kms:GenerateDataKey* to the account (Principal AWS \"*\" or arn:aws:iam::" + acct + ":root) with kms:ViaService ec2.us-east-1.amazonaws.com"}}},
		{"no ViaService condition", dev(nodeClass(arn), key(ec2Use("*", nil, "kms:GenerateDataKey*", "kms:CreateGrant"))),
			[]want{{ncURN, "allows no kms:CreateGrant or kms:GenerateDataKey*"}}},
		{"another region's EC2", dev(nodeClass(arn), key(ec2Use("*", iampolicy.Condition{"StringEquals": {"kms:ViaService": {"ec2.us-west-2.amazonaws.com"}}},
			"kms:GenerateDataKey*", "kms:CreateGrant"))),
			[]want{{ncURN, "with kms:ViaService ec2.us-east-1.amazonaws.com"}}},
		{"no grant", dev(nodeClass(arn), key(ec2Use("*", viaEC2, "kms:GenerateDataKey*"))),
			[]want{{ncURN, "allows no kms:CreateGrant to the account"}}},
		{"only the Auto Scaling role", dev(nodeClass(arn), key(ec2Use("arn:aws:iam::"+acct+":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
			viaEC2, "kms:GenerateDataKey*", "kms:CreateGrant"))),
			[]want{{ncURN, "allows no kms:CreateGrant or kms:GenerateDataKey*"}}},
		{"key outside the plan", dev(nodeClass("arn:aws:kms:us-east-1:" + acct + ":key/other")),
			[]want{{ncURN, "which is not a key of the plan"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, karpenterVolumeKeyUsable, tt.res, tt.wants...) })
	}
}

func TestAMIAliasShipsVersion(t *testing.T) {
	// Releases from internal/config/data/eks-al2023-releases.json: v20260714 ships 1.30 to 1.36, v20250915 1.28 to 1.34.
	stackOf := func(version string, aliases ...string) *plan.Result {
		var terms []any
		for _, a := range aliases {
			terms = append(terms, map[string]any{"alias": a})
		}
		return result(stack("dev", "workload", res("dev", typeEKSCluster, "dev-eks", map[string]any{"version": version}),
			res("dev", typeEC2NodeClass, "default", map[string]any{"spec": map[string]any{"amiSelectorTerms": terms}})))
	}
	ncURN := urn("dev", typeEC2NodeClass, "default")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"latest", stackOf("1.35", "al2023@latest"), nil},
		{"pinned release that ships the version", stackOf("1.35", "al2023@v20260714"), nil},
		{"another family is not read", stackOf("1.35", "bottlerocket@v1.20.0"), nil},
		{"no cluster in the stack", result(stack("dev", "workload", res("dev", typeEC2NodeClass, "default", map[string]any{"spec": map[string]any{
			"amiSelectorTerms": []any{map[string]any{"alias": "al2023@v20250915"}}}}))), nil},
		{"release older than the version", stackOf("1.35", "al2023@v20250915"),
			[]want{{ncURN, "EC2NodeClass default pins AMI alias al2023@v20250915, whose release ships Kubernetes 1.28, 1.29, 1.30, 1.31, 1.32, 1.33, 1.34 but not the cluster's 1.35"}}},
		{"release dropped the version", stackOf("1.29", "al2023@v20260714"),
			[]want{{ncURN, "but not the cluster's 1.29"}}},
		{"unknown release", stackOf("1.35", "al2023@v20990101"),
			[]want{{ncURN, "pins AMI alias al2023@v20990101, which is not a known AL2023 release"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, amiAliasShipsVersion, tt.res, tt.wants...) })
	}
}
