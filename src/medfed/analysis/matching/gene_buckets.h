// Candidate genes as encrypted query items. Every party maps a gene symbol to one of a fixed
// number of buckets by hashing it, so the querier's encrypted query holds one ciphertext per
// bucket (never a list of genes), and no party needs anyone's gene list to agree on positions.
// Two genes may share a bucket: with B buckets a patient's one gene meets a query's one gene by
// chance with probability 1/B (docs/protocols/match.md says what that costs a ranking, and what
// more buckets cost the querier: one encryption each).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "medfed/core/status.h"

namespace medfed::analysis {

inline constexpr uint32_t kDefaultGeneBuckets = 1024;
inline constexpr uint32_t kMinGeneBuckets = 64, kMaxGeneBuckets = 65536;

// A gene symbol as written in a query or a site's table, trimmed and upper-cased as HGNC writes
// symbols ("scn1a " -> "SCN1A"). Empty text is no gene (nullopt); text that cannot be a symbol
// (over 40 characters, or characters other than letters, digits and - _ . @ /) is an error.
StatusOr<std::optional<std::string>> NormalizeGeneSymbol(std::string_view text);

// The bucket of a normalised symbol: the first four bytes of SHA-256("medfed gene bucket v1" 0x00
// symbol), big-endian, modulo `buckets` (the study's, so every party computes the same).
uint32_t GeneBucket(std::string_view symbol, uint32_t buckets);

}  // namespace medfed::analysis
