// Agreeing on one variant list across sites.
//
// Variants are matched by ID (a missing ID "." becomes chrom:pos:allele2:allele1). The first
// site's allele order is the reference: a site that lists the same two alleles in the other
// order is flipped (its allele-1 and allele-2 counts swap); a variant whose alleles differ (or
// are the strand complement, which would be a guess) is left out and reported; A/T and C/G
// variants, whose strand cannot be checked from the alleles, are kept and reported.
// Only variants present at every site are analysed.
#pragma once

#include <string>
#include <vector>

#include "medfed/genomics/genotype_matrix.h"

namespace medfed::genomics {

// One line per variant for exchange: chrom, pos, id, allele1, allele2 separated by tabs.
std::string VariantLine(const VariantRecord& variant);
StatusOr<VariantRecord> ParseVariantLine(const std::string& line);
std::string VariantKey(const VariantRecord& variant);
bool IsStrandAmbiguous(const VariantRecord& variant);

struct Harmonisation {
  std::vector<VariantRecord> canonical;       // in the first site's order
  std::vector<std::string> left_out;          // "id: reason"
  std::vector<std::string> strand_ambiguous;  // ids kept but unverifiable
};

Harmonisation HarmoniseVariants(const std::vector<std::vector<VariantRecord>>& per_site,
                                const std::vector<std::string>& site_names);

// A site's view of the canonical list: its own index of each canonical variant and whether its
// alleles are swapped. Fails when a canonical variant is missing or has other alleles.
struct SiteVariantMap {
  std::vector<uint32_t> index;
  std::vector<uint8_t> flipped;
};
StatusOr<SiteVariantMap> MapToCanonical(const std::vector<VariantRecord>& canonical,
                                        const std::vector<VariantRecord>& own, const std::string& site);

}  // namespace medfed::genomics
