// VCF/BCF input through htslib: hard calls from GT, converted into the .bed encoding in a
// temporary file so that every later pass maps it like a PLINK fileset.
#include <htslib/hts.h>
#include <htslib/vcf.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "medfed/core/text.h"
#include "medfed/genomics/genotype_matrix.h"

namespace medfed::genomics {

StatusOr<GenotypeMatrix> GenotypeMatrix::OpenVcf(const std::string& path, const std::string& scratch_directory) {
  htsFile* file = hts_open(path.c_str(), "r");
  if (file == nullptr) return NotFound(path + ": cannot open (not found or not VCF/BCF)");
  bcf_hdr_t* header = bcf_hdr_read(file);
  if (header == nullptr) {
    hts_close(file);
    return InvalidArgument(path + ": cannot read the VCF header");
  }
  auto cleanup = [&] {
    bcf_hdr_destroy(header);
    hts_close(file);
  };
  if (bcf_hdr_id2int(header, BCF_DT_ID, "GT") < 0) {
    cleanup();
    return InvalidArgument(path + ": the VCF has no GT FORMAT field; medfed needs hard genotype calls");
  }
  GenotypeMatrix matrix;
  matrix.source_ = path;
  const int samples = bcf_hdr_nsamples(header);
  for (int s = 0; s < samples; ++s) {
    SampleRecord sample;
    sample.id = header->samples[s];
    sample.family_id = sample.id;
    matrix.samples_.push_back(std::move(sample));
  }
  matrix.bytes_per_variant_ = (static_cast<size_t>(samples) + 3) / 4;

  MakeDirectories(scratch_directory).IgnoreError();
  std::string temporary = scratch_directory + "/medfed-vcf-" + std::to_string(::getpid()) + "-" +
                          std::to_string(reinterpret_cast<uintptr_t>(&matrix)) + ".bed";
  FILE* out = std::fopen(temporary.c_str(), "wb");
  if (out == nullptr) {
    cleanup();
    return PermissionDenied(temporary + ": cannot create the converted genotype file");
  }
  matrix.temporary_bed_ = temporary;
  const uint8_t magic[3] = {0x6c, 0x1b, 0x01};
  std::fwrite(magic, 1, 3, out);
  std::vector<uint8_t> packed(matrix.bytes_per_variant_);
  bcf1_t* record = bcf_init();
  int32_t* genotypes = nullptr;
  int genotype_capacity = 0;
  size_t skipped = 0;
  Status status;
  while (bcf_read(file, header, record) == 0) {
    bcf_unpack(record, BCF_UN_STR);
    if (record->n_allele != 2) {
      ++skipped;  // multi-allelic or monomorphic site: not a biallelic SNP test
      continue;
    }
    int values = bcf_get_genotypes(header, record, &genotypes, &genotype_capacity);
    if (values < 0) {
      status = InvalidArgument(path + ": variant at " + bcf_hdr_id2name(header, record->rid) + ":" +
                               std::to_string(record->pos + 1) + " has no GT values");
      break;
    }
    const int ploidy = values / samples;
    std::fill(packed.begin(), packed.end(), 0);
    for (int s = 0; s < samples; ++s) {
      int alt = 0, called = 0;
      for (int k = 0; k < ploidy; ++k) {
        int32_t allele = genotypes[s * ploidy + k];
        if (allele == bcf_int32_vector_end) break;
        if (bcf_gt_is_missing(allele)) continue;
        ++called;
        alt += bcf_gt_allele(allele) == 1 ? 1 : 0;
      }
      uint8_t code;
      if (called == 0) {
        code = 1;  // missing
      } else if (called == 1) {
        code = alt ? 0 : 3;  // haploid call: homozygous
      } else {
        code = alt == 0 ? 3 : (alt == 1 ? 2 : 0);  // allele 1 = ALT
      }
      packed[static_cast<size_t>(s) / 4] |= static_cast<uint8_t>(code << (2 * (s % 4)));
    }
    std::fwrite(packed.data(), 1, packed.size(), out);
    VariantRecord variant;
    variant.chrom = bcf_hdr_id2name(header, record->rid);
    variant.position = record->pos + 1;
    variant.allele2 = record->d.allele[0];
    variant.allele1 = record->d.allele[1];
    variant.id =
        record->d.id != nullptr && std::string(record->d.id) != "."
            ? std::string(record->d.id)
            : variant.chrom + ":" + std::to_string(variant.position) + ":" + variant.allele2 + ":" + variant.allele1;
    matrix.variants_.push_back(std::move(variant));
  }
  free(genotypes);
  bcf_destroy(record);
  cleanup();
  if (std::fclose(out) != 0 && status.ok()) status = DataLoss(temporary + ": write failed");
  RETURN_IF_ERROR(status);
  if (skipped > 0) {
    std::fprintf(stderr, "medfed: %s: %zu non-biallelic records skipped\n", path.c_str(), skipped);
  }
  RETURN_IF_ERROR(matrix.MapBed(temporary));
  return matrix;
}

}  // namespace medfed::genomics
