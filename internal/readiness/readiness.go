// Package readiness is the deploy-readiness rule engine: named rules, each from an AWS (or provider) document,
// evaluated over the planned resource graph of every stack. A rule catches what `pulumi preview` passes and
// `pulumi up` then fails on, or deploys broken: an ordering the engine does not know about (a policy created
// before its policy type is enabled), a bucket policy that refuses the service writing to it, a principal that
// does not exist yet. The rules read plan.Result only, so they run in the offline plan and in unit tests on
// small hand-built graphs.
package readiness

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/innovate-inc/platform/internal/plan"
)

// Severities.
const (
	// Critical: the estate is open to the internet or to anyone (policy pack).
	Critical = "critical"
	// High: the deploy fails, or what it deploys does not work; or a control that protects data is missing.
	High = "high"
	// Medium: the deploy works but costs or misleads (a trail logging its own writes).
	Medium = "medium"
)

// Rule is one deploy-readiness check.
type Rule struct {
	// ID is stable (DR001): findings, suppressions and docs refer to it.
	ID string
	// Title is one line, in kebab-case.
	Title string
	// Doc is the AWS (or provider) documentation the rule comes from.
	Doc      string
	Severity string
	// Category is CategoryReadiness or CategoryCompliance (the policy pack).
	Category string
	// Controls are the external controls a policy-pack rule implements (CIS AWS Foundations, AWS Foundational
	// Security Best Practices, CIS EKS, Kubernetes Pod Security Standards).
	Controls []string
	// Check returns the findings over the whole plan, its upstream stacks included; Evaluate keeps those of
	// the stacks the plan reports.
	Check func(*plan.Result) []plan.Finding
}

// Rules returns every rule, by ID.
func Rules() []Rule {
	rules := []Rule{
		configDeliveryNoObjectLock.with(checkConfigDeliveryNoObjectLock),
		orgPolicyAfterPolicyTypes.with(checkOrgPolicyAfterPolicyTypes),
		replicationAfterDestinationVersioning.with(checkReplicationAfterVersioning),
		servicePrincipalScoped.with(checkServicePrincipalScoped),
		logDeliveryPathAllowed.with(checkLogDeliveryPathAllowed),
		rdsEngineMajorOnly.with(checkRDSEngineMajorOnly),
		firewallHomeNet.with(checkFirewallHomeNet),
		anomalyMonitorType.with(checkAnomalyMonitorType),
		backupCopyOneHop.with(checkBackupCopyOneHop),
		trailNotLoggingItself.with(checkTrailNotLoggingItself),
		keyPolicyPrincipalsExist.with(checkKeyPolicyPrincipalsExist),
		spotServiceLinkedRole.with(checkSpotServiceLinkedRole),
		eksNodeRolesPassed.with(checkEKSNodeRolesPassed),
		designateAfterEnable.with(checkDesignateAfterEnable),
		clusterReachableByDeployer.with(checkClusterReachableByDeployer),
		copyDestinationCanUseSourceKey.with(checkCopyDestinationCanUseSourceKey),
		karpenterVolumeKeyUsable.with(checkKarpenterVolumeKeyUsable),
		guardrailExemptNamesProtected.with(checkGuardrailExemptNamesProtected),
		spendLimitSparesReplacements.with(checkSpendLimitSparesReplacements),
		rootAccessCentralized.with(checkRootAccessCentralized),
		registriesReachable.with(checkRegistriesReachable),
		backupPolicyTagCarried.with(checkBackupPolicyTagCarried),
		everyAccountBaselined.with(checkEveryAccountBaselined),
		amiAliasShipsVersion.with(checkAMIAliasShipsVersion),
		podsSchedulable.with(checkPodsSchedulable),
		oidcTrustScoped.with(checkOIDCTrustScoped),
		albLogBucketSSES3.with(checkALBLogBucketSSES3),
		lbSubnetsDiscoverable.with(checkLBSubnetsDiscoverable),
		certificateDNSValidated.with(checkCertificateDNSValidated),
		cachePullPermitted.with(checkCachePullPermitted),
		// Operations (alerts and alarms): DR040 and up.
		alertPublisherCanDeliver.with(checkAlertPublisherCanDeliver),
		eventForwardingAdmitted.with(checkEventForwardingAdmitted),
		globalEventsInUSEast1.with(checkGlobalEventsInUSEast1),
		controlPlaneLogGroupManaged.with(checkControlPlaneLogGroupManaged),

		encryptionAtRest.with(checkEncryptionAtRest),
		encryptionInTransit.with(checkEncryptionInTransit),
		publicExposure.with(checkPublicExposure),
		loggingEnabled.with(checkLogging),
		imdsv2.with(checkIMDSv2),
		leastPrivilege.with(checkLeastPrivilege),
		dataLossGuards.with(checkDataLossGuards),
		requiredTags.with(checkRequiredTags),
		scpGuardrails.with(checkSCPGuardrails),
		podSecurity.with(checkPodSecurity),
		waiverExpired.with(func(*plan.Result) []plan.Finding { return nil }),
	}
	for i := range rules {
		if rules[i].Category == "" {
			rules[i].Category = CategoryReadiness
		}
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules
}

// waiverExpired is reported by Evaluate itself, on the stack whose config holds the waiver.
var waiverExpired = Rule{
	ID: "WV001", Title: "waiver-expired", Severity: High, Category: CategoryCompliance,
	Doc: "https://github.com/innovate-inc/platform#policy-pack",
}

// Evaluate runs every rule as of now; see EvaluateAt.
func Evaluate(res *plan.Result) { EvaluateAt(res, time.Now()) }

// EvaluateAt runs every rule and fills each reported stack's Findings (sorted by rule, resource and message;
// duplicates dropped). A finding is attributed to the stack that registers its resource; a finding naming no
// resource goes to every reported stack; a finding on an upstream-only stack is not reported. A compliance
// finding that a waiver of its stack covers is kept, with the waiver; a waiver past its expiry date covers
// nothing and is itself a finding (WV001).
func EvaluateAt(res *plan.Result, now time.Time) {
	owner := map[string]int{}
	for i := range res.Stacks {
		res.Stacks[i].Findings = []plan.Finding{}
		for _, r := range res.Stacks[i].Resources {
			owner[r.URN] = i
		}
	}
	seen := map[string]bool{}
	for _, rule := range Rules() {
		for _, f := range rule.Check(res) {
			f.Category = rule.Category
			f.Controls = rule.Controls
			key := f.Rule + "\x00" + f.Resource + "\x00" + f.Message
			if seen[key] {
				continue
			}
			seen[key] = true
			if f.Resource == "" {
				for i := range res.Stacks {
					res.Stacks[i].Findings = append(res.Stacks[i].Findings, f)
				}
				continue
			}
			if i, ok := owner[f.Resource]; ok {
				res.Stacks[i].Findings = append(res.Stacks[i].Findings, f)
			}
		}
	}
	for i := range res.Stacks {
		applyWaivers(&res.Stacks[i], now)
		sortFindings(res.Stacks[i].Findings)
	}
}

// applyWaivers marks the stack's compliance findings its waivers cover and reports its expired waivers.
// Deploy-readiness findings cannot be waived: the deploy fails whatever the config says.
func applyWaivers(s *plan.StackPlan, now time.Time) {
	for _, w := range s.Waivers {
		expires, ok := w.ExpiresAt()
		if !ok {
			continue // config.Validate refuses it
		}
		if !now.Before(expires) {
			s.Findings = append(s.Findings, waiverExpired.finding("", fmt.Sprintf(
				"the waiver of %s on %s (%q) expired after %s: renew it with a new date and reason, or fix the finding",
				w.Rule, w.Resource, w.Reason, w.Expires)))
			s.Findings[len(s.Findings)-1].Category = waiverExpired.Category
			continue
		}
		for i := range s.Findings {
			f := &s.Findings[i]
			if f.Category != CategoryCompliance || f.Rule != w.Rule || f.Waiver != nil {
				continue
			}
			if w.Resource == "*" || (f.Resource != "" && f.Resource[strings.LastIndex(f.Resource, "::")+2:] == w.Resource) {
				f.Waiver = &plan.Waiver{Reason: w.Reason, Expires: w.Expires}
			}
		}
	}
}

// Count is the number of unwaived findings over the reported stacks.
func Count(res *plan.Result) int {
	n := 0
	for _, s := range res.Stacks {
		for _, f := range s.Findings {
			if f.Waiver == nil {
				n++
			}
		}
	}
	return n
}

// Blocking is the number of unwaived findings that fail the plan: every deploy-readiness finding, and policy-pack
// findings of high or critical severity.
func Blocking(res *plan.Result) int {
	n := 0
	for _, s := range res.Stacks {
		for _, f := range s.Findings {
			if f.Waiver == nil && (f.Category != CategoryCompliance || f.Severity == High || f.Severity == Critical) {
				n++
			}
		}
	}
	return n
}

func sortFindings(fs []plan.Finding) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		return a.Message < b.Message
	})
}

// with attaches a rule's check. The rule variables carry no check themselves because each check builds its
// findings from its rule (an initialization cycle otherwise).
func (r Rule) with(check func(*plan.Result) []plan.Finding) Rule {
	r.Check = check
	return r
}

// finding builds a finding of a rule on a resource.
func (r Rule) finding(resource, message string) plan.Finding {
	return plan.Finding{Rule: r.ID, Severity: r.Severity, Resource: resource, Message: message, Doc: r.Doc,
		Category: r.Category, Controls: r.Controls}
}

// located is a resource with the stack that registers it.
type located struct {
	stack *plan.StackPlan
	res   *plan.Resource
}

// allStacks is every stack the plan ran: the reported ones, then the upstream ones.
func allStacks(res *plan.Result) []*plan.StackPlan {
	out := make([]*plan.StackPlan, 0, len(res.Stacks)+len(res.Upstream))
	for i := range res.Stacks {
		out = append(out, &res.Stacks[i])
	}
	for i := range res.Upstream {
		out = append(out, &res.Upstream[i])
	}
	return out
}

// ofType returns every resource of a type token in every stack, in stack then registration order.
func ofType(res *plan.Result, typ string) []located {
	var out []located
	for _, s := range allStacks(res) {
		out = append(out, inStack(s, typ)...)
	}
	return out
}

// inStack returns the resources of a type token in one stack.
func inStack(s *plan.StackPlan, typ string) []located {
	var out []located
	for i := range s.Resources {
		if s.Resources[i].Type == typ {
			out = append(out, located{s, &s.Resources[i]})
		}
	}
	return out
}

// dependsOn reports whether from cannot be created before the resource toURN: it is reached through from's
// dependencies (which the SDK records for explicit DependsOn and for input references alike), transitively,
// through the dependencies of from's parents, and through the children of a component depended on (depending
// on a component waits for everything under it).
func dependsOn(s *plan.StackPlan, from *plan.Resource, toURN string) bool {
	byURN := make(map[string]*plan.Resource, len(s.Resources))
	children := map[string][]string{}
	for i := range s.Resources {
		r := &s.Resources[i]
		byURN[r.URN] = r
		if r.Parent != "" {
			children[r.Parent] = append(children[r.Parent], r.URN)
		}
	}
	type step struct {
		urn     string
		reached bool // depended on (as opposed to an ancestor whose dependencies are inherited)
	}
	queue := []step{{from.URN, false}}
	seen := map[step]bool{}
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		if seen[st] {
			continue
		}
		seen[st] = true
		if st.reached && st.urn == toURN {
			return true
		}
		r, ok := byURN[st.urn]
		if !ok {
			continue
		}
		for _, d := range r.Dependencies {
			queue = append(queue, step{d, true})
		}
		if r.Parent != "" {
			queue = append(queue, step{r.Parent, false})
		}
		if st.reached && !r.Custom {
			for _, c := range children[r.URN] {
				queue = append(queue, step{c, true})
			}
		}
	}
	return false
}

// path walks nested maps of plain plan inputs; nil when a key is missing.
func path(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// str is the string at a path, "" when it is absent or not a string.
func str(v any, keys ...string) string {
	s, _ := path(v, keys...).(string)
	return s
}

// list is the list at a path.
func list(v any, keys ...string) []any {
	l, _ := path(v, keys...).([]any)
	return l
}

// strings is the list of strings at a path (non-strings skipped).
func stringList(v any, keys ...string) []string {
	var out []string
	for _, x := range list(v, keys...) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// boolean is the bool at a path and whether it is set.
func boolean(v any, keys ...string) (value, set bool) {
	b, ok := path(v, keys...).(bool)
	return b, ok
}

// number is the number at a path and whether there is one (plan inputs hold float64).
func number(v any, keys ...string) (float64, bool) {
	switch n := path(v, keys...).(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	}
	return 0, false
}

// inputs is a resource's inputs as a value path can walk.
func inputs(r *plan.Resource) any { return map[string]any(r.Inputs) }

// known reports whether a string input is a real value, not a placeholder the plan writes for an unknown or
// secret value.
func known(s string) bool { return s != "" && s != "[unknown]" && s != "[secret]" }

// bucketFromARN returns the bucket name and key prefix of arn:aws:s3:::BUCKET[/prefix], ok false otherwise.
func bucketFromARN(arn string) (bucket, prefix string, ok bool) {
	rest, found := strings.CutPrefix(arn, "arn:aws:s3:::")
	if !found || rest == "" {
		return "", "", false
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	return bucket, strings.Trim(prefix, "/"), true
}

// orgOutputs returns the outputs of the organization stack, nil when the plan does not include it.
func orgOutputs(res *plan.Result) map[string]any {
	for _, s := range allStacks(res) {
		if s.Layer == "organization" {
			return s.Outputs
		}
	}
	for _, s := range allStacks(res) {
		if _, ok := s.Outputs["organizationId"]; ok {
			return s.Outputs
		}
	}
	return nil
}
