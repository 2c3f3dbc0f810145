// Everything a site's policy file says: what it releases and how (disclosure control), and to
// whom (access).
#pragma once

#include "medfed/privacy/access_policy.h"
#include "medfed/privacy/differential_privacy.h"
#include "medfed/privacy/disclosure_policy.h"

namespace medfed::privacy {

struct SitePolicy {
  DisclosurePolicy disclosure;
  AccessPolicy access;
  // What each researcher may spend at this site, over all analyses with `privacy = {...}`
  // (zCDP composition; docs/privacy/differential-privacy.md): 25 releases at epsilon 1.
  PrivacyTarget privacy_budget = {5.0, 1e-5};
};

}  // namespace medfed::privacy
