// One GET to the API server as the DRA driver reads a ResourceClaim: HTTPS to a stand-in on
// 127.0.0.1 with a real certificate chain (verified against the CA file), the token read from its
// file, in sequence as one kubelet request's claims are read; and the same GET on a connection of
// its own, which adds the TCP connect and the TLS handshake (EC P-256, as kubeadm's certificates).
// What a real API server adds (its own work, the network) is not in this figure; the client's
// connection and TLS costs are.
#include <benchmark/benchmark.h>

#include "kubeapi/api_server_client.h"
#include "kubeapi/testing_api_server.h"

namespace teedp::kubeapi {
namespace {

void BM_ApiServerGetInSequence(benchmark::State& state) {
  const testing::TestPki pki;
  testing::FakeApiServer server(pki);
  server.SetAnswer("GET", {.status = 200, .body = R"({"kind":"ResourceClaim"})"});
  const testing::ClientFiles files(pki);
  const ApiServerClient client(files.Config(server.port()));
  for (auto _ : state) {
    absl::StatusOr<ApiAnswer> answer = client.Send({.method = "GET", .path = "/claim"});
    if (!answer.ok() || answer->http_status != 200) {
      state.SkipWithError("the stand-in did not answer");
      return;
    }
  }
}
BENCHMARK(BM_ApiServerGetInSequence)->Unit(benchmark::kMicrosecond);

void BM_ApiServerGetOnANewConnection(benchmark::State& state) {
  const testing::TestPki pki;
  testing::FakeApiServer server(pki);
  server.SetAnswer("GET", {.status = 200, .body = R"({"kind":"ResourceClaim"})"});
  const testing::ClientFiles files(pki);
  for (auto _ : state) {
    const ApiServerClient client(files.Config(server.port()));  // an empty connection pool
    absl::StatusOr<ApiAnswer> answer = client.Send({.method = "GET", .path = "/claim"});
    if (!answer.ok() || answer->http_status != 200) {
      state.SkipWithError("the stand-in did not answer");
      return;
    }
  }
}
BENCHMARK(BM_ApiServerGetOnANewConnection)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace teedp::kubeapi
