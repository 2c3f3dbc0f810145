#include "medfed/federation/wire.h"

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

}  // namespace medfed::federation
