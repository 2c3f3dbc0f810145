#include "medfed/governance/approvals.h"

#include <chrono>

namespace medfed::governance {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr char kColumns[] =
    "study_id, researcher, study_name, plan_digest, summary, state, decided_by, reason, received_ms, decided_ms, "
    "reported";

}  // namespace

ApprovalState ParseApprovalState(const std::string& name) {
  if (name == "approved") return ApprovalState::kApproved;
  if (name == "denied") return ApprovalState::kDenied;
  return ApprovalState::kPending;
}

const char* ApprovalStateName(ApprovalState state) {
  switch (state) {
    case ApprovalState::kPending:
      return "pending";
    case ApprovalState::kApproved:
      return "approved";
    case ApprovalState::kDenied:
      return "denied";
  }
  return "";
}

StatusOr<std::unique_ptr<ApprovalBook>> ApprovalBook::Open(SqliteDatabase& database) {
  absl::MutexLock lock(&database.mutex());
  RETURN_IF_ERROR(database.Execute(
      "CREATE TABLE IF NOT EXISTS approvals ("
      " study_id TEXT PRIMARY KEY, researcher TEXT NOT NULL, study_name TEXT NOT NULL, plan_digest TEXT NOT NULL,"
      " summary TEXT NOT NULL, state TEXT NOT NULL, decided_by TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT "
      "'',"
      " received_ms INTEGER NOT NULL, decided_ms INTEGER NOT NULL DEFAULT 0, reported INTEGER NOT NULL DEFAULT 0)"));
  return std::unique_ptr<ApprovalBook>(new ApprovalBook(database));
}

StatusOr<std::vector<ApprovalRecord>> ApprovalBook::Select(const std::string& where,
                                                           const std::string& parameter) const {
  absl::MutexLock lock(&database_.mutex());
  ASSIGN_OR_RETURN(SqliteStatement select, database_.Prepare(std::string("SELECT ") + kColumns + " FROM approvals " +
                                                             where + " ORDER BY received_ms, study_id"));
  if (!parameter.empty()) select.Bind(1, parameter);
  std::vector<ApprovalRecord> records;
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    ApprovalRecord record;
    record.study_id = select.Text(0);
    record.researcher = select.Text(1);
    record.study_name = select.Text(2);
    record.plan_digest = select.Text(3);
    record.summary = select.Text(4);
    record.state = ParseApprovalState(select.Text(5));
    record.decided_by = select.Text(6);
    record.reason = select.Text(7);
    record.received_ms = select.Integer(8);
    record.decided_ms = select.Integer(9);
    record.reported = select.Integer(10) != 0;
    records.push_back(std::move(record));
  }
  return records;
}

StatusOr<ApprovalRecord> ApprovalBook::Receive(ApprovalRecord study, const std::string& refusal, bool automatic) {
  ASSIGN_OR_RETURN(auto existing, Get(study.study_id));
  if (existing) {
    if (existing->plan_digest != study.plan_digest) {
      return PermissionDenied("study " + study.study_id + " was already received with a different plan");
    }
    return *existing;
  }
  study.received_ms = NowMs();
  study.reported = false;
  if (!refusal.empty()) {
    study.state = ApprovalState::kDenied;
    study.decided_by = "policy";
    study.reason = refusal;
    study.decided_ms = study.received_ms;
  } else if (automatic) {
    study.state = ApprovalState::kApproved;
    study.decided_by = "policy";
    study.decided_ms = study.received_ms;
  } else {
    study.state = ApprovalState::kPending;
  }
  absl::MutexLock lock(&database_.mutex());
  ASSIGN_OR_RETURN(SqliteStatement insert, database_.Prepare(std::string("INSERT INTO approvals (") + kColumns +
                                                             ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"));
  insert.Bind(1, study.study_id)
      .Bind(2, study.researcher)
      .Bind(3, study.study_name)
      .Bind(4, study.plan_digest)
      .Bind(5, study.summary)
      .Bind(6, std::string(ApprovalStateName(study.state)))
      .Bind(7, study.decided_by)
      .Bind(8, study.reason)
      .Bind(9, study.received_ms)
      .Bind(10, study.decided_ms);
  RETURN_IF_ERROR(insert.Run());
  return study;
}

StatusOr<ApprovalRecord> ApprovalBook::Decide(const std::string& study_id, bool approve, const std::string& by,
                                              const std::string& reason) {
  ASSIGN_OR_RETURN(auto existing, Get(study_id));
  if (!existing) return NotFound("no study " + study_id + " awaits approval here; `list` shows the studies");
  if (existing->state != ApprovalState::kPending) {
    return FailedPrecondition("study " + study_id + " was already " + ApprovalStateName(existing->state) + " by " +
                              existing->decided_by);
  }
  if (!approve && reason.empty()) return InvalidArgument("a denial needs a --reason the researcher will read");
  existing->state = approve ? ApprovalState::kApproved : ApprovalState::kDenied;
  existing->decided_by = by;
  existing->reason = reason;
  existing->decided_ms = NowMs();
  absl::MutexLock lock(&database_.mutex());
  ASSIGN_OR_RETURN(SqliteStatement update,
                   database_.Prepare("UPDATE approvals SET state = ?, decided_by = ?, reason = ?, decided_ms = ?"
                                     " WHERE study_id = ? AND state = 'pending'"));
  update.Bind(1, std::string(ApprovalStateName(existing->state)))
      .Bind(2, by)
      .Bind(3, reason)
      .Bind(4, existing->decided_ms)
      .Bind(5, study_id);
  RETURN_IF_ERROR(update.Run());
  return *existing;
}

StatusOr<std::optional<ApprovalRecord>> ApprovalBook::Get(const std::string& study_id) const {
  ASSIGN_OR_RETURN(auto records, Select("WHERE study_id = ?", study_id));
  if (records.empty()) return std::optional<ApprovalRecord>();
  return std::optional<ApprovalRecord>(records.front());
}

StatusOr<std::vector<ApprovalRecord>> ApprovalBook::List() const { return Select("", ""); }

StatusOr<std::vector<ApprovalRecord>> ApprovalBook::DecidedUnreported() const {
  return Select("WHERE state != 'pending' AND reported = 0", "");
}

Status ApprovalBook::MarkReported(const std::string& study_id) {
  absl::MutexLock lock(&database_.mutex());
  ASSIGN_OR_RETURN(SqliteStatement update, database_.Prepare("UPDATE approvals SET reported = 1 WHERE study_id = ?"));
  update.Bind(1, study_id);
  return update.Run();
}

}  // namespace medfed::governance
