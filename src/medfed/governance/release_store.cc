#include "medfed/governance/release_store.h"

#include <bit>
#include <cstdio>
#include <cstring>

#include "medfed/crypto/sodium.h"

namespace medfed::governance {
namespace {

std::string Bitmap(const std::vector<uint32_t>& rows, uint32_t table_rows) {
  std::vector<uint64_t> words((static_cast<size_t>(table_rows) + 63) / 64, 0);
  for (uint32_t row : rows) {
    if (row < table_rows) words[row / 64] |= uint64_t{1} << (row % 64);
  }
  return std::string(reinterpret_cast<const char*>(words.data()), words.size() * sizeof(uint64_t));
}

// Reals travel as text both ways (the statement wrapper binds and reads integers, text and
// blobs); SQLite's REAL affinity stores them as doubles.
std::string RealText(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

uint64_t SymmetricDifference(const std::string& a, const std::string& b) {
  const size_t words = std::min(a.size(), b.size()) / sizeof(uint64_t);
  uint64_t difference = 0;
  for (size_t i = 0; i < words; ++i) {
    uint64_t x, y;
    std::memcpy(&x, a.data() + i * sizeof x, sizeof x);
    std::memcpy(&y, b.data() + i * sizeof y, sizeof y);
    difference += static_cast<uint64_t>(std::popcount(x ^ y));
  }
  return difference;
}

}  // namespace

StatusOr<std::unique_ptr<ReleaseStore>> ReleaseStore::Open(const std::string& path) {
  ASSIGN_OR_RETURN(auto database, SqliteDatabase::Open(path));
  absl::MutexLock lock(&database->mutex());
  RETURN_IF_ERROR(database->Execute(
      "CREATE TABLE IF NOT EXISTS privacy_spend (researcher TEXT NOT NULL, what TEXT NOT NULL, rho REAL NOT NULL, "
      "at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))"));
  RETURN_IF_ERROR(
      database->Execute("CREATE TABLE IF NOT EXISTS released_rows (researcher TEXT NOT NULL, table_key TEXT NOT NULL, "
                        "digest TEXT NOT NULL, bitmap BLOB NOT NULL, UNIQUE (researcher, table_key, digest))"));
  return std::unique_ptr<ReleaseStore>(new ReleaseStore(std::move(database)));
}

StatusOr<double> ReleaseStore::Spent(const std::string& researcher) {
  absl::MutexLock lock(&database_->mutex());
  ASSIGN_OR_RETURN(SqliteStatement query,
                   database_->Prepare("SELECT COALESCE(SUM(rho), 0) FROM privacy_spend WHERE researcher = ?"));
  query.Bind(1, researcher);
  ASSIGN_OR_RETURN(bool row, query.Step());
  return row ? std::stod(query.Text(0)) : 0.0;
}

StatusOr<ReleaseStore::Charge> ReleaseStore::ChargeBudget(const std::string& researcher, const std::string& what,
                                                          double rho, double budget) {
  absl::MutexLock lock(&database_->mutex());
  Charge charge;
  Status status = database_->Transaction([&]() -> Status {
    database_->mutex().AssertHeld();  // held around the transaction; the analysis cannot see into the lambda
    ASSIGN_OR_RETURN(SqliteStatement query,
                     database_->Prepare("SELECT COALESCE(SUM(rho), 0) FROM privacy_spend WHERE researcher = ?"));
    query.Bind(1, researcher);
    ASSIGN_OR_RETURN(bool row, query.Step());
    charge.spent_before = row ? std::stod(query.Text(0)) : 0.0;
    // A relative tolerance for the sum's rounding: a budget of exactly k releases admits k.
    if (charge.spent_before + rho > budget * (1 + 1e-9)) return absl::OkStatus();
    ASSIGN_OR_RETURN(SqliteStatement insert,
                     database_->Prepare("INSERT INTO privacy_spend (researcher, what, rho) VALUES (?, ?, ?)"));
    insert.Bind(1, researcher).Bind(2, what).Bind(3, RealText(rho));
    RETURN_IF_ERROR(insert.Run());
    charge.granted = true;
    return absl::OkStatus();
  });
  RETURN_IF_ERROR(status);
  return charge;
}

StatusOr<std::optional<uint64_t>> ReleaseStore::SmallestDifference(const std::string& researcher,
                                                                   const std::string& table_key,
                                                                   const std::vector<uint32_t>& rows,
                                                                   uint32_t table_rows) {
  const std::string bitmap = Bitmap(rows, table_rows);
  absl::MutexLock lock(&database_->mutex());
  ASSIGN_OR_RETURN(SqliteStatement query,
                   database_->Prepare("SELECT bitmap FROM released_rows WHERE researcher = ? AND table_key = ?"));
  query.Bind(1, researcher).Bind(2, table_key);
  std::optional<uint64_t> smallest;
  while (true) {
    ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    const std::string earlier = query.Blob(0);
    if (earlier.size() != bitmap.size()) continue;  // another version of the table
    const uint64_t difference = SymmetricDifference(bitmap, earlier);
    if (difference > 0 && (!smallest || difference < *smallest)) smallest = difference;
  }
  return smallest;
}

Status ReleaseStore::RecordRows(const std::string& researcher, const std::string& table_key,
                                const std::vector<uint32_t>& rows, uint32_t table_rows) {
  const std::string bitmap = Bitmap(rows, table_rows);
  absl::MutexLock lock(&database_->mutex());
  ASSIGN_OR_RETURN(SqliteStatement insert,
                   database_->Prepare("INSERT OR IGNORE INTO released_rows (researcher, table_key, digest, bitmap) "
                                      "VALUES (?, ?, ?, ?)"));
  insert.Bind(1, researcher).Bind(2, table_key).Bind(3, crypto::Sha256Hex(bitmap)).BindBlob(4, bitmap);
  return insert.Run();
}

}  // namespace medfed::governance
