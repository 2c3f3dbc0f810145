#include "medfed/genomics/genotype_counts.h"

#include <cstring>

namespace medfed::genomics {

SampleMask::SampleMask(size_t sample_count, const std::vector<uint32_t>& selected) {
  words_.assign((sample_count + 31) / 32, 0);
  for (uint32_t s : selected) words_[s / 32] |= uint64_t{1} << (2 * (s % 32));
  count_ = selected.size();
}

std::array<uint32_t, 4> CountGenotypes(const uint8_t* variant, size_t bytes, const SampleMask& mask) {
  constexpr uint64_t kLow = 0x5555555555555555ULL;
  uint64_t hom1 = 0, missing = 0, het = 0, hom2 = 0;
  const auto& words = mask.words();
  const size_t full = bytes / 8;
  for (size_t w = 0; w < words.size(); ++w) {
    const uint64_t m = words[w];
    if (m == 0) continue;
    uint64_t g;
    if (w < full) {
      std::memcpy(&g, variant + w * 8, 8);
    } else {
      g = 0;
      std::memcpy(&g, variant + w * 8, bytes - w * 8);
    }
    const uint64_t low = g & kLow;
    const uint64_t high = (g >> 1) & kLow;
    hom1 += __builtin_popcountll(~high & ~low & m);
    missing += __builtin_popcountll(~high & low & m);
    het += __builtin_popcountll(high & ~low & m);
    hom2 += __builtin_popcountll(high & low & m);
  }
  return {static_cast<uint32_t>(hom1), static_cast<uint32_t>(missing), static_cast<uint32_t>(het),
          static_cast<uint32_t>(hom2)};
}

void ExtractDosages(const uint8_t* variant, const std::vector<uint32_t>& samples, std::vector<int8_t>& out) {
  static constexpr int8_t kDosage[4] = {2, -1, 1, 0};  // 00 hom ALT, 01 missing, 10 het, 11 hom REF
  out.resize(samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    const uint32_t s = samples[i];
    out[i] = kDosage[(variant[s / 4] >> (2 * (s % 4))) & 3];
  }
}

}  // namespace medfed::genomics
