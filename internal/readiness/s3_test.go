package readiness

import (
	"testing"

	"github.com/innovate-inc/platform/internal/plan"
)

func TestReplicationAfterDestinationVersioning(t *testing.T) {
	const s = "security"
	versioning := func(name, bucket, status string, opts ...opt) plan.Resource {
		return res(s, typeVersioning, name, map[string]any{"bucket": bucket,
			"versioningConfiguration": map[string]any{"status": status}}, opts...)
	}
	src := versioning("src-versioning", "src", "Enabled")
	dst := versioning("dst-versioning", "dst", "Enabled")
	replication := func(opts ...opt) plan.Resource {
		return res(s, typeReplication, "src-replication", map[string]any{"bucket": "src", "rules": []any{
			map[string]any{"id": "to-dr", "destination": map[string]any{"bucket": "arn:aws:s3:::dst"}}}}, opts...)
	}
	replURN := urn(s, typeReplication, "src-replication")
	tests := []struct {
		name  string
		res   *plan.Result
		wants []want
	}{
		{"depends on both", result(stack(s, "security", src, dst, replication(deps(src.URN, dst.URN)))), nil},
		{"destination versioned in an upstream stack", result(
			stack(s, "security", src, replication(deps(src.URN))),
			stack("dr", "security", res("dr", typeVersioning, "dst-versioning", map[string]any{"bucket": "dst",
				"versioningConfiguration": map[string]any{"status": "Enabled"}}))), nil},
		{"destination versioning not depended on", result(stack(s, "security", src, dst, replication(deps(src.URN)))),
			[]want{{replURN, `destination bucket "dst" has versioning dst-versioning, which the replication configuration does not depend on`}}},
		{"own versioning not depended on", result(stack(s, "security", src, dst, replication(deps(dst.URN)))),
			[]want{{replURN, `source bucket "src" has versioning src-versioning`}}},
		{"destination never versioned", result(stack(s, "security", src, replication(deps(src.URN)))),
			[]want{{replURN, `destination bucket "dst" has no versioning resource in the plan`}}},
		{"destination versioning suspended", result(stack(s, "security", src,
			versioning("dst-versioning", "dst", "Suspended"), replication(deps(src.URN, urn(s, typeVersioning, "dst-versioning"))))),
			[]want{{replURN, `has versioning dst-versioning "Suspended", not Enabled`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expect(t, replicationAfterDestinationVersioning, tt.res, tt.wants...) })
	}
}
