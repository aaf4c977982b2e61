package readiness

import (
	"fmt"
	"regexp"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

const typeServiceLinkedRole = "aws:iam/serviceLinkedRole:ServiceLinkedRole"

var serviceLinkedRoleARN = regexp.MustCompile(`^arn:aws:iam::(\d{12}):role/aws-service-role/([^/]+)/(.+)$`)

// serviceRoleDocs are the pages that say how a service's role comes to exist and what its key policy needs.
var serviceRoleDocs = map[string]string{
	"autoscaling.amazonaws.com": "https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html",
}

var keyPolicyPrincipalsExist = Rule{
	ID:       "DR011",
	Title:    "key-policy-principals-exist",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam",
}

// KMS rejects a key policy that names a principal that does not exist (MalformedPolicyDocumentException). A
// service-linked role exists only once something creates it, often the first use of the service, which is after
// the key; so the plan must create it, and create it before the key.
func checkKeyPolicyPrincipalsExist(res *plan.Result) []plan.Finding {
	slrs := map[[2]string][]located{} // (account, service) -> roles
	for _, l := range ofType(res, typeServiceLinkedRole) {
		k := [2]string{l.res.Account, str(inputs(l.res), "awsServiceName")}
		slrs[k] = append(slrs[k], l)
	}
	var out []plan.Finding
	for _, key := range ofType(res, typeKey) {
		doc, err := iampolicy.Parse(str(inputs(key.res), "policy"))
		if err != nil {
			continue // DR004 reports a policy that does not parse
		}
		seen := map[string]bool{}
		for _, st := range doc.Statement {
			if st.Principal == nil {
				continue
			}
			for _, arn := range st.Principal.AWS {
				m := serviceLinkedRoleARN.FindStringSubmatch(arn)
				if m == nil || seen[arn] {
					continue
				}
				seen[arn] = true
				acct, service := m[1], m[2]
				roles := slrs[[2]string{acct, service}]
				if len(roles) == 0 {
					see := ""
					if d, ok := serviceRoleDocs[service]; ok {
						see = "; see " + d
					}
					out = append(out, keyPolicyPrincipalsExist.finding(key.res.URN, fmt.Sprintf(
						"key %s policy names %s, but the plan creates no service-linked role for %s in account %s: KMS rejects a policy naming a principal that does not exist (MalformedPolicyDocumentException)%s",
						key.res.Name, arn, service, acct, see)))
					continue
				}
				for _, r := range roles {
					if r.stack == key.stack && !dependsOn(key.stack, key.res, r.res.URN) {
						out = append(out, keyPolicyPrincipalsExist.finding(key.res.URN, fmt.Sprintf(
							"key %s policy names %s, but does not depend on service-linked role %s: the key can be created first, and KMS rejects a policy naming a principal that does not exist yet",
							key.res.Name, arn, r.res.Name)))
					}
				}
			}
		}
	}
	return out
}

// keyARN is the ARN of a planned key, as other resources' inputs name it.
func keyARN(r *plan.Resource) string {
	return fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", r.Region, r.Account, r.ID)
}

// keysByReference maps the ARN and the ID of every planned key to the key.
func keysByReference(res *plan.Result) map[string]located {
	out := map[string]located{}
	for _, l := range ofType(res, typeKey) {
		if known(l.res.ID) {
			out[keyARN(l.res)] = l
			out[l.res.ID] = l
		}
	}
	return out
}

// missingActions returns the actions no Allow statement accepted by grants covers.
func missingActions(doc iampolicy.Document, grants func(iampolicy.Statement) bool, actions ...string) []string {
	var missing []string
	for _, a := range actions {
		covered := false
		for _, st := range doc.Statement {
			if st.Effect == iampolicy.Allow && st.CoversAction(a) && grants(st) {
				covered = true
				break
			}
		}
		if !covered {
			missing = append(missing, a)
		}
	}
	return missing
}

// namesPrincipal reports whether a statement's Principal element names a principal accepted by match.
func namesPrincipal(st iampolicy.Statement, match func(string) bool) bool {
	if st.Principal == nil {
		return false
	}
	for _, p := range st.Principal.AWS {
		if match(p) {
			return true
		}
	}
	return false
}
