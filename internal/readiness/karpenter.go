package readiness

import (
	"fmt"
	"slices"
	"strings"

	"github.com/innovate-inc/platform/internal/config"
	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

const typeEC2NodeClass = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"

var karpenterVolumeKeyUsable = Rule{
	ID:       "DR017",
	Title:    "karpenter-volume-key-usable",
	Severity: High,
	Doc:      "https://karpenter.sh/docs/troubleshooting/#node-terminates-before-ready-on-failed-encrypted-ebs-volume",
}

// Karpenter launches nodes with EC2 Fleet, which encrypts the volumes through EC2 on behalf of the calling
// principal, not through the Auto Scaling service-linked role: the key policy must let the account's principals
// use the key through EC2 (kms:ViaService). Otherwise the instance starts, its volume cannot be created, and the
// node terminates before it is ready, again and again.
func checkKarpenterVolumeKeyUsable(res *plan.Result) []plan.Finding {
	keys := keysByReference(res)
	var out []plan.Finding
	for _, nc := range ofType(res, typeEC2NodeClass) {
		seen := map[string]bool{}
		for _, bdm := range list(inputs(nc.res), "spec", "blockDeviceMappings") {
			k := str(bdm, "ebs", "kmsKeyID")
			if !known(k) || seen[k] {
				continue
			}
			seen[k] = true
			key, ok := keys[k]
			if !ok {
				out = append(out, karpenterVolumeKeyUsable.finding(nc.res.URN, fmt.Sprintf(
					"EC2NodeClass %s encrypts volumes with %s, which is not a key of the plan: its policy cannot be checked", nc.res.Name, k)))
				continue
			}
			doc, err := iampolicy.Parse(str(inputs(key.res), "policy"))
			if err != nil {
				continue // DR004 reports a policy that does not parse
			}
			account, region := key.res.Account, key.res.Region
			via := "ec2." + region + ".amazonaws.com"
			throughEC2 := func(st iampolicy.Statement) bool {
				return namesPrincipal(st, func(p string) bool {
					return p == "*" || p == account || p == "arn:aws:iam::"+account+":root"
				}) && conditionAllows(st, "kms:ViaService", via)
			}
			missing := missingActions(doc, throughEC2, "kms:CreateGrant", "kms:GenerateDataKey*")
			if len(missing) == 0 {
				continue
			}
			out = append(out, karpenterVolumeKeyUsable.finding(nc.res.URN, fmt.Sprintf(
				"EC2NodeClass %s encrypts volumes with key %s, whose policy allows no %s to the account (Principal AWS \"*\" or arn:aws:iam::%s:root) with kms:ViaService %s: nodes terminate before they are ready",
				nc.res.Name, key.res.Name, strings.Join(missing, " or "), account, via)))
		}
	}
	return out
}

// conditionAllows reports whether a statement conditions a key on a value it admits (StringEquals or StringLike,
// IfExists and ForAnyValue forms included).
func conditionAllows(st iampolicy.Statement, key, value string) bool {
	for op, keys := range st.Condition {
		base := strings.TrimSuffix(strings.TrimPrefix(op, "ForAnyValue:"), "IfExists")
		for k, values := range keys {
			if !strings.EqualFold(k, key) {
				continue
			}
			for _, v := range values {
				if (base == "StringEquals" && v == value) || (base == "StringLike" && iampolicy.Like(v, value)) {
					return true
				}
			}
		}
	}
	return false
}

var amiAliasShipsVersion = Rule{
	ID:       "DR022",
	Title:    "ami-alias-ships-version",
	Severity: High,
	Doc:      "https://github.com/awslabs/amazon-eks-ami/blob/main/CHANGELOG.md",
}

// A pinned AL2023 alias resolves to the release's AMI for the cluster's Kubernetes version; a release that ships
// no AMI for that version (older than the version, or one the version was dropped from) resolves to nothing, and
// Karpenter launches no node at all.
func checkAMIAliasShipsVersion(res *plan.Result) []plan.Finding {
	releases := config.AL2023Releases()
	var out []plan.Finding
	for _, s := range allStacks(res) {
		var versions []string
		for _, c := range inStack(s, typeEKSCluster) {
			if v := str(inputs(c.res), "version"); known(v) {
				versions = append(versions, v)
			}
		}
		for _, nc := range inStack(s, typeEC2NodeClass) {
			for _, term := range list(inputs(nc.res), "spec", "amiSelectorTerms") {
				alias := str(term, "alias")
				release, ok := strings.CutPrefix(alias, "al2023@")
				if !ok || release == "latest" {
					continue
				}
				ships, listed := releases[release]
				if !listed {
					out = append(out, amiAliasShipsVersion.finding(nc.res.URN, fmt.Sprintf(
						"EC2NodeClass %s pins AMI alias %s, which is not a known AL2023 release (internal/config/data/eks-al2023-releases.json): Karpenter launches no node if it ships no AMI for the cluster's version",
						nc.res.Name, alias)))
					continue
				}
				for _, v := range versions {
					if slices.Contains(ships, v) {
						continue
					}
					out = append(out, amiAliasShipsVersion.finding(nc.res.URN, fmt.Sprintf(
						"EC2NodeClass %s pins AMI alias %s, whose release ships Kubernetes %s but not the cluster's %s: Karpenter launches no node",
						nc.res.Name, alias, strings.Join(ships, ", "), v)))
				}
			}
		}
	}
	return out
}
