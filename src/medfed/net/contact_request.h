// From match to contact (docs/protocols/match.md): the messages a researcher, the hub and a site
// exchange when a researcher asks the site behind a phenotype_match handle for more about that
// patient, and the checks each party makes on them.
//
// The researcher signs the request (Ed25519, the key of their certificate) and includes an
// X25519 reply key derived from their identity key and the request's nonce, so nothing new has
// to be stored to open the answer later. The site's steward decides; the released details are
// sealed to the reply key (crypto/sealed_box.h), and the site signs its answer over the request
// id, the decision and the sealed box, so the hub that relays it can neither read, forge nor
// alter it.
#pragma once

#include <string>
#include <vector>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/core/status.h"
#include "medfed/crypto/sealed_box.h"
#include "medfed/governance/contact_book.h"
#include "medfed/net/identity.h"
#include "medfed/v1/network.pb.h"

namespace medfed::net {

inline constexpr size_t kMaxContactRequestBytes = 16 << 10;
inline constexpr size_t kMaxContactReasonChars = 2000;

struct ContactQuestion {
  std::string study_id, site, handle;
  std::vector<std::string> fields;
  std::string reason;
};

// The researcher's signed request.
StatusOr<v1::SignedContactRequest> BuildContactRequest(const ContactQuestion& question,
                                                       const NetworkIdentity& researcher);
// The reply key pair of the request with this nonce, re-derived from the researcher's identity key.
StatusOr<crypto::BoxKeyPair> ContactReplyKeys(const NetworkIdentity& researcher, const std::string& nonce);

std::string ContactRequestId(const v1::SignedContactRequest& signed_request);  // 24 hex digits

struct VerifiedContactRequest {
  v1::ContactRequest request;
  std::string id, researcher;
};
// Checks the certificate (this network's, a researcher), the signature and the contents (size,
// known fields named once each, a 32-hex handle, a reason, a 32-byte reply key).
StatusOr<VerifiedContactRequest> VerifyContactRequest(const v1::SignedContactRequest& signed_request,
                                                      const std::string& researcher_certificate,
                                                      const std::string& authority_pem);

// The contact book's record of a verified request (hub and site keep the same one).
governance::ContactRecord ContactRecordOf(const VerifiedContactRequest& verified,
                                          const v1::SignedContactRequest& signed_request,
                                          const std::string& researcher_certificate);

// The bytes a site signs for its answer (each part length-prefixed, so no two answers share them).
std::string ContactAnswerMessage(const std::string& site, const v1::ContactAnswer& answer);

// The researcher's reading of the hub's status: the site's signature is checked against its
// certificate (this network's, a site, the one the request named) and the details opened with
// the reply key. Returns the details (an empty object while pending or when denied).
StatusOr<analysis::Json> OpenContactAnswer(const v1::ContactStatus& status, const NetworkIdentity& researcher);

}  // namespace medfed::net
