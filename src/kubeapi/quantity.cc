// Kubernetes quantities, reduced to the whole numbers capacities of countable things use.
#include "kubeapi/quantity.h"

#include <array>
#include <limits>

namespace teedp::kubeapi {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

struct Suffix {
  std::string_view text;
  uint64_t base;  // 1000 or 1024
  int power;
};
constexpr std::array<Suffix, 13> kSuffixes = {{{"", 1, 0},
                                               {"k", 1000, 1},
                                               {"M", 1000, 2},
                                               {"G", 1000, 3},
                                               {"T", 1000, 4},
                                               {"P", 1000, 5},
                                               {"E", 1000, 6},
                                               {"Ki", 1024, 1},
                                               {"Mi", 1024, 2},
                                               {"Gi", 1024, 3},
                                               {"Ti", 1024, 4},
                                               {"Pi", 1024, 5},
                                               {"Ei", 1024, 6}}};

// value * base^power, or nullopt on overflow.
std::optional<uint64_t> Scale(uint64_t value, uint64_t base, int power) {
  for (int i = 0; i < power; ++i) {
    if (value > kMax / base) return std::nullopt;
    value *= base;
  }
  return value;
}

// Leading decimal digits of `text`, consumed; nullopt when there are none or they overflow.
std::optional<uint64_t> TakeDigits(std::string_view& text) {
  size_t pos = 0;
  uint64_t value = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    const uint64_t digit = static_cast<uint64_t>(text[pos] - '0');
    if (value > (kMax - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
    ++pos;
  }
  if (pos == 0) return std::nullopt;
  text.remove_prefix(pos);
  return value;
}

}  // namespace

std::optional<uint64_t> QuantityToInteger(std::string_view quantity) {
  if (!quantity.empty() && quantity.front() == '+') quantity.remove_prefix(1);
  const std::optional<uint64_t> mantissa = TakeDigits(quantity);
  if (!mantissa) return std::nullopt;
  // "E" alone is exa and "Ei" exbi; "E" or "e" followed by a digit is an exponent.
  if (quantity.size() > 1 && (quantity[0] == 'e' || quantity[0] == 'E') && quantity[1] >= '0' &&
      quantity[1] <= '9') {
    quantity.remove_prefix(1);
    const std::optional<uint64_t> exponent = TakeDigits(quantity);
    if (!exponent || !quantity.empty()) return std::nullopt;
    if (*mantissa == 0) return 0;
    if (*exponent > 19) return std::nullopt;  // 10^20 > 2^64 whatever the mantissa
    return Scale(*mantissa, 10, static_cast<int>(*exponent));
  }
  for (const Suffix& suffix : kSuffixes) {
    if (suffix.text == quantity) return Scale(*mantissa, suffix.base, suffix.power);
  }
  return std::nullopt;
}

std::string BytesToQuantity(uint64_t bytes) {
  constexpr std::array<std::string_view, 7> kBinary = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  size_t power = 0;
  while (bytes != 0 && bytes % 1024 == 0 && power + 1 < kBinary.size()) {
    bytes /= 1024;
    ++power;
  }
  return std::to_string(bytes) + std::string(kBinary[power]);
}

}  // namespace teedp::kubeapi
