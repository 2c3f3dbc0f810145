#include "medfed/analysis/matching/contact_details.h"

#include "medfed/analysis/engine/table_scan.h"
#include "medfed/analysis/matching/gene_buckets.h"
#include "medfed/core/text.h"

namespace medfed::analysis {
namespace {

bool Holds(const ContactSources& sources, const std::string& field) {
  if (field == "phenotype") return !sources.terms_column.empty();
  if (field == "genes") return !sources.genes_column.empty();
  if (field == "diagnosis") return !sources.diagnosis_column.empty();
  if (field == "contact") return !sources.clinic_contact.empty();
  return false;
}

std::string ColumnFor(const ContactSources& sources, const std::string& field) {
  if (field == "phenotype") return sources.terms_column;
  if (field == "genes") return sources.genes_column;
  return sources.diagnosis_column;
}

}  // namespace

const std::vector<std::string>& ContactFieldNames() {
  static const std::vector<std::string> names = {"phenotype", "genes", "diagnosis", "contact"};
  return names;
}

std::vector<std::string> HeldContactFields(const ContactSources& sources, const std::vector<std::string>& wanted) {
  std::vector<std::string> held;
  for (const auto& field : wanted) {
    if (Holds(sources, field)) held.push_back(field);
  }
  return held;
}

StatusOr<Json> ContactDetails(SiteData& data, const ContactSources& sources, const std::string& patient,
                              const std::vector<std::string>& fields) {
  ASSIGN_OR_RETURN(std::shared_ptr<const table::Table> rows, data.GetTable(sources.table));
  const table::Column* ids = rows->FindColumn(sources.id_column);
  if (ids == nullptr) return NotFound("table " + sources.table + " has no column " + sources.id_column);
  const std::vector<std::string> patients = ColumnTexts(*ids);
  size_t row = patients.size();
  for (size_t r = 0; r < patients.size() && row == patients.size(); ++r) {
    if (patients[r] == patient) row = r;
  }
  if (row == patients.size()) return NotFound("table " + sources.table + " has no patient " + patient);
  Json details = Json::object();
  for (const auto& field : fields) {
    if (!Holds(sources, field)) {
      return FailedPrecondition("site " + data.site() + " holds no " + field + " to release");
    }
    if (field == "contact") {
      details[field] = sources.clinic_contact;
      continue;
    }
    const std::string column_name = ColumnFor(sources, field);
    const table::Column* column = rows->FindColumn(column_name);
    if (column == nullptr) return NotFound("table " + sources.table + " has no column " + column_name);
    const std::string value(TrimWhitespace(ColumnTexts(*column)[row]));
    if (field == "diagnosis") {
      details[field] = value;
      continue;
    }
    Json items = Json::array();
    for (const std::string& part : SplitString(value, ';')) {
      if (TrimWhitespace(part).empty()) continue;
      if (field == "genes") {
        auto symbol = NormalizeGeneSymbol(part);
        if (symbol.ok() && symbol->has_value()) items.push_back(**symbol);
      } else {
        items.push_back(std::string(TrimWhitespace(part)));
      }
    }
    details[field] = std::move(items);
  }
  return details;
}

}  // namespace medfed::analysis
