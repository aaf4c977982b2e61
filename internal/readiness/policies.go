package readiness

import (
	"fmt"
	"sort"
	"strings"

	"github.com/innovate-inc/platform/internal/iampolicy"
	"github.com/innovate-inc/platform/internal/plan"
)

const (
	typeBucketPolicy = "aws:s3/bucketPolicy:BucketPolicy"
	typeKey          = "aws:kms/key:Key"
	typeRole         = "aws:iam/role:Role"
)

// resourcePolicyInputs are the inputs that hold resource policies, by resource type.
var resourcePolicyInputs = map[string]string{
	typeBucketPolicy:                                     "policy",
	typeKey:                                              "policy",
	"aws:sqs/queuePolicy:QueuePolicy":                    "policy",
	"aws:sns/topicPolicy:TopicPolicy":                    "policy",
	"aws:backup/vaultPolicy:VaultPolicy":                 "policy",
	"aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "policyDocument",
}

// trustScopedServices are the service principals whose role assumptions carry aws:SourceAccount and
// aws:SourceArn, so a trust policy can (and should) be scoped to them. Other services (ec2, pods.eks) either do
// not send them or are not acting on behalf of another customer.
var trustScopedServices = map[string]bool{
	"s3.amazonaws.com": true, "backup.amazonaws.com": true, "config.amazonaws.com": true,
	"cloudtrail.amazonaws.com": true, "delivery.logs.amazonaws.com": true, "states.amazonaws.com": true,
	"events.amazonaws.com": true, "budgets.amazonaws.com": true,
}

var servicePrincipalScoped = Rule{
	ID:       "DR004",
	Title:    "service-principal-scoped",
	Severity: High,
	Doc:      "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
}

// A service principal acts for every AWS customer: without aws:SourceAccount or aws:SourceArn, any account can
// make the service write to (or assume) this resource. aws:SourceOrgID alone is not enough: it admits every
// account of the organization, sandboxes included.
func checkServicePrincipalScoped(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	types := make([]string, 0, len(resourcePolicyInputs)+1)
	for t := range resourcePolicyInputs {
		types = append(types, t)
	}
	sort.Strings(types)
	types = append(types, typeRole)
	for _, typ := range types {
		for _, l := range ofType(res, typ) {
			field, trust := resourcePolicyInputs[typ], typ == typeRole
			if trust {
				field = "assumeRolePolicy"
			}
			text := str(inputs(l.res), field)
			if !known(text) {
				continue
			}
			doc, err := iampolicy.Parse(text)
			if err != nil {
				out = append(out, servicePrincipalScoped.finding(l.res.URN, fmt.Sprintf("%s %s: %s: %v", l.res.Name, field, "policy does not parse", err)))
				continue
			}
			for i, st := range doc.Statement {
				if st.Effect != iampolicy.Allow || st.Principal == nil || len(st.Principal.Service) == 0 || scoped(st) {
					continue
				}
				var services []string
				for _, svc := range st.Principal.Service {
					if !trust || trustScopedServices[strings.ToLower(svc)] {
						services = append(services, svc)
					}
				}
				if len(services) == 0 {
					continue
				}
				out = append(out, servicePrincipalScoped.finding(l.res.URN, fmt.Sprintf(
					"%s %s statement %s allows service principal %s without an aws:SourceAccount or aws:SourceArn condition%s",
					l.res.Name, field, sid(st, i), strings.Join(services, ", "), orgOnly(st))))
			}
		}
	}
	return out
}

// scoped reports whether a statement is tied to one account's or resource's requests: it tests
// aws:SourceAccount or aws:SourceArn, or (CloudWatch Logs' documented form for key policies) the log group's ARN
// in the encryption context.
func scoped(st iampolicy.Statement) bool {
	for _, keys := range st.Condition {
		for k := range keys {
			switch strings.ToLower(k) {
			case "aws:sourceaccount", "aws:sourcearn", "kms:encryptioncontext:aws:logs:arn":
				return true
			}
		}
	}
	return false
}

func orgOnly(st iampolicy.Statement) string {
	for _, keys := range st.Condition {
		for k := range keys {
			if strings.EqualFold(k, "aws:SourceOrgID") {
				return " (aws:SourceOrgID alone admits every account of the organization)"
			}
		}
	}
	return ""
}

func sid(st iampolicy.Statement, i int) string {
	if st.Sid != "" {
		return fmt.Sprintf("%q", st.Sid)
	}
	return fmt.Sprintf("[%d]", i)
}
