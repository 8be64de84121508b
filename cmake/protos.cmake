# Generates C++ sources for our own wire-compatible .proto files into one static library, for
# protobuf-lite (--cpp_out=lite:): the plugin serialises and parses messages and never reflects on
# them, and full protobuf (descriptors, reflection, text format) was 1.4 MiB of the static binary.
# The same wire format and generated accessors; tests check the contracts on the wire bytes.
set(TEE_PROTO_DIR ${PROJECT_SOURCE_DIR}/proto)
set(TEE_PROTO_OUT ${PROJECT_BINARY_DIR}/proto)
file(MAKE_DIRECTORY ${TEE_PROTO_OUT})
get_target_property(TEE_GRPC_PLUGIN gRPC::grpc_cpp_plugin LOCATION)

set(TEE_PROTO_FILES deviceplugin/v1beta1/api.proto podresources/v1/api.proto
                    pluginregistration/api.proto dra/v1/api.proto dra/v1beta1/api.proto)
# A file that imports another is regenerated when the other changes (dra/v1beta1 imports v1).
set(TEE_PROTO_IMPORTS ${TEE_PROTO_DIR}/dra/v1/api.proto)
set(TEE_PROTO_SRCS)
foreach(proto ${TEE_PROTO_FILES})
  string(REGEX REPLACE "\\.proto$" "" stem ${proto})
  set(outs ${TEE_PROTO_OUT}/${stem}.pb.cc ${TEE_PROTO_OUT}/${stem}.pb.h
           ${TEE_PROTO_OUT}/${stem}.grpc.pb.cc ${TEE_PROTO_OUT}/${stem}.grpc.pb.h)
  add_custom_command(
    OUTPUT ${outs}
    COMMAND ${Protobuf_PROTOC_EXECUTABLE} -I ${TEE_PROTO_DIR} --cpp_out=lite:${TEE_PROTO_OUT}
            --grpc_out=${TEE_PROTO_OUT} --plugin=protoc-gen-grpc=${TEE_GRPC_PLUGIN}
            ${TEE_PROTO_DIR}/${proto}
    DEPENDS ${TEE_PROTO_DIR}/${proto} ${TEE_PROTO_IMPORTS}
    COMMENT "protoc ${proto}")
  list(APPEND TEE_PROTO_SRCS ${TEE_PROTO_OUT}/${stem}.pb.cc ${TEE_PROTO_OUT}/${stem}.grpc.pb.cc)
endforeach()

add_library(tee_proto STATIC ${TEE_PROTO_SRCS})
target_include_directories(tee_proto SYSTEM PUBLIC ${TEE_PROTO_OUT})
# The static binary takes gRPC without its security stack: the plugin speaks gRPC only over unix
# sockets with insecure credentials (TLS is cpp-httplib's, to the API server), and gRPC's TLS,
# ALTS and xDS code would add about 2 MiB. Dynamic trees (the sanitizer builds) keep libgrpc++,
# which test/tsan.supp names.
if(TEE_STATIC_LINK)
  set(TEE_GRPCXX gRPC::grpc++_unsecure)
else()
  set(TEE_GRPCXX gRPC::grpc++)
endif()
# gRPC's C++ targets name full protobuf, which none of gRPC's own code calls: they name lite
# instead, so that no binary holds both libraries.
foreach(target gRPC::grpc++ gRPC::grpc++_unsecure)
  get_target_property(links ${target} INTERFACE_LINK_LIBRARIES)
  list(TRANSFORM links REPLACE "^protobuf::libprotobuf$" "protobuf::libprotobuf-lite")
  set_target_properties(${target} PROPERTIES INTERFACE_LINK_LIBRARIES "${links}")
endforeach()
target_link_libraries(tee_proto PUBLIC ${TEE_GRPCXX} protobuf::libprotobuf-lite)
