#include "app/version.h"

#include "absl/strings/str_cat.h"
#include "tee_build_info.h"

namespace teedp::app {

BuildVersion ThisBuild() { return {TEE_VERSION, TEE_GIT_COMMIT}; }

std::string VersionLine() {
  return absl::StrCat("tee-device-plugin ", TEE_VERSION, " (commit ", TEE_GIT_COMMIT, ")");
}

}  // namespace teedp::app
