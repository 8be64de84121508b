# TEE_STATIC_LINK: links every library statically except glibc, which stays shared for
# getaddrinfo and NSS. Why: linked against Debian's shared libraries the plugin loads 64 of them,
# and the dynamic loader's work and the pages it touches were most of the start-up time and of
# the resident memory (README, "Measured"). On by default in a Release tree, the flavour of the
# image, the demo and the benchmarks; sanitizer and fuzz trees stay dynamic (their runtimes want
# the shared libraries, and nothing measures their start-up).
#
# Debian ships static archives beside the shared libraries of gRPC and what it needs, protobuf,
# abseil, yaml-cpp, OpenSSL and zlib, but its CMake packages name the shared ones: after
# the find_package calls, tee_link_static_archives() points each imported target at the archive
# instead. CMake's link graph then orders the archives (and repeats them where they need each
# other), so no hand-written link order is needed. gRPC 1.51 registers its plugins from grpc_init
# (not from static initialisers), so no archive needs --whole-archive. spdlog and fmt have no
# archive and cpp-httplib's is shared only: they are compiled in header-only
# (cmake/header_only_httplib.cmake for cpp-httplib).

if(CMAKE_BUILD_TYPE STREQUAL "Release" AND NOT TEE_SANITIZE AND NOT TEE_BUILD_FUZZ)
  set(tee_static_default ON)
else()
  set(tee_static_default OFF)
endif()
option(TEE_STATIC_LINK "Link all but glibc statically (default: on in a Release tree)"
       ${tee_static_default})

if(TEE_STATIC_LINK)
  if(TEE_SANITIZE OR TEE_BUILD_FUZZ)
    message(FATAL_ERROR "TEE_STATIC_LINK cannot be combined with sanitizers or fuzzing")
  endif()
  # Find modules (OpenSSL, ZLIB, protobuf, c-ares) then find the archives themselves.
  set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
  set(OPENSSL_USE_STATIC_LIBS TRUE)
  # Each function and object in its own section, so the linker drops what nothing calls.
  add_compile_options(-ffunction-sections -fdata-sections)
  # pack-relative-relocs (DT_RELR, glibc 2.36): a position-independent executable's relative
  # relocations as a bitmap, 8 KiB where the plain table was 0.78 MiB of the binary.
  add_link_options(-static-libstdc++ -static-libgcc -Wl,--gc-sections
                   -Wl,-z,pack-relative-relocs)
endif()

# The archive beside a shared library (libfoo.so.1.2 -> libfoo.a), or "" when there is none.
function(tee_archive_of shared out)
  set(archive "")
  # Two ifs: ${CMAKE_MATCH_1} in the same if() would be read before the match sets it.
  if(shared MATCHES "^(.+)\\.so(\\.[0-9.]+)?$")
    if(EXISTS "${CMAKE_MATCH_1}.a")
      set(archive "${CMAKE_MATCH_1}.a")
    endif()
  endif()
  set(${out} "${archive}" PARENT_SCOPE)
endfunction()

# The spdlog target the project links: the shared library, or header-only when static.
set(TEE_SPDLOG spdlog::spdlog)

# Points every imported library target of this directory at its static archive, re2 (whose
# target only carries "-lre2") included. What has no archive (spdlog, fmt, Google Benchmark) is
# left alone: the plugin does not link it in this mode, and build-image-rootfs.sh checks that the
# binary loads nothing but glibc.
function(tee_link_static_archives)
  if(NOT TEE_STATIC_LINK)
    return()
  endif()
  get_directory_property(targets IMPORTED_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "^(SHARED|UNKNOWN)_LIBRARY$")
      continue()
    endif()
    get_target_property(configs ${target} IMPORTED_CONFIGURATIONS)
    set(properties IMPORTED_LOCATION)
    foreach(config IN LISTS configs)  # Debian's packages name theirs NONE, false to if()
      if(config)
        list(APPEND properties IMPORTED_LOCATION_${config})
      endif()
    endforeach()
    foreach(property IN LISTS properties)
      get_target_property(location ${target} ${property})
      tee_archive_of("${location}" archive)
      if(archive)
        set_target_properties(${target} PROPERTIES ${property} "${archive}")
      endif()
    endforeach()
  endforeach()
  if(TARGET re2::re2)
    find_library(TEE_RE2_ARCHIVE re2 REQUIRED)
    set_target_properties(re2::re2 PROPERTIES INTERFACE_LINK_LIBRARIES "${TEE_RE2_ARCHIVE}")
  endif()
  # spdlog compiled in, on fmt compiled in (Debian's header-only spdlog target links shared fmt).
  set_target_properties(spdlog::spdlog_header_only PROPERTIES
                        INTERFACE_LINK_LIBRARIES "Threads::Threads;fmt::fmt-header-only")
  set(TEE_SPDLOG spdlog::spdlog_header_only PARENT_SCOPE)
endfunction()
