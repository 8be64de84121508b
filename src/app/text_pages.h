// Provides ReleaseTextPages: lets go of the pages of the executable's code and read-only data
// that start-up mapped, so the process keeps mapped only what it runs afterwards.
// Why: the plugin is one static binary whose start-up code is spread over nearly every object
// of gRPC, protobuf, abseil and OpenSSL, and on each page fault in a file mapping the kernel maps
// the (cached) pages around the one touched as well (fault-around, 64 KiB): after start 8 of its
// 10 MiB of text were mapped and counted in its RSS, though most of it never runs again. The
// pages stay in the page cache (they are the binary file's, shared and clean); only this
// process's mappings of them go, and a page used later is mapped again on its first touch.
// Thread safety: any thread; other threads may run meanwhile (their next instruction fetch from
// a released page faults it back in).
#pragma once

#include "absl/status/status.h"

namespace teedp::app {

// MADV_DONTNEED over every read-only loaded segment of the running executable (code, read-only
// data; never a writable one, whose private copies that would discard). INTERNAL with the errno
// text when the kernel refuses; the process works the same either way, only its RSS differs.
absl::Status ReleaseTextPages();

}  // namespace teedp::app
