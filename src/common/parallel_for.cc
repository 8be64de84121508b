#include "common/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>
#include <vector>

namespace teedp {

void ParallelFor(size_t count, size_t threads, const std::function<void(size_t)>& body) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) body(i);
  };
  std::vector<std::thread> helpers;
  const size_t wanted = std::min(threads, count);
  for (size_t t = 1; t < wanted; ++t) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // out of threads: fewer of them take the indexes, the caller's at least
    }
  }
  work();
  for (std::thread& helper : helpers) helper.join();
}

}  // namespace teedp
