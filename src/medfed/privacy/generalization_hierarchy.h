// Generalization hierarchies for quasi-identifiers (Sweeney 2002; ARX's "backbone"): level 0 is a
// value as recorded (normalised), each higher level is coarser, and the last level is "*". A
// value a hierarchy cannot read becomes "*" above level 0; a missing value stays missing below
// the top. Built-in hierarchies cover the kinds the scan detects; a mapping table (one row per
// value, one column per level, as ARX's hierarchy files) covers anything else.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medfed::privacy {

struct GeneralizationHierarchy {
  std::string name;                      // "date", "age", ... or the mapping's source
  std::vector<std::string> level_names;  // level_names[0] is the value itself; the last is "*"
  std::function<std::string(std::string_view value, int level)> generalize;

  int top() const { return static_cast<int>(level_names.size()) - 1; }
  // The level called `name` ("year", "5-year", ...) or given as a number ("2").
  std::optional<int> FindLevel(std::string_view name) const;
  std::string DescribeLevels() const;  // "day, month, year, ..." for error messages
};

// day (YYYY-MM-DD, whatever format it was written in), month, year, 5-year, decade, *.
GeneralizationHierarchy DateHierarchy();
// year (ages above 89 as "90+", HIPAA Safe Harbor), 5-year bands, 10-year bands, 20-year bands, *.
GeneralizationHierarchy AgeHierarchy();
// 6-digit Chinese postal code: 6, 4, 3, 2 leading digits kept ("3100**"), *.
GeneralizationHierarchy PostalCodeHierarchy();
// Chinese address: as written, district, city, province, *. "浙江省杭州市西湖区人民路270号" →
// "浙江省杭州市西湖区" → "浙江省杭州市" → "浙江省".
GeneralizationHierarchy AddressHierarchy();
// 汉族 / 少数民族 / *.
GeneralizationHierarchy EthnicityHierarchy();
// value, *.
GeneralizationHierarchy CategoricalHierarchy();
// One row per value: rows[value] = {level 1, level 2, ...}; every row has the same length.
// Values without a row become "*" above level 0.
GeneralizationHierarchy MappingHierarchy(std::string source, std::map<std::string, std::vector<std::string>> rows);

// The administrative prefix of a Chinese address; empty parts when absent.
struct AddressParts {
  std::string province, city, district;
};
AddressParts ParseAddressPrefix(std::string_view address);

}  // namespace medfed::privacy
