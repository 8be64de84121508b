// Provides the build's version and git commit (from tee_build_info.h, written at every build), for
// `tee-device-plugin --version` and the build-info metric.
// Thread safety: constants only.
#pragma once

#include <string>

namespace teedp::app {

struct BuildVersion {
  const char* version;
  const char* git_commit;  // "unknown" when built without .git and without TEE_GIT_COMMIT
};

BuildVersion ThisBuild();
// "tee-device-plugin 0.1.0 (commit 93ad21b92075)".
std::string VersionLine();

}  // namespace teedp::app
