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
	before := demoRunning(t)
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
	// The new kubelet knows the devices only from the plugin's new ListAndWatch.
	waitAllocatableIDs(t, simulatedEpcMiB)

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
	deploy(t, "simulation")
	ids := waitAllocatableIDs(t, simulatedEpcMiB)
	setPluginOnNode(t, false)
	waitNode(t, "EPC out of allocatable after SIGTERM", func(n *corev1.Node) bool {
		return quantity(n.Status.Allocatable, epcResource) == 0
	})
	setPluginOnNode(t, true)
	kubectl(t, "-n", pluginNamespace, "rollout", "status", "daemonset/tee-device-plugin",
		"--timeout="+waitLimit.String())
	waitNode(t, "EPC back in allocatable", func(n *corev1.Node) bool {
		return quantity(n.Status.Allocatable, epcResource) == simulatedEpcMiB
	})
	if after := waitAllocatableIDs(t, simulatedEpcMiB); !slices.Equal(after, ids) {
		t.Errorf("device IDs changed across the plugin restart: first %v, want first %v",
			after[:min(3, len(after))], ids[:3])
	}
}

// waitAllocatableIDs waits until the kubelet's PodResources offers n IDs of the EPC resource
// (the kubelet's own view, which a restarted kubelet rebuilds from the plugin), returning them.
func waitAllocatableIDs(t *testing.T, n int) []string {
	t.Helper()
	var ids []string
	waitKubelet(t, fmt.Sprintf("%d allocatable %s IDs", n, epcResource), func(c podresources.PodResourcesListerClient) bool {
		resp, err := c.GetAllocatableResources(context.Background(), &podresources.AllocatableResourcesRequest{})
		if err != nil {
			return false
		}
		seen := map[string]bool{}
		for _, d := range resp.Devices {
			if d.ResourceName == epcResource {
				for _, id := range d.DeviceIds {
					seen[id] = true
				}
			}
		}
		ids = sortedKeys(seen)
		return len(ids) == n
	})
	return ids
}

// waitKubelet asks the kubelet's PodResources API until cond holds: state in another process,
// with no watch to follow, so it is polled.
func waitKubelet(t *testing.T, what string, cond func(podresources.PodResourcesListerClient) bool) {
	t.Helper()
	client := podResources(t)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	for !cond(client) {
		select {
		case <-ctx.Done():
			t.Fatalf("the kubelet never reported %s", what)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// waitKubeletKnows waits until the restarted kubelet has taken the running pod back into its
// own state (its PodResources lists it), which happens some time after its Node is Ready.
func waitKubeletKnows(t *testing.T, pod string) {
	t.Helper()
	waitKubelet(t, "pod "+pod+" in PodResources", func(c podresources.PodResourcesListerClient) bool {
		resp, err := c.List(context.Background(), &podresources.ListPodResourcesRequest{})
		if err != nil {
			return false
		}
		for _, p := range resp.PodResources {
			if p.Namespace == "default" && p.Name == pod {
				return true
			}
		}
		return false
	})
}
