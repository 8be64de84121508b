#include "observe/node_labels.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/atomic_file.h"
#include "common/errno_text.h"
#include "common/kubernetes_names.h"

namespace teedp::observe {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

std::string Bool(bool value) { return value ? "true" : "false"; }

NodeLabel Label(std::string_view name, std::string value) {
  return {absl::StrCat(std::string(kNodeLabelPrefix), std::string(name)), std::move(value)};
}

}  // namespace

std::vector<NodeLabel> NodeLabelsFor(const hw::Inventory& inventory) {
  const hw::SgxCpuid& cpuid = inventory.cpuid;
  std::vector<NodeLabel> labels = {
      Label("present", Bool(cpuid.sgx)), Label("enabled", Bool(inventory.SgxUsable())),
      Label("sgx1", Bool(cpuid.sgx1)),   Label("sgx2", Bool(cpuid.sgx2)),
      Label("flc", Bool(cpuid.sgx_lc)),  Label("driver", hw::SgxDriverName(inventory.driver)),
  };
  if (inventory.SgxUsable()) {
    labels.push_back(Label("epc-bytes", std::to_string(inventory.epc_bytes)));
    labels.push_back(Label("epc-mib", std::to_string(inventory.epc_bytes / kMiB)));
  }
  return labels;
}

bool IsValidLabelValue(std::string_view value) {
  return LabelValueFault(value) == NameFault::kNone;
}

absl::StatusOr<std::string> FeatureFileText(const std::vector<NodeLabel>& labels) {
  std::string text = "# Written by tee-device-plugin from what it found on this node.\n";
  for (const auto& [name, value] : labels) {
    if (!IsValidLabelValue(value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("node label ", name, ": \"", value, "\" is not a valid label value"));
    }
    absl::StrAppend(&text, name, "=", value, "\n");
  }
  return text;
}

NodeLabelsFile::NodeLabelsFile(std::string dir)
    : dir_(std::move(dir)), path_(absl::StrCat(dir_, "/", std::string(kNodeLabelsFileName))) {}

absl::StatusOr<bool> NodeLabelsFile::Update(const std::vector<NodeLabel>& labels) {
  absl::StatusOr<std::string> text = FeatureFileText(labels);
  if (!text.ok()) return text.status();
  if (*text == written_) return false;
  struct stat info {};
  const bool exists = stat(dir_.c_str(), &info) == 0;
  if (!exists || !S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--nfd-features-dir ", dir_, ": ", exists ? "not a directory" : ErrnoText(errno),
        " (is Node Feature Discovery installed and the directory mounted?)"));
  }
  if (absl::Status status = WriteFileAtomically(path_, *text); !status.ok()) return status;
  written_ = *std::move(text);
  return true;
}

absl::Status NodeLabelsFile::Remove() {
  if (written_.empty()) return absl::OkStatus();
  written_.clear();
  if (unlink(path_.c_str()) != 0 && errno != ENOENT) {
    return absl::UnavailableError(absl::StrCat("removing ", path_, ": ", ErrnoText(errno)));
  }
  return absl::OkStatus();
}

}  // namespace teedp::observe
