#include "medfed/analysis/engine/reference_data.h"

#include <cctype>

#include "medfed/core/text.h"

namespace medfed::analysis {

namespace {
constexpr char kPrefix[] = "sha256:";
constexpr size_t kPrefixLength = sizeof kPrefix - 1;
}  // namespace

std::optional<std::string> ReferenceDigest(const std::string& value) {
  if (value.size() != kPrefixLength + 64 || value.compare(0, kPrefixLength, kPrefix) != 0) return std::nullopt;
  std::string digest = value.substr(kPrefixLength);
  for (char& c : digest) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return digest;
}

std::string ReferenceKeyValue(const std::string& sha256) { return kPrefix + sha256; }

ReferenceData::ReferenceData(std::string party, std::vector<ReferenceFile> carried, Lookup served,
                             std::string served_from)
    : party_(std::move(party)),
      carried_(std::move(carried)),
      served_(std::move(served)),
      served_from_(std::move(served_from)) {
  for (const auto& file : carried_) carried_by_hash_.emplace(file.sha256, file.content);
}

StatusOr<std::shared_ptr<const std::string>> ReferenceData::Find(const std::string& sha256) const {
  if (auto found = carried_by_hash_.find(sha256); found != carried_by_hash_.end()) return found->second;
  if (served_) {
    ASSIGN_OR_RETURN(std::optional<std::string> content, served_(sha256));
    if (content) return std::make_shared<const std::string>(*std::move(content));
  }
  const std::string where = served_from_.empty()
                                ? "; " + party_ + " serves no reference directory"
                                : " and " + party_ + "'s reference directory " + served_from_ + " holds no such file";
  return NotFound(party_ + " lacks reference data sha256:" + sha256 + ": the study does not carry it" + where +
                  ". Give the file's path in the study file (it then travels with the study, up to " +
                  std::to_string(kMaxCarriedReferenceBytes >> 20) +
                  " MiB), or ask the operator to place the file in the reference directory");
}

std::string ReferenceData::Describe(const AnalysisSpec& spec, const std::string& key) const {
  const std::string value = spec.String(key);
  const std::string shortened = value.substr(0, kPrefixLength + 12) + "...";
  const std::optional<std::string> digest = ReferenceDigest(value);
  for (const auto& file : carried_) {
    if (digest && file.sha256 == *digest) return file.name + " (" + shortened + ")";
  }
  return shortened;
}

Status ReferenceData::Check(const std::string& sha256) const { return Find(sha256).status(); }

StatusOr<std::shared_ptr<const std::string>> ReferenceData::Read(const AnalysisSpec& spec,
                                                                 const std::string& key) const {
  const std::optional<std::string> digest = ReferenceDigest(spec.String(key));
  if (!digest) {
    return InvalidArgument(spec.Describe() + ": " + key + " must name reference data as sha256:HEX, not " +
                           QuoteForMessage(spec.String(key).substr(0, 80)));
  }
  auto content = Find(*digest);
  if (!content.ok()) return Annotate(content.status(), spec.Describe() + ": " + key + ": ");
  return content;
}

}  // namespace medfed::analysis
