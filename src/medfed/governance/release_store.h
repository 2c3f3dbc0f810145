// What a site has released to each researcher, kept in the site's own state and nowhere else
// (SQLite, fsync on every commit): the privacy budget spent (zCDP rho, privacy/
// differential_privacy.h) and the row sets behind earlier releases, for the differencing guard.
//
// Row sets are bitmaps over the rows of one version of a table (the key names the table and the
// SHA-256 of its file), so a set of a million rows takes 125 KB and is compared with every
// earlier set of the same researcher and table version in one pass of 64-bit words.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "medfed/core/status.h"
#include "medfed/governance/sqlite_database.h"

namespace medfed::governance {

class ReleaseStore {
 public:
  // `path` is the database file, or ":memory:" for state that lasts as long as the process
  // (the embedded default, where the researcher holds every site's files anyway).
  static StatusOr<std::unique_ptr<ReleaseStore>> Open(const std::string& path);

  // rho spent by `researcher` at this site so far.
  StatusOr<double> Spent(const std::string& researcher);

  struct Charge {
    bool granted = false;
    double spent_before = 0;  // rho
  };
  // Adds `rho` to the researcher's spend if the total stays within `budget`, atomically; the
  // `what` text ("study S analysis A") is kept with it.
  StatusOr<Charge> ChargeBudget(const std::string& researcher, const std::string& what, double rho, double budget);

  // The smallest symmetric difference, in rows, between `rows` (sorted row numbers of a table
  // of `table_rows` rows) and any earlier release to `researcher` from the same table version
  // that is not identical to it; nullopt when there is none.
  StatusOr<std::optional<uint64_t>> SmallestDifference(const std::string& researcher, const std::string& table_key,
                                                       const std::vector<uint32_t>& rows, uint32_t table_rows);
  // Remembers a released row set (an identical one is kept once).
  Status RecordRows(const std::string& researcher, const std::string& table_key, const std::vector<uint32_t>& rows,
                    uint32_t table_rows);

 private:
  explicit ReleaseStore(std::unique_ptr<SqliteDatabase> database) : database_(std::move(database)) {}
  std::unique_ptr<SqliteDatabase> database_;  // its mutex() serialises each read-compare-write
};

}  // namespace medfed::governance
