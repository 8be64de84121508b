package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	pluginapi "k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"tee-device-plugin/e2e/cluster"
)

// podAsking applies a pod of the test image holding the given limits, and waits until it runs.
func podAsking(t *testing.T, name string, limits map[string]string) *corev1.Pod {
	t.Helper()
	var lines []string
	for resourceName, amount := range limits {
		lines = append(lines, fmt.Sprintf("          %s: %q", resourceName, amount))
	}
	applyManifest(t, fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata:
  name: %s
  namespace: default
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: main
      image: %s
      command: ["sleep", "3600"]
      resources:
        limits:
%s
`, name, testImage, strings.Join(lines, "\n")))
	return waitPod(t, "default", name, name+" Running", running)
}

func deletePod(t *testing.T, name string) {
	t.Helper()
	kubectl(t, "delete", "pod", name, "--wait=true", "--grace-period=1")
}

// Scenario 8: with --cdi, Allocate answers carry only CDI device names; the kubelet passes them
// to containerd, which applies the plugin's CDI spec: the devices reach the container that way.
func TestCDI(t *testing.T) {
	only(t)
	defer explain(t, "cdi", "sgx", "epc", "error")
	deploy(t, "cdi")
	spec := cluster.CDIDir + "/tee.dev-resource.json"
	data, err := os.ReadFile(spec)
	if err != nil {
		t.Fatalf("the plugin wrote no CDI spec: %v", err)
	}
	if !strings.Contains(string(data), "/dev/sgx_enclave") {
		t.Errorf("%s does not give /dev/sgx_enclave:\n%s", spec, data)
	}
	pod := podAsking(t, "cdi-epc", map[string]string{epcResource: "4"})
	out := execIn(t, "default", pod.Name, `test -c /dev/sgx_enclave && echo enclave; test -c /dev/sgx/enclave && echo alias; echo "SGX_AESM_ADDR=$SGX_AESM_ADDR"`)
	for _, want := range []string{"enclave\n", "alias\n", "SGX_AESM_ADDR=1"} {
		if !strings.Contains(out, want) {
			t.Errorf("CDI pod lacks %q; it has:\n%s", want, out)
		}
	}
	// The devices reached the container through CDI: the plugin's Allocate answer under --cdi
	// carries a CDI name and no device specs, mounts or environment of its own ...
	answer := cdiAnswer(t, string(pod.UID), epcResource)
	if len(answer.CdiDevices) != 1 || answer.CdiDevices[0].Name != "tee.dev/resource=kubernetes.azure.com_sgx_epc_mem_in_MiB" ||
		len(answer.Devices) != 0 || len(answer.Mounts) != 0 || len(answer.Envs) != 0 {
		t.Errorf("the kubelet kept this Allocate answer for the CDI pod: %v", answer)
	}
	// ... and containerd logs the CDI names the kubelet's CreateContainer request carried.
	const want = "CDI devices from CRI Config.CDIDevices: [tee.dev/resource=kubernetes.azure.com_sgx_epc_mem_in_MiB]"
	if log := strings.Join(cluster.Tail(cl.LogPath("containerd"), 20, "CDI devices"), "\n"); !strings.Contains(log, want) {
		t.Errorf("containerd's log lacks %q:\n%s", want, log)
	}
	deletePod(t, pod.Name)
}

// Scenario 9: a simulated TDX guest: intel.com/tdx in capacity, and a pod asking for it gets
// /dev/tdx_guest.
func TestTdxGuest(t *testing.T) {
	only(t)
	defer explain(t, "tdx", "guest", "error")
	deploy(t, "tdx-guest")
	waitNode(t, "intel.com/tdx in allocatable", func(n *corev1.Node) bool {
		return quantity(n.Status.Allocatable, "intel.com/tdx") > 0
	})
	pod := podAsking(t, "tdx-guest", map[string]string{"intel.com/tdx": "1"})
	if out := execIn(t, "default", pod.Name, "test -c /dev/tdx_guest && echo tdx"); out != "tdx\n" {
		t.Errorf("the pod has no /dev/tdx_guest: %q", out)
	}
	deletePod(t, pod.Name)
}

// Scenario 7: --profile intel --register-epc with deploy/components/register-epc's RBAC and the
// pod's projected service-account token. sgx.intel.com/epc (bytes), enclave and provision show
// on the Node and a pod asking for them runs; the component's admission policy keeps the plugin's
// token to its own Node's sgx.intel.com/* keys; without the ClusterRoleBinding the plugin logs the
// 403 message the README promises and keeps serving.
func TestRegisterEpc(t *testing.T) {
	only(t)
	defer explain(t, "register", "epc", "403", "forbidden", "error")
	deploy(t, "register-epc")
	const epcBytes = int64(simulatedEpcMiB) << 20
	waitNode(t, "sgx.intel.com/epc, enclave and provision on the Node", func(n *corev1.Node) bool {
		return quantity(n.Status.Capacity, "sgx.intel.com/epc") == epcBytes &&
			quantity(n.Status.Allocatable, "sgx.intel.com/enclave") > 0 &&
			quantity(n.Status.Allocatable, "sgx.intel.com/provision") > 0
	})
	can := kubectl(t, "auth", "can-i", "patch", "nodes", "--subresource=status",
		"--as=system:serviceaccount:tee-device-plugin:tee-device-plugin")
	if lines := strings.Split(strings.TrimSpace(can), "\n"); lines[len(lines)-1] != "yes" {
		t.Errorf("kubectl auth can-i patch nodes/status as the plugin: %q", can)
	}
	pod := podAsking(t, "intel-epc", map[string]string{"sgx.intel.com/epc": "10Mi", "sgx.intel.com/enclave": "1"})
	if out := execIn(t, "default", pod.Name, "test -c /dev/sgx_enclave && echo enclave"); out != "enclave\n" {
		t.Errorf("the intel pod has no /dev/sgx_enclave: %q", out)
	}
	deletePod(t, pod.Name)
	checkOwnNodePolicy(t)

	// Without the binding: the published value is removed so the restarted plugin must patch,
	// and is refused.
	kubectl(t, "delete", "clusterrolebinding", "tee-device-plugin-register-epc")
	defer kubectl(t, "apply", "-k", repo+"/e2e/deploy/register-epc")
	kubectl(t, "patch", "node", cluster.NodeName, "--subresource=status", "--type=json",
		"-p", `[{"op":"remove","path":"/status/capacity/sgx.intel.com~1epc"}]`)
	kubectl(t, "-n", pluginNamespace, "delete", "pod", "-l", pluginSelector, "--wait=true")
	kubectl(t, "-n", pluginNamespace, "rollout", "status", "daemonset/tee-device-plugin",
		"--timeout="+waitLimit.String())
	logs := waitLog(t, `needs RBAC verb`)
	for _, want := range []string{"403", "nodes/status", "deploy/components/register-epc"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the plugin's 403 message lacks %q:\n%s", want, logs)
		}
	}
	// Still serving: the same pod, never restarted, Ready (registered), and a new pod gets the
	// enclave from it.
	plugin := waitRunning(t, pluginNamespace, pluginSelector, 1)[0]
	for _, status := range plugin.Status.ContainerStatuses {
		if status.RestartCount != 0 || !status.Ready {
			t.Errorf("plugin container %s after the 403: restarts %d, ready %v", status.Name, status.RestartCount, status.Ready)
		}
	}
	pod = podAsking(t, "intel-enclave-after-403", map[string]string{"sgx.intel.com/enclave": "1"})
	if out := execIn(t, "default", pod.Name, "test -c /dev/sgx_enclave && echo enclave"); out != "enclave\n" {
		t.Errorf("after the 403 the enclave pod has no /dev/sgx_enclave: %q", out)
	}
	deletePod(t, pod.Name)
	node, err := cl.Client.CoreV1().Nodes().Get(context.Background(), cluster.NodeName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if q := quantity(node.Status.Capacity, "sgx.intel.com/epc"); q != -1 {
		t.Errorf("sgx.intel.com/epc = %d on the Node although the plugin may not patch it", q)
	}
}

// waitLog follows the plugin pod's log until a line holds the text, returning that line.
func waitLog(t *testing.T, text string) string {
	t.Helper()
	pods := waitRunning(t, pluginNamespace, pluginSelector, 1)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	stream, err := cl.Client.CoreV1().Pods(pluginNamespace).GetLogs(pods[0].Name,
		&corev1.PodLogOptions{Container: "plugin", Follow: true}).Stream(ctx)
	if err != nil {
		t.Fatalf("logs of %s: %v", pods[0].Name, err)
	}
	defer stream.Close()
	lines := bufio.NewScanner(stream)
	lines.Buffer(make([]byte, 64<<10), 1<<20)
	var seen []string
	for lines.Scan() {
		if strings.Contains(lines.Text(), text) {
			return lines.Text()
		}
		seen = append(seen, lines.Text())
	}
	t.Fatalf("the plugin never logged %q (%v); its log:\n%s", text, lines.Err(), strings.Join(seen, "\n"))
	return ""
}

// cdiAnswer is what the kubelet's device manager checkpoint kept of the plugin's Allocate answer
// for a pod's container: exactly what the kubelet turns into the runtime's CreateContainer.
func cdiAnswer(t *testing.T, podUID, resourceName string) *pluginapi.ContainerAllocateResponse {
	t.Helper()
	path := filepath.Join(cluster.KubeletRoot, "device-plugins", "kubelet_internal_checkpoint")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the kubelet's device checkpoint: %v", err)
	}
	var checkpoint struct {
		Data struct {
			PodDeviceEntries []struct {
				PodUID, ContainerName, ResourceName string
				AllocResp                           []byte
			}
		}
	}
	if err := json.Unmarshal(data, &checkpoint); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, e := range checkpoint.Data.PodDeviceEntries {
		if e.PodUID == podUID && e.ResourceName == resourceName {
			answer := &pluginapi.ContainerAllocateResponse{}
			if err := proto.Unmarshal(e.AllocResp, answer); err != nil {
				t.Fatalf("%s: the Allocate answer of pod %s does not decode: %v", path, podUID, err)
			}
			return answer
		}
	}
	t.Fatalf("%s has no %s entry for pod %s", path, resourceName, podUID)
	return nil
}
