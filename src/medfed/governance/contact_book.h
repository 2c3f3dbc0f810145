// The book of contact requests (docs/protocols/match.md, "From match to contact"), in a party's
// own SQLite database. The hub keeps every request it relays and the site's signed answer, so a
// researcher can look a request up days later; a site keeps the requests its stewards decide,
// and what they released (sealed to the researcher). A request is decided once: a second
// decision, or the same request received again, leaves the first standing.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medfed/core/status.h"
#include "medfed/governance/approvals.h"
#include "medfed/governance/sqlite_database.h"

namespace medfed::governance {

struct ContactRecord {
  std::string request_id;  // hex SHA-256 of the signed request
  std::string study_id, site, researcher, handle;
  std::vector<std::string> fields;  // requested
  std::string reason;               // the researcher's
  std::string signed_request;       // the request as signed (opaque here), and its signer's certificate
  std::string researcher_certificate;
  ApprovalState state = ApprovalState::kPending;
  std::string decided_by, decision_reason;
  std::vector<std::string> released_fields;
  // Site: the details sealed to the researcher. Hub: the site's signed answer, and the
  // certificate that signed it.
  std::string answer, answer_certificate;
  int64_t received_ms = 0, decided_ms = 0;
  bool reported = false;  // site: the decision has reached the hub
};

class ContactBook {
 public:
  static StatusOr<std::unique_ptr<ContactBook>> Open(SqliteDatabase& database);

  // Records a request the first time it is seen; returns the book's record of it, and in
  // `added` whether this call recorded it.
  StatusOr<ContactRecord> Receive(ContactRecord request, bool* added = nullptr);
  // Decides a pending request; a decided one is returned as it stands (decisions are final).
  StatusOr<ContactRecord> Decide(const std::string& request_id, bool approve, const std::string& by,
                                 const std::string& reason, const std::vector<std::string>& released_fields,
                                 const std::string& answer, const std::string& answer_certificate = "");
  StatusOr<std::optional<ContactRecord>> Get(const std::string& request_id) const;
  StatusOr<std::vector<ContactRecord>> List() const;
  StatusOr<std::vector<ContactRecord>> Pending(const std::string& site) const;
  StatusOr<std::vector<ContactRecord>> DecidedUnreported() const;
  Status MarkReported(const std::string& request_id);

 private:
  explicit ContactBook(SqliteDatabase& database) : database_(database) {}
  StatusOr<std::vector<ContactRecord>> Select(const std::string& where, const std::string& parameter) const;

  SqliteDatabase& database_;
};

}  // namespace medfed::governance
