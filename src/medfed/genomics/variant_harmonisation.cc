#include "medfed/genomics/variant_harmonisation.h"

#include <unordered_map>

#include "medfed/core/text.h"

namespace medfed::genomics {
namespace {

std::string Complement(const std::string& allele) {
  std::string out = allele;
  for (char& c : out) {
    switch (c) {
      case 'A':
        c = 'T';
        break;
      case 'T':
        c = 'A';
        break;
      case 'C':
        c = 'G';
        break;
      case 'G':
        c = 'C';
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace

std::string VariantLine(const VariantRecord& variant) {
  return variant.chrom + "\t" + std::to_string(variant.position) + "\t" + variant.id + "\t" + variant.allele1 + "\t" +
         variant.allele2;
}

StatusOr<VariantRecord> ParseVariantLine(const std::string& line) {
  std::vector<std::string> fields = SplitString(line, '\t');
  if (fields.size() != 5) return InvalidArgument("malformed variant line " + QuoteForMessage(line));
  VariantRecord variant;
  variant.chrom = fields[0];
  auto position = ParseBasePairPosition(fields[1]);
  if (!position) return InvalidArgument("malformed position in variant line " + QuoteForMessage(line));
  variant.position = *position;
  variant.id = fields[2];
  variant.allele1 = fields[3];
  variant.allele2 = fields[4];
  return variant;
}

std::string VariantKey(const VariantRecord& variant) {
  if (!variant.id.empty() && variant.id != ".") return variant.id;
  return variant.chrom + ":" + std::to_string(variant.position) + ":" + variant.allele2 + ":" + variant.allele1;
}

bool IsStrandAmbiguous(const VariantRecord& variant) {
  return variant.allele1.size() == 1 && variant.allele2.size() == 1 && Complement(variant.allele1) == variant.allele2;
}

Harmonisation HarmoniseVariants(const std::vector<std::vector<VariantRecord>>& per_site,
                                const std::vector<std::string>& site_names) {
  Harmonisation result;
  if (per_site.empty()) return result;
  std::vector<std::unordered_map<std::string, const VariantRecord*>> indexes(per_site.size());
  for (size_t s = 0; s < per_site.size(); ++s) {
    for (const auto& variant : per_site[s]) indexes[s].emplace(VariantKey(variant), &variant);
  }
  for (const auto& reference : per_site[0]) {
    const std::string key = VariantKey(reference);
    std::string problem;
    for (size_t s = 1; s < per_site.size() && problem.empty(); ++s) {
      auto found = indexes[s].find(key);
      if (found == indexes[s].end()) {
        problem = "missing at site " + site_names[s];
        continue;
      }
      const VariantRecord& other = *found->second;
      if (other.chrom != reference.chrom || other.position != reference.position) {
        problem = "position " + other.chrom + ":" + std::to_string(other.position) + " at site " + site_names[s] +
                  " vs " + reference.chrom + ":" + std::to_string(reference.position) + " at site " + site_names[0] +
                  " (another genome build?)";
        continue;
      }
      const bool same = other.allele1 == reference.allele1 && other.allele2 == reference.allele2;
      const bool swapped = other.allele1 == reference.allele2 && other.allele2 == reference.allele1;
      if (same || swapped) continue;
      const bool complement =
          (Complement(other.allele1) == reference.allele1 && Complement(other.allele2) == reference.allele2) ||
          (Complement(other.allele1) == reference.allele2 && Complement(other.allele2) == reference.allele1);
      problem = "alleles " + other.allele1 + "/" + other.allele2 + " at site " + site_names[s] + " vs " +
                reference.allele1 + "/" + reference.allele2 + " at site " + site_names[0] +
                (complement ? " (opposite strand? not guessed)" : "");
    }
    if (!problem.empty()) {
      result.left_out.push_back(key + ": " + problem);
      continue;
    }
    if (IsStrandAmbiguous(reference)) result.strand_ambiguous.push_back(key);
    result.canonical.push_back(reference);
  }
  for (size_t s = 1; s < per_site.size(); ++s) {
    for (const auto& variant : per_site[s]) {
      if (indexes[0].count(VariantKey(variant)) == 0) {
        result.left_out.push_back(VariantKey(variant) + ": missing at site " + site_names[0]);
      }
    }
  }
  return result;
}

StatusOr<SiteVariantMap> MapToCanonical(const std::vector<VariantRecord>& canonical,
                                        const std::vector<VariantRecord>& own, const std::string& site) {
  std::unordered_map<std::string, uint32_t> index;
  for (size_t i = 0; i < own.size(); ++i) index.emplace(VariantKey(own[i]), static_cast<uint32_t>(i));
  SiteVariantMap map;
  map.index.reserve(canonical.size());
  map.flipped.reserve(canonical.size());
  for (const auto& variant : canonical) {
    auto found = index.find(VariantKey(variant));
    if (found == index.end()) {
      return FailedPrecondition("site " + site + " has no variant " + VariantKey(variant));
    }
    const VariantRecord& mine = own[found->second];
    if (mine.allele1 == variant.allele1 && mine.allele2 == variant.allele2) {
      map.flipped.push_back(0);
    } else if (mine.allele1 == variant.allele2 && mine.allele2 == variant.allele1) {
      map.flipped.push_back(1);
    } else {
      return FailedPrecondition("site " + site + ": variant " + VariantKey(variant) + " has alleles " + mine.allele1 +
                                "/" + mine.allele2 + ", the study uses " + variant.allele1 + "/" + variant.allele2);
    }
    map.index.push_back(found->second);
  }
  return map;
}

}  // namespace medfed::genomics
