// A count that a result shows on the side (rows left out for missing values, cases outside the
// age groups): like a table cell, a value 1..min_cell_count-1 is not released, since it counts
// a handful of identifiable patients (docs/privacy/disclosure-control.md).
#pragma once

#include <string>

#include "medfed/analysis/engine/analysis.h"

namespace medfed::analysis {

// The count as JSON, or null when 0 < count < min_cell_count.
Json ReleasedCount(double count, int min_cell_count);

// "12", "0", or "withheld" for a withheld count (null).
std::string ReleasedCountText(const Json& count);

// A result's number for printing: NaN (printed "NA") where the result holds null (withheld,
// aliased, not estimable) or nothing.
double NumberOrNan(const Json& value);

}  // namespace medfed::analysis
