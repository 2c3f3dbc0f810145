// The hub's part in "from match to contact" (docs/protocols/match.md): it checks a researcher's
// signed contact request (their own study, a site the study ran at), keeps it in its contact
// book, writes it into the ledger and forwards it to the site (again whenever the site
// reconnects while it is pending); it keeps the site's signed answer, writes the decision into
// the ledger, and returns both to the researcher on request. It never holds anything it could
// open: the released details are sealed to the researcher's reply key.
#pragma once

#include <memory>
#include <string>

#include "medfed/core/status.h"
#include "medfed/governance/contact_book.h"
#include "medfed/governance/study_store.h"
#include "medfed/net/identity.h"
#include "medfed/net/ledger_replicator.h"
#include "medfed/net/site_link.h"
#include "medfed/v1/network.pb.h"

namespace medfed::net {

class ContactDesk {
 public:
  ContactDesk(const NetworkIdentity& identity, governance::StudyStore& studies, governance::ContactBook& contacts,
              SiteDirectory& sites, LedgerReplicator& ledger)
      : identity_(identity), studies_(studies), contacts_(contacts), sites_(sites), ledger_(ledger) {}

  // A researcher's request; the same signed request again returns its status.
  StatusOr<v1::ContactStatus> Request(const v1::SignedContactRequest& signed_request, const Caller& researcher);
  // A researcher's own request (another's is reported as absent).
  StatusOr<v1::ContactStatus> Lookup(const std::string& request_id, const Caller& researcher);
  // Sends a site the requests that await its decision (on connect).
  void SendPending(const std::shared_ptr<SiteLink>& link);
  void OnAnswer(const SiteLink& link, const v1::ContactAnswer& answer);

 private:
  void Forward(SiteLink& link, const governance::ContactRecord& record);
  static StatusOr<v1::ContactStatus> StatusOf(const governance::ContactRecord& record);

  const NetworkIdentity& identity_;
  governance::StudyStore& studies_;
  governance::ContactBook& contacts_;
  SiteDirectory& sites_;
  LedgerReplicator& ledger_;
};

}  // namespace medfed::net
