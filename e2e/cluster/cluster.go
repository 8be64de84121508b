// Package cluster runs a one-node Kubernetes cluster of real components on this machine: etcd,
// kube-apiserver (client certificates, Node and RBAC authorization), kube-controller-manager,
// kube-scheduler, containerd with runc, and a kubelet. Everything is a child process of the test;
// Stop puts the host back as it was found.
package cluster

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

const (
	// NodeName is not a loopback address: the kubelet refuses to register one.
	NodeName   = "localhost"
	serviceIP  = "10.0.0.1"
	apiPort    = "6443"
	etcdClient = "http://127.0.0.1:12379"
	etcdPeer   = "http://127.0.0.1:12380"
	// KubeletRoot is where the DaemonSet's hostPath volumes point; the device plugin directory
	// and the PodResources socket live under it.
	KubeletRoot = "/var/lib/kubelet"
)

// Options say which binaries to run and where the stage keeps its files.
type Options struct {
	BinDir        string   // kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kubelet, etcd
	Kubelet       string   // the kubelet binary; BinDir/kubelet when empty
	ContainerdDir string   // containerd, containerd-shim-runc-v2, ctr
	WorkDir       string   // certificates, data, logs (created)
	Images        []string // docker-archive tars imported into containerd before the kubelet starts
}

// Cluster is a running cluster.
type Cluster struct {
	opts   Options
	pki    *pki
	logDir string
	Server string
	Client *kubernetes.Clientset
	host   *hostState

	etcd, apiserver, controllers, scheduler, containerd, kubelet *process
}

// Start brings the whole cluster up and returns once the node is Ready.
func Start(ctx context.Context, opts Options) (c *Cluster, err error) {
	if opts.Kubelet == "" {
		opts.Kubelet = filepath.Join(opts.BinDir, "kubelet")
	}
	c = &Cluster{opts: opts, logDir: filepath.Join(opts.WorkDir, "logs"),
		Server: "https://127.0.0.1:" + apiPort}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	if err := os.MkdirAll(c.logDir, 0o755); err != nil {
		return c, err
	}
	if c.host, err = prepareHost(); err != nil {
		return c, err
	}
	if c.pki, err = newPKI(filepath.Join(opts.WorkDir, "pki"), c.Server); err != nil {
		return c, err
	}
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"etcd", c.startEtcd},
		{"kube-apiserver", c.startAPIServer},
		{"kube-controller-manager", c.startControllers},
		{"kube-scheduler", c.startScheduler},
		{"containerd", c.startContainerd},
		{"kubelet", c.StartKubelet},
	}
	for _, s := range steps {
		if err := s.run(ctx); err != nil {
			return c, fmt.Errorf("%s: %w\n%s", s.name, err, c.explain(s.name))
		}
	}
	return c, nil
}

func (c *Cluster) path(parts ...string) string {
	return filepath.Join(append([]string{c.opts.WorkDir}, parts...)...)
}

func (c *Cluster) bin(name string) string { return filepath.Join(c.opts.BinDir, name) }

// Kubeconfig is the admin's kubeconfig, for kubectl.
func (c *Cluster) Kubeconfig() string { return c.pki.path("admin.kubeconfig") }

// LogPath is the log file of a component (etcd, kube-apiserver, kubelet, containerd, ...).
func (c *Cluster) LogPath(name string) string { return filepath.Join(c.logDir, name+".log") }

func (c *Cluster) startEtcd(ctx context.Context) error {
	var err error
	c.etcd, err = start(c.logDir, "etcd", c.bin("etcd"), []string{
		"--name=e2e", "--data-dir=" + c.path("etcd"),
		"--listen-client-urls=" + etcdClient, "--advertise-client-urls=" + etcdClient,
		"--listen-peer-urls=" + etcdPeer, "--initial-advertise-peer-urls=" + etcdPeer,
		"--initial-cluster=e2e=" + etcdPeer, "--listen-metrics-urls=http://127.0.0.1:12381",
		"--quota-backend-bytes=1073741824", "--unsafe-no-fsync=true",
	}, nil)
	if err != nil {
		return err
	}
	return c.waitFor(ctx, c.etcd, func(ctx context.Context) (bool, error) {
		resp, err := http.Get(etcdClient + "/health")
		if err != nil {
			return false, nil
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	})
}

func (c *Cluster) startAPIServer(ctx context.Context) error {
	p := c.pki
	var err error
	c.apiserver, err = start(c.logDir, "kube-apiserver", c.bin("kube-apiserver"), []string{
		"--etcd-servers=" + etcdClient,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port=" + apiPort,
		"--tls-cert-file=" + p.path("apiserver.crt"), "--tls-private-key-file=" + p.path("apiserver.key"),
		"--client-ca-file=" + p.path("ca.crt"),
		"--service-account-key-file=" + p.path("sa.pub"),
		"--service-account-signing-key-file=" + p.path("sa.key"),
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-cluster-ip-range=10.0.0.0/24",
		"--authorization-mode=Node,RBAC", "--enable-admission-plugins=NodeRestriction",
		"--allow-privileged=true",
		"--kubelet-client-certificate=" + p.path("apiserver-kubelet-client.crt"),
		"--kubelet-client-key=" + p.path("apiserver-kubelet-client.key"),
		"--kubelet-preferred-address-types=Hostname,InternalIP",
		"--endpoint-reconciler-type=none",
		// Without a front-proxy CA the scheduler and controller-manager log its absence nonstop.
		"--requestheader-client-ca-file=" + p.path("ca.crt"),
		"--requestheader-allowed-names=front-proxy-client",
		"--requestheader-username-headers=X-Remote-User",
		"--requestheader-group-headers=X-Remote-Group",
		"--requestheader-extra-headers-prefix=X-Remote-Extra-",
	}, nil)
	if err != nil {
		return err
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", c.Kubeconfig())
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = 50, 100
	if c.Client, err = kubernetes.NewForConfig(cfg); err != nil {
		return err
	}
	return c.waitFor(ctx, c.apiserver, func(ctx context.Context) (bool, error) {
		body, err := c.Client.RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		return err == nil && string(body) == "ok", nil
	})
}

func (c *Cluster) startControllers(ctx context.Context) error {
	p := c.pki
	var err error
	c.controllers, err = start(c.logDir, "kube-controller-manager", c.bin("kube-controller-manager"),
		[]string{
			"--kubeconfig=" + p.path("controller-manager.kubeconfig"),
			"--authentication-kubeconfig=" + p.path("controller-manager.kubeconfig"),
			"--authorization-kubeconfig=" + p.path("controller-manager.kubeconfig"),
			"--bind-address=127.0.0.1", "--leader-elect=false",
			"--service-account-private-key-file=" + p.path("sa.key"),
			"--root-ca-file=" + p.path("ca.crt"),
			"--cluster-signing-cert-file=" + p.path("ca.crt"),
			"--cluster-signing-key-file=" + p.path("ca.key"),
			// Without per-controller credentials, Deployments create no pods.
			"--use-service-account-credentials=true",
		}, nil)
	if err != nil {
		return err
	}
	// Ready when it has made the default namespace's service account (its token controller ran).
	return c.waitFor(ctx, c.controllers, func(ctx context.Context) (bool, error) {
		_, err := c.Client.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{})
		return err == nil, nil
	})
}

func (c *Cluster) startScheduler(ctx context.Context) error {
	kubeconfig := c.pki.path("scheduler.kubeconfig")
	var err error
	c.scheduler, err = start(c.logDir, "kube-scheduler", c.bin("kube-scheduler"), []string{
		"--kubeconfig=" + kubeconfig, "--authentication-kubeconfig=" + kubeconfig,
		"--authorization-kubeconfig=" + kubeconfig, "--bind-address=127.0.0.1",
		"--leader-elect=false",
	}, nil)
	if err != nil {
		return err
	}
	return c.waitFor(ctx, c.scheduler, func(ctx context.Context) (bool, error) {
		ok, _ := c.scheduler.exited()
		return !ok && strings.Contains(readFile(c.scheduler.log), "Starting Kubernetes Scheduler"), nil
	})
}

// StartKubelet starts (or restarts) the kubelet and waits for its Node to be Ready.
func (c *Cluster) StartKubelet(ctx context.Context) error {
	if err := c.writeKubeletConfig(); err != nil {
		return err
	}
	// The Node may still say Ready from before a restart: wait for a heartbeat later than the
	// last one the previous kubelet posted.
	var previous metav1.Time
	if node, err := c.Client.CoreV1().Nodes().Get(ctx, NodeName, metav1.GetOptions{}); err == nil {
		for _, cond := range node.Status.Conditions {
			if cond.Type == corev1.NodeReady {
				previous = cond.LastHeartbeatTime
			}
		}
	}
	var err error
	c.kubelet, err = start(c.logDir, "kubelet", c.opts.Kubelet, []string{
		"--config=" + c.path("kubelet-config.yaml"),
		"--kubeconfig=" + c.pki.path("kubelet.kubeconfig"),
		"--root-dir=" + KubeletRoot,
		"--hostname-override=" + NodeName,
		"--v=2",
	}, nil)
	if err != nil {
		return err
	}
	return c.waitFor(ctx, c.kubelet, func(ctx context.Context) (bool, error) {
		node, err := c.Client.CoreV1().Nodes().Get(ctx, NodeName, metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		for _, cond := range node.Status.Conditions {
			if cond.Type == corev1.NodeReady {
				return cond.Status == corev1.ConditionTrue && previous.Before(&cond.LastHeartbeatTime), nil
			}
		}
		return false, nil
	})
}

// StopKubelet stops the kubelet as a node restart would; pods and the plugin keep running.
func (c *Cluster) StopKubelet() { c.kubelet.stop(30 * time.Second) }

func (c *Cluster) writeKubeletConfig() error {
	config := fmt.Sprintf(`apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix://%s
cgroupDriver: cgroupfs
# These machines run cgroup v1; kubelets from 1.35 on refuse it unless told (KEP-5573).
failCgroupV1: false
failSwapOn: false
address: 127.0.0.1
readOnlyPort: 0
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: %s}
authorization: {mode: Webhook}
# A shared, busy disk: evict only when it is really full, and never collect the local images
# (there is no registry to pull them back from).
evictionHard: {nodefs.available: "1%%", imagefs.available: "1%%", memory.available: "100Mi"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
makeIPTablesUtilChains: false
resolvConf: ""
nodeStatusUpdateFrequency: 2s
nodeStatusReportFrequency: 10s
`, c.containerdSocket(), c.pki.path("ca.crt"))
	return os.WriteFile(c.path("kubelet-config.yaml"), []byte(config), 0o644)
}

// waitFor polls ready until it holds, failing at once when the process exits first.
func (c *Cluster) waitFor(ctx context.Context, p *process, ready func(context.Context) (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	return wait.PollUntilContextCancel(ctx, 250*time.Millisecond, true,
		func(ctx context.Context) (bool, error) {
			if ok, err := p.exited(); ok {
				return false, fmt.Errorf("%s exited: %v", p.name, err)
			}
			return ready(ctx)
		})
}

// explain prints the last lines of a component's log that say why it failed.
func (c *Cluster) explain(name string) string {
	lines := Tail(c.LogPath(name), 40, "error", "fail", "refus", "fatal", "panic", "E0", "F0", "W0")
	return fmt.Sprintf("--- %s (%s), relevant lines:\n%s", name, c.LogPath(name), strings.Join(lines, "\n"))
}

// Stop ends every component, removes the containers this cluster's containerd started, and puts
// the host back. It is safe to call more than once, and touches nothing when the host was never
// taken (prepareHost refused it).
func (c *Cluster) Stop() {
	c.kubelet.stop(30 * time.Second)
	c.scheduler.stop(10 * time.Second)
	c.controllers.stop(10 * time.Second)
	c.apiserver.stop(20 * time.Second)
	c.etcd.stop(10 * time.Second)
	if c.host == nil {
		return
	}
	killContainers(c.containerdSocket())
	c.containerd.stop(20 * time.Second)
	unmountUnder(KubeletRoot)
	unmountUnder(c.path("containerd"))
	unmountUnder(c.containerdState())
	removeCgroups("kubepods")
	_ = os.RemoveAll(c.containerdState())
	c.host.restore()
	c.host = nil
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// Kubectl runs the cluster's kubectl as admin, with input on its standard input when not empty,
// and returns its combined output.
func (c *Cluster) Kubectl(ctx context.Context, input string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, c.bin("kubectl"), append([]string{"--kubeconfig=" + c.Kubeconfig()}, args...)...)
	if input != "" {
		cmd.Stdin = strings.NewReader(input)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("kubectl %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}
