#include "medfed/privacy/access_policy.h"

namespace medfed::privacy {
namespace {

std::string List(const std::set<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "none" : text;
}

}  // namespace

Status AccessPolicy::CheckResearcher(const std::string& site, const std::string& researcher) const {
  if (!researchers) {
    return PermissionDenied("site " + site +
                            " accepts studies from no researcher (its policy lists none in [access] researchers)");
  }
  if (!researchers->count(researcher)) {
    return PermissionDenied("site " + site + " does not accept studies from researcher " + researcher);
  }
  return absl::OkStatus();
}

Status AccessPolicy::CheckAnalysis(const std::string& site, const std::string& type) const {
  if (analyses && !analyses->count(type)) {
    return PermissionDenied("site " + site + " does not allow " + type + " analyses (it allows: " + List(*analyses) +
                            ")");
  }
  return absl::OkStatus();
}

Status AccessPolicy::CheckTable(const std::string& site, const std::string& table) const {
  if (tables && !tables->count(table)) {
    return PermissionDenied("site " + site + " does not release table " + table + " (it releases: " + List(*tables) +
                            ")");
  }
  return absl::OkStatus();
}

Status AccessPolicy::CheckColumn(const std::string& site, const std::string& table, const std::string& column) const {
  auto allowed = columns.find(table);
  if (allowed != columns.end() && !allowed->second.count(column)) {
    return PermissionDenied("site " + site + " does not release column " + column + " of table " + table);
  }
  return absl::OkStatus();
}

Status AccessPolicy::CheckGrade(const std::string& site, const std::string& table, const std::string& column, int grade,
                                const std::string& why) const {
  if (max_grade && grade > *max_grade) {
    return PermissionDenied("site " + site + " does not release column " + column + " of table " + table +
                            ": it is graded " + std::to_string(grade) + " (" + why +
                            ") and the site's policy allows analyses of grade " + std::to_string(*max_grade) +
                            " or lower; use a de-identified table or ask the site to review the grading");
  }
  return absl::OkStatus();
}

}  // namespace medfed::privacy
