#include "medfed/genomics/genotype_counts.h"

#include <cstring>

namespace medfed::genomics {

SampleMask::SampleMask(size_t sample_count, const std::vector<uint32_t>& selected) {
  words_.assign((sample_count + 31) / 32, 0);
  for (uint32_t s : selected) words_[s / 32] |= uint64_t{1} << (2 * (s % 32));
  count_ = selected.size();
}

// Runtime dispatch by function multiversioning (GCC and Clang target_clones: an ifunc resolved
// once when the program loads). The x86-64 baseline has no POPCNT instruction, so the default
// clone counts bits with a library call; CPUs that have it (every x86-64 since about 2008) get
// the clone that uses it, and a binary built on one hospital's machine still runs on another's.
#if defined(__x86_64__)
__attribute__((target_clones("popcnt", "default")))
#endif
std::array<uint32_t, 4>
CountGenotypes(const uint8_t* variant, size_t bytes, const SampleMask& mask) {
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

void ExtractDosageColumns(const uint8_t* variant, const std::vector<uint32_t>* samples, size_t count, bool flip,
                          double* dosage, double* valid) {
  // 2-bit codes: 00 hom ALT, 01 missing, 10 het, 11 hom REF.
  const double alt_dosage[4] = {2, 0, 1, 0}, ref_dosage[4] = {0, 0, 1, 2};
  const double* code_dosage = flip ? ref_dosage : alt_dosage;
  static constexpr double kValid[4] = {1, 0, 1, 1};
  if (samples != nullptr) {
    for (size_t i = 0; i < count; ++i) {
      const uint32_t s = (*samples)[i];
      const unsigned code = (variant[s / 4] >> (2 * (s % 4))) & 3;
      dosage[i] = code_dosage[code];
      valid[i] = kValid[code];
    }
    return;
  }
  // In file order: a byte holds four samples; tables give each byte's four values at once.
  struct ByteTables {
    double alt[256][4], ref[256][4], valid[256][4];
  };
  static const ByteTables* const tables = [] {
    static ByteTables built;
    static constexpr double kAlt[4] = {2, 0, 1, 0}, kRef[4] = {0, 0, 1, 2}, kCalled[4] = {1, 0, 1, 1};
    for (unsigned byte = 0; byte < 256; ++byte) {
      for (unsigned k = 0; k < 4; ++k) {
        const unsigned code = (byte >> (2 * k)) & 3;
        built.alt[byte][k] = kAlt[code];
        built.ref[byte][k] = kRef[code];
        built.valid[byte][k] = kCalled[code];
      }
    }
    return &built;
  }();
  const double(*byte_dosage)[4] = flip ? tables->ref : tables->alt;
  size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    const unsigned byte = variant[i / 4];
    std::memcpy(dosage + i, byte_dosage[byte], 4 * sizeof(double));
    std::memcpy(valid + i, tables->valid[byte], 4 * sizeof(double));
  }
  for (; i < count; ++i) {
    const unsigned code = (variant[i / 4] >> (2 * (i % 4))) & 3;
    dosage[i] = code_dosage[code];
    valid[i] = kValid[code];
  }
}

}  // namespace medfed::genomics
