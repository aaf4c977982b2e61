package readiness

import (
	"fmt"

	"github.com/innovate-inc/platform/internal/plan"
)

var encryptionAtRest = Rule{
	ID: "PC001", Title: "encryption-at-rest", Severity: High, Category: CategoryCompliance, Doc: docFSBP,
	Controls: []string{cisAWS + "2.2.1", cisAWS + "2.3.1", cisAWS + "3.6", fsbp + "S3.17", fsbp + "RDS.3",
		fsbp + "EKS.3", fsbp + "EC2.7", fsbp + "KMS.4", fsbp + "SQS.1", fsbp + "SNS.1", fsbp + "Backup.1", cisEKS + "5.3.1"},
}

// Every store of data is encrypted: buckets have a default encryption configuration, databases, volumes,
// queues, topics and vaults are encrypted, Kubernetes secrets are envelope-encrypted, customer keys rotate, and
// every account encrypts new EBS volumes by default.
func checkEncryptionAtRest(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	bad := func(l located, format string, args ...any) {
		out = append(out, encryptionAtRest.finding(l.res.URN, fmt.Sprintf(l.res.Name+" "+format, args...)))
	}
	sse := byInput(res, typeBucketSSE, "bucket")
	for _, l := range ofType(res, typeBucket) {
		if _, ok := sse[str(inputs(l.res), "bucket")]; !ok {
			bad(l, "(bucket %q) has no server-side encryption configuration", str(inputs(l.res), "bucket"))
		}
	}
	for _, l := range ofType(res, typeDBInstance) {
		if !truthy(inputs(l.res), "storageEncrypted") {
			bad(l, "does not set storageEncrypted")
		}
	}
	for _, l := range ofType(res, typeEKSCluster) {
		if str(inputs(l.res), "encryptionConfigKeyArn") == "" {
			bad(l, "does not envelope-encrypt Kubernetes secrets (no encryptionConfigKeyArn)")
		}
	}
	for _, l := range ofType(res, typeLaunchTemplate) {
		for _, m := range list(inputs(l.res), "blockDeviceMappings") {
			if path(m, "ebs") != nil && !truthy(m, "ebs", "encrypted") {
				bad(l, "maps volume %s unencrypted", str(m, "deviceName"))
			}
		}
	}
	for _, l := range ofType(res, typeEC2NodeClass) {
		for _, m := range list(inputs(l.res), "spec", "blockDeviceMappings") {
			if !truthy(m, "ebs", "encrypted") {
				bad(l, "maps volume %s unencrypted", str(m, "deviceName"))
			}
		}
	}
	for _, l := range ofType(res, typeQueue) {
		if !truthy(inputs(l.res), "sqsManagedSseEnabled") && str(inputs(l.res), "kmsMasterKeyId") == "" {
			bad(l, "is not encrypted (neither sqsManagedSseEnabled nor kmsMasterKeyId)")
		}
	}
	for _, l := range ofType(res, typeTopic) {
		if str(inputs(l.res), "kmsMasterKeyId") == "" {
			bad(l, "is not encrypted (no kmsMasterKeyId)")
		}
	}
	for _, l := range ofType(res, typeVault) {
		if str(inputs(l.res), "kmsKeyArn") == "" {
			bad(l, "encrypts recovery points with the AWS-owned key, not a customer key (no kmsKeyArn)")
		}
	}
	for _, l := range ofType(res, typeKey) {
		spec := str(inputs(l.res), "customerMasterKeySpec")
		if (spec == "" || spec == "SYMMETRIC_DEFAULT") && !truthy(inputs(l.res), "enableKeyRotation") {
			bad(l, "does not rotate (enableKeyRotation is not true)")
		}
	}
	for _, l := range ofType(res, typeEBSEncryption) {
		if on, set := boolean(inputs(l.res), "enabled"); set && !on {
			bad(l, "turns EBS encryption by default off")
		}
	}
	return out
}

var encryptionInTransit = Rule{
	ID: "PC002", Title: "encryption-in-transit", Severity: High, Category: CategoryCompliance, Doc: docFSBP,
	Controls: []string{cisAWS + "2.1.1", fsbp + "S3.5", fsbp + "ELB.1", cisEKS + "5.4.5"},
}

// Buckets refuse requests that are not over TLS (a Deny on aws:SecureTransport false in their policy); a
// PostgreSQL database's parameter group forces TLS; load-balancer listeners serve HTTPS or redirect to it.
func checkEncryptionInTransit(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	bad := func(l located, format string, args ...any) {
		out = append(out, encryptionInTransit.finding(l.res.URN, fmt.Sprintf(l.res.Name+" "+format, args...)))
	}
	tlsOnly := map[string]bool{}
	for _, l := range ofType(res, typeBucketPolicy) {
		for _, doc := range policyDocs(l.res) {
			for _, st := range doc.Statement {
				if st.Effect == "Deny" && len(st.Condition["Bool"]["aws:SecureTransport"]) > 0 &&
					st.Condition["Bool"]["aws:SecureTransport"][0] == "false" {
					tlsOnly[str(inputs(l.res), "bucket")] = true
				}
			}
		}
	}
	for _, l := range ofType(res, typeBucket) {
		if b := str(inputs(l.res), "bucket"); !tlsOnly[b] {
			bad(l, "(bucket %q) has no policy denying requests without TLS (aws:SecureTransport false)", b)
		}
	}
	groups := byInput(res, typeParameterGroup, "name")
	for _, l := range ofType(res, typeDBInstance) {
		if str(inputs(l.res), "engine") != "postgres" {
			continue
		}
		g, ok := groups[str(inputs(l.res), "parameterGroupName")]
		forced := false
		if ok {
			for _, p := range list(inputs(g.res), "parameters") {
				if str(p, "name") == "rds.force_ssl" && str(p, "value") == "1" {
					forced = true
				}
			}
		}
		if !forced {
			bad(l, "does not force TLS: its parameter group %q does not set rds.force_ssl to 1",
				str(inputs(l.res), "parameterGroupName"))
		}
	}
	for _, l := range ofType(res, typeListener) {
		proto := str(inputs(l.res), "protocol")
		if proto != "HTTP" && proto != "TCP" {
			continue
		}
		redirects := false
		for _, a := range list(inputs(l.res), "defaultActions") {
			if str(a, "type") == "redirect" && str(a, "redirect", "protocol") == "HTTPS" {
				redirects = true
			}
		}
		if !redirects {
			bad(l, "serves %s without redirecting to HTTPS", proto)
		}
	}
	return out
}
