# tee_httplib: cpp-httplib for the metrics server (plain HTTP) and the tests' stand-in API server
# (HTTPS, kubeapi/testing_api_server.h), with OpenSSL and zlib (and brotli in dynamic trees, whose
# shared library has it). Its CPPHTTPLIB_* defines must match how the code was built and be the
# same in every file of a binary; they stay with the files that include httplib.h (link
# tee_httplib PRIVATE). The plugin's own HTTPS client is mbedTLS (cmake/tls.cmake): nothing in the
# plugin calls OpenSSL, and the static link's --gc-sections leaves only its CPU-feature probe
# (2 KiB, which OpenSSL runs before main) of it in the binary.
#  - Dynamic trees use Debian's shared library and its split header (pkg-config cpp-httplib).
#  - A static tree (TEE_STATIC_LINK) compiles it in header-only: Debian ships no archive, so
#    scripts/install-httplib-header.sh installs the one header from Debian's own source package
#    of the same version, and the defines are those Debian builds its library with (debian/rules
#    adds CPPHTTPLIB_USE_POLL: poll rather than select, which fails on descriptors past 1023),
#    and with our patch (scripts/httplib-no-ssl-init.patch): no OpenSSL set-up before main,
#    which would keep OpenSSL in every binary that includes the header. Brotli is left out
#    (Debian builds with it): none of the plugin's peers speaks it (the API server and Prometheus compress with gzip only), and its
#    encoder's dictionary and tables were 0.67 MiB of the binary.
find_package(PkgConfig REQUIRED)
pkg_check_modules(CPPHTTPLIB REQUIRED cpp-httplib)
add_library(tee_httplib INTERFACE)
if(NOT TEE_STATIC_LINK)
  pkg_check_modules(CPPHTTPLIB_SHARED REQUIRED IMPORTED_TARGET GLOBAL cpp-httplib)
  target_link_libraries(tee_httplib INTERFACE PkgConfig::CPPHTTPLIB_SHARED OpenSSL::SSL
                                              OpenSSL::Crypto)
  return()
endif()

set(TEE_HTTPLIB_HEADER_DIR /usr/local/include/tee-cpp-httplib
    CACHE PATH "Where scripts/install-httplib-header.sh put cpp-httplib's single header")
set(header ${TEE_HTTPLIB_HEADER_DIR}/httplib.h)
if(NOT EXISTS ${header})
  message(FATAL_ERROR "TEE_STATIC_LINK needs cpp-httplib as one header at ${header}: run "
                      "scripts/install-deps.sh (or scripts/install-httplib-header.sh)")
endif()
file(STRINGS ${header} header_version REGEX "^#define CPPHTTPLIB_VERSION ")
file(STRINGS ${header} header_patched REGEX "tee-device-plugin: no sslinit_")
if(NOT header_version MATCHES "\"${CPPHTTPLIB_VERSION}\"" OR NOT header_patched)
  message(FATAL_ERROR "${header} is not cpp-httplib ${CPPHTTPLIB_VERSION} with our patch "
                      "(${header_version}): run scripts/install-httplib-header.sh")
endif()
find_package(ZLIB REQUIRED)
target_include_directories(tee_httplib SYSTEM BEFORE INTERFACE ${TEE_HTTPLIB_HEADER_DIR})
target_compile_definitions(tee_httplib INTERFACE CPPHTTPLIB_OPENSSL_SUPPORT
                           CPPHTTPLIB_ZLIB_SUPPORT CPPHTTPLIB_USE_POLL)
target_link_libraries(tee_httplib INTERFACE OpenSSL::SSL OpenSSL::Crypto ZLIB::ZLIB
                      Threads::Threads)
