// Fuzzes ParseCheckpoint with arbitrary file contents: no crash; a refusal is InvalidArgument
// about the checkpoint; what it accepts has only plain CDI spec file names, and writes back to a
// text that reads as the same checkpoint.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dra/claim_checkpoint.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<teedp::dra::Checkpoint> read = teedp::dra::ParseCheckpoint(text);
  if (!read.ok()) {
    Check(read.status().code() == absl::StatusCode::kInvalidArgument);
    Check(read.status().message().substr(0, 17) == "claim checkpoint:");
    return 0;
  }
  for (const auto& [uid, record] : *read) {
    Check(record.cdi_spec_file.find('/') == std::string::npos);
    Check(record.cdi_spec_file != "." && record.cdi_spec_file != "..");
  }
  absl::StatusOr<teedp::dra::Checkpoint> again =
      teedp::dra::ParseCheckpoint(teedp::dra::SerializeCheckpoint(*read));
  Check(again.ok() && *again == *read);
  return 0;
}
