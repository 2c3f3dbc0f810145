// A site's record of the phenotype_match handles its stewards resolved to a patient
// (`medfed site resolve`): who, when, why, for which query. The site daemon reports each to the
// hub, which writes it into the ledger every site holds, so a resolution is never silent.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/governance/sqlite_database.h"

namespace medfed::governance {

struct HandleResolution {
  int64_t id = 0;  // the row, for reporting
  std::string study_id, handle, resolved_by, reason;
  int64_t resolved_ms = 0;
};

class ResolutionBook {
 public:
  static StatusOr<std::unique_ptr<ResolutionBook>> Open(SqliteDatabase& database);

  Status Record(const std::string& study_id, const std::string& handle, const std::string& resolved_by,
                const std::string& reason);
  StatusOr<std::vector<HandleResolution>> Unreported() const;
  Status MarkReported(int64_t id);

 private:
  explicit ResolutionBook(SqliteDatabase& database) : database_(database) {}
  SqliteDatabase& database_;
};

}  // namespace medfed::governance
