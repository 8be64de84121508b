package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
	corev1 "k8s.io/api/core/v1"

	"tee-device-plugin/e2e/cluster"
)

// The label Node Feature Discovery sets on SGX nodes; deploy/base runs only where it is.
const sgxNodeLabel = "feature.node.kubernetes.io/cpu-security.sgx.enabled"

// Scenario 11: deploy/base unchanged on the stage's host. Its narrowed hostPath mounts (/dev,
// /sys/devices/system/node, /proc/cpuinfo) start; `detect` in the pod reads the kernel's flags and
// the device-node stand-ins through them; and the health watcher, through the /dev mount, sees the
// TDX guest node vanish and a new one appear after the start.
func TestBaseHostMounts(t *testing.T) {
	only(t)
	defer explain(t, "tdx", "guest", "mount", "error")
	kubectl(t, "label", "node", cluster.NodeName, "--overwrite", sgxNodeLabel+"=true")
	defer kubectl(t, "label", "node", cluster.NodeName, sgxNodeLabel+"-")
	deploy(t, "base")
	pod := waitRunning(t, pluginNamespace, pluginSelector, 1)[0]
	// detect exits 1 here (no SGX in this CPU), and kubectl then adds a line after the report:
	// the report is what counts.
	out, _ := cl.Kubectl(context.Background(), "", "-n", pluginNamespace, "exec", pod.Name, "-c", "plugin",
		"--", "/usr/bin/tee-device-plugin", "detect", "--host-root=/host", "--json")
	var report struct {
		Kernel      struct{ Readable bool }
		DeviceNodes []string                     `json:"device_nodes"`
		Guest       []struct{ Tee, Path string } `json:"guest_devices"`
	}
	if err := json.NewDecoder(strings.NewReader(out)).Decode(&report); err != nil {
		t.Fatalf("detect --json in the base's pod: %v\n%s", err, out)
	}
	if !report.Kernel.Readable {
		t.Errorf("the base's pod cannot read /host/proc/cpuinfo's flags:\n%s", out)
	}
	if !slices.Contains(report.DeviceNodes, "/dev/sgx_enclave") {
		t.Errorf("the base's pod does not see the host's /dev/sgx_enclave under /host:\n%s", out)
	}
	if len(report.Guest) != 1 || report.Guest[0].Path != "/dev/tdx_guest" {
		t.Fatalf("the base's pod does not see the host's /dev/tdx_guest under /host:\n%s", out)
	}

	tdxHealthy := func(want bool) {
		t.Helper()
		waitNode(t, "intel.com/tdx allocatable "+map[bool]string{true: "again", false: "0"}[want],
			func(n *corev1.Node) bool { return (quantity(n.Status.Allocatable, "intel.com/tdx") > 0) == want })
	}
	tdxHealthy(true)
	// The harness's stand-in (misc 10:124): removed, the resource turns Unhealthy; a new node
	// made after the start brings it back.
	const node = "/dev/tdx_guest"
	var st unix.Stat_t
	if err := unix.Stat(node, &st); err != nil || unix.Major(st.Rdev) != 10 || unix.Minor(st.Rdev) != 124 {
		t.Fatalf("%s is not the stage's stand-in (%v): not touching it", node, err)
	}
	restore := func() error {
		err := unix.Mknod(node, unix.S_IFCHR|0o666, int(unix.Mkdev(10, 124)))
		if errors.Is(err, unix.EEXIST) {
			return nil
		}
		return err
	}
	defer restore()
	if err := os.Remove(node); err != nil {
		t.Fatal(err)
	}
	tdxHealthy(false)
	if err := restore(); err != nil {
		t.Fatal(err)
	}
	tdxHealthy(true)
}
