# tee_tls: what the Kubernetes API client speaks HTTPS with: mbedTLS 2.28 (TLS 1.2 and X.509) and
# Node's http-parser for the answers, both from Debian (libmbedtls-dev, libhttp-parser-dev).
# Why not OpenSSL through cpp-httplib: OpenSSL 3's providers keep every algorithm reachable, so a
# static link carried 3.7 MiB of it, a quarter of the image; mbedTLS carries what a TLS 1.2 client
# needs. A static tree finds the archives (CMAKE_FIND_LIBRARY_SUFFIXES, cmake/static_link.cmake),
# a dynamic one the shared libraries.
find_path(TEE_MBEDTLS_INCLUDE mbedtls/ssl.h REQUIRED)
find_path(TEE_HTTP_PARSER_INCLUDE http_parser.h REQUIRED)
find_library(TEE_MBEDTLS_LIBRARY mbedtls REQUIRED)
find_library(TEE_MBEDX509_LIBRARY mbedx509 REQUIRED)
find_library(TEE_MBEDCRYPTO_LIBRARY mbedcrypto REQUIRED)
find_library(TEE_HTTP_PARSER_LIBRARY http_parser REQUIRED)
add_library(tee_tls INTERFACE)
target_include_directories(tee_tls SYSTEM INTERFACE ${TEE_MBEDTLS_INCLUDE}
                           ${TEE_HTTP_PARSER_INCLUDE})
# In link order: TLS on X.509 on the crypto primitives.
target_link_libraries(tee_tls INTERFACE ${TEE_MBEDTLS_LIBRARY} ${TEE_MBEDX509_LIBRARY}
                      ${TEE_MBEDCRYPTO_LIBRARY} ${TEE_HTTP_PARSER_LIBRARY} Threads::Threads)
