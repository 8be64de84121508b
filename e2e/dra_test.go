package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	resourceapi "k8s.io/api/resource/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
	podresources "k8s.io/kubelet/pkg/apis/podresources/v1"

	"tee-device-plugin/e2e/cluster"
)

const (
	sgxDriver   = "sgx.tee.dev"
	guestDriver = "guest.tee.dev"
	// Each simulated NUMA node's EPC (e2e/deploy/simulation): the capacity epc of its device.
	epcPerNuma = int64(4) << 30
	// Where the plugin keeps each driver's socket and checkpoint of prepared claims.
	draPluginsDir = cluster.KubeletRoot + "/plugins"
	// The ClusterRoleBinding of deploy/components/dra.
	draBinding = "tee-device-plugin-dra"
)

// The log words that bear on a DRA failure (explain).
var draWords = []string{"dra", "DRA", "resourceslice", "ResourceSlice", "ResourceClaim", "claim", "CDI", "error"}

// waitSlices lists and watches the Node's ResourceSlices of one driver until cond holds for all
// of them (sorted by name), returning them.
func waitSlices(t *testing.T, driver, what string, cond func([]resourceapi.ResourceSlice) bool) []resourceapi.ResourceSlice {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	lw := cache.NewFilteredListWatchFromClient(cl.Client.ResourceV1().RESTClient(), "resourceslices", "",
		func(o *metav1.ListOptions) {
			o.FieldSelector = fields.Set{"spec.nodeName": cluster.NodeName, "spec.driver": driver}.String()
		})
	store := map[string]*resourceapi.ResourceSlice{}
	current := func() []resourceapi.ResourceSlice {
		var out []resourceapi.ResourceSlice
		for _, s := range store {
			out = append(out, *s)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
		return out
	}
	// The precondition sees the first list, so a condition that already holds on it (no slices
	// at all, say) ends the wait without an event.
	_, err := watchtools.UntilWithSync(ctx, lw, &resourceapi.ResourceSlice{}, func(s cache.Store) (bool, error) {
		for _, o := range s.List() {
			slice := o.(*resourceapi.ResourceSlice)
			store[slice.Name] = slice
		}
		return cond(current()), nil
	}, func(e watch.Event) (bool, error) {
		s := e.Object.(*resourceapi.ResourceSlice)
		if e.Type == watch.Deleted {
			delete(store, s.Name)
		} else {
			store[s.Name] = s
		}
		return cond(current()), nil
	})
	if err != nil {
		t.Fatalf("waiting for %s: %v; the Node's %s slices: %s", what, err, driver, slicesText(current()))
	}
	return current()
}

func slicesText(list []resourceapi.ResourceSlice) string {
	var parts []string
	for _, s := range list {
		var names []string
		for _, d := range s.Spec.Devices {
			names = append(names, d.Name)
		}
		parts = append(parts, fmt.Sprintf("%s (generation %d, pool generation %d, devices %v)", s.Name,
			s.Generation, s.Spec.Pool.Generation, names))
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

// devicesOf are the devices of a pool's slices by name.
func devicesOf(list []resourceapi.ResourceSlice) map[string]resourceapi.Device {
	out := map[string]resourceapi.Device{}
	for _, s := range list {
		for _, d := range s.Spec.Devices {
			out[d.Name] = d
		}
	}
	return out
}

// publishes says whether the slices hold exactly these devices.
func publishes(names ...string) func([]resourceapi.ResourceSlice) bool {
	want := slices.Sorted(slices.Values(names))
	return func(list []resourceapi.ResourceSlice) bool {
		return slices.Equal(slices.Sorted(maps.Keys(devicesOf(list))), want)
	}
}

// sgxDevices are the simulated node's SGX devices: an EPC device per NUMA node, the enclave and
// the provisioning device nodes.
var sgxDevices = []string{"enclave", "epc-numa-0", "epc-numa-1", "provision"}

// claimPod applies a pod of the test image whose container uses one claim made from the template
// (a ResourceClaimTemplate in namespace default, applied with it when its spec is given). Both
// carry the label deleteDraPods deletes by; the templates' names are not the examples' (which
// TestDryRunServer applies as a dry run: a template's spec cannot change).
func claimPod(t *testing.T, name, template, templateSpec string) {
	t.Helper()
	manifest := podOfClaims(name, template, "tee")
	if templateSpec != "" {
		manifest = claimTemplate(template, templateSpec) + "---\n" + manifest
	}
	applyManifest(t, manifest)
}

// claimTemplate is a ResourceClaimTemplate in namespace default whose one request "tee" has the
// given body, labelled for deleteDraPods.
func claimTemplate(name, request string) string {
	return fmt.Sprintf(`apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata:
  name: %s
  namespace: default
  labels: {e2e.tee.dev/dra: "true"}
spec:
  spec:
    devices:
      requests:
        - name: tee
          exactly:
%s
`, name, indent(request, 12))
}

// podOfClaims is a pod of the test image, labelled for deleteDraPods, whose one container uses
// the named claims, each made from the template.
func podOfClaims(name, template string, claimNames ...string) string {
	var claims, uses []string
	for _, claim := range claimNames {
		claims = append(claims, fmt.Sprintf("    - {name: %s, resourceClaimTemplateName: %s}", claim, template))
		uses = append(uses, fmt.Sprintf("          - {name: %s}", claim))
	}
	return fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata:
  name: %s
  namespace: default
  labels: {e2e.tee.dev/dra: "true"}
spec:
  terminationGracePeriodSeconds: 1
  resourceClaims:
%s
  containers:
    - name: main
      image: %s
      command: ["sleep", "3600"]
      resources:
        claims:
%s
`, name, strings.Join(claims, "\n"), testImage, strings.Join(uses, "\n"))
}

func indent(text string, n int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.Repeat(" ", n) + l
	}
	return strings.Join(lines, "\n")
}

// epcRequest is a claim request's body asking an amount of EPC from the class epc.sgx.tee.dev,
// optionally narrowed by a CEL selector.
func epcRequest(amount, selector string) string {
	spec := "deviceClassName: epc.sgx.tee.dev\n"
	if selector != "" {
		spec += "selectors:\n  - cel:\n      expression: '" + selector + "'\n"
	}
	return spec + "capacity:\n  requests:\n    epc: " + amount + "\n"
}

// podClaim is the ResourceClaim made for a pod's claim "tee" (from its template), read when the
// pod's status names it.
func podClaim(t *testing.T, pod *corev1.Pod) *resourceapi.ResourceClaim {
	t.Helper()
	for _, s := range pod.Status.ResourceClaimStatuses {
		if s.Name == "tee" && s.ResourceClaimName != nil {
			claim, err := cl.Client.ResourceV1().ResourceClaims(pod.Namespace).Get(context.Background(),
				*s.ResourceClaimName, metav1.GetOptions{})
			if err != nil {
				t.Fatalf("the claim of pod %s: %v", pod.Name, err)
			}
			return claim
		}
	}
	t.Fatalf("pod %s names no claim for \"tee\": %v", pod.Name, pod.Status.ResourceClaimStatuses)
	return nil
}

// allocated is a claim's one allocated device ("" when not allocated).
func allocated(claim *resourceapi.ResourceClaim) resourceapi.DeviceRequestAllocationResult {
	if claim.Status.Allocation == nil || len(claim.Status.Allocation.Devices.Results) != 1 {
		return resourceapi.DeviceRequestAllocationResult{}
	}
	return claim.Status.Allocation.Devices.Results[0]
}

// waitUnschedulable waits for the scheduler's FailedScheduling event of a pod holding the text,
// and checks the pod is still Pending and unbound.
func waitUnschedulable(t *testing.T, pod, text string) string {
	t.Helper()
	event := waitObject(t, "a FailedScheduling event of "+pod+" saying "+text, &corev1.Event{}, "default",
		fields.Set{"reason": "FailedScheduling", "involvedObject.name": pod}.AsSelector(),
		func(o runtime.Object) bool {
			return strings.Contains(o.(*corev1.Event).Message, text)
		}, func() string { return "no such event" }).(*corev1.Event)
	p, err := cl.Client.CoreV1().Pods("default").Get(context.Background(), pod, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Status.Phase != corev1.PodPending || p.Spec.NodeName != "" {
		t.Errorf("pod %s: phase %s on node %q, want Pending and unbound", pod, p.Status.Phase, p.Spec.NodeName)
	}
	return event.Message
}

// deleteDraPods deletes the pods of the DRA scenarios and their claim templates, and waits until
// the pods are gone: the kubelet has unprepared their claims by then.
func deleteDraPods(t *testing.T) {
	t.Helper()
	kubectl(t, "delete", "pod,resourceclaimtemplate", "-l", "e2e.tee.dev/dra=true", "--wait=true",
		"--grace-period=1")
}

// draMetric is one sample of the plugin's /metrics (the series' labels as written, "" for none).
func draMetric(t *testing.T, name, labels string) float64 {
	t.Helper()
	series := regexp.QuoteMeta(name)
	if labels != "" {
		series += regexp.QuoteMeta("{" + labels + "}")
	}
	m := regexp.MustCompile(`(?m)^` + series + ` (\S+)$`).FindStringSubmatch(pluginMetrics(t))
	if m == nil {
		t.Fatalf("no %s{%s} in the plugin's /metrics", name, labels)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

// pluginLog is the whole log of the plugin's running pod.
func pluginLog(t *testing.T) string {
	t.Helper()
	log, err := readPluginLog(t)
	if err != nil {
		t.Fatal(err)
	}
	return log
}

func readPluginLog(t *testing.T) (string, error) {
	t.Helper()
	pod := waitRunning(t, pluginNamespace, pluginSelector, 1)[0]
	body, err := cl.Client.CoreV1().Pods(pluginNamespace).GetLogs(pod.Name,
		&corev1.PodLogOptions{Container: "plugin"}).DoRaw(context.Background())
	if err != nil {
		return "", fmt.Errorf("logs of %s: %w", pod.Name, err)
	}
	return string(body), nil
}

// waitFiles polls a directory until the names matching the pattern satisfy cond: files another
// process writes, with nothing to watch through the API.
func waitFiles(t *testing.T, pattern, what string, cond func([]string) bool) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	for {
		names, _ := filepath.Glob(pattern)
		if cond(names) {
			return names
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %s holds %v", what, pattern, names)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// claimCheckpoint is the plugin's checkpoint of a driver's prepared claims: uid -> CDI spec file.
func claimCheckpoint(t *testing.T, driver string) map[string]string {
	t.Helper()
	path := filepath.Join(draPluginsDir, driver, "claims-checkpoint.json")
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return map[string]string{}
	}
	if err != nil {
		t.Fatalf("the plugin's checkpoint: %v", err)
	}
	var checkpoint struct {
		Claims map[string]struct {
			CdiSpecFile string `json:"cdiSpecFile"`
		} `json:"claims"`
	}
	if err := json.Unmarshal(data, &checkpoint); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, data)
	}
	out := map[string]string{}
	for uid, c := range checkpoint.Claims {
		out[uid] = c.CdiSpecFile
	}
	return out
}

// cdiSpecOf is the CDI spec file the plugin writes for a claim of a driver.
func cdiSpecOf(driver string, claim *resourceapi.ResourceClaim) string {
	return filepath.Join(cluster.CDIDir, driver+"-claim-"+string(claim.UID)+".json")
}

// checkSgxContainer checks what the EPC device's CDI spec gives a container: the enclave and
// provisioning device nodes, the in-kernel driver's /dev/sgx aliases, aesmd's socket directory
// and SGX_AESM_ADDR.
func checkSgxContainer(t *testing.T, pod string) {
	t.Helper()
	out := execIn(t, "default", pod, `for f in /dev/sgx_enclave /dev/sgx_provision /dev/sgx/enclave /dev/sgx/provision; do
  test -c "$f" && echo "device $f"; done
grep -q " /var/run/aesmd " /proc/self/mountinfo && echo "mount /var/run/aesmd"
echo "SGX_AESM_ADDR=$SGX_AESM_ADDR"`)
	for _, want := range []string{"device /dev/sgx_enclave", "device /dev/sgx_provision",
		"device /dev/sgx/enclave", "device /dev/sgx/provision", "mount /var/run/aesmd", "SGX_AESM_ADDR=1"} {
		if !strings.Contains(out, want) {
			t.Errorf("pod %s lacks %q; it has:\n%s", pod, want, out)
		}
	}
}

// Scenario 12: the DRA drivers' ResourceSlices, listed through the API server: the simulated
// node's two EPC devices with their capacity in bytes and attributes, the enclave and
// provisioning devices, all in the Node's pool and owned by the Node. A kubelet restart deletes
// the node's slices (the kubelet wipes them at start); the plugin, registered again, publishes
// them anew. Taken off the node, the plugin deletes them itself on SIGTERM.
func TestDraSlices(t *testing.T) {
	only(t)
	defer explain(t, draWords...)
	deploy(t, "dra")
	node, err := cl.Client.CoreV1().Nodes().Get(context.Background(), cluster.NodeName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	published := waitSlices(t, sgxDriver, "the simulated node's SGX devices", publishes(sgxDevices...))
	t.Logf("slices: %s", slicesText(published))
	// The slices follow the kubelet's registration of the driver: a pod placed on them before it
	// fails its first prepare and waits out the kubelet's back-off.
	logText := pluginLog(t)
	registeredAt := strings.Index(logText, "registered DRA driver "+sgxDriver+" with the kubelet")
	publishedAt := strings.Index(logText, "device(s) of "+sgxDriver+" in ResourceSlices")
	if registeredAt < 0 || publishedAt >= 0 && publishedAt < registeredAt {
		t.Errorf("slices published before the kubelet registered %s; plugin log:\n%s", sgxDriver, logText)
	}
	for _, s := range published {
		if o := s.OwnerReferences; len(o) != 1 || o[0].APIVersion != "v1" || o[0].Kind != "Node" ||
			o[0].Name != cluster.NodeName || o[0].UID != node.UID || o[0].Controller == nil || !*o[0].Controller {
			t.Errorf("slice %s: owners %v, want the Node %s (uid %s)", s.Name, s.OwnerReferences, node.Name, node.UID)
		}
		if s.Spec.NodeName == nil || *s.Spec.NodeName != cluster.NodeName || s.Spec.Pool.Name != cluster.NodeName ||
			s.Spec.Pool.ResourceSliceCount != int64(len(published)) {
			t.Errorf("slice %s: nodeName %v, pool %+v; want the node's own pool of %d slice(s)", s.Name,
				s.Spec.NodeName, s.Spec.Pool, len(published))
		}
	}
	devices := devicesOf(published)
	for numa, name := range []string{"epc-numa-0", "epc-numa-1"} {
		d := devices[name]
		epc, ok := d.Capacity["epc"]
		if !ok || epc.Value.Value() != epcPerNuma {
			t.Errorf("%s: capacity %v, want epc = 4Gi", name, d.Capacity)
		} else if p := epc.RequestPolicy; p == nil || p.Default == nil || p.Default.Value() != 1<<20 ||
			p.ValidRange == nil || p.ValidRange.Min == nil || p.ValidRange.Min.Value() != 4096 ||
			p.ValidRange.Step == nil || p.ValidRange.Step.Value() != 4096 {
			t.Errorf("%s: epc request policy %+v, want default 1Mi, min and step 4Ki", name, p)
		}
		if d.AllowMultipleAllocations == nil || !*d.AllowMultipleAllocations {
			t.Errorf("%s: allowMultipleAllocations %v, want true (claims share its EPC)", name, d.AllowMultipleAllocations)
		}
		checkAttributes(t, name, d, map[string]any{"type": "epc", "numaNode": int64(numa), "sgx1": true,
			"sgx2": true, "flc": true, "driver": "in-kernel", "maxEnclaveSize": int64(1) << 56})
	}
	for _, name := range []string{"enclave", "provision"} {
		checkAttributes(t, name, devices[name], map[string]any{"type": name, "sgx2": true})
	}
	// The API server keeps what the plugin wrote: a publication after the registration found the
	// slices current and wrote nothing (generation 1, never updated).
	for _, s := range published {
		if s.Generation != 1 || s.Spec.Pool.Generation != 1 {
			t.Errorf("slice %s was rewritten: generation %d, pool generation %d", s.Name, s.Generation, s.Spec.Pool.Generation)
		}
	}

	checkOwnNodeSlicesPolicy(t)

	// A kubelet restart: the new kubelet deletes the node's slices at start, before any driver is
	// back; the plugin registers again and publishes them anew (new objects).
	before := map[string]bool{}
	for _, s := range published {
		before[string(s.UID)] = true
	}
	registered := strings.Count(pluginLog(t), "registered DRA driver "+sgxDriver+" with the kubelet")
	cl.StopKubelet()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := cl.StartKubelet(ctx); err != nil {
		t.Fatalf("restarting the kubelet: %v", err)
	}
	waitPluginLog(t, "registered DRA driver "+sgxDriver+" with the kubelet", registered+1)
	again := waitSlices(t, sgxDriver, "the SGX devices published anew after the kubelet restart",
		func(list []resourceapi.ResourceSlice) bool {
			for _, s := range list {
				if before[string(s.UID)] {
					return false
				}
			}
			return publishes(sgxDevices...)(list)
		})
	t.Logf("after the kubelet restart: %s", slicesText(again))

	// Off the node: the plugin deletes its slices before it exits, so they are gone once its pod
	// is (the kubelet's own clean-up would come 30 s after the driver left).
	setPluginOnNode(t, false)
	gone, err := cl.Client.ResourceV1().ResourceSlices().List(context.Background(), metav1.ListOptions{
		FieldSelector: fields.Set{"spec.nodeName": cluster.NodeName}.String()})
	if err != nil {
		t.Fatal(err)
	}
	if len(gone.Items) != 0 {
		t.Errorf("the plugin's pod is gone but the node still has slices: %s", slicesText(gone.Items))
	}
	setPluginOnNode(t, true)
	kubectl(t, "-n", pluginNamespace, "rollout", "status", "daemonset/tee-device-plugin",
		"--timeout="+waitLimit.String())
	waitSlices(t, sgxDriver, "the SGX devices back with the plugin", publishes(sgxDevices...))
}

// checkAttributes compares a device's attributes with the wanted values (string, int64, bool).
func checkAttributes(t *testing.T, device string, d resourceapi.Device, want map[string]any) {
	t.Helper()
	for name, value := range want {
		a, ok := d.Attributes[resourceapi.QualifiedName(name)]
		var got any
		switch {
		case !ok:
		case a.StringValue != nil:
			got = *a.StringValue
		case a.IntValue != nil:
			got = *a.IntValue
		case a.BoolValue != nil:
			got = *a.BoolValue
		}
		if got != value {
			t.Errorf("%s: attribute %s = %v, want %v (all: %v)", device, name, got, value, d.Attributes)
		}
	}
}

// waitPluginLog follows the plugin's log until the text occurs n times: the plugin's own record
// of what the kubelet did to it, in another process.
func waitPluginLog(t *testing.T, text string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	for {
		// A kubelet that just started answers 404 for the logs of pods it has not taken back yet.
		log, err := readPluginLog(t)
		if err == nil && strings.Count(log, text) >= n {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the plugin logged %q %d times, want %d (%v)", text, strings.Count(log, text), n, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Scenario 13: EPC claimed in bytes by the real scheduler. On two NUMA nodes of 4 GiB, two pods
// claiming 3 GiB each run (one per EPC device), a third stays Pending with the scheduler's
// FailedScheduling until one of them is deleted, and 5 GiB never fits one NUMA node's device.
func TestDraEpcCapacity(t *testing.T) {
	only(t)
	defer explain(t, draWords...)
	defer deleteDraPods(t)
	deploy(t, "dra")
	waitSlices(t, sgxDriver, "the simulated node's SGX devices", publishes(sgxDevices...))
	claimPod(t, "dra-epc-a", "e2e-epc-3gi", epcRequest("3Gi", ""))
	claimPod(t, "dra-epc-b", "e2e-epc-3gi", "")
	held := map[string]string{} // device -> pod
	for _, name := range []string{"dra-epc-a", "dra-epc-b"} {
		pod := waitPod(t, "default", name, name+" Running", running)
		result := allocated(podClaim(t, pod))
		epc := result.ConsumedCapacity["epc"]
		if result.Driver != sgxDriver || result.Pool != cluster.NodeName || epc.Value() != 3<<30 || result.ShareID == nil {
			t.Errorf("pod %s: allocation %+v, want 3Gi of an EPC device of %s, shared", name, result, sgxDriver)
		}
		if other, taken := held[result.Device]; taken {
			t.Errorf("pods %s and %s both got 3Gi of %s, which has 4Gi", other, name, result.Device)
		}
		held[result.Device] = name
	}
	claimPod(t, "dra-epc-c", "e2e-epc-3gi", "")
	message := waitUnschedulable(t, "dra-epc-c", "cannot allocate all claims")
	t.Logf("dra-epc-c: %s", message)
	kubectl(t, "delete", "pod", "dra-epc-a", "--wait=true", "--grace-period=1")
	pod := waitPod(t, "default", "dra-epc-c", "dra-epc-c Running once dra-epc-a is gone", running)
	if got := allocated(podClaim(t, pod)).Device; held[got] != "dra-epc-a" {
		t.Errorf("dra-epc-c got %s, want the device dra-epc-a left (%v)", got, held)
	}

	claimPod(t, "dra-epc-5gi", "e2e-epc-5gi", epcRequest("5Gi", ""))
	t.Logf("dra-epc-5gi: %s", waitUnschedulable(t, "dra-epc-5gi", "cannot allocate all claims"))
}

// Scenario 14: a claim's devices reach the container through CDI. The plugin writes one CDI spec
// per claim; the kubelet hands its CDI names to containerd (which logs them); the container has
// the enclave and provisioning nodes, the /dev/sgx aliases, aesmd's socket and SGX_AESM_ADDR.
func TestDraCDI(t *testing.T) {
	only(t)
	defer explain(t, draWords...)
	defer deleteDraPods(t)
	deploy(t, "dra")
	waitSlices(t, sgxDriver, "the simulated node's SGX devices", publishes(sgxDevices...))
	claimPod(t, "dra-cdi", "e2e-epc-64mi", epcRequest("64Mi", ""))
	pod := waitPod(t, "default", "dra-cdi", "dra-cdi Running", running)
	checkSgxContainer(t, pod.Name)
	claim := podClaim(t, pod)
	result := allocated(claim)
	if result.ShareID == nil {
		t.Fatalf("claim %s: no shareID in %+v", claim.Name, result)
	}
	cdiName := fmt.Sprintf("%s/claim=%s-%s-%s", sgxDriver, claim.UID, result.Device, *result.ShareID)
	spec, err := os.ReadFile(cdiSpecOf(sgxDriver, claim))
	if err != nil {
		t.Fatalf("the claim's CDI spec: %v", err)
	}
	for _, want := range []string{`"kind": "` + sgxDriver + `/claim"`, fmt.Sprintf(`"name": "%s-%s-%s"`,
		claim.UID, result.Device, *result.ShareID), "/dev/sgx_enclave", "SGX_AESM_ADDR=1"} {
		if !strings.Contains(string(spec), want) {
			t.Errorf("%s lacks %s:\n%s", cdiSpecOf(sgxDriver, claim), want, spec)
		}
	}
	logged := "CDI devices from CRI Config.CDIDevices: [" + cdiName + "]"
	if log := strings.Join(cluster.Tail(cl.LogPath("containerd"), 20, "CDI devices"), "\n"); !strings.Contains(log, logged) {
		t.Errorf("containerd's log lacks %q:\n%s", logged, log)
	}
	if got := draMetric(t, "tee_dra_prepared_claims", `driver="`+sgxDriver+`"`); got != 1 {
		t.Errorf("tee_dra_prepared_claims = %v with one pod's claim prepared", got)
	}
	// The kubelet's PodResources names the device as the plugin's prepare answer did, with its
	// shareID (what tells apart two claims sharing one EPC device), which the kubelet takes from
	// that answer alone.
	got := dynamicResources(t, pod.Name, "main")
	want := fmt.Sprintf("claim default/%s: %s/%s/%s cdi [%s]", claim.Name, sgxDriver, cluster.NodeName,
		result.Device, cdiName)
	if len(got) != 1 || got[0].text != want || got[0].share != string(*result.ShareID) {
		t.Errorf("PodResources lists %+v for dra-cdi, want %q with share %s", got, want, *result.ShareID)
	}
}

// claimResource is one device of a container's claims as PodResources lists it.
type claimResource struct{ text, share string }

// dynamicResources is what the kubelet's PodResources List says of a container's claims, one
// entry per device.
func dynamicResources(t *testing.T, pod, container string) []claimResource {
	t.Helper()
	resp, err := podResources(t).List(context.Background(), &podresources.ListPodResourcesRequest{})
	if err != nil {
		t.Fatalf("PodResources List: %v", err)
	}
	var out []claimResource
	for _, p := range resp.PodResources {
		if p.Namespace != "default" || p.Name != pod {
			continue
		}
		for _, c := range p.Containers {
			if c.Name != container {
				continue
			}
			for _, d := range c.DynamicResources {
				for _, r := range d.ClaimResources {
					var cdi []string
					for _, n := range r.CdiDevices {
						cdi = append(cdi, n.Name)
					}
					out = append(out, claimResource{fmt.Sprintf("claim %s/%s: %s/%s/%s cdi %v", d.ClaimNamespace,
						d.ClaimName, r.DriverName, r.PoolName, r.DeviceName, cdi), r.GetShareId()})
				}
			}
		}
	}
	return out
}

// Scenario 15: claims select devices by their attributes. The simulated CPU has SGX2: a claim
// requiring the opposite stays Pending, the sgx2-epc class runs. A simulated TDX guest publishes
// only guest.tee.dev's tdx-guest device: a claim of tdx-guest.tee.dev gets /dev/tdx_guest and no
// SGX node, and an EPC claim there cannot be allocated.
func TestDraSelectors(t *testing.T) {
	only(t)
	defer explain(t, draWords...)
	defer deleteDraPods(t)
	deploy(t, "dra")
	waitSlices(t, sgxDriver, "the simulated node's SGX devices", publishes(sgxDevices...))
	claimPod(t, "dra-no-sgx2", "e2e-epc-without-sgx2", epcRequest("64Mi", `!device.attributes["sgx.tee.dev"].sgx2`))
	t.Logf("dra-no-sgx2: %s", waitUnschedulable(t, "dra-no-sgx2", "cannot allocate all claims"))
	claimPod(t, "dra-sgx2", "e2e-sgx2-epc", "deviceClassName: sgx2-epc.sgx.tee.dev\ncapacity:\n  requests:\n    epc: 64Mi\n")
	pod := waitPod(t, "default", "dra-sgx2", "dra-sgx2 Running", running)
	if got := allocated(podClaim(t, pod)); !strings.HasPrefix(got.Device, "epc-numa-") {
		t.Errorf("dra-sgx2 got %+v, want an EPC device", got)
	}
	deleteDraPods(t)

	deploy(t, "dra-tdx-guest")
	waitSlices(t, sgxDriver, "no SGX devices on the TDX guest", publishes())
	guest := waitSlices(t, guestDriver, "the TDX guest's device", publishes("tdx-guest"))
	checkAttributes(t, "tdx-guest", devicesOf(guest)["tdx-guest"], map[string]any{"tee": "tdx"})
	claimPod(t, "dra-tdx", "e2e-tdx-guest", "deviceClassName: tdx-guest.tee.dev\n")
	pod = waitPod(t, "default", "dra-tdx", "dra-tdx Running", running)
	out := execIn(t, "default", pod.Name, "test -c /dev/tdx_guest && echo tdx; test -e /dev/sgx_enclave && echo sgx; true")
	if out != "tdx\n" {
		t.Errorf("the TDX guest claim's pod has %q, want /dev/tdx_guest alone", out)
	}
	claimPod(t, "dra-epc-on-tdx", "e2e-epc-64mi", epcRequest("64Mi", ""))
	t.Logf("dra-epc-on-tdx: %s", waitUnschedulable(t, "dra-epc-on-tdx", "cannot allocate all claims"))
}

// Scenario 16: the plugin restarted (its pod deleted, the DaemonSet makes another) while a claim
// is prepared. The running pod keeps running with its devices; the new plugin takes the claim
// from its checkpoint (one entry, one CDI spec, nothing lost); once the pod is deleted, the
// kubelet's unprepare removes the claim's CDI spec and checkpoint entry.
func TestDraPluginRestart(t *testing.T) {
	only(t)
	defer explain(t, draWords...)
	defer deleteDraPods(t)
	deploy(t, "dra")
	waitSlices(t, sgxDriver, "the simulated node's SGX devices", publishes(sgxDevices...))
	claimPod(t, "dra-restart", "e2e-epc-64mi", epcRequest("64Mi", ""))
	pod := waitPod(t, "default", "dra-restart", "dra-restart Running", running)
	claim := podClaim(t, pod)
	specs := filepath.Join(cluster.CDIDir, sgxDriver+"-claim-*.json")
	onlyThis := func(names []string) bool {
		return slices.Equal(names, []string{cdiSpecOf(sgxDriver, claim)})
	}
	if names, _ := filepath.Glob(specs); !onlyThis(names) {
		t.Errorf("CDI specs %v, want the claim's alone", names)
	}
	wantCheckpoint := map[string]string{string(claim.UID): filepath.Base(cdiSpecOf(sgxDriver, claim))}
	if got := claimCheckpoint(t, sgxDriver); !maps.Equal(got, wantCheckpoint) {
		t.Errorf("checkpoint %v before the restart, want %v", got, wantCheckpoint)
	}

	old := waitRunning(t, pluginNamespace, pluginSelector, 1)[0]
	kubectl(t, "-n", pluginNamespace, "delete", "pod", old.Name, "--wait=true")
	kubectl(t, "-n", pluginNamespace, "rollout", "status", "daemonset/tee-device-plugin",
		"--timeout="+waitLimit.String())
	waitSlices(t, sgxDriver, "the SGX devices published by the new plugin", publishes(sgxDevices...))
	after := waitPod(t, "default", pod.Name, "dra-restart still Running", running)
	if after.UID != pod.UID || after.Status.ContainerStatuses[0].RestartCount != 0 ||
		after.Status.ContainerStatuses[0].ContainerID != pod.Status.ContainerStatuses[0].ContainerID {
		t.Errorf("dra-restart changed across the plugin restart: %v, was %v", after.Status.ContainerStatuses, pod.Status.ContainerStatuses)
	}
	checkSgxContainer(t, pod.Name)
	if names, _ := filepath.Glob(specs); !onlyThis(names) {
		t.Errorf("CDI specs %v after the restart, want the claim's alone", names)
	}
	if got := claimCheckpoint(t, sgxDriver); !maps.Equal(got, wantCheckpoint) {
		t.Errorf("checkpoint %v after the restart, want %v", got, wantCheckpoint)
	}
	if got := draMetric(t, "tee_dra_prepared_claims", `driver="`+sgxDriver+`"`); got != 1 {
		t.Errorf("tee_dra_prepared_claims = %v after the restart, want the checkpoint's 1", got)
	}

	kubectl(t, "delete", "pod", pod.Name, "--wait=true", "--grace-period=1")
	waitFiles(t, specs, "the claim's CDI spec removed by unprepare", func(names []string) bool { return len(names) == 0 })
	if got := claimCheckpoint(t, sgxDriver); len(got) != 0 {
		t.Errorf("checkpoint %v after the pod's deletion, want none", got)
	}
	if got := draMetric(t, "tee_dra_prepared_claims", `driver="`+sgxDriver+`"`); got != 0 {
		t.Errorf("tee_dra_prepared_claims = %v after unprepare", got)
	}
}

// Scenario 17: the claim cannot be read (the ClusterRoleBinding deleted: the API server answers
// 403). The pod stays in ContainerCreating with the kubelet's FailedPrepareDynamicResources event
// carrying the plugin's per-claim error; the plugin keeps running; with the binding back, the
// kubelet's next attempt prepares the claim and the pod runs.
func TestDraClaimUnreadable(t *testing.T) {
	only(t)
	defer explain(t, draWords...)
	defer deleteDraPods(t)
	deploy(t, "dra")
	waitSlices(t, sgxDriver, "the simulated node's SGX devices", publishes(sgxDevices...))
	kubectl(t, "delete", "clusterrolebinding", draBinding)
	restored := false
	defer func() {
		if !restored {
			kubectl(t, "apply", "-k", filepath.Join(repo, "e2e", "deploy", "dra"))
		}
	}()
	claimPod(t, "dra-unreadable", "e2e-epc-64mi", epcRequest("64Mi", ""))
	event := waitObject(t, "the kubelet's FailedPrepareDynamicResources event", &corev1.Event{}, "default",
		fields.Set{"reason": "FailedPrepareDynamicResources", "involvedObject.name": "dra-unreadable"}.AsSelector(),
		func(runtime.Object) bool { return true }, func() string { return "no such event" }).(*corev1.Event)
	t.Logf("event: %s", event.Message)
	for _, want := range []string{"NodePrepareResources failed for ResourceClaim", "cannot read ResourceClaim default/", "403"} {
		if !strings.Contains(event.Message, want) {
			t.Errorf("the kubelet's event lacks %q: %s", want, event.Message)
		}
	}
	pod, err := cl.Client.CoreV1().Pods("default").Get(context.Background(), "dra-unreadable", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if pod.Status.Phase != corev1.PodPending || len(pod.Status.ContainerStatuses) != 1 ||
		pod.Status.ContainerStatuses[0].State.Waiting == nil ||
		pod.Status.ContainerStatuses[0].State.Waiting.Reason != "ContainerCreating" {
		t.Errorf("dra-unreadable: phase %s, containers %v; want Pending in ContainerCreating", pod.Status.Phase, pod.Status.ContainerStatuses)
	}
	plugin := waitRunning(t, pluginNamespace, pluginSelector, 1)[0]
	for _, status := range plugin.Status.ContainerStatuses {
		if status.RestartCount != 0 || !status.Ready {
			t.Errorf("plugin container %s after the refused read: restarts %d, ready %v", status.Name, status.RestartCount, status.Ready)
		}
	}

	kubectl(t, "apply", "-k", filepath.Join(repo, "e2e", "deploy", "dra"))
	restored = true
	pod = waitPod(t, "default", "dra-unreadable", "dra-unreadable Running once the binding is back", running)
	checkSgxContainer(t, pod.Name)
}

// Scenario 18: the extended-resource mapping (KEP-5004, DRAExtendedResource, GA in 1.37): a pod
// written for the device plugin, `limits: {sgx.intel.com/enclave: 1}`, on a node whose enclave
// is a DRA device; the scheduler makes a claim of enclave.sgx.tee.dev for it and the container
// gets /dev/sgx_enclave.
func TestDraExtendedResource(t *testing.T) {
	only(t)
	defer explain(t, draWords...)
	deploy(t, "dra")
	waitSlices(t, sgxDriver, "the simulated node's SGX devices", publishes(sgxDevices...))
	pod := podAsking(t, "dra-extended-enclave", map[string]string{"sgx.intel.com/enclave": "1"})
	defer deletePod(t, pod.Name)
	if out := execIn(t, "default", pod.Name, "test -c /dev/sgx_enclave && echo enclave"); out != "enclave\n" {
		t.Errorf("the pod has no /dev/sgx_enclave: %q", out)
	}
	if pod.Status.ExtendedResourceClaimStatus == nil {
		t.Fatalf("the pod's status names no extended resource claim: %+v", pod.Status)
	}
	claim, err := cl.Client.ResourceV1().ResourceClaims("default").Get(context.Background(),
		pod.Status.ExtendedResourceClaimStatus.ResourceClaimName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := allocated(claim); got.Driver != sgxDriver || got.Device != "enclave" {
		t.Errorf("the extended resource claim %s got %+v, want the enclave device of %s", claim.Name, got, sgxDriver)
	}
}

// checkOwnNodeSlicesPolicy proves deploy/components/dra's ValidatingAdmissionPolicy: RBAC lets the
// plugin's account write every ResourceSlice, the policy only its own Node's slices of its own
// drivers. Each write is a server-side dry run: admission runs, nothing is stored.
func checkOwnNodeSlicesPolicy(t *testing.T) {
	t.Helper()
	const policy = "tee-device-plugin-own-node-slices"
	plugin := asPlugin(t)
	slice := func(node, driver string) *resourceapi.ResourceSlice {
		return &resourceapi.ResourceSlice{
			ObjectMeta: metav1.ObjectMeta{Name: "e2e-probe-" + node + "-" + driver},
			Spec: resourceapi.ResourceSliceSpec{Driver: driver, NodeName: &node,
				Pool:    resourceapi.ResourcePool{Name: node, ResourceSliceCount: 1},
				Devices: []resourceapi.Device{{Name: "probe"}}},
		}
	}
	create := func(client kubernetes.Interface, s *resourceapi.ResourceSlice) error {
		_, err := client.ResourceV1().ResourceSlices().Create(context.Background(), s,
			metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		return err
	}
	elsewhere := slice(otherNode, sgxDriver)
	// The API server loads a new policy asynchronously: wait until it refuses the first write.
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	_ = wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(context.Context) (bool, error) {
		err := create(plugin, elsewhere)
		return err != nil && strings.Contains(err.Error(), policy), nil
	})
	for _, r := range []struct {
		what  string
		slice *resourceapi.ResourceSlice
		says  string
	}{
		{"a slice of another Node", elsewhere, "its token is bound to node " + cluster.NodeName},
		{"a slice of another driver on its own Node", slice(cluster.NodeName, "example.com"),
			"only ResourceSlices of the drivers sgx.tee.dev and guest.tee.dev"},
	} {
		err := create(plugin, r.slice)
		if err == nil || !strings.Contains(err.Error(), policy) || !strings.Contains(err.Error(), r.says) {
			t.Errorf("writing %s with the plugin's token: want the policy's refusal saying %q, got %v", r.what, r.says, err)
		}
	}
	// The refusals are the policy's, not RBAC's nor the objects': admin may write the first, the
	// plugin its own Node's slice.
	if err := create(cl.Client, elsewhere); err != nil {
		t.Errorf("admin could not write a slice of %s either: %v", otherNode, err)
	}
	if err := create(plugin, slice(cluster.NodeName, sgxDriver)); err != nil {
		t.Errorf("the plugin's token could not write a slice of its own Node: %v", err)
	}
}
