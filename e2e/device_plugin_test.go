package e2e

import (
	"context"
	"fmt"
	"maps"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"

	"tee-device-plugin/e2e/cluster"
)

const (
	testImage   = "localhost/tee-e2e-busybox:1"
	demoLabel   = "app.kubernetes.io/name=sgx-epc-demo"
	demoEpcEach = 10
)

// applyExample applies one of deploy/examples with the local test image in place of busybox
// (there is no registry to pull from).
func applyExample(t *testing.T, file string) {
	t.Helper()
	data, err := os.ReadFile(repo + "/deploy/examples/" + file)
	if err != nil {
		t.Fatal(err)
	}
	manifest := strings.ReplaceAll(string(data), "image: busybox:1.36", "image: "+testImage)
	if manifest == string(data) {
		t.Fatalf("%s no longer uses busybox:1.36: update the e2e image swap", file)
	}
	applyManifest(t, manifest)
}

func applyManifest(t *testing.T, manifest string) {
	t.Helper()
	kubectlStdin(t, manifest, "apply", "-f", "-")
}

// demoRunning makes sure the plugin serves the simulated node and the example Deployment's two
// pods run (each test that needs them calls it, so any one of them runs alone too).
func demoRunning(t *testing.T) []corev1.Pod {
	t.Helper()
	deploy(t, "simulation")
	applyExample(t, "epc-deployment.yaml")
	kubectl(t, "scale", "deployment/sgx-epc-demo", "--replicas=2")
	return waitRunning(t, "default", demoLabel, 2)
}

// Scenario 1: the Node's capacity and allocatable carry the simulated EPC in MiB, read through
// the API server.
func TestCapacity(t *testing.T) {
	only(t, "device-manager")
	defer explain(t)
	deploy(t, "simulation")
	node := waitNode(t, "EPC in capacity and allocatable", func(n *corev1.Node) bool {
		return quantity(n.Status.Capacity, epcResource) == simulatedEpcMiB &&
			quantity(n.Status.Allocatable, epcResource) == simulatedEpcMiB
	})
	t.Logf("node %s: capacity %s", node.Name, resourcesOf(node.Status.Capacity))
	if got := len(allocatableIDs(t, epcResource)); got != simulatedEpcMiB {
		t.Errorf("the kubelet can allocate %d %s devices, want %d", got, epcResource, simulatedEpcMiB)
	}
}

// Scenario 2: the example Deployment's two pods run, the node counts 20 units allocated, and
// each container has the enclave device nodes, the DCAP aliases, the aesmd mount and
// SGX_AESM_ADDR=1.
func TestEpcDeployment(t *testing.T) {
	only(t, "device-manager")
	defer explain(t)
	pods := demoRunning(t)

	describe := kubectl(t, "describe", "node", cluster.NodeName)
	allocated := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(epcResource) + `\s+(\d+)\s+(\d+)\s*$`)
	var counts []string
	for _, m := range allocated.FindAllStringSubmatch(describe, -1) {
		counts = append(counts, m[1]+"/"+m[2])
	}
	// "Allocated resources" lists requests and limits (20 and 20); "Capacity" and "Allocatable"
	// list the node's 8192 in one column, which the pattern does not match.
	if len(counts) != 1 || counts[0] != "20/20" {
		t.Errorf("kubectl describe node: allocated %s (requests/limits) = %v, want [20/20]\n%s",
			epcResource, counts, describe)
	}
	for _, p := range pods {
		out := execIn(t, "default", p.Name, `for f in /dev/sgx_enclave /dev/sgx_provision /dev/sgx/enclave /dev/sgx/provision; do
  test -c "$f" && echo "device $f"; done
grep -q " /var/run/aesmd " /proc/self/mountinfo && echo "mount /var/run/aesmd"
echo "SGX_AESM_ADDR=$SGX_AESM_ADDR"`)
		for _, want := range []string{"device /dev/sgx_enclave", "device /dev/sgx_provision",
			"device /dev/sgx/enclave", "device /dev/sgx/provision", "mount /var/run/aesmd",
			"SGX_AESM_ADDR=1"} {
			if !strings.Contains(out, want) {
				t.Errorf("pod %s lacks %q; it has:\n%s", p.Name, want, out)
			}
		}
		if ids := deviceIDs(t, "default", p.Name, epcResource); len(ids) != demoEpcEach {
			t.Errorf("pod %s holds %d units per PodResources, want %d: %v", p.Name, len(ids), demoEpcEach, ids)
		}
	}
}

// Scenario 3: a Job asking more EPC than the node has stays Pending with the scheduler's
// FailedScheduling event naming the resource.
func TestTooMuchEpc(t *testing.T) {
	only(t)
	defer explain(t, "sgx", "epc", "FailedScheduling", "Insufficient")
	deploy(t, "simulation")
	applyExample(t, "too-much-epc-job.yaml")
	want := "Insufficient " + epcResource
	event := waitObject(t, "a FailedScheduling event naming "+epcResource, &corev1.Event{}, "default",
		fields.OneTermEqualSelector("reason", "FailedScheduling"), func(o runtime.Object) bool {
			e := o.(*corev1.Event)
			return strings.HasPrefix(e.InvolvedObject.Name, "sgx-epc-too-much-") && strings.Contains(e.Message, want)
		}, func() string { return "no such event" }).(*corev1.Event)
	t.Logf("event: %s", event.Message)
	pod, err := cl.Client.CoreV1().Pods("default").Get(context.Background(), event.InvolvedObject.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if pod.Status.Phase != corev1.PodPending || pod.Spec.NodeName != "" {
		t.Errorf("pod %s: phase %s on node %q, want Pending and unbound", pod.Name, pod.Status.Phase, pod.Spec.NodeName)
	}
	kubectl(t, "delete", "job", "sgx-epc-too-much", "--wait=true")
}

// Scenario 6: /metrics's per-pod units, from the real kubelet's PodResources v1, match the pods'
// limits: one series per container, valued at its units. The plugin refreshes what it read from
// PodResources at most every few seconds, so the scrape is repeated until the demo pods show.
func TestPodMetrics(t *testing.T) {
	only(t)
	defer explain(t)
	pods := demoRunning(t)
	want := map[string]string{}
	for _, p := range pods {
		want[fmt.Sprintf(`namespace="default",pod="%s",container="demo",resource="%s"`, p.Name, epcResource)] =
			strconv.Itoa(demoEpcEach)
	}
	series := regexp.MustCompile(`(?m)^tee_device_plugin_pod_units\{([^}]*)\} (\S+)$`)
	var got map[string]string
	seen := func() bool {
		got = map[string]string{}
		for _, m := range series.FindAllStringSubmatch(pluginMetrics(t), -1) {
			if strings.Contains(m[1], `namespace="default"`) {
				got[m[1]] = m[2]
			}
		}
		// Every demo pod listed (whatever its value): the plugin has read PodResources since.
		for key := range want {
			if _, ok := got[key]; !ok {
				return false
			}
		}
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	for !seen() {
		select {
		case <-ctx.Done():
			t.Fatalf("the demo pods never appeared in /metrics; default-namespace series: %v", got)
		case <-time.After(500 * time.Millisecond): // the plugin's cache, in another process
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("tee_device_plugin_pod_units in namespace default = %v, want %v", got, want)
	}
}

// pluginMetrics reads the plugin pod's /metrics through the API server's pod proxy.
func pluginMetrics(t *testing.T) string {
	t.Helper()
	pods := waitRunning(t, pluginNamespace, pluginSelector, 1)
	body, err := cl.Client.CoreV1().Pods(pluginNamespace).ProxyGet("http", pods[0].Name, "9464",
		"/metrics", nil).DoRaw(context.Background())
	if err != nil {
		t.Fatalf("GET /metrics of %s: %v", pods[0].Name, err)
	}
	return string(body)
}
