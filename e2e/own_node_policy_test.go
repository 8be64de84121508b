package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"tee-device-plugin/e2e/cluster"
)

const (
	ownNodePolicy = "tee-device-plugin-own-node"
	// A Node object with no kubelet behind it. Tainted so the simulation DaemonSet (which runs on
	// every node) and the scenarios' pods stay off it.
	otherNode = "e2e-other-node"
)

// asPlugin is a client that authenticates with a token of the plugin's service account bound to
// the running plugin pod: the same claims (pod, and the pod's node) as the token the kubelet
// projects into it.
func asPlugin(t *testing.T) *kubernetes.Clientset {
	t.Helper()
	pod := waitRunning(t, pluginNamespace, pluginSelector, 1)[0]
	token := strings.TrimSpace(kubectl(t, "-n", pluginNamespace, "create", "token", "tee-device-plugin",
		"--bound-object-kind=Pod", "--bound-object-name="+pod.Name, "--duration=10m"))
	admin, err := clientcmd.BuildConfigFromFlags("", cl.Kubeconfig())
	if err != nil {
		t.Fatal(err)
	}
	config := rest.AnonymousClientConfig(admin) // the server and its CA, without admin's certificate
	config.BearerToken = token
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func patchStatus(client *kubernetes.Clientset, node string, kind types.PatchType, patch string) error {
	_, err := client.CoreV1().Nodes().Patch(context.Background(), node, kind, []byte(patch),
		metav1.PatchOptions{}, "status")
	return err
}

// checkOwnNodePolicy proves deploy/components/register-epc's ValidatingAdmissionPolicy: RBAC lets
// the plugin's account patch every Node's status, the policy only its own Node's sgx.intel.com/*
// capacity and allocatable.
func checkOwnNodePolicy(t *testing.T) {
	t.Helper()
	applyManifest(t, `apiVersion: v1
kind: Node
metadata:
  name: `+otherNode+`
spec:
  taints:
    - {key: e2e.tee.dev/no-kubelet, effect: NoSchedule}
`)
	defer kubectl(t, "delete", "node", otherNode, "--wait=false")
	plugin := asPlugin(t)
	const sgxProbe = `{"status":{"capacity":{"sgx.intel.com/e2e-probe":"1"}}}`
	refusals := []struct{ what, node, patch, says string }{
		{"sgx.intel.com/* on another Node", otherNode, sgxProbe,
			"may change only its own Node (its token is bound to node " + cluster.NodeName + "), not Node " + otherNode},
		{"a key outside sgx.intel.com/ on its own Node", cluster.NodeName,
			`{"status":{"capacity":{"example.com/e2e-probe":"1"}}}`, "only sgx.intel.com/* keys"},
		{"a label through the status subresource", cluster.NodeName,
			`{"metadata":{"labels":{"e2e.tee.dev/probe":"1"}}}`, "labels"},
		{"a condition of its own Node", cluster.NodeName,
			`{"status":{"conditions":[{"type":"Ready","status":"False"}]}}`, "only status.capacity and status.allocatable"},
	}
	// The API server loads a new policy asynchronously (informers): wait until it refuses the
	// first patch, then expect each refusal at once.
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	_ = wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(context.Context) (bool, error) {
		err := patchStatus(plugin, otherNode, types.StrategicMergePatchType, sgxProbe)
		return err != nil && strings.Contains(err.Error(), ownNodePolicy), nil
	})
	for _, r := range refusals {
		err := patchStatus(plugin, r.node, types.StrategicMergePatchType, r.patch)
		if err == nil || !strings.Contains(err.Error(), ownNodePolicy) || !strings.Contains(err.Error(), r.says) {
			t.Errorf("patching %s with the plugin's token: want the policy's refusal saying %q, got %v",
				r.what, r.says, err)
		}
	}
	// The refusals are the policy's, not RBAC's nor the objects': admin may make the first one.
	if err := patchStatus(cl.Client, otherNode, types.StrategicMergePatchType, sgxProbe); err != nil {
		t.Errorf("admin could not patch %s either: %v", otherNode, err)
	}
	// Its own Node's sgx.intel.com/* keys: added, then removed, as the plugin does.
	if err := patchStatus(plugin, cluster.NodeName, types.StrategicMergePatchType, sgxProbe); err != nil {
		t.Errorf("adding sgx.intel.com/e2e-probe to its own Node: %v", err)
	}
	waitNode(t, "sgx.intel.com/e2e-probe on the Node", func(n *corev1.Node) bool {
		return quantity(n.Status.Capacity, "sgx.intel.com/e2e-probe") == 1
	})
	if err := patchStatus(plugin, cluster.NodeName, types.JSONPatchType,
		`[{"op":"remove","path":"/status/capacity/sgx.intel.com~1e2e-probe"}]`); err != nil {
		t.Errorf("removing sgx.intel.com/e2e-probe from its own Node: %v", err)
	}
}
