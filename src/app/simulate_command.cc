// `simulate`: writes a simulated SGX host root that `serve --host-root` and `detect` can read.
#include <iostream>

#include "app/subcommands.h"
#include "hw/simulated_node.h"

namespace teedp::app {

int RunSimulate(int argc, char** argv) {
  std::string out;
  std::string spec = "numa=4GiB,4GiB driver=in-kernel";
  CLI::App app("Write a simulated SGX node (device nodes, sysfs, /proc/cpuinfo, CPUID dump)",
               "simulate");
  app.add_option("--out", out, "Directory to write the host root into")->required();
  app.add_option("--spec", spec,
                 "Node description: numa=SIZE[,SIZE...] driver=in-kernel|dcap|legacy|none "
                 "sysfs=on|off flags=on|off sgx=on|off|absent aesmd=on|off "
                 "guest=none|tdx,sev-snp,tpm,tsm-report")
      ->capture_default_str();
  if (auto exit_code = ParseFlags(app, argc, argv)) return *exit_code;
  auto node = hw::ParseSimulatedNodeSpec(spec);
  if (!node.ok()) {
    std::cerr << "simulate: --spec: " << node.status().message() << "\n";
    return kExitUsage;
  }
  if (absl::Status status = hw::WriteSimulatedNode(out, *node); !status.ok()) {
    std::cerr << "simulate: " << status.message() << "\n";
    return kExitFailure;
  }
  std::cout << "wrote a simulated node to " << out << "\nserve it with:\n  tee-device-plugin serve"
            << " --host-root " << out << " --cpuid-dump " << out << "/cpuid.txt --plugin-dir DIR\n";
  return kExitOk;
}

}  // namespace teedp::app
