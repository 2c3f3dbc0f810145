// Counting genotypes of selected samples straight from the packed encoding: 32 samples per
// 64-bit word, each genotype class a bit pattern, counted with popcount (the way plink does).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace medfed::genomics {

// A set of samples as a packed mask: the low bit of sample i's 2-bit slot is set when selected.
class SampleMask {
 public:
  SampleMask() = default;
  SampleMask(size_t sample_count, const std::vector<uint32_t>& selected);
  const std::vector<uint64_t>& words() const { return words_; }
  size_t count() const { return count_; }

 private:
  std::vector<uint64_t> words_;
  size_t count_ = 0;
};

// Counts of the four codes among the masked samples: [hom allele 1 (ALT), missing, het,
// hom allele 2 (REF)] - index = the 2-bit code.
std::array<uint32_t, 4> CountGenotypes(const uint8_t* variant, size_t bytes, const SampleMask& mask);

// The ALT dosage (0, 1, 2; -1 for missing) of the listed samples.
void ExtractDosages(const uint8_t* variant, const std::vector<uint32_t>& samples, std::vector<int8_t>& out);

// Regression columns of the listed samples (nullptr: the first `count` samples of the file, in
// order): dosage of ALT (of REF when `flip`), 0 where missing, and valid = 0 where missing,
// 1 elsewhere.
void ExtractDosageColumns(const uint8_t* variant, const std::vector<uint32_t>* samples, size_t count, bool flip,
                          double* dosage, double* valid);

}  // namespace medfed::genomics
