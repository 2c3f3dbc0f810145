// The researcher's side (`medfed run STUDY.toml --hub HOST:PORT --identity DIR`): signs the
// study, submits it, reports the sites' decisions and progress on stderr, and receives the
// results document and the files the analyses wrote (written under `output_directory`).
#pragma once

#include <string>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/core/status.h"
#include "medfed/federation/study_file.h"
#include "medfed/net/identity.h"

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

}  // namespace medfed::net
