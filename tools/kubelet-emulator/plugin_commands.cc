// `kubelet-emulator list` and `allocate`: talk to one plugin socket directly, as the kubelet
// would, and print what came back.
#include <map>
#include <ostream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "admission.h"
#include "cli_commands.h"
#include "plugin_calls.h"

namespace teedp::emulator {
namespace {

constexpr std::chrono::milliseconds kTimeout{10000};

void PrintOptions(const v1beta1::DevicePluginOptions& options, std::ostream& out) {
  out << "options: pre_start_required=" << std::boolalpha << options.pre_start_required()
      << " get_preferred_allocation_available=" << options.get_preferred_allocation_available()
      << "\n";
}

void PrintDeviceSummary(const v1beta1::ListAndWatchResponse& list, std::ostream& out) {
  std::map<std::string, int> per_health;
  std::map<std::pair<int64_t, std::string>, int> per_node;  // node -1: no topology
  for (const DeviceView& device : ToDeviceViews(list)) {
    per_health[device.health]++;
    if (device.numa_nodes.empty()) per_node[{-1, device.health}]++;
    for (int64_t node : device.numa_nodes) per_node[{node, device.health}]++;
  }
  out << "devices: " << list.devices_size() << " in " << list.ByteSizeLong() << " bytes\n";
  for (const auto& [health, count] : per_health) out << "  " << health << ": " << count << "\n";
  for (const auto& [key, count] : per_node) {
    out << "  "
        << (key.first < 0 ? std::string("no NUMA node") : "NUMA node " + std::to_string(key.first))
        << ", " << key.second << ": " << count << "\n";
  }
}

void PrintContainerResponse(const v1beta1::ContainerAllocateResponse& response, std::ostream& out) {
  for (const auto& device : response.devices()) {
    out << "  device " << device.container_path() << " <- " << device.host_path() << " ("
        << device.permissions() << ")\n";
  }
  for (const auto& mount : response.mounts()) {
    out << "  mount  " << mount.container_path() << " <- " << mount.host_path()
        << (mount.read_only() ? " (ro)" : " (rw)") << "\n";
  }
  for (const auto& [name, value] : std::map(response.envs().begin(), response.envs().end())) {
    out << "  env    " << name << "=" << value << "\n";
  }
  for (const auto& [name, value] :
       std::map(response.annotations().begin(), response.annotations().end())) {
    out << "  annotation " << name << "=" << value << "\n";
  }
  for (const auto& cdi : response.cdi_devices()) out << "  cdi    " << cdi.name() << "\n";
}

int Fail(const absl::Status& status, std::ostream& err) {
  err << "error: " << absl::StatusCodeToString(status.code()) << ": " << status.message() << "\n";
  return kExitFailure;
}

// The IDs to allocate for --count: the first N healthy, or the plugin's valid preference.
absl::StatusOr<std::vector<std::string>> ChooseIds(PluginStub& stub, const AllocateArgs& args,
                                                   bool preferred, std::ostream& out) {
  if (args.count == 0) return args.ids;
  absl::StatusOr<v1beta1::ListAndWatchResponse> list = CallFirstList(stub, kTimeout);
  if (!list.ok()) return list.status();
  std::vector<std::string> free_ids = FreeHealthyIds(ToDeviceViews(*list), {});
  if (static_cast<int64_t>(free_ids.size()) < args.count) {
    return absl::ResourceExhaustedError(
        absl::StrCat("asked for ", args.count, ", the plugin lists ", free_ids.size(), " healthy"));
  }
  if (preferred) {
    auto answer =
        CallGetPreferredAllocation(stub, MakePreferredRequest(free_ids, args.count), kTimeout);
    if (!answer.ok()) return answer.status();
    auto usable = UsablePreferredIds(*answer, free_ids, args.count);
    out << "preferred allocation: " << (usable ? absl::StrJoin(*usable, ",") : "unusable, ignored")
        << "\n";
    if (usable) return *std::move(usable);
  }
  free_ids.resize(args.count);
  return free_ids;
}

// A stub on the plugin's socket and its options: what every command starts with.
struct Session {
  std::unique_ptr<v1beta1::DevicePlugin::Stub> stub;
  v1beta1::DevicePluginOptions options;
};

absl::StatusOr<Session> OpenSession(const std::string& socket) {
  auto channel = DialPlugin(socket, kKubeletMaxReceiveBytes);
  if (!channel.ok()) return channel.status();
  Session session{v1beta1::DevicePlugin::NewStub(*channel), {}};
  auto options = CallGetDevicePluginOptions(*session.stub, kTimeout);
  if (!options.ok()) return options.status();
  session.options = *options;
  return session;
}

}  // namespace

int RunList(const ListArgs& args, std::ostream& out, std::ostream& err) {
  auto session = OpenSession(args.socket);
  if (!session.ok()) return Fail(session.status(), err);
  auto& [stub, options] = *session;
  PrintOptions(options, out);
  auto list = CallFirstList(*stub, kTimeout);
  if (!list.ok()) return Fail(list.status(), err);
  PrintDeviceSummary(*list, out);
  return kExitOk;
}

int RunAllocate(const AllocateArgs& args, std::ostream& out, std::ostream& err) {
  if (args.ids.empty() == (args.count == 0) || args.count < 0) {
    err << "allocate: give exactly one of --ids and a positive --count\n";
    return kExitUsage;
  }
  auto session = OpenSession(args.socket);
  if (!session.ok()) return Fail(session.status(), err);
  auto& [stub, options] = *session;
  PrintOptions(options, out);
  auto ids = ChooseIds(*stub, args, options.get_preferred_allocation_available(), out);
  if (!ids.ok()) return Fail(ids.status(), err);
  out << "allocating " << ids->size() << ": " << absl::StrJoin(*ids, ",") << "\n";
  auto response = CallAllocate(*stub, MakeSingleContainerRequest(*ids), kTimeout);
  if (!response.ok()) return Fail(response.status(), err);
  for (int i = 0; i < response->container_responses_size(); ++i) {
    out << "container " << i << ":\n";
    PrintContainerResponse(response->container_responses(i), out);
  }
  if (absl::Status status = CheckSingleContainerResponse(*response); !status.ok()) {
    return Fail(status, err);
  }
  return kExitOk;
}

}  // namespace teedp::emulator
