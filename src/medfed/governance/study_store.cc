#include "medfed/governance/study_store.h"

#include <chrono>

#include "nlohmann/json.hpp"

namespace medfed::governance {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

StudyState StateFromName(const std::string& name) {
  if (name == "ready") return StudyState::kReady;
  if (name == "running") return StudyState::kRunning;
  if (name == "done") return StudyState::kDone;
  if (name == "failed") return StudyState::kFailed;
  if (name == "denied") return StudyState::kDenied;
  return StudyState::kAwaitingApproval;
}

std::string DecisionsToJson(const std::map<std::string, std::string>& decisions) {
  return nlohmann::json(decisions).dump();
}

std::map<std::string, std::string> DecisionsFromJson(const std::string& text) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  std::map<std::string, std::string> decisions;
  if (parsed.is_object()) {
    for (auto& [site, decision] : parsed.items())
      decisions[site] = decision.is_string() ? decision.get<std::string>() : "";
  }
  return decisions;
}

constexpr char kColumns[] =
    "id, researcher, submission, submission_signature, researcher_certificate, state, decisions, result_json, error,"
    " submitted_ms, updated_ms";

}  // namespace

const char* StudyStateName(StudyState state) {
  switch (state) {
    case StudyState::kAwaitingApproval:
      return "awaiting_approval";
    case StudyState::kReady:
      return "ready";
    case StudyState::kRunning:
      return "running";
    case StudyState::kDone:
      return "done";
    case StudyState::kFailed:
      return "failed";
    case StudyState::kDenied:
      return "denied";
  }
  return "";
}

StatusOr<std::unique_ptr<StudyStore>> StudyStore::Open(SqliteDatabase& database) {
  absl::MutexLock lock(&database.mutex());
  RETURN_IF_ERROR(database.Execute(
      "CREATE TABLE IF NOT EXISTS studies ("
      " id TEXT PRIMARY KEY, researcher TEXT NOT NULL, submission BLOB NOT NULL, submission_signature BLOB NOT NULL,"
      " researcher_certificate TEXT NOT NULL, state TEXT NOT NULL, decisions TEXT NOT NULL, result_json TEXT NOT NULL,"
      " error TEXT NOT NULL, submitted_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL)"));
  return std::unique_ptr<StudyStore>(new StudyStore(database));
}

Status StudyStore::Add(const StudyRecord& study) {
  absl::MutexLock lock(&database_.mutex());
  ASSIGN_OR_RETURN(SqliteStatement insert, database_.Prepare(std::string("INSERT INTO studies (") + kColumns +
                                                             ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  const int64_t now = NowMs();
  insert.Bind(1, study.id)
      .Bind(2, study.researcher)
      .BindBlob(3, study.submission)
      .BindBlob(4, study.submission_signature)
      .Bind(5, study.researcher_certificate)
      .Bind(6, std::string(StudyStateName(study.state)))
      .Bind(7, DecisionsToJson(study.decisions))
      .Bind(8, study.result_json)
      .Bind(9, study.error)
      .Bind(10, study.submitted_ms != 0 ? study.submitted_ms : now)
      .Bind(11, now);
  return insert.Run();
}

Status StudyStore::Save(const StudyRecord& study) {
  absl::MutexLock lock(&database_.mutex());
  ASSIGN_OR_RETURN(
      SqliteStatement update,
      database_.Prepare("UPDATE studies SET state = ?, decisions = ?, result_json = ?, error = ?, updated_ms = ?"
                        " WHERE id = ?"));
  update.Bind(1, std::string(StudyStateName(study.state)))
      .Bind(2, DecisionsToJson(study.decisions))
      .Bind(3, study.result_json)
      .Bind(4, study.error)
      .Bind(5, NowMs())
      .Bind(6, study.id);
  return update.Run();
}

StatusOr<std::vector<StudyRecord>> StudyStore::Select(const std::string& where, const std::string& parameter) const {
  absl::MutexLock lock(&database_.mutex());
  ASSIGN_OR_RETURN(SqliteStatement select, database_.Prepare(std::string("SELECT ") + kColumns + " FROM studies " +
                                                             where + " ORDER BY submitted_ms, id"));
  if (!parameter.empty()) select.Bind(1, parameter);
  std::vector<StudyRecord> studies;
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    StudyRecord study;
    study.id = select.Text(0);
    study.researcher = select.Text(1);
    study.submission = select.Blob(2);
    study.submission_signature = select.Blob(3);
    study.researcher_certificate = select.Text(4);
    study.state = StateFromName(select.Text(5));
    study.decisions = DecisionsFromJson(select.Text(6));
    study.result_json = select.Text(7);
    study.error = select.Text(8);
    study.submitted_ms = select.Integer(9);
    study.updated_ms = select.Integer(10);
    studies.push_back(std::move(study));
  }
  return studies;
}

StatusOr<std::optional<StudyRecord>> StudyStore::Get(const std::string& id) const {
  ASSIGN_OR_RETURN(auto studies, Select("WHERE id = ?", id));
  if (studies.empty()) return std::optional<StudyRecord>();
  return std::optional<StudyRecord>(studies.front());
}

StatusOr<std::vector<StudyRecord>> StudyStore::WithState(StudyState state) const {
  return Select("WHERE state = ?", StudyStateName(state));
}

Status StudyStore::RequeueRunning() {
  absl::MutexLock lock(&database_.mutex());
  return database_.Execute("UPDATE studies SET state = 'ready' WHERE state = 'running'");
}

}  // namespace medfed::governance
