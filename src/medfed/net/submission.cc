#include "medfed/net/submission.h"

#include <chrono>
#include <filesystem>
#include <set>

#include "medfed/analysis/engine/registry.h"
#include "medfed/crypto/certificates.h"
#include "medfed/crypto/merkle_tree.h"
#include "medfed/crypto/secure_random.h"
#include "medfed/crypto/sodium.h"
#include "medfed/federation/wire.h"

namespace medfed::net {

StatusOr<std::string> BuildSubmission(const federation::StudyFile& study) {
  size_t carried = 0;
  for (const auto& file : study.references) {
    carried += file.content->size();
    if (carried > analysis::kMaxCarriedReferenceBytes) {
      return ResourceExhausted(
          study.path + ": the reference files given by path come to more than " +
          std::to_string(analysis::kMaxCarriedReferenceBytes >> 20) + " MiB (reached at " + file.name +
          "), more than a study can carry over the network. Name the large ones by their hash instead (" + file.name +
          ": \"sha256:" + file.sha256 +
          "\") and ask the hub's and the sites' operators to place the file in their reference directories "
          "(references = \"DIR\" in hub.toml and site.toml; docs/deployment.md)");
    }
  }
  v1::Submission submission;
  submission.set_study_name(study.name);
  for (const auto& site : study.sites) submission.add_sites(site.name);
  for (const auto& spec : study.analyses) {
    v1::AnalysisSpec* wire = submission.add_analyses();
    wire->set_id(spec.id());
    wire->set_type(spec.type());
    wire->set_spec_json(spec.keys().dump());
  }
  federation::ToWire(study.references, submission.mutable_references());
  if (study.on_dropout == "continue") {
    submission.set_on_dropout(study.on_dropout);
    submission.set_dropout_threshold(study.dropout_threshold);
  }
  submission.set_nonce(crypto::RandomHex(16));
  submission.set_submitted_ms(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  std::string bytes;
  submission.SerializeToString(&bytes);
  return bytes;
}

std::string SubmissionDigest(const std::string& submission) { return crypto::Sha256Hex(submission); }

std::string StudyIdOf(const std::string& submission) { return SubmissionDigest(submission).substr(0, 24); }

StatusOr<std::vector<analysis::AnalysisSpec>> AnalysesOf(const v1::Submission& submission) {
  std::vector<analysis::AnalysisSpec> analyses;
  std::set<std::string> ids;
  for (const auto& wire : submission.analyses()) {
    const analysis::AnalysisDefinition* definition = analysis::FindAnalysis(wire.type());
    if (definition == nullptr) return InvalidArgument("analysis " + wire.id() + ": unknown type " + wire.type());
    if (wire.id().empty() || !ids.insert(wire.id()).second) {
      return InvalidArgument("analysis ids must be present and unique (" + wire.id() + ")");
    }
    analysis::Json keys = analysis::Json::parse(wire.spec_json(), nullptr, /*allow_exceptions=*/false);
    if (keys.is_discarded() || !keys.is_object()) return InvalidArgument("analysis " + wire.id() + ": malformed keys");
    // A query that must stay with the researcher arrives sealed, or the study is refused before
    // anything (the ledger, a site) sees it.
    for (const auto& key : definition->keys) {
      if (key.querier_only && keys.contains(key.name)) {
        return InvalidArgument("analysis " + wire.id() + ": " + key.name +
                               " must not leave the researcher's machine; medfed encrypts it there before it "
                               "submits the study (medfed match --hub)");
      }
    }
    // Files an analysis writes land in the hub's directory for the study: a name, not a path.
    if (keys.contains("output")) {
      const std::string output = keys["output"].is_string() ? keys["output"].get<std::string>() : "";
      bool safe = !output.empty() && output[0] != '/';
      for (const auto& part : std::filesystem::path(output)) safe = safe && part != "..";
      if (!safe) {
        return InvalidArgument("analysis " + wire.id() +
                               ": output must be a relative file name (it is written with "
                               "the study's results), not " +
                               output);
      }
    }
    analysis::AnalysisSpec spec(wire.id(), wire.type(), std::move(keys));
    Status valid = analysis::ValidateAnalysis(*definition, spec);
    if (!valid.ok()) return Annotate(valid, "analysis " + wire.id() + ": ");
    analyses.push_back(std::move(spec));
  }
  if (analyses.empty()) return InvalidArgument("the study has no analyses");
  return analyses;
}

StatusOr<VerifiedSubmission> VerifySubmission(const std::string& submission, const std::string& signature,
                                              const std::string& researcher_certificate,
                                              const std::string& authority_pem) {
  auto party = crypto::VerifyCertificate(researcher_certificate, authority_pem);
  if (!party.ok()) return party.status();
  if (party->role != crypto::PartyRole::kResearcher) {
    return PermissionDenied(party->name + " is a " + crypto::RoleName(party->role) + ", not a researcher");
  }
  if (!crypto::VerifySignature(researcher_certificate, submission, signature).ok()) {
    return PermissionDenied("the study is not signed by researcher " + party->name);
  }
  VerifiedSubmission verified;
  if (!verified.submission.ParseFromString(submission)) return InvalidArgument("the submission is not a valid message");
  verified.researcher = party->name;
  verified.digest = SubmissionDigest(submission);
  verified.id = verified.digest.substr(0, 24);
  if (verified.submission.sites().empty()) return InvalidArgument("the study names no sites");
  std::set<std::string> sites;
  for (const auto& site : verified.submission.sites()) {
    RETURN_IF_ERROR(crypto::CheckPartyName(site));
    if (!sites.insert(site).second) return InvalidArgument("site " + site + " is listed twice");
  }
  RETURN_IF_ERROR(AnalysesOf(verified.submission).status());
  ASSIGN_OR_RETURN(verified.references, federation::ReferencesFromWire(verified.submission.references(),
                                                                       analysis::kMaxCarriedReferenceBytes));
  return verified;
}

std::string DescribeSubmission(const v1::Submission& submission) {
  std::string text;
  for (const auto& analysis : submission.analyses()) {
    text += analysis.id() + " (" + analysis.type() + "): " + analysis.spec_json() + "\n";
  }
  for (const auto& file : submission.references()) {
    text += "carries " + file.name() + ": " + std::to_string(file.content().size()) +
            " bytes, sha256:" + file.sha256() + "\n";
  }
  return text;
}

Status CheckReferences(const v1::Submission& submission, const analysis::ReferenceData& references,
                       ReferenceReader reader) {
  for (const auto& wire : submission.analyses()) {
    const analysis::AnalysisDefinition* definition = analysis::FindAnalysis(wire.type());
    const analysis::Json keys = analysis::Json::parse(wire.spec_json(), nullptr, /*allow_exceptions=*/false);
    if (definition == nullptr || !keys.is_object()) return InvalidArgument("analysis " + wire.id() + " is malformed");
    const analysis::AnalysisSpec spec(wire.id(), wire.type(), keys);
    for (const auto& key : definition->keys) {
      if (key.kind != analysis::KeyKind::kReference || !keys.contains(key.name)) continue;
      if (reader == ReferenceReader::kSite && !key.read_by_sites) continue;
      RETURN_IF_ERROR(references.Read(spec, key.name).status());
    }
  }
  return absl::OkStatus();
}

}  // namespace medfed::net
