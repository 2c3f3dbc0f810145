// A PLINK 1 fileset from arbitrary bytes: the input is split at the first two 0xFF 0xFE
// markers into .bim, .fam and .bed, written to a private temporary directory, opened, and every
// variant decoded.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "medfed/core/file.h"
#include "medfed/genomics/genotype_counts.h"
#include "medfed/genomics/genotype_matrix.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string prefix = [] {
    const auto directory = std::filesystem::temp_directory_path() / ("medfed_fuzz_plink_" + std::to_string(::getpid()));
    std::filesystem::create_directories(directory);
    return (directory / "set").string();
  }();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string parts[3];
  for (int part = 0; part < 3; ++part) {
    const size_t marker = part < 2 ? input.find("\xFF\xFE") : std::string_view::npos;
    parts[part] = std::string(input.substr(0, marker));
    input = marker == std::string_view::npos ? std::string_view() : input.substr(marker + 2);
  }
  if (!medfed::WriteFileAtomically(prefix + ".bim", parts[0]).ok() ||
      !medfed::WriteFileAtomically(prefix + ".fam", parts[1]).ok() ||
      !medfed::WriteFileAtomically(prefix + ".bed", parts[2]).ok()) {
    return 0;
  }
  auto matrix = medfed::genomics::GenotypeMatrix::OpenPlink(prefix);
  if (!matrix.ok()) return 0;
  std::vector<uint32_t> samples(matrix->sample_count());
  for (uint32_t s = 0; s < samples.size(); ++s) samples[s] = s;
  std::vector<int8_t> dosages;
  for (size_t v = 0; v < matrix->variant_count(); ++v) {
    medfed::genomics::ExtractDosages(matrix->Variant(v), samples, dosages);
  }
  return 0;
}
