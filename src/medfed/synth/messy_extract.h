// A seeded, deliberately messy hospital cancer-registry extract, as a data officer meets one
// before connecting it to the network: Chinese headers, names, resident ID numbers (one column
// under a meaningless header), phones and addresses, birth dates in mixed formats, ethnicity and
// occupation, ICD-10 diagnoses (a few special diseases), lab sample numbers that look like phone
// numbers, and free-text notes that now and then mention a name or a phone. For `medfed scan`
// (and de-identification) in the demo and the tests; every planted identifier is known.
#pragma once

#include <cstdint>
#include <string>

namespace medfed::synth {

struct MessyExtractOptions {
  uint64_t seed = 20240801;
  size_t rows = 2000;
};

// The CSV text (UTF-8, header line). Columns:
//   登记号, 姓名, 性别, 出生日期, 身份证号, 联系电话, 现住址, 民族, 职业, 邮编, 诊断日期,
//   ICD10, 诊断名称, 分期, 样本号, col_7 (resident IDs again), 备注
std::string GenerateMessyExtract(const MessyExtractOptions& options);

}  // namespace medfed::synth
