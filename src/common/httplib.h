// Provides cpp-httplib to the files that link tee_httplib (the metrics server, the Kubernetes API
// client) and their tests. <httplib.h>
// includes <fcntl.h>, which declares the tee(2) system call as ::tee, and C++ forbids a function
// and a namespace of one name in one scope: the call is renamed while <fcntl.h> is read (we never
// make it). Include this before anything else that could include <fcntl.h>; an #error says when
// that went wrong. The CPPHTTPLIB_* defines come from the tee_httplib CMake target.
// Thread safety: declarations only.
#pragma once

#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#error "link tee_httplib: Debian's cpp-httplib is built with CPPHTTPLIB_OPENSSL_SUPPORT"
#endif
#ifdef _FCNTL_H
#error "include common/httplib.h before anything that includes <fcntl.h>"
#endif

#define tee linux_tee_syscall
#include <fcntl.h>
#undef tee

#include <httplib.h>
