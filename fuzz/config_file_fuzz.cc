// Fuzzes ApplyConfigText with serve's real flags: any YAML must give OK or an error that names the
// config file, never a crash, an exception or a hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/config_file.h"
#include "app/daemon_options.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  teedp::app::DaemonOptions options;
  CLI::App app("fuzz", "serve");
  teedp::app::AddServeFlags(app, &options);
  const char* argv[] = {"serve"};
  app.parse(1, argv);
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::Status status = teedp::app::ApplyConfigText(app, text, "fuzz.yaml", {"config"});
  if (!status.ok() && status.message().find("fuzz.yaml") == absl::string_view::npos) {
    __builtin_trap();
  }
  return 0;
}
