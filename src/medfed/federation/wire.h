// Conversions between the analysis layer's types and the wire contract (proto/medfed/v1).
#pragma once

#include <vector>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/analysis/engine/reference_data.h"
#include "medfed/crypto/dropout_tolerant_masking.h"
#include "medfed/privacy/disclosure_policy.h"
#include "medfed/v1/federation.pb.h"

namespace medfed::federation {

void ToWire(const analysis::RoundParameters& parameters, v1::Parameters* wire);
analysis::RoundParameters FromWire(const v1::Parameters& wire);

void ToWire(const privacy::DisclosurePolicy& policy, v1::DisclosurePolicy* wire);
privacy::DisclosurePolicy FromWire(const v1::DisclosurePolicy& wire);

void ToWire(const std::vector<analysis::ReferenceFile>& files,
            google::protobuf::RepeatedPtrField<v1::ReferenceFile>* wire);
// Carried reference files, each checked: its content must hash to its sha256, no file may be
// larger than kMaxReferenceFileBytes and all together no larger than `max_total_bytes`, and no
// hash may repeat. An error names the file.
StatusOr<std::vector<analysis::ReferenceFile>> ReferencesFromWire(
    const google::protobuf::RepeatedPtrField<v1::ReferenceFile>& wire, size_t max_total_bytes);

// Dropout-tolerant secure aggregation's material and revealed shares. Reading checks every
// key's size; `site` names the sender in errors.
void ToWire(const crypto::MaskMaterial& material, v1::MaskMaterial* wire);
StatusOr<crypto::MaskMaterial> FromWire(const v1::MaskMaterial& wire, const std::string& site);
void ToWire(const crypto::RevealedShares& revealed, v1::UnmaskReply* wire);
StatusOr<crypto::RevealedShares> FromWire(const v1::UnmaskReply& wire, const std::string& site);

// A Status from a site's error reply, keeping its code.
Status StatusFromWire(const v1::SiteError& error);

}  // namespace medfed::federation
