// The CSV reader on arbitrary bytes, with type inference and as all-text (deid and scan).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "medfed/table/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto inferred = medfed::table::ParseCsv(text, "fuzz.csv");
  if (inferred.ok()) {
    for (size_t c = 0; c < inferred->columns().size(); ++c) (void)inferred->columns()[c];
  }
  medfed::table::CsvOptions all_text;
  all_text.all_text = true;
  (void)medfed::table::ParseCsv(text, "fuzz.csv", all_text);
  medfed::table::CsvOptions semicolons;
  semicolons.delimiter = ';';
  (void)medfed::table::ParseCsv(text, "fuzz.csv", semicolons);
  return 0;
}
