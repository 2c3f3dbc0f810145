// The researcher's side (`medfed run STUDY.toml --hub HOST:PORT --identity DIR`): signs the
// study, submits it, reports the sites' decisions and progress on stderr, and receives the
// results document and the files the analyses wrote (written under `output_directory`); and asks
// a site, through the hub, for more about one match.
#pragma once

#include <string>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/core/status.h"
#include "medfed/federation/study_file.h"
#include "medfed/net/contact_request.h"
#include "medfed/net/identity.h"
#include "medfed/v1/network.pb.h"

namespace medfed::net {

struct RemoteStudy {
  std::string study_id;
  analysis::Json document;
};

struct ClientOptions {
  std::string hub;               // host:port
  std::string output_directory;  // where result files go ("": not written)
  // Reference files on this machine, for a study that names by hash an ontology it encrypts a
  // query against ("": none).
  std::string references_directory;
  bool quiet = false;  // no progress on stderr
  std::function<void(const std::string& study_id)> on_accepted;
  std::function<void(const std::string& progress)> on_progress;  // e.g. "running"
};

StatusOr<RemoteStudy> SubmitStudy(const federation::StudyFile& study, const NetworkIdentity& identity,
                                  const ClientOptions& options);
// Follows a study submitted earlier (after a disconnection or a hub restart) to its results.
StatusOr<RemoteStudy> WatchStudy(const std::string& study_id, const NetworkIdentity& identity,
                                 const ClientOptions& options);

// From match to contact (docs/protocols/match.md): signs a contact request for one match and
// sends it to the hub, or looks one up; OpenContactAnswer (contact_request.h) checks and opens
// the site's answer.
StatusOr<v1::ContactStatus> RequestContact(const ContactQuestion& question, const NetworkIdentity& identity,
                                           const std::string& hub);
StatusOr<v1::ContactStatus> LookupContact(const std::string& request_id, const NetworkIdentity& identity,
                                          const std::string& hub);

}  // namespace medfed::net
