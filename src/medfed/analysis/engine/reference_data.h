// Reference data: what an analysis reads besides a site's tables — an ontology, an
// expected-survival table. It never travels as a path. A study file names a file, and the
// researcher's machine carries its content in the signed study; or the study names the content
// by its SHA-256 ("sha256:" and 64 hex digits), and each party serves that content from the
// reference directory its operator configured. Either way an analysis key holds the hash, so the
// ledger records exactly which content a study used, and no path a researcher chose ever reaches
// a site's file system (docs/study-file.md, "Reference data").
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "medfed/analysis/engine/analysis_spec.h"
#include "medfed/core/status.h"

namespace medfed::analysis {

// At most this much reference data travels inside a study over the network (a submission is one
// gRPC message of at most 32 MiB): room for an ontology of HPO's size (~10 MiB) and its encrypted
// query (256 bytes per term, ~4.5 MiB for HPO). Larger files are named by hash and served.
inline constexpr size_t kMaxCarriedReferenceBytes = 24u << 20;
// No single reference file, carried or served, may be larger (an OBO of all of HPO is ~10 MiB).
inline constexpr size_t kMaxReferenceFileBytes = 256u << 20;

// The hex SHA-256 of a reference key's value "sha256:HEX" (lower-cased), or nullopt when the
// value is not of that form.
std::optional<std::string> ReferenceDigest(const std::string& value);
std::string ReferenceKeyValue(const std::string& sha256);  // "sha256:" + sha256

// A file carried in the study: its name (for people: messages and the ledger), hash and content.
// The boundary that accepts it (the study file reader, a submission's check) has verified that
// the content hashes to `sha256`.
struct ReferenceFile {
  std::string name;
  std::string sha256;
  std::shared_ptr<const std::string> content;
};

class ReferenceData {
 public:
  // The content with this hash from the party's own reference directory; nullopt when the
  // directory has none; an error when it has one that cannot be read.
  using Lookup = std::function<StatusOr<std::optional<std::string>>(const std::string& sha256)>;

  ReferenceData() = default;
  // `party` names who reads ("site A", "the hub") and `served_from` where its served files live
  // ("" when it serves none), for messages.
  ReferenceData(std::string party, std::vector<ReferenceFile> carried, Lookup served = nullptr,
                std::string served_from = "");

  const std::vector<ReferenceFile>& carried() const { return carried_; }
  // For messages: "expected.csv (sha256:0123456789ab...)" for a carried file, else the
  // shortened hash.
  std::string Describe(const AnalysisSpec& spec, const std::string& key) const;
  // Whether the content is carried or served (reads a served file to be sure it still hashes
  // right).
  Status Check(const std::string& sha256) const;
  // The content named by `spec`'s reference key `key`. A missing content is an error naming the
  // hash, the key and what the researcher or the operator can do.
  StatusOr<std::shared_ptr<const std::string>> Read(const AnalysisSpec& spec, const std::string& key) const;

 private:
  StatusOr<std::shared_ptr<const std::string>> Find(const std::string& sha256) const;

  std::string party_ = "this party";
  std::vector<ReferenceFile> carried_;
  std::map<std::string, std::shared_ptr<const std::string>> carried_by_hash_;
  Lookup served_;
  std::string served_from_;
};

}  // namespace medfed::analysis
