package readiness

import (
	"fmt"
	"strings"

	"github.com/innovate-inc/platform/internal/plan"
)

const typeDBInstance = "aws:rds/instance:Instance"

var rdsEngineMajorOnly = Rule{
	ID:       "DR006",
	Title:    "rds-engine-major-only",
	Severity: High,
	Doc:      "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#engine_version",
}

// With automatic minor upgrades on, AWS moves the instance past a pinned minor version (17.6 -> 17.7) in a
// maintenance window; the next deploy then sees drift and tries to downgrade, which RDS refuses. Pin the major
// version only and let the provider follow the minor.
func checkRDSEngineMajorOnly(res *plan.Result) []plan.Finding {
	var out []plan.Finding
	for _, l := range ofType(res, typeDBInstance) {
		in := inputs(l.res)
		auto, set := boolean(in, "autoMinorVersionUpgrade")
		if set && !auto {
			continue
		}
		version := str(in, "engineVersion")
		major := majorVersion(str(in, "engine"), version)
		if version == major {
			continue
		}
		why := "autoMinorVersionUpgrade is true"
		if !set {
			why = "autoMinorVersionUpgrade is unset (AWS defaults it to true)"
		}
		out = append(out, rdsEngineMajorOnly.finding(l.res.URN, fmt.Sprintf(
			"DB instance %s pins engineVersion %q to a minor version and %s: after AWS upgrades the minor version the next deploy tries to downgrade it; set engineVersion to the major version (%q); see %s",
			l.res.Name, version, why, major, "https://github.com/hashicorp/terraform-provider-aws/issues/39579")))
	}
	return out
}

// majorVersion is the part of an engine version that names the major version: "17" of PostgreSQL's "17.6",
// but "8.0" of MySQL's "8.0.39" (MySQL and MariaDB majors have two parts).
func majorVersion(engine, version string) string {
	parts := strings.Split(version, ".")
	n := 1
	if strings.Contains(engine, "mysql") || strings.Contains(engine, "mariadb") {
		n = 2
	}
	if len(parts) < n {
		return version
	}
	return strings.Join(parts[:n], ".")
}
