// The TOML a researcher or a site writes: study files, site policies, de-identification
// policies and daemon configurations share the bounded TOML loader.
#include <cstddef>
#include <cstdint>
#include <string>

#include "medfed/federation/study_file.h"
#include "medfed/governance/deid_policy_file.h"
#include "medfed/governance/policy_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)medfed::federation::ParseStudyFile(text, "/fuzz/study.toml");
  (void)medfed::governance::ParsePolicy(text, "policy.toml");
  (void)medfed::governance::ParseDeidPolicy(text, "deid.toml");
  return 0;
}
