// The hub's persistent queue of studies: what was submitted (the researcher's signed plan),
// which sites approved it, whether it has run, and its results document. A hub restart loses
// nothing: studies that were running start again from the beginning (no result had been
// released), approved ones wait for their sites.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/governance/sqlite_database.h"

namespace medfed::governance {

enum class StudyState { kAwaitingApproval, kReady, kRunning, kDone, kFailed, kDenied };
const char* StudyStateName(StudyState state);

struct StudyRecord {
  std::string id;
  std::string researcher;
  std::string submission;  // serialised Submission, as signed
  std::string submission_signature;
  std::string researcher_certificate;
  StudyState state = StudyState::kAwaitingApproval;
  std::map<std::string, std::string> decisions;  // site -> "approved", "pending" or "denied: reason"
  std::string result_json;                       // the results document when done
  std::string error;                             // why it failed or was denied
  int64_t submitted_ms = 0, updated_ms = 0;
};

class StudyStore {
 public:
  static StatusOr<std::unique_ptr<StudyStore>> Open(SqliteDatabase& database);

  Status Add(const StudyRecord& study);
  Status Save(const StudyRecord& study);  // replaces state, decisions, result, error
  StatusOr<std::optional<StudyRecord>> Get(const std::string& id) const;
  StatusOr<std::vector<StudyRecord>> WithState(StudyState state) const;
  // After a restart: running studies go back to ready.
  Status RequeueRunning();

 private:
  explicit StudyStore(SqliteDatabase& database) : database_(database) {}
  StatusOr<std::vector<StudyRecord>> Select(const std::string& where, const std::string& parameter) const;

  SqliteDatabase& database_;
};

}  // namespace medfed::governance
