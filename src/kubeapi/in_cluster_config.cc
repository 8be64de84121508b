// In-cluster API server configuration, the way client-go's rest.InClusterConfig finds it.
#include "kubeapi/in_cluster_config.h"

#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/bounded_read.h"
#include "common/host_port.h"
#include "common/kubernetes_names.h"
#include "common/status_macros.h"

namespace teedp::kubeapi {
namespace {

constexpr size_t kMaxTokenBytes = size_t{64} << 10;
constexpr size_t kMaxCaBytes = size_t{1} << 20;

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

// The service variables name a host and a port apart, as client-go reads them.
absl::StatusOr<HostPort> ServiceEndpoint(const std::string& host, const std::string& port) {
  absl::StatusOr<std::string> parsed_host = ParseHost(host);
  if (!parsed_host.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("KUBERNETES_SERVICE_HOST \"", absl::CHexEscape(host),
                     "\" is not a host: ", parsed_host.status().message()));
  }
  absl::StatusOr<int> parsed_port = ParsePort(port);
  if (!parsed_port.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("KUBERNETES_SERVICE_PORT \"", absl::CHexEscape(port),
                     "\" is not a port: ", parsed_port.status().message()));
  }
  return HostPort{*std::move(parsed_host), *parsed_port};
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

std::string ApiServerEndpoint::Authority() const { return FormatHostPort({host, port}); }

std::string ApiServerEndpoint::Url() const { return "https://" + Authority(); }

absl::StatusOr<std::string> ReadBearerToken(const std::string& token_file) {
  TEE_ASSIGN_OR_RETURN(std::string token, ReadFileAtMost(token_file, kMaxTokenBytes,
                                                         "cannot read token " + token_file));
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
  TEE_ASSIGN_OR_RETURN(std::string pem,
                       ReadFileAtMost(ca_file, kMaxCaBytes, "cannot read CA file " + ca_file));
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
  TEE_ASSIGN_OR_RETURN(HostPort endpoint, ServiceEndpoint(host, port));
  config.endpoint = {.host = std::move(endpoint.host), .port = endpoint.port};
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
