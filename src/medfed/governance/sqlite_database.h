// A small RAII layer over SQLite for the daemons' state (ledger, approvals, studies): WAL
// journal, fsync on every commit (synchronous = FULL), a busy timeout so the approvals CLI and
// the site daemon can share a database, and Status errors naming the database file.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "medfed/core/status.h"

namespace medfed::governance {

class SqliteStatement {
 public:
  SqliteStatement(sqlite3_stmt* statement, std::string source) : statement_(statement), source_(std::move(source)) {}
  SqliteStatement(SqliteStatement&& other) noexcept : statement_(other.statement_), source_(std::move(other.source_)) {
    other.statement_ = nullptr;
  }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Parameters are numbered from 1, as in SQLite.
  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, std::string_view text);
  SqliteStatement& BindBlob(int index, std::string_view bytes);
  // True while there is a row; false when done.
  StatusOr<bool> Step();
  Status Run();  // steps to the end

  int64_t Integer(int column) const;
  std::string Text(int column) const;
  std::string Blob(int column) const;
  bool IsNull(int column) const;

 private:
  sqlite3_stmt* statement_;
  std::string source_;
};

class SqliteDatabase {
 public:
  // Creates the file if needed (and its directory), with mode 0600.
  static StatusOr<std::unique_ptr<SqliteDatabase>> Open(const std::string& path);
  ~SqliteDatabase();

  Status Execute(const std::string& sql) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  StatusOr<SqliteStatement> Prepare(const std::string& sql) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Runs `body` in one IMMEDIATE transaction; commits if it succeeds, else rolls back. Not
  // reentrant; callers serialise with mutex().
  Status Transaction(const std::function<Status()>& body) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const std::string& path() const { return path_; }
  // Callers hold it around each statement or transaction (a statement's steps included): one
  // connection serves the daemon's threads.
  absl::Mutex& mutex() ABSL_LOCK_RETURNED(mutex_) { return mutex_; }

 private:
  SqliteDatabase(sqlite3* handle, std::string path) : handle_(handle), path_(std::move(path)) {}
  Status Check(int code, const std::string& what) const;

  sqlite3* handle_;
  std::string path_;
  absl::Mutex mutex_;
};

}  // namespace medfed::governance
