#include "medfed/federation/wire.h"

#include <algorithm>
#include <array>
#include <set>

#include "medfed/core/text.h"
#include "medfed/crypto/sodium.h"

namespace medfed::federation {

void ToWire(const analysis::RoundParameters& parameters, v1::Parameters* wire) {
  for (const auto& [key, values] : parameters.numbers) {
    auto& numbers = (*wire->mutable_numbers())[key];
    numbers.mutable_values()->Add(values.begin(), values.end());
  }
  for (const auto& [key, values] : parameters.texts) {
    auto& texts = (*wire->mutable_texts())[key];
    for (const auto& value : values) texts.add_values(value);
  }
}

analysis::RoundParameters FromWire(const v1::Parameters& wire) {
  analysis::RoundParameters parameters;
  for (const auto& [key, numbers] : wire.numbers()) {
    parameters.numbers[key].assign(numbers.values().begin(), numbers.values().end());
  }
  for (const auto& [key, texts] : wire.texts()) {
    parameters.texts[key].assign(texts.values().begin(), texts.values().end());
  }
  return parameters;
}

void ToWire(const privacy::DisclosurePolicy& policy, v1::DisclosurePolicy* wire) {
  wire->set_min_rows(static_cast<uint32_t>(policy.min_rows));
  wire->set_min_cell_count(static_cast<uint32_t>(policy.min_cell_count));
  wire->set_glm_max_parameter_fraction(policy.glm_max_parameter_fraction);
  wire->set_rate_min_count(static_cast<uint32_t>(policy.rate_min_count));
  wire->set_min_events(static_cast<uint32_t>(policy.min_events));
  wire->set_time_resolution(policy.time_resolution);
}

privacy::DisclosurePolicy FromWire(const v1::DisclosurePolicy& wire) {
  privacy::DisclosurePolicy policy;
  policy.min_rows = static_cast<int>(wire.min_rows());
  policy.min_cell_count = static_cast<int>(wire.min_cell_count());
  policy.glm_max_parameter_fraction = wire.glm_max_parameter_fraction();
  policy.rate_min_count = static_cast<int>(wire.rate_min_count());
  policy.min_events = static_cast<int>(wire.min_events());
  policy.time_resolution = wire.time_resolution();
  return policy;
}

Status StatusFromWire(const v1::SiteError& error) {
  auto code = static_cast<absl::StatusCode>(error.code());
  if (code == absl::StatusCode::kOk) code = absl::StatusCode::kUnknown;
  return Status(code, error.message());
}

void ToWire(const std::vector<analysis::ReferenceFile>& files,
            google::protobuf::RepeatedPtrField<v1::ReferenceFile>* wire) {
  for (const auto& file : files) {
    v1::ReferenceFile* entry = wire->Add();
    entry->set_name(file.name);
    entry->set_sha256(file.sha256);
    entry->set_content(*file.content);
  }
}

StatusOr<std::vector<analysis::ReferenceFile>> ReferencesFromWire(
    const google::protobuf::RepeatedPtrField<v1::ReferenceFile>& wire, size_t max_total_bytes) {
  std::vector<analysis::ReferenceFile> files;
  std::set<std::string> hashes;
  size_t total = 0;
  for (const auto& entry : wire) {
    const std::string name = QuoteForMessage(entry.name().substr(0, 120));
    if (entry.content().size() > analysis::kMaxReferenceFileBytes) {
      return ResourceExhausted("reference file " + name + " is larger than the limit of " +
                               std::to_string(analysis::kMaxReferenceFileBytes >> 20) + " MiB");
    }
    total += entry.content().size();
    if (total > max_total_bytes) {
      return ResourceExhausted("the study carries more than " + std::to_string(max_total_bytes >> 20) +
                               " MiB of reference data (reached at " + name +
                               "); name large files by their SHA-256 instead and have every party serve them "
                               "from its reference directory");
    }
    const std::string digest = crypto::Sha256Hex(entry.content());
    if (digest != entry.sha256()) {
      return InvalidArgument("reference file " + name + " does not hash to the SHA-256 it claims (" +
                             entry.sha256().substr(0, 64) + "); refused");
    }
    if (!hashes.insert(digest).second) return InvalidArgument("reference file " + name + " is carried twice");
    files.push_back({entry.name(), digest, std::make_shared<const std::string>(entry.content())});
  }
  return files;
}

namespace {

template <size_t N>
Status CopyKey(const std::string& bytes, std::array<uint8_t, N>& out, const std::string& what) {
  if (bytes.size() != N) {
    return InvalidArgument(what + " is " + std::to_string(bytes.size()) + " bytes, not " + std::to_string(N));
  }
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return absl::OkStatus();
}

// A revealed share is one byte per byte of a 32-byte secret.
StatusOr<crypto::SecretBytes> ShareFromWire(const std::string& bytes, const std::string& what) {
  if (bytes.size() != 32) return InvalidArgument(what + " is " + std::to_string(bytes.size()) + " bytes, not 32");
  return crypto::SecretBytes::FromText(bytes);
}

}  // namespace

void ToWire(const crypto::MaskMaterial& material, v1::MaskMaterial* wire) {
  wire->set_mask_public_key(std::string(material.mask_public_key.begin(), material.mask_public_key.end()));
  wire->set_self_mask_commitment(
      std::string(material.self_mask_commitment.begin(), material.self_mask_commitment.end()));
  for (const auto& [peer, sealed] : material.sealed) (*wire->mutable_sealed_shares())[peer] = sealed;
}

StatusOr<crypto::MaskMaterial> FromWire(const v1::MaskMaterial& wire, const std::string& site) {
  crypto::MaskMaterial material;
  RETURN_IF_ERROR(CopyKey(wire.mask_public_key(), material.mask_public_key, "the mask key of site " + site));
  RETURN_IF_ERROR(
      CopyKey(wire.self_mask_commitment(), material.self_mask_commitment, "the self-mask commitment of site " + site));
  for (const auto& [peer, sealed] : wire.sealed_shares()) material.sealed.emplace(peer, sealed);
  return material;
}

void ToWire(const crypto::RevealedShares& revealed, v1::UnmaskReply* wire) {
  for (const auto& [site, share] : revealed.self_mask_shares) {
    (*wire->mutable_self_mask_shares())[site] = std::string(share.view());
  }
  for (const auto& [site, share] : revealed.mask_key_shares) {
    (*wire->mutable_mask_key_shares())[site] = std::string(share.view());
  }
}

StatusOr<crypto::RevealedShares> FromWire(const v1::UnmaskReply& wire, const std::string& site) {
  crypto::RevealedShares revealed;
  for (const auto& [owner, share] : wire.self_mask_shares()) {
    ASSIGN_OR_RETURN(revealed.self_mask_shares[owner],
                     ShareFromWire(share, "site " + site + "'s share of " + owner + "'s self mask"));
  }
  for (const auto& [owner, share] : wire.mask_key_shares()) {
    ASSIGN_OR_RETURN(revealed.mask_key_shares[owner],
                     ShareFromWire(share, "site " + site + "'s share of " + owner + "'s mask key"));
  }
  return revealed;
}

}  // namespace medfed::federation
