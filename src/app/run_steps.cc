#include "app/run_steps.h"

#include "absl/strings/str_cat.h"

namespace teedp::app {

absl::Status RunSteps(const std::vector<Step>& steps, const std::function<void()>& serve) {
  absl::Status status;
  size_t started = 0;
  for (; started < steps.size(); ++started) {
    const Step& step = steps[started];
    if (step.start == nullptr) continue;
    status = step.start();
    if (!status.ok()) {
      status = absl::Status(status.code(), absl::StrCat(step.name, ": ", status.message()));
      break;
    }
  }
  if (status.ok()) serve();
  while (started > 0) {
    const Step& step = steps[--started];
    if (step.stop != nullptr) step.stop();
  }
  return status;
}

}  // namespace teedp::app
