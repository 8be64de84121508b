// Provides the node labels file for Node Feature Discovery's local source: NodeLabelsFor turns an
// Inventory into `sgx.tee.dev/<name>=<value>` lines (SGX present and enabled, SGX1, SGX2, flexible
// launch control, driver flavour, EPC size), and NodeLabelsFile writes them atomically into NFD's
// features.d directory and removes them on shutdown. The names avoid NFD's own
// `feature.node.kubernetes.io/cpu-security.sgx.*` and `cpu-cpuid.SGX*` labels.
// Thread safety: NodeLabelsFor is pure; a NodeLabelsFile is used from one thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hw/inventory.h"

namespace teedp::observe {

inline constexpr std::string_view kNodeLabelPrefix = "sgx.tee.dev/";
inline constexpr std::string_view kNodeLabelsFileName = "tee-device-plugin";

using NodeLabel = std::pair<std::string, std::string>;  // full name, value

// The labels for `inventory`, in a fixed order. EPC figures only when SGX is enabled.
std::vector<NodeLabel> NodeLabelsFor(const hw::Inventory& inventory);

// True when `value` is a valid Kubernetes label value: at most 63 characters, empty or starting
// and ending with an alphanumeric, with only alphanumerics, '-', '_' and '.' between.
bool IsValidLabelValue(std::string_view value);

// The feature file's text: a comment line, then one `name=value` line per label. InvalidArgument
// naming the label when a value is not a valid label value.
absl::StatusOr<std::string> FeatureFileText(const std::vector<NodeLabel>& labels);

class NodeLabelsFile {
 public:
  // `dir` is NFD's features.d directory; the file is `<dir>/tee-device-plugin`.
  explicit NodeLabelsFile(std::string dir);

  // Writes the labels when they differ from what this object last wrote (temporary file and
  // rename: NFD never reads half a file); true when it wrote. FailedPrecondition when `dir` does
  // not exist (NFD is not installed or not mounted), other errors naming the path.
  absl::StatusOr<bool> Update(const std::vector<NodeLabel>& labels);
  // Deletes the file when this object wrote it. Errors name the path.
  absl::Status Remove();

  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
  std::string written_;  // the content last written; "" when none
};

}  // namespace teedp::observe
