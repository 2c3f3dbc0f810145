// `where` expressions and formulas as a researcher writes them: parse, deparse, and evaluate
// against a small table with a numeric, a text and a logical column.
#include <cstddef>
#include <cstdint>
#include <string>

#include "medfed/table/csv_reader.h"
#include "medfed/table/evaluator.h"
#include "medfed/table/expression.h"
#include "medfed/table/formula.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const medfed::table::Table table =
      *medfed::table::ParseCsv("age,sex,ok,time\n50,F,TRUE,3\n61,M,FALSE,\n,F,TRUE,7\n", "fuzz.csv");
  const std::string source(reinterpret_cast<const char*>(data), size);
  auto expression = medfed::table::ParseExpression(source, "where");
  if (expression.ok()) {
    (void)expression->Deparse();
    (void)medfed::table::SelectRows(source, table);
  }
  auto formula = medfed::table::ParseFormula(source);
  if (formula.ok()) {
    for (const auto& term : formula->terms) (void)term.label;
  }
  return 0;
}
