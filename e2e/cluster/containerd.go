package cluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// PauseImage is containerd 2.x's default sandbox image, imported from a local tar.
const PauseImage = "registry.k8s.io/pause:3.10.2"

// CDIDir is where containerd reads CDI specs (its default) and the plugin writes them.
const CDIDir = "/var/run/cdi"

func (c *Cluster) containerdState() string { return "/run/tee-e2e-containerd" }

func (c *Cluster) containerdSocket() string {
	return filepath.Join(c.containerdState(), "containerd.sock")
}

// startContainerd runs containerd with runc, CDI on, the bridge CNI from Debian's
// containernetworking-plugins, and the local pause image; then imports the test's images.
func (c *Cluster) startContainerd(ctx context.Context) error {
	cniDir := c.path("cni")
	if err := os.MkdirAll(cniDir, 0o755); err != nil {
		return err
	}
	conflist := `{
  "cniVersion": "1.0.0",
  "name": "tee-e2e",
  "plugins": [
    {"type": "bridge", "bridge": "tee-e2e0", "isGateway": true, "ipMasq": false,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.88.0.0/24"}]], "dataDir": %q}},
    {"type": "loopback"}
  ]
}
`
	// The address leases live in the work directory, not the host's /var/lib/cni.
	conflist = fmt.Sprintf(conflist, c.path("cni-leases"))
	if err := os.WriteFile(filepath.Join(cniDir, "10-tee-e2e.conflist"), []byte(conflist), 0o644); err != nil {
		return err
	}
	runc, err := exec.LookPath("runc")
	if err != nil {
		return fmt.Errorf("runc not found (Debian package runc): %w", err)
	}
	config := fmt.Sprintf(`version = 3
root = %q
state = %q

[grpc]
  address = %q

# At debug level containerd logs the CDI devices each CreateContainer request names.
[debug]
  level = "debug"

[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = %q

[plugins.'io.containerd.cri.v1.runtime']
  # No CAP_SYS_RESOURCE here: runc cannot lower the sandbox's oom_score_adj below its own.
  restrict_oom_score_adj = true
  cdi_spec_dirs = ["/etc/cdi", %q]
  [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
      BinaryName = %q
      SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["/usr/lib/cni"]
    conf_dir = %q
`, c.path("containerd"), c.containerdState(), c.containerdSocket(), PauseImage, CDIDir, runc, cniDir)
	configPath := c.path("containerd.toml")
	if err := os.WriteFile(configPath, []byte(config), 0o644); err != nil {
		return err
	}
	// The shim is found on PATH.
	env := []string{"PATH=" + c.opts.ContainerdDir + ":" + os.Getenv("PATH")}
	c.containerd, err = start(c.logDir, "containerd", filepath.Join(c.opts.ContainerdDir, "containerd"),
		[]string{"--config=" + configPath}, env)
	if err != nil {
		return err
	}
	if err := c.waitFor(ctx, c.containerd, func(ctx context.Context) (bool, error) {
		_, err := c.ctr(ctx, "version")
		return err == nil, nil
	}); err != nil {
		return err
	}
	for _, image := range c.opts.Images {
		if out, err := c.ctr(ctx, "-n", "k8s.io", "images", "import", "--no-unpack=false", image); err != nil {
			return fmt.Errorf("importing %s: %w\n%s", image, err, out)
		}
	}
	return nil
}

func (c *Cluster) ctr(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.opts.ContainerdDir, "ctr"),
		append([]string{"--address", c.containerdSocket()}, args...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// killContainers ends every process under the runc shims of the containerd at socket (the pods'
// containers) and those shims, which outlive containerd by design. Shims of any other
// containerd on the machine are left alone.
func killContainers(socket string) {
	shims := func() []int {
		var ours []int
		for _, pid := range pidsNamed("containerd-shim-runc-v2") {
			cmdline, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
			if strings.Contains(string(cmdline), socket) {
				ours = append(ours, pid)
			}
		}
		return ours
	}
	for _, pid := range shims() {
		for _, child := range descendants(pid) {
			_ = syscall.Kill(child, syscall.SIGKILL)
		}
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	// SIGKILL is not instant: the mounts can go only once the processes have.
	deadline := time.Now().Add(10 * time.Second)
	for left := shims(); len(left) > 0; left = shims() {
		if time.Now().After(deadline) {
			fmt.Fprintf(os.Stderr, "e2e: runc shims %v still running after SIGKILL\n", left)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// descendants lists every process below pid, deepest last.
func descendants(pid int) []int {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: the command may hold spaces, so read after the last ')'.
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) < 2 {
			continue
		}
		child, _ := strconv.Atoi(e.Name())
		parent, _ := strconv.Atoi(fields[1])
		children[parent] = append(children[parent], child)
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, ch := range children[p] {
			out = append(out, ch)
			queue = append(queue, ch)
		}
	}
	return out
}

// unmountUnder lazily unmounts every mount below dir, deepest first.
func unmountUnder(dir string) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return
	}
	var targets []string
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) > 4 && (fields[4] == dir || strings.HasPrefix(fields[4], dir+"/")) {
			targets = append(targets, fields[4])
		}
	}
	for i := len(targets) - 1; i >= 0; i-- {
		_ = syscall.Unmount(targets[i], syscall.MNT_DETACH)
	}
}

// removeCgroups removes the cgroup directories named name (the kubelet's "kubepods") in every
// cgroup v1 hierarchy and the v2 mount, deepest first: the kubelet leaves them behind.
func removeCgroups(name string) {
	roots, _ := filepath.Glob("/sys/fs/cgroup/*/" + name)
	if extra, _ := filepath.Glob("/sys/fs/cgroup/" + name); extra != nil {
		roots = append(roots, extra...)
	}
	for _, root := range roots {
		var dirs []string
		_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, path)
			}
			return nil
		})
		for i := len(dirs) - 1; i >= 0; i-- {
			_ = syscall.Rmdir(dirs[i])
		}
	}
}

func pidsNamed(name string) []int {
	if len(name) > 15 {
		name = name[:15] // the kernel keeps 15 characters of a command name
	}
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, err := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
		if err == nil && strings.TrimSpace(string(comm)) == name {
			pids = append(pids, pid)
		}
	}
	return pids
}
