package tests

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/innovate-inc/platform/internal/fixtures"
	"github.com/innovate-inc/platform/internal/offline"
)

// BenchmarkPlanAll measures the offline plan of every stack (scripts/measure runs it with -benchmem).
func BenchmarkPlanAll(b *testing.B) {
	proj := fixtures.Project(b)
	for b.Loop() {
		if _, err := offline.RunProject(proj, "all"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlanEstate measures the offline plan of generated estates of 3, 10 and 30 workload environments
// (fixtures.GenerateEstate: the org, security and network stacks plus one workload stack per environment), to
// show how the plan grows with the estate. Besides time and allocations (-benchmem) it reports:
//
//   - ns/env: time per plan divided by the number of environments (the shared stacks included, so it falls
//     towards the marginal cost of an environment as the estate grows);
//   - peak-heap-MB: the most memory held by heap objects (live, and garbage not yet collected under the default
//     GOGC) in samples taken every millisecond while the plans run;
//   - peak-RSS-MB: the process's peak resident set (VmHWM) over the sub-benchmark, reset after returning freed
//     memory to the OS when it starts: it includes the test binary itself. Left out where /proc cannot reset it.
//
// No test asserts a duration: the 2 s budget for 30 environments is checked by reading the result
// (docs/PERFORMANCE.md, scripts/measure).
func BenchmarkPlanEstate(b *testing.B) {
	for _, n := range []int{3, 10, 30} {
		b.Run(fmt.Sprintf("environments=%d", n), func(b *testing.B) {
			proj, _ := fixtures.GenerateEstate(b, n)
			runtime.GC()
			debug.FreeOSMemory()
			rssReset := resetPeakRSS()
			heap := sampleHeap(time.Millisecond)
			for b.Loop() {
				if _, err := offline.RunProject(proj, "all"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/env")
			b.ReportMetric(float64(heap.stop())/1e6, "peak-heap-MB")
			if rss, ok := peakRSS(); ok && rssReset {
				b.ReportMetric(float64(rss)/1e6, "peak-RSS-MB")
			}
		})
	}
}

// heapSampler records the highest heap-object bytes seen.
type heapSampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

const heapObjects = "/memory/classes/heap/objects:bytes"

func sampleHeap(every time.Duration) *heapSampler {
	s := &heapSampler{done: make(chan struct{})}
	sample := []metrics.Sample{{Name: heapObjects}}
	read := func() {
		metrics.Read(sample)
		s.peak = max(s.peak, sample[0].Value.Uint64())
	}
	read()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-s.done:
				read()
				return
			case <-tick.C:
				read()
			}
		}
	}()
	return s
}

func (s *heapSampler) stop() uint64 {
	close(s.done)
	s.wg.Wait()
	return s.peak
}

// resetPeakRSS sets the process's peak resident set (VmHWM) to its current resident set (Linux 4.0 and later).
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS is the process's peak resident set in bytes, from VmHWM in /proc/self/status.
func peakRSS() (uint64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024, err == nil
		}
	}
	return 0, false
}
