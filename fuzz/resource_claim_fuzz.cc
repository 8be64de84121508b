// Fuzzes ParseResourceClaim with arbitrary API server answers: no crash on any body; a claim it
// accepts has its identity, every result names driver, pool and device, and an unallocated claim
// has no results; a refusal is InvalidArgument that says it is about a ResourceClaim.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dra/resource_claim.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<teedp::dra::ResourceClaim> claim = teedp::dra::ParseResourceClaim(body);
  if (!claim.ok()) {
    Check(claim.status().code() == absl::StatusCode::kInvalidArgument);
    Check(claim.status().message().substr(0, 14) == "ResourceClaim:");
    return 0;
  }
  Check(!claim->name.empty() && !claim->namespace_name.empty() && !claim->uid.empty());
  Check(claim->allocated || claim->results.empty());
  for (const teedp::dra::AllocationResult& result : claim->results) {
    Check(!result.request.empty() && !result.driver.empty() && !result.pool.empty() &&
          !result.device.empty());
  }
  return 0;
}
