package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
	podresources "k8s.io/kubelet/pkg/apis/podresources/v1"

	"tee-device-plugin/e2e/cluster"
)

const (
	pluginNamespace = "tee-device-plugin"
	pluginSelector  = "app.kubernetes.io/name=tee-device-plugin"
	epcResource     = "kubernetes.azure.com/sgx_epc_mem_in_MiB"
	// The simulation overlay's node: two NUMA nodes with 4 GiB of EPC each, one unit per MiB.
	simulatedEpcMiB = 8192
	waitLimit       = 3 * time.Minute
)

func kubectl(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	out, err := cl.Kubectl(ctx, "", args...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return out
}

// kubectlStdin runs kubectl with a manifest on its standard input.
func kubectlStdin(t *testing.T, input string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	out, err := cl.Kubectl(ctx, input, args...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return out
}

// deploy applies one of e2e/deploy's kustomizations (each wraps a deploy/ overlay) and waits for
// the plugin's DaemonSet to roll out: its pod Ready means registered with the kubelet.
func deploy(t *testing.T, overlay string) {
	t.Helper()
	kubectl(t, "apply", "-k", filepath.Join(repo, "e2e", "deploy", overlay))
	kubectl(t, "-n", pluginNamespace, "rollout", "status", "daemonset/tee-device-plugin",
		"--timeout="+waitLimit.String())
}

// setPluginOnNode lets the plugin's DaemonSet onto the node, or off it (a nodeSelector no node
// matches: the DaemonSet controller deletes the pod and the kubelet sends it SIGTERM).
func setPluginOnNode(t *testing.T, on bool) {
	t.Helper()
	selector := `{"e2e.tee.dev/no-such-node":"true"}`
	if on {
		selector = `{}`
	}
	kubectl(t, "-n", pluginNamespace, "patch", "daemonset/tee-device-plugin", "--type=json", "-p",
		fmt.Sprintf(`[{"op":"add","path":"/spec/template/spec/nodeSelector","value":%s}]`, selector))
	if !on {
		waitGone(t)
	}
}

// waitGone waits until the plugin has no pod left.
func waitGone(t *testing.T) {
	t.Helper()
	kubectl(t, "-n", pluginNamespace, "wait", "--for=delete", "pod", "-l", pluginSelector,
		"--timeout="+waitLimit.String())
}

// waitNode watches the Node until cond holds, returning the Node that satisfied it.
func waitNode(t *testing.T, what string, cond func(*corev1.Node) bool) *corev1.Node {
	t.Helper()
	var last *corev1.Node
	obj := waitObject(t, what, &corev1.Node{}, "", fields.OneTermEqualSelector("metadata.name", cluster.NodeName),
		func(o runtime.Object) bool {
			last = o.(*corev1.Node)
			return cond(last)
		}, func() string {
			if last == nil {
				return "no Node seen"
			}
			return fmt.Sprintf("capacity %v, allocatable %v", resourcesOf(last.Status.Capacity), resourcesOf(last.Status.Allocatable))
		})
	return obj.(*corev1.Node)
}

// waitPod watches one pod until cond holds.
func waitPod(t *testing.T, namespace, name, what string, cond func(*corev1.Pod) bool) *corev1.Pod {
	t.Helper()
	var last *corev1.Pod
	obj := waitObject(t, what, &corev1.Pod{}, namespace, fields.OneTermEqualSelector("metadata.name", name),
		func(o runtime.Object) bool {
			last = o.(*corev1.Pod)
			return cond(last)
		}, func() string {
			if last == nil {
				return "no pod seen"
			}
			return fmt.Sprintf("phase %s, conditions %v", last.Status.Phase, last.Status.Conditions)
		})
	return obj.(*corev1.Pod)
}

// waitObject lists and watches objects of one kind (by a field selector) until cond holds.
func waitObject(t *testing.T, what string, kind runtime.Object, namespace string, sel fields.Selector,
	cond func(runtime.Object) bool, state func() string) runtime.Object {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	resourceName := map[string]string{"*v1.Node": "nodes", "*v1.Pod": "pods", "*v1.Event": "events"}[fmt.Sprintf("%T", kind)]
	lw := cache.NewListWatchFromClient(cl.Client.CoreV1().RESTClient(), resourceName, namespace, sel)
	ev, err := watchtools.UntilWithSync(ctx, lw, kind, nil, func(e watch.Event) (bool, error) {
		if e.Type == watch.Deleted {
			return false, nil
		}
		return cond(e.Object), nil
	})
	if err != nil {
		t.Fatalf("waiting for %s: %v (last: %s)", what, err, state())
	}
	return ev.Object
}

func resourcesOf(list corev1.ResourceList) string {
	var parts []string
	for name, q := range list {
		if strings.Contains(string(name), "/") {
			parts = append(parts, fmt.Sprintf("%s=%s", name, q.String()))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// quantity is the Node's amount of a resource (-1 when absent).
func quantity(list corev1.ResourceList, name string) int64 {
	q, ok := list[corev1.ResourceName(name)]
	if !ok {
		return -1
	}
	return q.Value()
}

func running(p *corev1.Pod) bool {
	return p.Status.Phase == corev1.PodRunning
}

// waitRunning waits until the selector's pods are exactly n and all Running.
func waitRunning(t *testing.T, namespace, selector string, n int) []corev1.Pod {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	var pods []corev1.Pod
	lw := cache.NewFilteredListWatchFromClient(cl.Client.CoreV1().RESTClient(), "pods", namespace,
		func(o *metav1.ListOptions) { o.LabelSelector = selector })
	store := map[string]*corev1.Pod{}
	_, err := watchtools.UntilWithSync(ctx, lw, &corev1.Pod{}, nil, func(e watch.Event) (bool, error) {
		p := e.Object.(*corev1.Pod)
		if e.Type == watch.Deleted {
			delete(store, p.Name)
		} else {
			store[p.Name] = p
		}
		pods = pods[:0]
		ready := 0
		for _, p := range store {
			if p.DeletionTimestamp != nil {
				continue
			}
			pods = append(pods, *p)
			if running(p) {
				ready++
			}
		}
		return len(pods) == n && ready == n, nil
	})
	if err != nil {
		var states []string
		for _, p := range store {
			states = append(states, fmt.Sprintf("%s %s %v", p.Name, p.Status.Phase, p.Status.ContainerStatuses))
		}
		t.Fatalf("waiting for %d running pods of %s: %v; pods: %v", n, selector, err, states)
	}
	sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
	return pods
}

// execIn runs a shell command in a pod's first container through the API server and kubelet.
func execIn(t *testing.T, namespace, pod, script string) string {
	t.Helper()
	return kubectl(t, "-n", namespace, "exec", pod, "--", "sh", "-c", script)
}

// podResources asks the kubelet's PodResources v1 API directly, as the plugin does.
func podResources(t *testing.T) podresources.PodResourcesListerClient {
	t.Helper()
	conn, err := grpc.NewClient("unix://"+filepath.Join(cluster.KubeletRoot, "pod-resources", "kubelet.sock"),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("PodResources: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return podresources.NewPodResourcesListerClient(conn)
}

// deviceIDs are the IDs of a resource the kubelet holds for one pod (all containers), sorted.
func deviceIDs(t *testing.T, namespace, pod, resourceName string) []string {
	t.Helper()
	resp, err := podResources(t).List(context.Background(), &podresources.ListPodResourcesRequest{})
	if err != nil {
		t.Fatalf("PodResources List: %v", err)
	}
	seen := map[string]bool{}
	for _, p := range resp.PodResources {
		if p.Namespace != namespace || p.Name != pod {
			continue
		}
		for _, c := range p.Containers {
			for _, d := range c.Devices {
				if d.ResourceName == resourceName {
					for _, id := range d.DeviceIds {
						seen[id] = true
					}
				}
			}
		}
	}
	return sortedKeys(seen)
}

// allocatableIDs are the device IDs of a resource the kubelet can hand out (healthy, registered).
func allocatableIDs(t *testing.T, resourceName string) []string {
	t.Helper()
	resp, err := podResources(t).GetAllocatableResources(context.Background(),
		&podresources.AllocatableResourcesRequest{})
	if err != nil {
		t.Fatalf("PodResources GetAllocatableResources: %v", err)
	}
	seen := map[string]bool{}
	for _, d := range resp.Devices {
		if d.ResourceName == resourceName {
			for _, id := range d.DeviceIds {
				seen[id] = true
			}
		}
	}
	return sortedKeys(seen)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
