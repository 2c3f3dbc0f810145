#include "medfed/governance/resolution_book.h"

#include <chrono>

namespace medfed::governance {

StatusOr<std::unique_ptr<ResolutionBook>> ResolutionBook::Open(SqliteDatabase& database) {
  absl::MutexLock lock(&database.mutex());
  RETURN_IF_ERROR(
      database.Execute("CREATE TABLE IF NOT EXISTS resolutions ("
                       " id INTEGER PRIMARY KEY AUTOINCREMENT, study_id TEXT NOT NULL, handle TEXT NOT NULL,"
                       " resolved_by TEXT NOT NULL, reason TEXT NOT NULL, resolved_ms INTEGER NOT NULL,"
                       " reported INTEGER NOT NULL DEFAULT 0)"));
  return std::unique_ptr<ResolutionBook>(new ResolutionBook(database));
}

Status ResolutionBook::Record(const std::string& study_id, const std::string& handle, const std::string& resolved_by,
                              const std::string& reason) {
  const int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  absl::MutexLock lock(&database_.mutex());
  ASSIGN_OR_RETURN(SqliteStatement insert,
                   database_.Prepare("INSERT INTO resolutions (study_id, handle, resolved_by, reason, resolved_ms) "
                                     "VALUES (?, ?, ?, ?, ?)"));
  insert.Bind(1, study_id).Bind(2, handle).Bind(3, resolved_by).Bind(4, reason).Bind(5, now);
  return insert.Run();
}

StatusOr<std::vector<HandleResolution>> ResolutionBook::Unreported() const {
  absl::MutexLock lock(&database_.mutex());
  ASSIGN_OR_RETURN(SqliteStatement select,
                   database_.Prepare("SELECT id, study_id, handle, resolved_by, reason, resolved_ms FROM resolutions "
                                     "WHERE reported = 0 ORDER BY id"));
  std::vector<HandleResolution> resolutions;
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    resolutions.push_back(
        {select.Integer(0), select.Text(1), select.Text(2), select.Text(3), select.Text(4), select.Integer(5)});
  }
  return resolutions;
}

Status ResolutionBook::MarkReported(int64_t id) {
  absl::MutexLock lock(&database_.mutex());
  ASSIGN_OR_RETURN(SqliteStatement update, database_.Prepare("UPDATE resolutions SET reported = 1 WHERE id = ?"));
  update.Bind(1, id);
  return update.Run();
}

}  // namespace medfed::governance
