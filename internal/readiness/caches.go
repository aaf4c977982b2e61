package readiness

import (
	"fmt"
	"sort"
	"strings"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

const (
	typeCacheRule      = "aws:ecr/pullThroughCacheRule:PullThroughCacheRule"
	typeRegistryPolicy = "aws:ecr/registryPolicy:RegistryPolicy"
)

var cachePullPermitted = Rule{
	ID:       "DR030",
	Title:    "cache-pull-permitted",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html",
}

// An image pulled through another account's pull-through cache is imported on its first pull: ECR creates the
// cached repository and imports the image as the pulling node. Across accounts both sides must allow
// ecr:CreateRepository and ecr:BatchImportUpstreamImage on that repository: the cache account's registry policy,
// and the identity policy of every node role that may run the pod. Missing either, the pod sits in
// ImagePullBackOff ("not authorized to perform: ecr:CreateRepository") after a clean `pulumi up`. The cache rule
// of the image's prefix must exist too.
func checkCachePullPermitted(res *plan.Result) []plan.Finding {
	rules := map[string]bool{} // account/prefix
	registryPolicies := map[string][]iampolicy.Document{}
	for _, r := range ofType(res, typeCacheRule) {
		rules[r.res.Account+"/"+str(inputs(r.res), "ecrRepositoryPrefix")] = true
	}
	for _, p := range ofType(res, typeRegistryPolicy) {
		if doc, err := iampolicy.Parse(str(inputs(p.res), "policy")); err == nil {
			registryPolicies[p.res.Account] = append(registryPolicies[p.res.Account], doc)
		}
	}
	orgID, _ := orgOutputs(res)["organizationId"].(string)
	var out []plan.Finding
	for _, s := range allStacks(res) {
		nodeRoles := nodeRolePolicies(s)
		for _, typ := range chartTypes {
			for _, l := range inStack(s, typ) {
				var images []string
				walkImages(path(inputs(l.res), "values"), &images)
				sort.Strings(images)
				for _, img := range images {
					out = append(out, cachePullProblems(l, img, orgID, rules, registryPolicies, nodeRoles)...)
				}
			}
		}
	}
	return out
}

// nodeRolePolicies are a stack's node roles (trusting ec2.amazonaws.com) by ARN, with their inline policies.
func nodeRolePolicies(s *plan.StackPlan) map[string][]iampolicy.Document {
	out := map[string][]iampolicy.Document{}
	byName := map[string]string{}
	for _, r := range inStack(s, typeIAMRole) {
		trust, err := iampolicy.Parse(str(inputs(r.res), "assumeRolePolicy"))
		if err != nil || len(trust.Statement) == 0 || trust.Statement[0].Principal == nil ||
			!containsFold(trust.Statement[0].Principal.Service, "ec2.amazonaws.com") {
			continue
		}
		name := str(inputs(r.res), "name")
		arn := "arn:aws:iam::" + r.res.Account + ":role/" + name
		out[arn] = nil
		byName[name] = arn
	}
	for _, p := range inStack(s, typeRolePolicy) {
		arn, ok := byName[str(inputs(p.res), "role")]
		if !ok {
			continue
		}
		if doc, err := iampolicy.Parse(str(inputs(p.res), "policy")); err == nil {
			out[arn] = append(out[arn], doc)
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// cachePullProblems checks one image: nothing to check unless it is in another private registry of the plan.
func cachePullProblems(l located, image, orgID string, rules map[string]bool, registryPolicies map[string][]iampolicy.Document,
	nodeRoles map[string][]iampolicy.Document) []plan.Finding {
	host, repoPath, _ := strings.Cut(image, "/")
	if !privateECR.MatchString(host) {
		return nil
	}
	parts := strings.Split(host, ".")
	acct, region := parts[0], parts[3]
	prefix, _, _ := strings.Cut(repoPath, "/")
	if !rules[acct+"/"+prefix] {
		if _, planned := registryPolicies[acct]; !planned {
			return nil // a registry outside the plan (or the account's own applications): nothing to say
		}
		return []plan.Finding{cachePullPermitted.finding(l.res.URN, fmt.Sprintf(
			"%s pulls %s, but account %s has no pull-through cache rule for prefix %q", l.res.Name, image, acct, prefix))}
	}
	repoARN := fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", region, acct, strings.SplitN(repoPath, ":", 2)[0])
	var out []plan.Finding
	roles := make([]string, 0, len(nodeRoles))
	for arn := range nodeRoles {
		roles = append(roles, arn)
	}
	sort.Strings(roles)
	for _, action := range []string{"ecr:CreateRepository", "ecr:BatchImportUpstreamImage"} {
		for _, role := range roles {
			ctx := map[string]string{"aws:PrincipalOrgID": orgID, "aws:SecureTransport": "true"}
			if !anyAllows(registryPolicies[acct], iampolicy.Request{Service: role, Action: action, Resource: repoARN, Context: ctx}) {
				out = append(out, cachePullPermitted.finding(l.res.URN, fmt.Sprintf(
					"%s pulls %s: the registry policy of account %s does not let %s %s it", l.res.Name, image, acct, role, action)))
			}
			if !anyAllows(nodeRoles[role], iampolicy.Request{Action: action, Resource: repoARN, Identity: true}) {
				out = append(out, cachePullPermitted.finding(l.res.URN, fmt.Sprintf(
					"%s pulls %s: node role %s has no policy allowing %s on %s", l.res.Name, image, role, action, repoARN)))
			}
		}
	}
	return out
}

func anyAllows(docs []iampolicy.Document, req iampolicy.Request) bool {
	for _, d := range docs {
		if iampolicy.Evaluate(d, req).Allowed {
			return true
		}
	}
	return false
}
