package e2e

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	podresources "k8s.io/kubelet/pkg/apis/podresources/v1"
)

// registrations is the plugin's count of registrations the kubelet accepted for a resource.
func registrations(t *testing.T, resourceName string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^tee_device_plugin_registrations_total\{resource="` +
		regexp.QuoteMeta(resourceName) + `"\} (\d+)$`).FindStringSubmatch(pluginMetrics(t))
	if m == nil {
		t.Fatalf("no tee_device_plugin_registrations_total for %s in /metrics", resourceName)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// waitRegistrations waits, on the plugin's own counter, until the kubelet accepted more than n.
func waitRegistrations(t *testing.T, resourceName string, n int) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	for {
		if got := registrations(t, resourceName); got > n {
			return got
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the plugin did not register again with the restarted kubelet (still %d)", n)
		case <-time.After(200 * time.Millisecond): // a counter in another process: poll it
		}
	}
}

// Scenario 4: a kubelet restart. The plugin registers again, capacity comes back, the running
// pods keep their devices (the kubelet's checkpoint), and a pod started afterwards gets units no
// earlier pod holds.
func TestKubeletRestart(t *testing.T) {
	only(t, "device-manager")
	defer explain(t)
	before := waitRunning(t, "default", demoLabel, 2)
	held := map[string][]string{}
	for _, p := range before {
		held[p.Name] = deviceIDs(t, "default", p.Name, epcResource)
	}
	registered := registrations(t, epcResource)

	cl.StopKubelet()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := cl.StartKubelet(ctx); err != nil {
		t.Fatalf("restarting the kubelet: %v", err)
	}
	after := waitRegistrations(t, epcResource, registered)
	t.Logf("registrations accepted: %d before the restart, %d after", registered, after)
	waitNode(t, "EPC back in allocatable after the kubelet restart", func(n *corev1.Node) bool {
		return quantity(n.Status.Allocatable, epcResource) == simulatedEpcMiB
	})

	for _, p := range waitRunning(t, "default", demoLabel, 2) {
		waitKubeletKnows(t, p.Name)
		if !slices.Equal(deviceIDs(t, "default", p.Name, epcResource), held[p.Name]) {
			t.Errorf("pod %s: units %v after the restart, %v before", p.Name,
				deviceIDs(t, "default", p.Name, epcResource), held[p.Name])
		}
		out := execIn(t, "default", p.Name, "test -c /dev/sgx_enclave && echo still-has-enclave")
		if out != "still-has-enclave\n" {
			t.Errorf("pod %s lost /dev/sgx_enclave across the kubelet restart: %q", p.Name, out)
		}
	}

	kubectl(t, "scale", "deployment/sgx-epc-demo", "--replicas=3")
	pods := waitRunning(t, "default", demoLabel, 3)
	owner := map[string]string{}
	for _, p := range pods {
		ids := deviceIDs(t, "default", p.Name, epcResource)
		if len(ids) != demoEpcEach {
			t.Errorf("pod %s holds %d units, want %d", p.Name, len(ids), demoEpcEach)
		}
		for _, id := range ids {
			if other, taken := owner[id]; taken {
				t.Errorf("unit %s is held by both %s and %s", id, other, p.Name)
			}
			owner[id] = p.Name
		}
	}
	kubectl(t, "scale", "deployment/sgx-epc-demo", "--replicas=2")
	waitRunning(t, "default", demoLabel, 2)
}

// Scenario 5: the plugin stopped with SIGTERM (its pod removed from the node) takes the EPC out
// of allocatable; started again, it brings back the same device IDs.
func TestPluginRestart(t *testing.T) {
	only(t, "device-manager")
	defer explain(t)
	ids := allocatableIDs(t, epcResource)
	if len(ids) != simulatedEpcMiB {
		t.Fatalf("%d allocatable IDs before the restart, want %d", len(ids), simulatedEpcMiB)
	}
	// A nodeSelector no node matches: the DaemonSet controller deletes the pod, the kubelet
	// sends SIGTERM, the plugin removes its socket and the kubelet marks its devices unhealthy.
	patch := func(selector string) {
		kubectl(t, "-n", pluginNamespace, "patch", "daemonset/tee-device-plugin", "--type=json",
			"-p", fmt.Sprintf(`[{"op":"add","path":"/spec/template/spec/nodeSelector","value":%s}]`, selector))
	}
	patch(`{"e2e.tee.dev/no-such-node":"true"}`)
	waitNode(t, "EPC out of allocatable after SIGTERM", func(n *corev1.Node) bool {
		return quantity(n.Status.Allocatable, epcResource) == 0
	})
	waitGone(t)
	patch(`{}`)
	kubectl(t, "-n", pluginNamespace, "rollout", "status", "daemonset/tee-device-plugin",
		"--timeout="+waitLimit.String())
	waitNode(t, "EPC back in allocatable", func(n *corev1.Node) bool {
		return quantity(n.Status.Allocatable, epcResource) == simulatedEpcMiB
	})
	if after := allocatableIDs(t, epcResource); !slices.Equal(after, ids) {
		t.Errorf("device IDs changed across the plugin restart: %d IDs, first %v, want first %v",
			len(after), after[:min(3, len(after))], ids[:3])
	}
}

// waitKubeletKnows waits until the restarted kubelet has taken the running pod back into its
// own state (its PodResources lists it), which happens some time after its Node is Ready.
func waitKubeletKnows(t *testing.T, pod string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	for {
		resp, err := podResources(t).List(ctx, &podresources.ListPodResourcesRequest{})
		if err == nil {
			for _, p := range resp.PodResources {
				if p.Namespace == "default" && p.Name == pod {
					return
				}
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the restarted kubelet never listed pod %s in PodResources (last error %v)", pod, err)
		case <-time.After(200 * time.Millisecond): // state in another process: poll it
		}
	}
}

// waitGone waits until the plugin has no pod left.
func waitGone(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if _, err := cl.Kubectl(ctx, "-n", pluginNamespace, "wait", "--for=delete", "pod",
		"-l", pluginSelector, "--timeout="+waitLimit.String()); err != nil {
		t.Fatalf("the plugin's pod did not go: %v", err)
	}
}
