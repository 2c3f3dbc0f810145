// A de-identification policy file (TOML) for `medfed deid --policy`. Everything has a default
// (privacy/deidentification.h: DeidPolicy::Default()); unknown keys are errors naming the line.
//
//   k = 5
//   suppression_limit = 0.05           # fraction of rows that may be suppressed
//
//   [kinds]                            # by the kind the scan detects (see `medfed scan`)
//   date = { action = "generalize", level = "month" }
//   medical_record_number = "drop"
//
//   [columns]                          # by column name; wins over [kinds]
//   "备注" = "mask"
//   "职业" = "drop"
//   education = { action = "generalize", level = "1", hierarchy = "education.csv" }
//
// Actions: keep, drop, pseudonym, generalize, mask. A hierarchy file has one row per value and
// one column per level above it (value,level1,level2,...; ',' or ';' separated, as ARX writes
// them), relative to the policy file.
#pragma once

#include <string>

#include "medfed/core/status.h"
#include "medfed/privacy/deidentification.h"

namespace medfed::governance {

StatusOr<privacy::DeidPolicy> LoadDeidPolicyFile(const std::string& path);
StatusOr<privacy::DeidPolicy> ParseDeidPolicy(const std::string& text, const std::string& source);

}  // namespace medfed::governance
