package readiness

import (
	"fmt"
	"slices"

	"github.com/innovate-inc/platform/internal/plan"
)

var loggingEnabled = Rule{
	ID: "PC004", Title: "logging-enabled", Severity: High, Category: CategoryCompliance, Doc: docFSBP,
	Controls: []string{cisAWS + "3.1", cisAWS + "3.2", cisAWS + "3.5", cisAWS + "3.7", fsbp + "CloudTrail.1",
		fsbp + "CloudTrail.2", fsbp + "CloudTrail.4", fsbp + "CloudTrail.5", fsbp + "EC2.6", fsbp + "EKS.8",
		fsbp + "NetworkFirewall.2", fsbp + "ELB.5", fsbp + "RDS.9", fsbp + "S3.9", cisEKS + "2.1.1"},
}

// eksLogTypes are the control-plane log types the cluster must send: the audit trail of the API and of who
// authenticated.
var eksLogTypes = []string{"api", "audit", "authenticator"}

// Every source of evidence logs: the organization trail (multi-region, validated, encrypted, to CloudWatch
// Logs), flow logs of every VPC, the EKS control plane, the firewall's flow and alert logs, load-balancer access
// logs, database logs and S3 server access logs (except on the buckets that receive them).
func checkLogging(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	bad := func(l located, format string, args ...any) {
		out = append(out, loggingEnabled.finding(l.res.URN, fmt.Sprintf(l.res.Name+" "+format, args...)))
	}
	trails := ofType(res, typeTrail)
	for _, s := range allStacks(res) {
		if s.Layer == "security" && len(inStack(s, typeTrail)) == 0 {
			out = append(out, loggingEnabled.finding("", fmt.Sprintf("stack %s builds the security layer without a CloudTrail trail", s.Name)))
		}
	}
	for _, l := range trails {
		in := inputs(l.res)
		for _, k := range []string{"isMultiRegionTrail", "enableLogFileValidation", "includeGlobalServiceEvents"} {
			if !truthy(in, k) {
				bad(l, "does not set %s", k)
			}
		}
		if on, set := boolean(in, "enableLogging"); set && !on {
			bad(l, "does not log (enableLogging false)")
		}
		if str(in, "kmsKeyId") == "" {
			bad(l, "is not encrypted with a KMS key")
		}
		if str(in, "cloudWatchLogsGroupArn") == "" {
			bad(l, "does not deliver to CloudWatch Logs")
		}
	}
	flows := byInput(res, typeFlowLog, "vpcId")
	for _, l := range ofType(res, typeVPC) {
		if _, ok := flows[l.res.ID]; !ok {
			bad(l, "(%s) has no flow log", l.res.ID)
		}
	}
	for _, l := range ofType(res, typeEKSCluster) {
		types := stringList(inputs(l.res), "enabledClusterLogTypes")
		for _, t := range eksLogTypes {
			if !slices.Contains(types, t) {
				bad(l, "does not send the %s control-plane log", t)
			}
		}
	}
	fwLogs := byInput(res, typeFirewallLogging, "firewallArn")
	for _, l := range ofType(res, typeFirewall) {
		lc, ok := fwLogs[l.res.ID]
		var types []string
		if ok {
			for _, d := range list(inputs(lc.res), "loggingConfiguration", "logDestinationConfigs") {
				types = append(types, str(d, "logType"))
			}
		}
		for _, t := range []string{"FLOW", "ALERT"} {
			if !slices.Contains(types, t) {
				bad(l, "does not log %s", t)
			}
		}
	}
	for _, l := range ofType(res, typeLoadBalancer) {
		if !truthy(inputs(l.res), "accessLogs", "enabled") {
			bad(l, "has no access logs")
		}
	}
	for _, l := range ofType(res, typeDBInstance) {
		if len(stringList(inputs(l.res), "enabledCloudwatchLogsExports")) == 0 {
			bad(l, "exports no logs to CloudWatch Logs")
		}
	}
	logged := map[string]bool{}
	sinks := map[string]bool{}
	for _, l := range ofType(res, typeBucketLogging) {
		logged[str(inputs(l.res), "bucket")] = true
		sinks[str(inputs(l.res), "targetBucket")] = true
	}
	for _, l := range ofType(res, typeBucket) {
		b := str(inputs(l.res), "bucket")
		if !logged[b] && !sinks[b] {
			bad(l, "(bucket %q) has no server access logging", b)
		}
	}
	return out
}
