package apps

import (
	_ "embed"
	"fmt"

	"github.com/innovate-inc/platform/internal/iampolicy"
)

// AWS Load Balancer Controller, pinned: chart 1.17.1 (app v2.17.1), from the eks-charts repository.
const (
	LBControllerChart      = "aws-load-balancer-controller"
	LBControllerRepository = "https://aws.github.io/eks-charts"
	LBControllerVersion    = "1.17.1"
	LBControllerAppVersion = "v2.17.1"
)

// lbControllerPolicy is the controller project's published IAM policy for LBControllerAppVersion
// (docs/install/iam_policy.json at the tag, unmodified; see policies/PROVENANCE.md).
//
//go:embed policies/aws-load-balancer-controller.json
var lbControllerPolicy string

// LBControllerPolicy is the controller's policy, compacted (a managed policy holds 6,144 characters without
// whitespace).
func LBControllerPolicy() (string, error) {
	doc, err := iampolicy.Parse(lbControllerPolicy)
	if err != nil {
		return "", fmt.Errorf("the load balancer controller policy %s: %w", LBControllerAppVersion, err)
	}
	return doc.JSON()
}
