#include "app/text_pages.h"

#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "common/errno_text.h"

namespace teedp::app {
namespace {

struct Advice {
  uintptr_t page_size = 0;
  int error = 0;  // the first errno a madvise returned
};

// The pages of one loaded segment, from the page its first byte is in to its end.
void ReleaseSegment(const dl_phdr_info& object, const ElfW(Phdr) & segment, Advice* advice) {
  const uintptr_t first = object.dlpi_addr + segment.p_vaddr;
  const uintptr_t start = first & ~(advice->page_size - 1);
  const uintptr_t end = first + segment.p_memsz;
  void* address = reinterpret_cast<void*>(start);  // NOLINT(performance-no-int-to-ptr)
  if (madvise(address, end - start, MADV_DONTNEED) != 0 && advice->error == 0) {
    advice->error = errno;
  }
}

// dl_iterate_phdr's first object is the executable itself.
int ReleaseExecutable(dl_phdr_info* object, size_t /*size*/, void* data) {
  auto* advice = static_cast<Advice*>(data);
  for (ElfW(Half) i = 0; i < object->dlpi_phnum; ++i) {
    const ElfW(Phdr)& segment = object->dlpi_phdr[i];
    // A writable segment's written pages are private copies (relocated data among them, made
    // read-only after relocation): dropping them would lose what was written.
    if (segment.p_type == PT_LOAD && (segment.p_flags & PF_W) == 0) {
      ReleaseSegment(*object, segment, advice);
    }
  }
  return 1;  // stop after the executable
}

}  // namespace

absl::Status ReleaseTextPages() {
  Advice advice{.page_size = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE))};
  dl_iterate_phdr(ReleaseExecutable, &advice);
  if (advice.error != 0) {
    return absl::InternalError(
        absl::StrCat("madvise(MADV_DONTNEED) of the executable's text: ", ErrnoText(advice.error)));
  }
  return absl::OkStatus();
}

}  // namespace teedp::app
