// Provides ParallelFor: calls a body for each index of [0, count) on up to `threads` threads, the
// caller's among them, and returns once every call has returned. Meant for a handful of
// independent waits that would otherwise add up (one API server GET per claim of a request); the
// threads live only for the call, so it costs nothing while idle.
// Thread safety: the body runs for different indexes at once and must be safe so; each index is
// passed exactly once.
#pragma once

#include <cstddef>
#include <functional>

namespace teedp {

void ParallelFor(size_t count, size_t threads, const std::function<void(size_t)>& body);

}  // namespace teedp
