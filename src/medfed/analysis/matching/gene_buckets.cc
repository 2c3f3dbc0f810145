#include "medfed/analysis/matching/gene_buckets.h"

#include <cctype>

#include "medfed/core/text.h"
#include "medfed/crypto/sodium.h"

namespace medfed::analysis {

StatusOr<std::optional<std::string>> NormalizeGeneSymbol(std::string_view text) {
  const std::string trimmed(TrimWhitespace(text));
  if (trimmed.empty()) return std::optional<std::string>();
  constexpr size_t kMaxSymbol = 40;  // the longest HGNC symbols are about 20 characters
  if (trimmed.size() > kMaxSymbol) {
    return InvalidArgument("gene \"" + trimmed.substr(0, kMaxSymbol) + "...\" is longer than " +
                           std::to_string(kMaxSymbol) + " characters; give HGNC symbols such as SCN1A");
  }
  std::string symbol;
  for (char c : trimmed) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) == 0 && c != '-' && c != '_' && c != '.' && c != '@' && c != '/') {
      return InvalidArgument("gene \"" + trimmed + "\" is not a gene symbol (letters, digits and - _ . @ / only); " +
                             "give HGNC symbols such as SCN1A");
    }
    symbol += static_cast<char>(std::toupper(byte));
  }
  return std::optional<std::string>(std::move(symbol));
}

uint32_t GeneBucket(std::string_view symbol, uint32_t buckets) {
  std::string message = "medfed gene bucket v1";
  message += '\0';
  message += symbol;
  const std::string digest = crypto::Sha256Hex(message);
  uint32_t prefix = 0;
  for (size_t i = 0; i < 8; ++i) {
    const char c = digest[i];
    prefix = prefix << 4 | static_cast<uint32_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  return prefix % buckets;
}

}  // namespace medfed::analysis
