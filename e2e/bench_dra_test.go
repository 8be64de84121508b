package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// TestBenchDra measures the DRA driver on this cluster (`bash e2e/bench.sh` runs it after
// TestBenchStartup; no part of the gating suite):
//   - E2E_BENCH times, from the DaemonSet letting the plugin onto the node to its ResourceSlices
//     in the API server, and to a pod claiming 64Mi of EPC Running;
//   - NodePrepareResources of the real kubelet's calls for pods of 1 and of 10 claims
//     (E2E_BENCH_PODS pods each), as the plugin timed them (its log line per call): the claims'
//     reads from the API server, the CDI specs and the checkpoint written;
//   - the plugin's resident memory after start under each kubelet API, and after those calls.
func TestBenchDra(t *testing.T) {
	runs := benchRuns(t)
	pods := 30
	if n, err := strconv.Atoi(os.Getenv("E2E_BENCH_PODS")); err == nil && n > 0 {
		pods = n
	}
	defer deleteDraPods(t)

	deploy(t, "simulation")
	waitNode(t, "EPC allocatable", func(n *corev1.Node) bool {
		return quantity(n.Status.Allocatable, epcResource) == simulatedEpcMiB
	})
	devicePlugin := pluginMemory(t)

	deploy(t, "dra")
	var toSlices, toRunning []time.Duration
	for i := 0; i < runs; i++ {
		setPluginOnNode(t, false)
		waitSlices(t, sgxDriver, "no SGX slices while the plugin is off the node", publishes())
		start := time.Now()
		setPluginOnNode(t, true)
		waitSlices(t, sgxDriver, "the simulated node's SGX devices", publishes(sgxDevices...))
		slicesAt := time.Since(start)
		name := fmt.Sprintf("bench-dra-%d", i)
		claimPod(t, name, "bench-epc-64mi", epcRequestOnce(i, "64Mi"))
		waitPod(t, "default", name, name+" Running", running)
		total := time.Since(start)
		kubectl(t, "delete", "pod", name, "--wait=true", "--grace-period=1")
		t.Logf("run %d: plugin let onto the node -> slices %.0f ms -> pod claiming EPC Running %.0f ms",
			i+1, ms(slicesAt), ms(total))
		toSlices, toRunning = append(toSlices, slicesAt), append(toRunning, total)
	}
	fmt.Printf("bench: plugin let onto the node -> ResourceSlices in the API server: median %.0f ms of %d runs (%s)\n",
		ms(median(toSlices)), runs, spread(toSlices))
	fmt.Printf("bench: plugin let onto the node -> pod claiming 64Mi EPC Running: median %.0f ms of %d runs (%s)\n",
		ms(median(toRunning)), runs, spread(toRunning))
	draStart := pluginMemory(t)

	// Pods one after the other, each prepared in one call with all its claims (the kubelet
	// batches a pod's claims per driver), so no call waits on another.
	applyManifest(t, claimTemplate("bench-epc-4mi", epcRequest("4Mi", "")))
	for _, claims := range []int{1, 10} {
		before := len(callTimes(t, "NodePrepareResources", claims))
		for i := 0; i < pods; i++ {
			name := fmt.Sprintf("bench-claims-%d-%d", claims, i)
			applyManifest(t, podOfClaims(name, "bench-epc-4mi", claimNames(claims)...))
			waitPod(t, "default", name, name+" Running", running)
			kubectl(t, "delete", "pod", name, "--wait=true", "--grace-period=1")
		}
		all := callTimes(t, "NodePrepareResources", claims)
		if len(all)-before != pods {
			t.Fatalf("the plugin logged %d NodePrepareResources calls of %d claim(s) for %d pods",
				len(all)-before, claims, pods)
		}
		prepares := all[before:]
		unprepares := callTimes(t, "NodeUnprepareResources", claims)
		fmt.Printf("bench: NodePrepareResources of %d claim(s), %d kubelet calls: p50 %.2f ms, p99 %.2f ms "+
			"(min %.2f, max %.2f); NodeUnprepareResources p50 %.2f ms\n", claims, len(prepares),
			percentile(prepares, 50), percentile(prepares, 99), slices.Min(prepares), slices.Max(prepares),
			percentile(unprepares, 50))
	}
	draAfter := pluginMemory(t)
	fmt.Printf("bench: plugin RSS after start, device-plugin API: %s\n", devicePlugin)
	fmt.Printf("bench: plugin RSS after start, DRA: %s\n", draStart)
	fmt.Printf("bench: plugin RSS after %d pods' prepares and unprepares, DRA: %s\n", 2*pods+1, draAfter)
}

// claimNames are n names of a pod's claims: c0, c1, ...
func claimNames(n int) []string {
	var names []string
	for i := 0; i < n; i++ {
		names = append(names, fmt.Sprintf("c%d", i))
	}
	return names
}

// epcRequestOnce is the 64Mi template's spec for the first run only: a template's spec cannot
// change, and claimPod applies it again when it is given.
func epcRequestOnce(run int, amount string) string {
	if run > 0 {
		return ""
	}
	return epcRequest(amount, "")
}

// callTimes are the durations in ms of the plugin's DRAPlugin calls of one method and claim
// count, in the order of its log.
func callTimes(t *testing.T, method string, claims int) []float64 {
	t.Helper()
	line := regexp.MustCompile(regexp.QuoteMeta(fmt.Sprintf("%s of %d claim(s) answered in ", method, claims)) +
		`([0-9.]+) ms`)
	var out []float64
	for _, m := range line.FindAllStringSubmatch(pluginLog(t), -1) {
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatalf("the plugin's log: %q: %v", m[0], err)
		}
		out = append(out, v)
	}
	return out
}

// percentile is the nearest-rank percentile p of the values.
func percentile(values []float64, p float64) float64 {
	if len(values) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(values))
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[max(rank, 1)-1]
}

func spread(ds []time.Duration) string {
	return fmt.Sprintf("runs %.0f to %.0f ms", ms(slices.Min(ds)), ms(slices.Max(ds)))
}

// memory is a process's resident set from /proc/PID/status.
type memory struct{ total, anon, file float64 }

func (m memory) String() string {
	return fmt.Sprintf("%.1f MiB (anonymous %.1f, file-backed %.1f)", m.total, m.anon, m.file)
}

// pluginMemory is the resident memory of the plugin's one `serve` process in a container on this
// host (the cluster's only node): the image's binary, not a plugin a bench or test runs from a
// build tree. A pod being replaced may still be exiting: it waits for
// that one to go.
func pluginMemory(t *testing.T) memory {
	t.Helper()
	waitRunning(t, pluginNamespace, pluginSelector, 1)
	var found []string
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	for {
		found = pluginProcesses()
		if len(found) == 1 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("want one tee-device-plugin serve process in a container on the host, found %v", found)
		case <-time.After(200 * time.Millisecond):
		}
	}
	status, err := os.ReadFile(found[0] + "/status")
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]float64{}
	scanner := bufio.NewScanner(bytes.NewReader(status))
	for scanner.Scan() {
		name, value, ok := strings.Cut(scanner.Text(), ":")
		if kib, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 64); ok && err == nil {
			fields[name] = kib / 1024
		}
	}
	m := memory{fields["VmRSS"], fields["RssAnon"], fields["RssFile"]}
	if m.total == 0 {
		t.Fatalf("%s/status has no VmRSS:\n%s", found[0], status)
	}
	return m
}

// The plugin's path in its image (deploy/Dockerfile's ENTRYPOINT), never a build tree's.
const imageBinary = "/usr/bin/tee-device-plugin"

// pluginProcesses are the /proc directories of the image's `serve` processes.
func pluginProcesses() []string {
	var found []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range dirs {
		cmdline, err := os.ReadFile(dir + "/cmdline")
		if err != nil {
			continue
		}
		args := strings.Split(string(cmdline), "\x00")
		if len(args) > 1 && args[0] == imageBinary && args[1] == "serve" {
			found = append(found, dir)
		}
	}
	return found
}
