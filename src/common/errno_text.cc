#include "common/errno_text.h"

#include <string.h>  // strerrordesc_np, sigdescr_np (glibc 2.32)

#include "absl/strings/str_cat.h"

namespace teedp {

// glibc's *_np lookups return constant text, so no buffer is shared between threads.
std::string ErrnoText(int error) {
  const char* text = strerrordesc_np(error);
  return text != nullptr ? std::string(text) : absl::StrCat("error ", error);
}

std::string SignalText(int signal) {
  const char* text = sigdescr_np(signal);
  return text != nullptr ? std::string(text) : absl::StrCat("signal ", signal);
}

}  // namespace teedp
