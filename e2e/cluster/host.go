package cluster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// hostState is what the stage changed on the host, to be put back by restore.
type hostState struct {
	created []string          // files and directories the stage made, removed in reverse order
	globs   []string          // files the plugin makes, by pattern (in directories that were there)
	emptied []string          // directories that were there but empty, emptied again
	sysctls map[string]string // the kubelet and the CNI bridge change these
}

// What the kubelet (vm.*, kernel.*) and the bridge plugin (ip_forward) set at start.
var touchedSysctls = []string{
	"vm/overcommit_memory", "vm/panic_on_oom", "kernel/panic", "kernel/panic_on_oops",
	"kernel/keys/root_maxkeys", "kernel/keys/root_maxbytes", "net/ipv4/ip_forward",
}

// Device nodes the simulated node reports: the runtime gives containers the host's nodes, so
// stand-ins must exist (major 10 is the misc class; the minors are the SGX driver's).
var standInDevices = []struct {
	path         string
	major, minor uint32
}{
	{"/dev/sgx_enclave", 10, 125},
	{"/dev/sgx_provision", 10, 126},
	{"/dev/tdx_guest", 10, 124},
}

// prepareHost takes the kubelet's directory (refusing one the stage did not make), saves the
// sysctls, and makes the device-node and aesmd stand-ins the simulated node points at.
func prepareHost() (*hostState, error) {
	h := &hostState{sysctls: map[string]string{}}
	if entries, err := os.ReadDir(KubeletRoot); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s exists and is not empty: this machine looks like a Kubernetes node; "+
			"the e2e stage runs its own kubelet there and will not touch a real one", KubeletRoot)
	}
	// The kubelet's directory and the logs of its pods: made by the stage, or there but empty.
	for _, dir := range []string{KubeletRoot, "/var/log/pods", "/var/log/containers"} {
		entries, err := os.ReadDir(dir)
		switch {
		case os.IsNotExist(err):
			h.created = append(h.created, dir)
		case err == nil && len(entries) == 0:
			h.emptied = append(h.emptied, dir)
		case err == nil && dir != KubeletRoot:
			return nil, fmt.Errorf("%s is not empty: another kubelet's pods log there", dir)
		}
	}
	for _, name := range touchedSysctls {
		if b, err := os.ReadFile("/proc/sys/" + name); err == nil {
			h.sysctls[name] = strings.TrimSpace(string(b))
		}
	}
	for _, d := range standInDevices {
		if _, err := os.Lstat(d.path); err == nil {
			continue // real hardware, or a stand-in from someone else: leave it
		}
		if err := unix.Mknod(d.path, unix.S_IFCHR|0o666, int(unix.Mkdev(d.major, d.minor))); err != nil {
			h.restore()
			return nil, fmt.Errorf("mknod %s: %w", d.path, err)
		}
		h.created = append(h.created, d.path)
	}
	for _, dir := range []string{"/var/run/aesmd", CDIDir} {
		if _, err := os.Stat(dir); err == nil {
			if dir == CDIDir {
				h.created = append(h.created, filepath.Join(CDIDir, "tee.dev-resource.json")) // the plugin's spec
				// The DRA drivers' per-claim specs, left when a scenario stopped before unprepare.
				h.globs = append(h.globs, filepath.Join(CDIDir, "*.tee.dev-claim-*.json"))
			}
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			h.restore()
			return nil, err
		}
		h.created = append(h.created, dir)
	}
	return h, nil
}

// restore removes what prepareHost made, the CNI bridge, and resets the sysctls.
func (h *hostState) restore() {
	for i := len(h.created) - 1; i >= 0; i-- {
		_ = os.RemoveAll(h.created[i])
	}
	h.created = nil
	for _, pattern := range h.globs {
		names, _ := filepath.Glob(pattern)
		for _, name := range names {
			_ = os.Remove(name)
		}
	}
	h.globs = nil
	for _, dir := range h.emptied {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
	h.emptied = nil
	_ = exec.Command("ip", "link", "delete", "tee-e2e0").Run()
	for name, value := range h.sysctls {
		_ = os.WriteFile(filepath.Join("/proc/sys", name), []byte(value), 0o644)
	}
}
