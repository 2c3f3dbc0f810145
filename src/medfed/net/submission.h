// A researcher's study as submitted over the network: the study file's name, sites and
// analyses in a Submission message, signed with the researcher's key. The hub and every site
// check the signature against the researcher's certificate, so the plan a site approves is the
// plan the researcher wrote, and the researcher's name comes from the certificate.
#pragma once

#include <string>

#include "medfed/analysis/engine/reference_data.h"
#include "medfed/core/status.h"
#include "medfed/federation/study_file.h"
#include "medfed/v1/network.pb.h"

namespace medfed::net {

// Serialised v1::Submission for the study (sites by name; their data stays with them), with the
// reference files it carries; more than kMaxCarriedReferenceBytes of them is an error saying to
// name them by hash instead.
StatusOr<std::string> BuildSubmission(const federation::StudyFile& study);

std::string SubmissionDigest(const std::string& submission);  // hex SHA-256
std::string StudyIdOf(const std::string& submission);         // first 24 hex digits of the digest

struct VerifiedSubmission {
  v1::Submission submission;
  std::string researcher;
  std::string id;
  std::string digest;
  std::vector<analysis::ReferenceFile> references;  // carried, hashes checked
};

// Checks certificate (this network's, a researcher), signature and contents (sites named once
// each, analyses of known types with valid keys, carried reference files that hash right and
// fit the limit).
StatusOr<VerifiedSubmission> VerifySubmission(const std::string& submission, const std::string& signature,
                                              const std::string& researcher_certificate,
                                              const std::string& authority_pem);

// The analyses as AnalysisSpecs (for the hub's coordinator).
StatusOr<std::vector<analysis::AnalysisSpec>> AnalysesOf(const v1::Submission& submission);

// One line per analysis and per carried reference file, for the person approving it at a site.
std::string DescribeSubmission(const v1::Submission& submission);

// Whether `references` (carried in the study, served by the party reading) hold the content of
// every reference key of the analyses that `reader` reads: the hub (every reference key) or a
// site (those the sites read). An error names the analysis, the key and the missing hash.
enum class ReferenceReader { kHub, kSite };
Status CheckReferences(const v1::Submission& submission, const analysis::ReferenceData& references,
                       ReferenceReader reader);

}  // namespace medfed::net
