// In-cluster API server configuration, the way client-go's rest.InClusterConfig finds it.
#include "kubeapi/in_cluster_config.h"

#include <arpa/inet.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/kubernetes_names.h"
#include "common/status_macros.h"

namespace teedp::kubeapi {
namespace {

constexpr size_t kMaxTokenBytes = 64 * 1024;
constexpr size_t kMaxCaBytes = 1024 * 1024;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// Reads at most `limit` bytes of `path`; `what` names the file in errors ("token", "CA file").
absl::StatusOr<std::string> ReadSmallFile(const std::string& path, size_t limit,
                                          std::string_view what) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read ", std::string(what), " ", path, ": ", std::strerror(errno)));
  }
  std::string content(limit + 1, '\0');
  errno = 0;
  const size_t got = std::fread(content.data(), 1, content.size(), file.get());
  if (std::ferror(file.get()) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read ", std::string(what), " ", path, ": ", std::strerror(errno)));
  }
  if (got > limit) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), " ", path, " is larger than ", limit, " bytes"));
  }
  content.resize(got);
  return content;
}

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::string Trim(std::string text) {
  while (!text.empty() && IsSpace(text.back())) text.pop_back();
  size_t start = 0;
  while (start < text.size() && IsSpace(text[start])) ++start;
  return text.substr(start);
}

absl::StatusOr<std::string> RequiredVariable(const EnvironmentLookup& environment,
                                             const std::string& name) {
  std::optional<std::string> value = environment(name);
  if (!value.has_value() || value->empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("not running in a cluster: ", name, " is not set"));
  }
  return *value;
}

// A host name or address we can put in a URL: IPv6 (maybe bracketed) or name/IPv4 characters.
absl::StatusOr<std::string> ValidHost(const std::string& given) {
  const bool bracketed = given.size() > 2 && given.front() == '[' && given.back() == ']';
  const std::string host = bracketed ? given.substr(1, given.size() - 2) : given;
  in6_addr ipv6{};
  if (host.find(':') != std::string::npos) {
    if (::inet_pton(AF_INET6, host.c_str(), &ipv6) == 1) return host;
  } else if (!host.empty() && host.size() <= 253 &&
             host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "0123456789.-") == std::string::npos) {
    return host;
  }
  return absl::InvalidArgumentError(absl::StrCat("KUBERNETES_SERVICE_HOST \"",
                                                 absl::CHexEscape(host),
                                                 "\" is not a host name, IPv4 or IPv6 address"));
}

absl::StatusOr<int> ValidPort(const std::string& text) {
  int port = 0;
  if (!absl::SimpleAtoi(text, &port) || port < 1 || port > 65535 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "KUBERNETES_SERVICE_PORT \"", absl::CHexEscape(text), "\" is not a port number (1-65535)"));
  }
  return port;
}

}  // namespace

EnvironmentLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

InClusterSources InClusterSources::FromServiceAccountDir(const std::string& service_account_dir) {
  InClusterSources sources;
  sources.token_file = service_account_dir + "/token";
  sources.ca_file = service_account_dir + "/ca.crt";
  return sources;
}

std::string ApiServerEndpoint::Authority() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return absl::StrCat(ipv6 ? "[" : "", host, ipv6 ? "]" : "", ":", port);
}

std::string ApiServerEndpoint::Url() const { return "https://" + Authority(); }

absl::StatusOr<std::string> ReadBearerToken(const std::string& token_file) {
  TEE_ASSIGN_OR_RETURN(std::string token, ReadSmallFile(token_file, kMaxTokenBytes, "token"));
  token = Trim(std::move(token));
  if (token.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("token ", token_file, " is empty"));
  }
  for (char c : token) {
    if (c <= 0x20 || c >= 0x7f) {  // also refuses CR/LF, which would split the header
      return absl::InvalidArgumentError(
          absl::StrCat("token ", token_file, " holds characters that cannot go in an HTTP header"));
    }
  }
  return token;
}

absl::Status CheckCaFile(const std::string& ca_file) {
  TEE_ASSIGN_OR_RETURN(std::string pem, ReadSmallFile(ca_file, kMaxCaBytes, "CA file"));
  if (pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("CA file ", ca_file, " holds no PEM certificate"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ApiServerConfig> LoadInClusterConfig(const InClusterSources& sources) {
  TEE_ASSIGN_OR_RETURN(std::string host,
                       RequiredVariable(sources.environment, "KUBERNETES_SERVICE_HOST"));
  TEE_ASSIGN_OR_RETURN(std::string port,
                       RequiredVariable(sources.environment, "KUBERNETES_SERVICE_PORT"));
  ApiServerConfig config;
  TEE_ASSIGN_OR_RETURN(config.endpoint.host, ValidHost(host));
  TEE_ASSIGN_OR_RETURN(config.endpoint.port, ValidPort(port));
  TEE_RETURN_IF_ERROR(ReadBearerToken(sources.token_file).status());
  TEE_RETURN_IF_ERROR(CheckCaFile(sources.ca_file));
  config.token_file = sources.token_file;
  config.ca_file = sources.ca_file;
  return config;
}

absl::StatusOr<std::string> NodeNameFromEnvironment(const EnvironmentLookup& environment,
                                                    const std::string& variable) {
  std::optional<std::string> name = environment(variable);
  if (!name.has_value() || name->empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(variable,
                     " is not set: give the plugin its node name through the downward API "
                     "(env ",
                     variable, " from fieldRef spec.nodeName)"));
  }
  if (DnsSubdomainFault(*name) != NameFault::kNone) {
    return absl::InvalidArgumentError(
        absl::StrCat(variable, " \"", absl::CHexEscape(*name),
                     "\" is not a node name (a lowercase RFC 1123 subdomain)"));
  }
  return *name;
}

}  // namespace teedp::kubeapi
