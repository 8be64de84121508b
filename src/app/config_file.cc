#include "app/config_file.h"

#include <yaml-cpp/yaml.h>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/bounded_read.h"

namespace teedp::app {
namespace {

std::string Where(const std::string& path, const YAML::Node& node) {
  return absl::StrCat("config file ", path, " line ", node.Mark().line + 1);
}

// Feeds one value to an option the command line and environment left unset, running the same
// conversion and validation a command-line value gets.
absl::Status ApplyValue(CLI::Option* option, const std::string& key, const std::string& value,
                        const std::string& where) {
  try {
    option->add_result(value);
    option->run_callback();
  } catch (const CLI::Error& error) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": ", key, ": \"", value, "\" is not accepted: ", error.what()));
  }
  return absl::OkStatus();
}

absl::Status ApplyEntry(CLI::App& app, const YAML::Node& key_node, const YAML::Node& value_node,
                        const std::string& path, const std::set<std::string>& refused) {
  const std::string where = Where(path, key_node);
  if (!key_node.IsScalar()) return absl::InvalidArgumentError(where + ": keys must be plain names");
  const std::string& key = key_node.Scalar();
  if (refused.count(key) != 0 || key == "help") {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": key \"", key, "\" cannot be set here"));
  }
  CLI::Option* option =
      key.empty() || key.front() == '-' ? nullptr : app.get_option_no_throw("--" + key);
  if (option == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": unknown key \"", key, "\" (keys are the flags of ", app.get_name(),
                     " without dashes; see ", app.get_name(), " --help)"));
  }
  if (!value_node.IsScalar()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": ", key, ": expected a single value, not a list or mapping"));
  }
  if (option->count() > 0) return absl::OkStatus();  // the command line or environment set it
  return ApplyValue(option, key, value_node.Scalar(), where);
}

}  // namespace

absl::Status ApplyConfigFile(CLI::App& app, const std::string& path,
                             const std::set<std::string>& refused) {
  absl::StatusOr<std::string> text =
      ReadFileAtMost(path, kMaxConfigFileBytes, absl::StrCat("config file ", path));
  if (!text.ok()) return text.status();
  return ApplyConfigText(app, *text, path, refused);
}

absl::Status ApplyConfigText(CLI::App& app, const std::string& text, const std::string& path,
                             const std::set<std::string>& refused) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    return absl::InvalidArgumentError(
        absl::StrCat("config file ", path, " line ", error.mark.line + 1, ": ", error.msg));
  }
  if (root.IsNull()) return absl::OkStatus();
  if (!root.IsMap()) {
    return absl::InvalidArgumentError(
        absl::StrCat("config file ", path, ": expected a mapping of flag names to values"));
  }
  std::set<std::string> seen;
  for (const auto& entry : root) {
    if (entry.first.IsScalar() && !seen.insert(entry.first.Scalar()).second) {
      return absl::InvalidArgumentError(absl::StrCat(Where(path, entry.first), ": key \"",
                                                     entry.first.Scalar(), "\" given twice"));
    }
    if (absl::Status status = ApplyEntry(app, entry.first, entry.second, path, refused);
        !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

}  // namespace teedp::app
