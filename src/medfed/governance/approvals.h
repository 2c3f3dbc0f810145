// A site's book of study approvals, in its own SQLite database: every study the hub forwards
// is recorded with the researcher (from the researcher's certificate), the study's analyses
// and the digest of the exact plan the researcher signed. A study the site's policy forbids is
// denied at once with the reason; one it allows is approved automatically or waits for a person
// (`medfed site approvals ... approve ID`). The site daemon reports decisions to the hub and, when
// the study runs, opens the session only for the approved digest.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/governance/sqlite_database.h"

namespace medfed::governance {

enum class ApprovalState { kPending, kApproved, kDenied };
const char* ApprovalStateName(ApprovalState state);
// The state a name from ApprovalStateName stands for ("pending" for anything else).
ApprovalState ParseApprovalState(const std::string& name);

struct ApprovalRecord {
  std::string study_id;
  std::string researcher;
  std::string study_name;
  std::string plan_digest;  // hex SHA-256 of the signed submission
  std::string summary;      // the analyses, one per line, for the person deciding
  ApprovalState state = ApprovalState::kPending;
  std::string decided_by;  // a person, or "policy"
  std::string reason;
  int64_t received_ms = 0, decided_ms = 0;
  bool reported = false;  // the decision has reached the hub
};

class ApprovalBook {
 public:
  static StatusOr<std::unique_ptr<ApprovalBook>> Open(SqliteDatabase& database);

  // Records a study the first time it is seen and returns its record (a second call returns
  // the existing one). `refusal` (non-empty) denies it by policy; otherwise `automatic`
  // approves it by policy, else it waits for a person.
  StatusOr<ApprovalRecord> Receive(ApprovalRecord study, const std::string& refusal, bool automatic);
  // A person's decision on a pending study.
  StatusOr<ApprovalRecord> Decide(const std::string& study_id, bool approve, const std::string& by,
                                  const std::string& reason);
  StatusOr<std::optional<ApprovalRecord>> Get(const std::string& study_id) const;
  StatusOr<std::vector<ApprovalRecord>> List() const;
  StatusOr<std::vector<ApprovalRecord>> DecidedUnreported() const;
  Status MarkReported(const std::string& study_id);

 private:
  explicit ApprovalBook(SqliteDatabase& database) : database_(database) {}
  StatusOr<std::vector<ApprovalRecord>> Select(const std::string& where, const std::string& parameter) const;

  SqliteDatabase& database_;
};

}  // namespace medfed::governance
