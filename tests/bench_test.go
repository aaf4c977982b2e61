package tests

import (
	"testing"

	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/plan"
)

// BenchmarkPlanAll measures the offline plan of every stack (scripts/measure runs it with -benchmem).
func BenchmarkPlanAll(b *testing.B) {
	proj := fixtures.Project(b)
	for b.Loop() {
		if _, err := plan.RunProject(proj, "all"); err != nil {
			b.Fatal(err)
		}
	}
}
