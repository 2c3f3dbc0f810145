#include "medfed/genomics/genotype_matrix.h"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <set>

#include "medfed/core/text.h"
#include "medfed/core/utf8.h"

namespace medfed::genomics {
namespace {

// Whitespace-separated fields of one line.
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

// Calls `line_handler(line_number, fields)` for every non-empty line of a text file.
template <typename Handler>
Status ForEachLine(const std::string& path, Handler handler) {
  ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  std::string_view text = file.view();
  uint64_t line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++line_number;
    std::vector<std::string_view> fields = Fields(text.substr(start, end - start));
    if (!fields.empty()) RETURN_IF_ERROR(handler(line_number, fields));
    start = end + 1;
  }
  return absl::OkStatus();
}

}  // namespace

std::optional<int64_t> ParseBasePairPosition(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value > 2147483646) return std::nullopt;
  return value;
}

GenotypeMatrix::~GenotypeMatrix() {
  if (!temporary_bed_.empty()) ::unlink(temporary_bed_.c_str());
}

Status GenotypeMatrix::ReadBim(const std::string& path, std::vector<VariantRecord>& variants) {
  return ForEachLine(path, [&](uint64_t line, const std::vector<std::string_view>& fields) -> Status {
    const std::string where = path + ":" + std::to_string(line) + ": ";
    if (fields.size() != 6) {
      return InvalidArgument(where +
                             "a .bim line has 6 fields (chromosome, id, cM, position, allele 1, allele 2), found " +
                             std::to_string(fields.size()));
    }
    for (size_t f = 0; f < fields.size(); ++f) {
      if (!IsValidUtf8(fields[f])) {
        return InvalidArgument(where + "field " + std::to_string(f + 1) + " is not valid UTF-8; the .bim is damaged");
      }
    }
    VariantRecord variant;
    variant.chrom = std::string(fields[0]);
    variant.id = std::string(fields[1]);
    auto position = ParseBasePairPosition(fields[3]);
    if (!position) {
      return InvalidArgument(where + "position " + QuoteForMessage(fields[3]) +
                             " is not a base-pair position (a whole number from 0 to 2147483646, digits only)");
    }
    variant.position = *position;
    double centimorgans = 0;
    const auto cm = std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), centimorgans);
    if (cm.ec != std::errc() || cm.ptr != fields[2].data() + fields[2].size()) {
      return InvalidArgument(where + "genetic distance " + QuoteForMessage(fields[2]) +
                             " is not a number (write 0 if unknown)");
    }
    variant.allele1 = std::string(fields[4]);
    variant.allele2 = std::string(fields[5]);
    variants.push_back(std::move(variant));
    return absl::OkStatus();
  });
}

Status GenotypeMatrix::ReadFam(const std::string& path, std::vector<SampleRecord>& samples) {
  std::set<std::string> seen;
  return ForEachLine(path, [&](uint64_t line, const std::vector<std::string_view>& fields) -> Status {
    if (fields.size() != 6) {
      return InvalidArgument(path + ":" + std::to_string(line) +
                             ": a .fam line has 6 fields (family, sample, father, mother, sex, phenotype), found " +
                             std::to_string(fields.size()));
    }
    SampleRecord sample;
    sample.family_id = std::string(fields[0]);
    sample.id = std::string(fields[1]);
    sample.founder = fields[2] == "0" && fields[3] == "0";
    if (!seen.insert(sample.id).second) {
      return InvalidArgument(path + ":" + std::to_string(line) + ": sample id " + QuoteForMessage(sample.id) +
                             " appears twice; sample ids must be unique");
    }
    samples.push_back(std::move(sample));
    return absl::OkStatus();
  });
}

Status GenotypeMatrix::MapBed(const std::string& path) {
  ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  bed_ = std::make_unique<MappedFile>(std::move(file));
  bytes_per_variant_ = (samples_.size() + 3) / 4;
  const auto* bytes = reinterpret_cast<const uint8_t*>(bed_->data());
  if (bed_->size() < 3 || bytes[0] != 0x6c || bytes[1] != 0x1b) {
    return InvalidArgument(path + ": not a PLINK 1 .bed file (the first two bytes must be 0x6c 0x1b)");
  }
  if (bytes[2] != 0x01) {
    return InvalidArgument(path + ": the .bed is individual-major; rewrite it SNP-major (plink --make-bed)");
  }
  const uint64_t expected = 3 + static_cast<uint64_t>(variants_.size()) * bytes_per_variant_;
  if (bed_->size() < expected) {
    return DataLoss(path + ": truncated: " + std::to_string(variants_.size()) + " variants x " +
                    std::to_string(samples_.size()) + " samples (from the .bim and .fam) need " +
                    std::to_string(expected) + " bytes, the file has " + std::to_string(bed_->size()) +
                    "; the file is incomplete or the .bim/.fam belong to another fileset");
  }
  if (bed_->size() > expected) {
    return InvalidArgument(path + ": has " + std::to_string(bed_->size()) + " bytes but " +
                           std::to_string(variants_.size()) + " variants x " + std::to_string(samples_.size()) +
                           " samples need " + std::to_string(expected) +
                           "; the .bim or .fam does not belong to this .bed (check the prefix)");
  }
  return absl::OkStatus();
}

StatusOr<GenotypeMatrix> GenotypeMatrix::OpenPlink(const std::string& prefix) {
  GenotypeMatrix matrix;
  matrix.source_ = prefix;
  for (const char* extension : {".bed", ".bim", ".fam"}) {
    if (!FileExists(prefix + extension)) {
      return NotFound(prefix + extension +
                      ": not found; a PLINK fileset needs .bed, .bim and .fam with the same prefix");
    }
  }
  RETURN_IF_ERROR(ReadBim(prefix + ".bim", matrix.variants_));
  RETURN_IF_ERROR(ReadFam(prefix + ".fam", matrix.samples_));
  RETURN_IF_ERROR(matrix.MapBed(prefix + ".bed"));
  return matrix;
}

StatusOr<GenotypeMatrix> GenotypeMatrix::Open(const std::string& path, const std::string& scratch_directory) {
  if (EndsWith(path, ".vcf") || EndsWith(path, ".vcf.gz") || EndsWith(path, ".bcf")) {
    return OpenVcf(path, scratch_directory);
  }
  return OpenPlink(path);
}

void GenotypeMatrix::Prefetch(size_t first, size_t count) const {
  bed_->AdviseWillNeed(3 + first * bytes_per_variant_, count * bytes_per_variant_);
}

}  // namespace medfed::genomics
