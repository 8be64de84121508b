#include "resources/cdi_spec.h"

#include <gtest/gtest.h>

#include <regex>

namespace teedp::resources {
namespace {

TEST(CdiSpecTest, DeviceNamesAreValidCdiNames) {
  // CDI device names: an alphanumeric first character, then alphanumerics, '_', '-', '.', ':'.
  const std::regex valid("[A-Za-z0-9][A-Za-z0-9_.:-]*");
  for (std::string_view resource :
       {"kubernetes.azure.com/sgx_epc_mem_in_MiB", "sgx.intel.com/enclave", "tee.dev/tsm-report",
        "alibabacloud.com/sgx_epc_MiB"}) {
    EXPECT_TRUE(std::regex_match(CdiDeviceName(resource), valid)) << resource;
  }
  EXPECT_EQ(QualifiedCdiName("sgx.intel.com/enclave"), "tee.dev/resource=sgx.intel.com_enclave");
}

TEST(CdiSpecTest, CarriesTheSameEditsAsAPlainAnswer) {
  ContainerEdits epc;
  epc.devices = {{"/dev/sgx/enclave", "/dev/sgx_enclave", "rw"},
                 {"/dev/sgx_enclave", "/dev/sgx_enclave", "rw"}};
  epc.mounts = {{"/var/run/aesmd", "/var/run/aesmd", false}};
  epc.envs = {{"SGX_AESM_ADDR", "1"}};
  ContainerEdits tsm;
  tsm.mounts = {{"/sys/kernel/config/tsm/report", "/sys/kernel/config/tsm/report", true}};
  const nlohmann::json spec =
      BuildCdiSpec({{"kubernetes.azure.com/sgx_epc_mem_in_MiB", epc}, {"tee.dev/tsm-report", tsm}});
  EXPECT_EQ(spec["cdiVersion"], "0.5.0");
  EXPECT_EQ(spec["kind"], "tee.dev/resource");
  ASSERT_EQ(spec["devices"].size(), 2u);
  const nlohmann::json& first = spec["devices"][0];
  EXPECT_EQ(first["name"], "kubernetes.azure.com_sgx_epc_mem_in_MiB");
  EXPECT_EQ(
      first["containerEdits"]["deviceNodes"][0],
      (nlohmann::json{
          {"path", "/dev/sgx/enclave"}, {"hostPath", "/dev/sgx_enclave"}, {"permissions", "rw"}}));
  EXPECT_EQ(first["containerEdits"]["mounts"][0]["options"], (nlohmann::json{"rbind", "rw"}));
  EXPECT_EQ(first["containerEdits"]["env"][0], "SGX_AESM_ADDR=1");
  const nlohmann::json& second = spec["devices"][1]["containerEdits"];
  EXPECT_FALSE(second.contains("deviceNodes"));
  EXPECT_EQ(second["mounts"][0]["options"][1], "ro");
}

}  // namespace
}  // namespace teedp::resources
