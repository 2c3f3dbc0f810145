// Re-identification risk over quasi-identifiers (El Emam, Guide to the De-Identification of
// Personal Health Information, 2013; the prosecutor model as in ARX's RiskModelSampleSummary):
// records are grouped into equivalence classes by their quasi-identifier values.
//   k            the smallest class
//   uniques      fraction of records alone in their class
//   prosecutor   highest risk 1/k; average risk = classes / records; records at risk = fraction
//                of records whose risk 1/|class| exceeds the threshold
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace medfed::privacy {

struct SampleRisk {
  uint64_t records = 0, classes = 0, k = 0;
  double uniques = 0;          // fraction of records in classes of size 1
  double highest_risk = 0;     // 1 / k
  double average_risk = 0;     // classes / records
  double records_at_risk = 0;  // fraction with 1/|class| > threshold
  double threshold = 0.2;
};

// A code per value (equal values, equal codes), for the `columns` below.
std::vector<uint32_t> ValueCodes(const std::vector<std::string>& values);

// The size of every equivalence class.
std::vector<uint64_t> EquivalenceClassSizes(const std::vector<std::vector<uint32_t>>& columns, uint64_t records);

// `columns[c][r]`: the code of record r's value in quasi-identifier c (missing is a code too).
SampleRisk ProsecutorRisk(const std::vector<std::vector<uint32_t>>& columns, uint64_t records, double threshold = 0.2);

}  // namespace medfed::privacy
