// Provides QuantityToInteger: reads a Kubernetes resource quantity as the API server writes it
// back ("98566144", "64M", "128Mi", "1e9"), so a capacity we set can be compared by value, not
// by spelling (the API server canonicalises "64000000" to "64M").
// Thread safety: pure function; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace teedp::kubeapi {

// Returns the whole number a quantity stands for, or nullopt when it is not a non-negative whole
// number this function can read: a sign other than "+", a fraction, a milli suffix ("1500m"), an
// unknown suffix, or a value above 2^64-1. Accepts digits with one optional suffix: decimal SI
// (k, M, G, T, P, E), binary (Ki, Mi, Gi, Ti, Pi, Ei) or a decimal exponent ("e9", "E9").
// nullopt means "cannot compare", never "zero".
std::optional<uint64_t> QuantityToInteger(std::string_view quantity);

// A byte count in the largest binary suffix that divides it exactly: 4294967296 -> "4Gi",
// 4096 -> "4Ki", 1000 -> "1000". QuantityToInteger reads it back to the same number.
std::string BytesToQuantity(uint64_t bytes);

}  // namespace teedp::kubeapi
