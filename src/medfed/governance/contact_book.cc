#include "medfed/governance/contact_book.h"

#include <chrono>

#include "medfed/core/text.h"

namespace medfed::governance {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Field names are short words (checked where requests are read), so a comma joins them.
std::string JoinFields(const std::vector<std::string>& fields) {
  std::string joined;
  for (const auto& field : fields) joined += (joined.empty() ? "" : ",") + field;
  return joined;
}

std::vector<std::string> SplitFields(const std::string& joined) {
  std::vector<std::string> fields;
  if (!joined.empty()) fields = SplitString(joined, ',');
  return fields;
}

constexpr char kColumns[] =
    "request_id, study_id, site, researcher, handle, fields, reason, signed_request, researcher_certificate, state, "
    "decided_by, decision_reason, released_fields, answer, answer_certificate, received_ms, decided_ms, reported";

}  // namespace

StatusOr<std::unique_ptr<ContactBook>> ContactBook::Open(SqliteDatabase& database) {
  absl::MutexLock lock(&database.mutex());
  RETURN_IF_ERROR(database.Execute(
      "CREATE TABLE IF NOT EXISTS contacts ("
      " request_id TEXT PRIMARY KEY, study_id TEXT NOT NULL, site TEXT NOT NULL, researcher TEXT NOT NULL,"
      " handle TEXT NOT NULL, fields TEXT NOT NULL, reason TEXT NOT NULL, signed_request BLOB NOT NULL,"
      " researcher_certificate TEXT NOT NULL, state TEXT NOT NULL, decided_by TEXT NOT NULL DEFAULT '',"
      " decision_reason TEXT NOT NULL DEFAULT '', released_fields TEXT NOT NULL DEFAULT '',"
      " answer BLOB NOT NULL DEFAULT x'', answer_certificate TEXT NOT NULL DEFAULT '', received_ms INTEGER NOT NULL,"
      " decided_ms INTEGER NOT NULL DEFAULT 0, reported INTEGER NOT NULL DEFAULT 0)"));
  return std::unique_ptr<ContactBook>(new ContactBook(database));
}

StatusOr<std::vector<ContactRecord>> ContactBook::Select(const std::string& where, const std::string& parameter) const {
  absl::MutexLock lock(&database_.mutex());
  ASSIGN_OR_RETURN(SqliteStatement select, database_.Prepare(std::string("SELECT ") + kColumns + " FROM contacts " +
                                                             where + " ORDER BY received_ms, request_id"));
  if (!parameter.empty()) select.Bind(1, parameter);
  std::vector<ContactRecord> records;
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    ContactRecord record;
    record.request_id = select.Text(0);
    record.study_id = select.Text(1);
    record.site = select.Text(2);
    record.researcher = select.Text(3);
    record.handle = select.Text(4);
    record.fields = SplitFields(select.Text(5));
    record.reason = select.Text(6);
    record.signed_request = select.Blob(7);
    record.researcher_certificate = select.Text(8);
    record.state = ParseApprovalState(select.Text(9));
    record.decided_by = select.Text(10);
    record.decision_reason = select.Text(11);
    record.released_fields = SplitFields(select.Text(12));
    record.answer = select.Blob(13);
    record.answer_certificate = select.Text(14);
    record.received_ms = select.Integer(15);
    record.decided_ms = select.Integer(16);
    record.reported = select.Integer(17) != 0;
    records.push_back(std::move(record));
  }
  return records;
}

StatusOr<ContactRecord> ContactBook::Receive(ContactRecord request, bool* added) {
  if (added != nullptr) *added = false;
  ASSIGN_OR_RETURN(auto existing, Get(request.request_id));
  if (existing) return *std::move(existing);
  request.state = ApprovalState::kPending;
  request.received_ms = NowMs();
  {
    absl::MutexLock lock(&database_.mutex());
    ASSIGN_OR_RETURN(SqliteStatement insert,
                     database_.Prepare("INSERT OR IGNORE INTO contacts (request_id, study_id, site, researcher, "
                                       "handle, fields, reason, signed_request, researcher_certificate, state, "
                                       "received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)"));
    insert.Bind(1, request.request_id)
        .Bind(2, request.study_id)
        .Bind(3, request.site)
        .Bind(4, request.researcher)
        .Bind(5, request.handle)
        .Bind(6, JoinFields(request.fields))
        .Bind(7, request.reason)
        .BindBlob(8, request.signed_request)
        .Bind(9, request.researcher_certificate)
        .Bind(10, request.received_ms);
    RETURN_IF_ERROR(insert.Run());
  }
  ASSIGN_OR_RETURN(auto stored, Get(request.request_id));
  if (!stored) return Internal("contact request " + request.request_id + " was not stored");
  if (added != nullptr) *added = stored->received_ms == request.received_ms;
  return *std::move(stored);
}

StatusOr<ContactRecord> ContactBook::Decide(const std::string& request_id, bool approve, const std::string& by,
                                            const std::string& reason, const std::vector<std::string>& released_fields,
                                            const std::string& answer, const std::string& answer_certificate) {
  {
    absl::MutexLock lock(&database_.mutex());
    ASSIGN_OR_RETURN(SqliteStatement update,
                     database_.Prepare("UPDATE contacts SET state = ?, decided_by = ?, decision_reason = ?, "
                                       "released_fields = ?, answer = ?, answer_certificate = ?, decided_ms = ? "
                                       "WHERE request_id = ? AND state = 'pending'"));
    update.Bind(1, ApprovalStateName(approve ? ApprovalState::kApproved : ApprovalState::kDenied))
        .Bind(2, by)
        .Bind(3, reason)
        .Bind(4, JoinFields(approve ? released_fields : std::vector<std::string>()))
        .BindBlob(5, answer)
        .Bind(6, answer_certificate)
        .Bind(7, NowMs())
        .Bind(8, request_id);
    RETURN_IF_ERROR(update.Run());
  }
  ASSIGN_OR_RETURN(auto stored, Get(request_id));
  if (!stored) return NotFound("no contact request " + request_id + "; `list` shows them");
  return *std::move(stored);
}

StatusOr<std::optional<ContactRecord>> ContactBook::Get(const std::string& request_id) const {
  ASSIGN_OR_RETURN(auto records, Select("WHERE request_id = ?", request_id));
  if (records.empty()) return std::optional<ContactRecord>();
  return std::optional<ContactRecord>(std::move(records.front()));
}

StatusOr<std::vector<ContactRecord>> ContactBook::List() const { return Select("", ""); }

StatusOr<std::vector<ContactRecord>> ContactBook::Pending(const std::string& site) const {
  return Select("WHERE state = 'pending' AND site = ?", site);
}

StatusOr<std::vector<ContactRecord>> ContactBook::DecidedUnreported() const {
  return Select("WHERE state != 'pending' AND reported = 0", "");
}

Status ContactBook::MarkReported(const std::string& request_id) {
  absl::MutexLock lock(&database_.mutex());
  ASSIGN_OR_RETURN(SqliteStatement update, database_.Prepare("UPDATE contacts SET reported = 1 WHERE request_id = ?"));
  update.Bind(1, request_id);
  return update.Run();
}

}  // namespace medfed::governance
