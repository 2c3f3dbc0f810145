// The study file (shared/spec/study.md): [study], [[sites]], [[analyses]].
//
// Every key is checked: an unknown key, a missing required key, a value of the wrong kind or an
// unknown analysis type is an error naming the file, the line and what to write instead.
// Paths are resolved relative to the study file. Reference data given by path (an ontology, an
// expected-survival table) is read here, once, and travels with the study by content.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "medfed/analysis/engine/analysis_spec.h"
#include "medfed/analysis/engine/reference_data.h"
#include "medfed/core/status.h"

namespace medfed::federation {

struct SiteConfig {
  std::string name;
  std::map<std::string, std::string> tables;     // table name -> CSV path
  std::map<std::string, std::string> genotypes;  // name -> PLINK prefix or VCF/BCF path
  std::string policy_path;                       // empty: default policy
  std::string address;                           // remote site daemon (network mode)
  // Where the site keeps budgets spent and row sets released (releases.db); empty: in memory,
  // for this run only.
  std::string state_directory;
};

struct StudyFile {
  std::string path;
  std::string name;
  // [study] on_dropout: "abort" (default) or "continue"; dropout_threshold: the secure-aggregation
  // threshold for "continue" (0: two thirds of the sites, crypto::DefaultDropoutThreshold).
  std::string on_dropout = "abort";
  int dropout_threshold = 0;
  std::vector<SiteConfig> sites;
  std::vector<analysis::AnalysisSpec> analyses;
  // Reference files the analyses name by path, read and hashed (each once); the analyses' keys
  // hold their hashes (analysis/engine/reference_data.h).
  std::vector<analysis::ReferenceFile> references;
};

StatusOr<StudyFile> LoadStudyFile(const std::string& path);
// Reads the reference file at `path` (a regular file of at most kMaxReferenceFileBytes), adds it
// to `references` unless a file with its hash is there already, and returns its key value
// "sha256:HEX".
StatusOr<std::string> CarryReferenceFile(const std::string& path, std::vector<analysis::ReferenceFile>& references);
StatusOr<StudyFile> ParseStudyFile(const std::string& text, const std::string& path);

}  // namespace medfed::federation
