package e2e

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// TestBenchStartup measures, E2E_BENCH times, the plugin's start on this cluster as an operator
// sees it: from the DaemonSet letting the plugin onto the node (its pod then made, scheduled,
// its init container run and the plugin started and registered), to the node's
// allocatable EPC appearing in the API server, and a pod asking for EPC reaching Running. It
// prints each run and the medians. Run it with `bash e2e/bench.sh`; it is no part of the gating
// suite, which has no wall-clock bounds.
func TestBenchStartup(t *testing.T) {
	runs := benchRuns(t)
	deploy(t, "simulation")
	var toAllocatable, toRunning []time.Duration
	for i := 0; i < runs; i++ {
		// Plugin gone, EPC out of allocatable, then the clock starts with the new pod.
		setPluginOnNode(t, false)
		waitNode(t, "EPC out of allocatable", func(n *corev1.Node) bool {
			return quantity(n.Status.Allocatable, epcResource) <= 0
		})
		start := time.Now()
		setPluginOnNode(t, true)
		waitNode(t, "EPC allocatable", func(n *corev1.Node) bool {
			return quantity(n.Status.Allocatable, epcResource) == simulatedEpcMiB
		})
		allocatable := time.Since(start)
		name := fmt.Sprintf("bench-%d", i)
		podAsking(t, name, map[string]string{epcResource: "10"})
		total := time.Since(start)
		deletePod(t, name)
		t.Logf("run %d: plugin let onto the node -> allocatable %.0f ms -> EPC pod Running %.0f ms", i+1,
			ms(allocatable), ms(total))
		toAllocatable, toRunning = append(toAllocatable, allocatable), append(toRunning, total)
	}
	fmt.Printf("bench: plugin let onto the node -> allocatable EPC: median %.0f ms of %d runs\n",
		ms(median(toAllocatable)), runs)
	fmt.Printf("bench: plugin let onto the node -> EPC pod Running: median %.0f ms of %d runs\n",
		ms(median(toRunning)), runs)
}

// benchRuns is E2E_BENCH, the runs a bench makes; the bench is skipped without it.
func benchRuns(t *testing.T) int {
	t.Helper()
	runs, _ := strconv.Atoi(os.Getenv("E2E_BENCH"))
	if runs <= 0 {
		t.Skip("E2E_BENCH is not set (bash e2e/bench.sh)")
	}
	return runs
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
