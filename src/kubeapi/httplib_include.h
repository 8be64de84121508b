// Provides cpp-httplib (Debian's build, with OpenSSL) to the kubeapi files that speak HTTPS.
// <fcntl.h>, which httplib includes, declares a C function named `tee`, and a function cannot
// share its name with our namespace: the declaration is renamed while <fcntl.h> is read (we never
// call it). No other header that a file including this one reads may include <fcntl.h> first (an
// #error says so). The CPPHTTPLIB_* defines come from the tee_httplib CMake target, which only
// kubeapi's library and tests link.
// Thread safety: declarations only.
#pragma once

#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#error "link tee_httplib: Debian's cpp-httplib is built with CPPHTTPLIB_OPENSSL_SUPPORT"
#endif
#ifdef _FCNTL_H
#error "include kubeapi/httplib_include.h before anything that includes <fcntl.h>"
#endif

#define tee tee_fcntl_splice_function
#include <fcntl.h>
#undef tee

#include <httplib.h>
