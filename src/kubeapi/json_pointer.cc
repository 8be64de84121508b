// RFC 6901 escaping for JSON patch paths.
#include "kubeapi/json_pointer.h"

namespace teedp::kubeapi {

std::string EscapeJsonPointerToken(std::string_view token) {
  std::string escaped;
  escaped.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      escaped += "~0";
    } else if (c == '/') {
      escaped += "~1";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string CapacityPointer(std::string_view resource_name) {
  return "/status/capacity/" + EscapeJsonPointerToken(resource_name);
}

}  // namespace teedp::kubeapi
