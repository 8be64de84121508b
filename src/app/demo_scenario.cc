#include "app/demo_scenario.h"

#include <map>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "hw/simulated_node.h"

namespace teedp::app {
namespace {

constexpr std::chrono::milliseconds kWait{10000};

std::set<int64_t> NumaNodesOf(const emulator::ResourceView& view,
                              const std::vector<std::string>& ids) {
  std::map<std::string, int64_t> node_of;
  for (const auto& device : view.devices) {
    node_of[device.id] = device.numa_nodes.empty() ? -1 : device.numa_nodes.front();
  }
  std::set<int64_t> nodes;
  for (const std::string& id : ids) nodes.insert(node_of[id]);
  return nodes;
}

bool HasDevice(const v1beta1::ContainerAllocateResponse& response, const std::string& path) {
  for (const auto& device : response.devices()) {
    if (device.container_path() == path) return true;
  }
  return false;
}

std::string DescribeNuma(const emulator::ResourceView& view) {
  std::map<int64_t, int> per_node;
  for (const auto& device : view.devices) {
    per_node[device.numa_nodes.empty() ? -1 : device.numa_nodes.front()]++;
  }
  std::vector<std::string> parts;
  parts.reserve(per_node.size());
  for (const auto& [node, count] : per_node) {
    parts.push_back(node < 0 ? absl::StrCat(count, " without NUMA node")
                             : absl::StrCat(count, " on NUMA node ", node));
  }
  return absl::StrJoin(parts, ", ");
}

void NarrateAllocation(DemoNarrator& say, const v1beta1::ContainerAllocateResponse& response) {
  for (const auto& device : response.devices()) {
    say.Detail(absl::StrCat("device ", device.container_path(), " <- host ", device.host_path(),
                            " (", device.permissions(), ")"));
  }
  for (const auto& mount : response.mounts()) {
    say.Detail(absl::StrCat("mount  ", mount.container_path(), " <- host ", mount.host_path(),
                            mount.read_only() ? " (ro)" : " (rw)"));
  }
  for (const auto& [name, value] : response.envs())
    say.Detail(absl::StrCat("env    ", name, "=", value));
}

// The steps after the plugin registered: devices, a pod, a kubelet restart, another pod.
void AdmitFirstPod(DemoNarrator& say, emulator::KubeletEmulator& kubelet,
                   const std::string& resource, const emulator::ResourceView& view,
                   int64_t pod_units) {
  say.Step(absl::StrCat("a pod asks for ", pod_units, " MiB of EPC"));
  say.Detail(absl::StrCat("the kubelet asks GetPreferredAllocation for ", pod_units, " of ",
                          view.HealthyCount(), " free devices, then calls Allocate"));
  auto admitted = kubelet.AdmitContainer(resource, "default/enclave-app", "app", pod_units);
  if (!admitted.ok()) return say.Check(false, admitted.status().ToString());
  std::set<int64_t> nodes = NumaNodesOf(view, admitted->device_ids);
  say.Check(admitted->preferred_used,
            absl::StrCat("preferred allocation: ", absl::StrJoin(admitted->device_ids, ","),
                         " (NUMA node ", absl::StrJoin(nodes, ","), "), taken by the kubelet"));
  say.Check(nodes.size() == 1, "a request that fits one NUMA node stays on one");
  say.Detail("Allocate gave the container:");
  NarrateAllocation(say, admitted->response);
  say.Check(HasDevice(admitted->response, "/dev/sgx_enclave") &&
                HasDevice(admitted->response, "/dev/sgx/enclave"),
            "the container gets the enclave device nodes, both spellings");
}

void RestartKubelet(DemoNarrator& say, emulator::KubeletEmulator& kubelet,
                    const std::string& resource, int registrations_before) {
  say.Step("the kubelet restarts (sockets wiped, new kubelet.sock)");
  auto restart_started = std::chrono::steady_clock::now();
  say.Check(kubelet.Restart().ok(), "kubelet emulator restarted");
  auto again = kubelet.WaitFor(
      resource,
      [registrations_before](const emulator::ResourceView& v) {
        return v.registrations > registrations_before && v.stream_open &&
               v.list_and_watch_updates > 0;
      },
      kWait);
  say.Check(again.has_value(), absl::StrCat("plugin re-registered and re-listed in ",
                                            DemoNarrator::Since(restart_started)));
}

}  // namespace

void RunScenario(DemoNarrator& say, emulator::KubeletEmulator& kubelet, const std::string& resource,
                 int64_t pod_units) {
  auto view = kubelet.Resource(resource);
  say.Step("devices advertised through ListAndWatch");
  say.Check(
      view && view->HealthyCount() > 0,
      absl::StrCat(view ? view->devices.size() : 0, " devices, ", view ? view->HealthyCount() : 0,
                   " Healthy (", view ? DescribeNuma(*view) : "", "); first message ",
                   view ? view->last_message_bytes : 0, " bytes"));
  if (!view || view->HealthyCount() == 0) return;
  AdmitFirstPod(say, kubelet, resource, *view, pod_units);
  RestartKubelet(say, kubelet, resource, view->registrations);

  say.Step("a second pod after the restart");
  auto second = kubelet.AdmitContainer(resource, "default/enclave-app-2", "app", pod_units);
  say.Check(second.ok(), second.ok() ? absl::StrCat("got ", absl::StrJoin(second->device_ids, ","),
                                                    " (the first pod's units stay checkpointed)")
                                     : second.status().ToString());
}

bool SimulateNode(DemoNarrator& say, const std::string& spec, const std::string& host_root) {
  say.Step("simulating an SGX node: " + spec);
  auto node = hw::ParseSimulatedNodeSpec(spec);
  absl::Status status = node.ok() ? hw::WriteSimulatedNode(host_root, *node) : node.status();
  if (!status.ok()) {
    say.Fail(node.ok() ? status.ToString() : "--spec: " + status.ToString());
    return false;
  }
  say.Detail("host root " + host_root + ", CPUID dump " + host_root + "/cpuid.txt");
  return true;
}

}  // namespace teedp::app
