// Provides CdiSpecWriter, which keeps the CDI spec file (resources/cdi_spec.h) in the CDI
// directory equal to the edits of the resources served, for runtimes that inject devices by CDI
// name (--cdi).
// Thread safety: used from one thread (the daemon's event loop).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "resources/resource_plan.h"

namespace teedp::app {

class CdiSpecWriter {
 public:
  // `dir` is the CDI directory; the file is <dir>/tee.dev-resource.json.
  explicit CdiSpecWriter(const std::string& dir);

  // Writes the spec for `plans` (temporary file and rename, so a runtime never reads half of
  // it), one CDI device per plan in the order given, and logs the path. Errors name the path.
  absl::Status Write(const std::vector<std::shared_ptr<const resources::ResourcePlan>>& plans);

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace teedp::app
