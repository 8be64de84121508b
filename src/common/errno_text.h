// Provides ErrnoText and SignalText, the descriptions of an errno value and a signal number.
// Thread safety: both may be called from any thread: unlike strerror and strsignal, they never
// write a shared buffer.
#pragma once

#include <string>

namespace teedp {

// "No such file or directory" for ENOENT; "error 4242" for a value glibc has no text for.
std::string ErrnoText(int error);
// "Terminated" for SIGTERM; "signal 99" for a number glibc has no text for.
std::string SignalText(int signal);

}  // namespace teedp
