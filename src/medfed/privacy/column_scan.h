// What a column holds, from its header *and* its values: a role (direct identifier,
// quasi-identifier, sensitive attribute, other), the kinds detected with a confidence, a data
// category and a grade 1-5 after GB/T 39725-2020 (docs/privacy/grading.md). A column named
// `col_7` full of valid resident ID numbers is an ID column; an 11-digit lab sample number is not
// a phone; a notes column that mentions a phone number or a name is a direct identifier.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "medfed/privacy/identifier_detectors.h"

namespace medfed::privacy {

enum class ColumnRole { kDirectIdentifier, kQuasiIdentifier, kSensitive, kOther };
const char* ColumnRoleName(ColumnRole role);

struct DetectedKind {
  IdentifierKind kind;
  double confidence = 0;  // 0..1
  uint64_t values = 0;    // values that matched (or that contain it, for free text)
  bool in_text = false;   // found inside free text rather than as the whole value
};

struct ColumnScan {
  std::string name;
  ColumnRole role = ColumnRole::kOther;
  std::vector<DetectedKind> detected;  // most confident first
  std::string category;                // one of the six GB/T 39725 categories
  int grade = 2;
  double confidence = 0;  // of the role
  uint64_t values = 0, missing = 0, distinct = 0;
  std::string note;  // why, for the report
};

// `values`: the column's non-missing values as text, in row order; `missing`: how many were
// missing.
ColumnScan ScanColumn(const std::string& header, const std::vector<std::string_view>& values, uint64_t missing);

// The six categories of GB/T 39725-2020 §6.1, as report names.
const char* GradeDescription(int grade);

}  // namespace medfed::privacy
