#include "medfed/privacy/reidentification_risk.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace medfed::privacy {

std::vector<uint32_t> ValueCodes(const std::vector<std::string>& values) {
  std::unordered_map<std::string_view, uint32_t> codes;
  std::vector<uint32_t> coded(values.size());
  for (size_t r = 0; r < values.size(); ++r) {
    coded[r] = codes.emplace(values[r], static_cast<uint32_t>(codes.size())).first->second;
  }
  return coded;
}

// Classes are found by sorting record indices on their codes: no string keys, O(n log n).
std::vector<uint64_t> EquivalenceClassSizes(const std::vector<std::vector<uint32_t>>& columns, uint64_t records) {
  std::vector<uint32_t> order(records);
  for (uint32_t r = 0; r < records; ++r) order[r] = r;
  auto less = [&](uint32_t a, uint32_t b) {
    for (const auto& column : columns) {
      if (column[a] != column[b]) return column[a] < column[b];
    }
    return false;
  };
  std::sort(order.begin(), order.end(), less);
  std::vector<uint64_t> sizes;
  for (uint64_t i = 0; i < records;) {
    uint64_t j = i + 1;
    while (j < records && !less(order[i], order[j])) ++j;
    sizes.push_back(j - i);
    i = j;
  }
  return sizes;
}

SampleRisk ProsecutorRisk(const std::vector<std::vector<uint32_t>>& columns, uint64_t records, double threshold) {
  SampleRisk risk;
  risk.records = records;
  risk.threshold = threshold;
  if (records == 0) return risk;
  const std::vector<uint64_t> sizes = EquivalenceClassSizes(columns, records);
  risk.classes = sizes.size();
  risk.k = *std::min_element(sizes.begin(), sizes.end());
  uint64_t unique = 0, at_risk = 0;
  for (uint64_t size : sizes) {
    if (size == 1) ++unique;
    if (1.0 / static_cast<double>(size) > threshold) at_risk += size;
  }
  const auto n = static_cast<double>(records);
  risk.uniques = static_cast<double>(unique) / n;
  risk.highest_risk = 1.0 / static_cast<double>(risk.k);
  risk.average_risk = static_cast<double>(risk.classes) / n;
  risk.records_at_risk = static_cast<double>(at_risk) / n;
  return risk;
}

}  // namespace medfed::privacy
