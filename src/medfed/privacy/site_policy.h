// Everything a site's policy file says: what it releases and how (disclosure control), and to
// whom (access).
#pragma once

#include "medfed/privacy/access_policy.h"
#include "medfed/privacy/disclosure_policy.h"

namespace medfed {

struct SitePolicy {
  DisclosurePolicy disclosure;
  AccessPolicy access;
};

}  // namespace medfed
