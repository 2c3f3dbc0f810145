#include "medfed/governance/sqlite_database.h"

#include <sys/stat.h>

#include <filesystem>

#include "medfed/core/file.h"
#include "medfed/core/secret_file.h"

namespace medfed::governance {

SqliteStatement::~SqliteStatement() { sqlite3_finalize(statement_); }

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(statement_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

StatusOr<bool> SqliteStatement::Step() {
  const int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  return DataLoss(source_ + ": " + sqlite3_errmsg(sqlite3_db_handle(statement_)));
}

Status SqliteStatement::Run() {
  while (true) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return absl::OkStatus();
  }
}

int64_t SqliteStatement::Integer(int column) const { return sqlite3_column_int64(statement_, column); }

std::string SqliteStatement::Text(int column) const {
  const auto* text = sqlite3_column_text(statement_, column);
  return text == nullptr ? std::string()
                         : std::string(reinterpret_cast<const char*>(text),
                                       static_cast<size_t>(sqlite3_column_bytes(statement_, column)));
}

std::string SqliteStatement::Blob(int column) const {
  const void* data = sqlite3_column_blob(statement_, column);
  return data == nullptr ? std::string()
                         : std::string(static_cast<const char*>(data),
                                       static_cast<size_t>(sqlite3_column_bytes(statement_, column)));
}

bool SqliteStatement::IsNull(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

StatusOr<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(const std::string& path) {
  std::filesystem::path file(path);
  // The state directory holds the ledger, approvals and the WAL files SQLite creates beside the
  // database under the umask: made 0700, so that nobody else reads any of them.
  if (file.has_parent_path()) RETURN_IF_ERROR(MakePrivateDirectory(file.parent_path().string()));
  sqlite3* handle = nullptr;
  const int code = sqlite3_open_v2(path.c_str(), &handle,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (code != SQLITE_OK) {
    std::string message = handle != nullptr ? sqlite3_errmsg(handle) : "out of memory";
    sqlite3_close(handle);
    return Unavailable(path + ": cannot open the database (" + message + ")");
  }
  ::chmod(path.c_str(), 0600);
  std::unique_ptr<SqliteDatabase> database(new SqliteDatabase(handle, path));
  sqlite3_busy_timeout(handle, 10000);
  {
    absl::MutexLock lock(&database->mutex_);  // not shared yet; the lock keeps the rule simple
    RETURN_IF_ERROR(database->Execute("PRAGMA journal_mode = WAL"));
    RETURN_IF_ERROR(database->Execute("PRAGMA synchronous = FULL"));
    RETURN_IF_ERROR(database->Execute("PRAGMA foreign_keys = ON"));
  }
  return database;
}

SqliteDatabase::~SqliteDatabase() { sqlite3_close_v2(handle_); }

Status SqliteDatabase::Check(int code, const std::string& what) const {
  if (code == SQLITE_OK || code == SQLITE_DONE || code == SQLITE_ROW) return absl::OkStatus();
  return DataLoss(path_ + ": " + what + ": " + sqlite3_errmsg(handle_));
}

Status SqliteDatabase::Execute(const std::string& sql) {
  char* error = nullptr;
  const int code = sqlite3_exec(handle_, sql.c_str(), nullptr, nullptr, &error);
  if (code != SQLITE_OK) {
    std::string message = error != nullptr ? error : sqlite3_errstr(code);
    sqlite3_free(error);
    return DataLoss(path_ + ": " + message);
  }
  return absl::OkStatus();
}

StatusOr<SqliteStatement> SqliteDatabase::Prepare(const std::string& sql) {
  sqlite3_stmt* statement = nullptr;
  RETURN_IF_ERROR(Check(sqlite3_prepare_v2(handle_, sql.c_str(), -1, &statement, nullptr), "preparing a query"));
  return SqliteStatement(statement, path_);
}

Status SqliteDatabase::Transaction(const std::function<Status()>& body) {
  RETURN_IF_ERROR(Execute("BEGIN IMMEDIATE"));
  Status status = body();
  if (!status.ok()) {
    (void)Execute("ROLLBACK");
    return status;
  }
  return Execute("COMMIT");
}

}  // namespace medfed::governance
