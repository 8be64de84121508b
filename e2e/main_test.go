// The e2e stage: the plugin's real image, deployed with kubectl onto a one-node cluster of real
// Kubernetes components (see e2e/README.md). Run it through e2e/run.sh, which builds the
// components and the images and sets the environment read here.
package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"tee-device-plugin/e2e/cluster"
)

var (
	cl *cluster.Cluster
	// repo is the checkout's root: deploy/ and e2e/deploy/ are applied from there.
	repo string
	// scenarios is "all", or "device-manager" for the oldest supported kubelet (1, 2, 4, 5).
	scenarios string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	need := func(name string) string {
		v := os.Getenv(name)
		if v == "" {
			fmt.Fprintf(os.Stderr, "e2e: %s is not set; run the stage with `bash e2e/run.sh`\n", name)
			os.Exit(2)
		}
		return v
	}
	binDir, ctrDir, images := need("E2E_BIN_DIR"), need("E2E_CONTAINERD_DIR"), need("E2E_IMAGES")
	work := need("E2E_WORK_DIR")
	scenarios = os.Getenv("E2E_SCENARIOS")
	if scenarios == "" {
		scenarios = "all"
	}
	wd, _ := os.Getwd()
	repo = filepath.Dir(wd)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	started := time.Now()
	var err error
	cl, err = cluster.Start(ctx, cluster.Options{
		BinDir:        binDir,
		Kubelet:       os.Getenv("E2E_KUBELET"),
		ContainerdDir: ctrDir,
		WorkDir:       work,
		Images: []string{filepath.Join(images, "pause.tar"), filepath.Join(images, "busybox.tar"),
			filepath.Join(images, "plugin.tar")},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: the cluster did not start: %v\n", err)
		return 1
	}
	defer cl.Stop()
	node, err := cl.Client.CoreV1().Nodes().Get(ctx, cluster.NodeName, metav1.GetOptions{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: reading the Node: %v\n", err)
		return 1
	}
	// The kubelet under test says its own version in the Node's status: make sure it is the one
	// this pass is meant to judge.
	kubelet := node.Status.NodeInfo.KubeletVersion
	fmt.Printf("e2e: cluster up in %.1f s: kubelet %s, container runtime %s, kernel %s\n",
		time.Since(started).Seconds(), kubelet, node.Status.NodeInfo.ContainerRuntimeVersion,
		node.Status.NodeInfo.KernelVersion)
	if want := os.Getenv("E2E_KUBELET_VERSION"); want != "" && kubelet != want {
		fmt.Fprintf(os.Stderr, "e2e: the node runs kubelet %s, this pass is for %s\n", kubelet, want)
		return 1
	}
	return m.Run()
}

// only skips a test that is not part of this run's scenario set.
func only(t *testing.T, sets ...string) {
	t.Helper()
	if scenarios == "all" {
		return
	}
	for _, s := range sets {
		if s == scenarios {
			return
		}
	}
	t.Skipf("not in scenario set %q", scenarios)
}

// explain prints the component log lines that bear on a failure: the kubelet's device manager,
// the scheduler's decisions and the plugin's own log.
func explain(t *testing.T, words ...string) {
	t.Helper()
	if !t.Failed() {
		return
	}
	if len(words) == 0 {
		words = []string{"device plugin", "devicemanager", "device_plugin", "registration", "sgx", "epc"}
	}
	for _, name := range []string{"kubelet", "kube-scheduler", "containerd"} {
		t.Logf("--- %s (%s):\n%s", name, cl.LogPath(name),
			strings.Join(cluster.Tail(cl.LogPath(name), 30, words...), "\n"))
	}
	out, _ := cl.Kubectl(context.Background(), "", "-n", pluginNamespace, "logs", "--tail=40",
		"--all-containers", "-l", "app.kubernetes.io/name=tee-device-plugin")
	t.Logf("--- plugin:\n%s", out)
}
