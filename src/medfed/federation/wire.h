// Conversions between the analysis layer's types and the wire contract (proto/medfed/v1).
#pragma once

#include "medfed/analysis/engine/analysis.h"
#include "medfed/privacy/disclosure_policy.h"
#include "medfed/v1/federation.pb.h"

namespace medfed::federation {

void ToWire(const analysis::RoundParameters& parameters, v1::Parameters* wire);
analysis::RoundParameters FromWire(const v1::Parameters& wire);

void ToWire(const privacy::DisclosurePolicy& policy, v1::DisclosurePolicy* wire);
privacy::DisclosurePolicy FromWire(const v1::DisclosurePolicy& wire);

// A Status from a site's error reply, keeping its code.
Status StatusFromWire(const v1::SiteError& error);

}  // namespace medfed::federation
