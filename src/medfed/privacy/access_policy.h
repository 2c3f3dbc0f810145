// What a site lets the network use: which researchers may submit studies to it, which analysis
// types, tables (and genotype sets) and columns it releases summaries of, and whether a person
// must approve each study. The site checks these itself before it opens a session or loads a
// column, whatever the hub says. The `[access]` section of a site's policy file.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "medfed/core/status.h"

namespace medfed::privacy {

struct AccessPolicy {
  // Researcher names (certificate CN) allowed to submit; unset = nobody (network mode).
  std::optional<std::set<std::string>> researchers;
  // Allowed analysis types; unset = all.
  std::optional<std::set<std::string>> analyses;
  // Allowed table and genotype-set names; unset = all the site serves.
  std::optional<std::set<std::string>> tables;
  // Allowed columns of a table; a table without an entry releases all its columns.
  std::map<std::string, std::set<std::string>> columns;
  // A person approves each study (`medfed site approvals`), or studies the policy allows run
  // without one.
  bool manual_approval = true;
  // The highest GB/T 39725 grade of a column an analysis may read (the table's scan file beside
  // the CSV, or the site's own scan); unset = any grade.
  std::optional<int> max_grade;

  // Each returns PermissionDenied with a reason a researcher can act on, naming `site`.
  Status CheckResearcher(const std::string& site, const std::string& researcher) const;
  Status CheckAnalysis(const std::string& site, const std::string& type) const;
  Status CheckTable(const std::string& site, const std::string& table) const;
  Status CheckColumn(const std::string& site, const std::string& table, const std::string& column) const;
  // `grade` and `why` (its role and detected kinds) come from the table's scan.
  Status CheckGrade(const std::string& site, const std::string& table, const std::string& column, int grade,
                    const std::string& why) const;
};

}  // namespace medfed::privacy
