// Hard-called genotypes of one site, variant-major, in PLINK 1 .bed encoding (2 bits per
// sample: 00 = homozygous for allele 1, 01 = missing, 10 = heterozygous, 11 = homozygous for
// allele 2), memory-mapped and read block by block, never loaded whole.
//
// PLINK filesets are mapped directly (after checking the magic bytes and that the .bed size
// matches the .bim and .fam). VCF/BCF files (htslib) are converted once into the same encoding
// in a temporary file beside the site's state, then mapped. Allele 1 is plink2's ALT (A1),
// allele 2 its REF.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "medfed/core/file.h"
#include "medfed/core/status.h"

namespace medfed::genomics {

struct VariantRecord {
  std::string chrom;
  std::string id;
  int64_t position = 0;
  std::string allele1;  // .bim column 5: ALT / A1
  std::string allele2;  // .bim column 6: REF
};

// A .bim / VCF position: digits only, 0 .. 2^31-2 (plink2's limit); "12abc", "1e5", "-3" and
// anything past the limit are not positions.
std::optional<int64_t> ParseBasePairPosition(std::string_view text);

struct SampleRecord {
  std::string family_id;
  std::string id;
  bool founder = true;  // both parents unknown
};

class GenotypeMatrix {
 public:
  // PLINK 1 binary fileset (prefix.bed/.bim/.fam), SNP-major.
  static StatusOr<GenotypeMatrix> OpenPlink(const std::string& prefix);
  // VCF, VCF.gz or BCF; hard calls from GT. Converted into `scratch_directory`.
  static StatusOr<GenotypeMatrix> OpenVcf(const std::string& path, const std::string& scratch_directory);
  // Either, by file name: .vcf/.vcf.gz/.bcf, otherwise a PLINK prefix.
  static StatusOr<GenotypeMatrix> Open(const std::string& path, const std::string& scratch_directory);

  GenotypeMatrix(GenotypeMatrix&&) = default;
  GenotypeMatrix& operator=(GenotypeMatrix&&) = default;
  ~GenotypeMatrix();

  const std::string& source() const { return source_; }
  size_t variant_count() const { return variants_.size(); }
  size_t sample_count() const { return samples_.size(); }
  const std::vector<VariantRecord>& variants() const { return variants_; }
  const std::vector<SampleRecord>& samples() const { return samples_; }
  size_t bytes_per_variant() const { return bytes_per_variant_; }

  // The packed genotypes of variant `index` (bytes_per_variant() bytes).
  const uint8_t* Variant(size_t index) const {
    return reinterpret_cast<const uint8_t*>(bed_->data()) + 3 + index * bytes_per_variant_;
  }
  // Asks the kernel to read variants [first, first + count) ahead.
  void Prefetch(size_t first, size_t count) const;

 private:
  GenotypeMatrix() = default;
  static Status ReadBim(const std::string& path, std::vector<VariantRecord>& variants);
  static Status ReadFam(const std::string& path, std::vector<SampleRecord>& samples);
  Status MapBed(const std::string& path);

  std::string source_;
  std::vector<VariantRecord> variants_;
  std::vector<SampleRecord> samples_;
  size_t bytes_per_variant_ = 0;
  std::unique_ptr<MappedFile> bed_;
  std::string temporary_bed_;  // removed on destruction (VCF conversions)
};

}  // namespace medfed::genomics
