// An analysis' round protocol, declared once and shared by its site and hub halves: the phases
// in the order they can run, each with the site's step, the hub's step and the typed layout of
// what the sites send (contribution_layout.h). The driver (ProtocolSite, ProtocolHub: a template
// method, as SecretFlow psi's AbstractPsiParty::Run owns the order of a PSI party's steps) names
// the phase in the round's parameters, dispatches it on both sides, packs the site's numbers and
// unpacks the pooled sum, checking its length. No analysis reads a phase string or indexes a
// contribution vector.
//
//   struct CountSums { double rows = 0; template <class F> void Layout(F& f) { f("rows", rows); } };
//   inline constexpr Phase<CountSums> kCount{"count"};
//
//   class CountHub : public ProtocolHub<CountSite, CountHub> {
//     StatusOr<RoundParameters> Begin() override { return Ask(kCount); }
//     StatusOr<HubStep> AfterCount(CountSums& pooled, const PooledRound&) { ... Finish ... }
//   };
//   const Protocol<CountSite, CountHub>& CountProtocol() {
//     static const auto protocol =
//         Protocol<CountSite, CountHub>("count").Add(kCount, &CountSite::Count, &CountHub::AfterCount);
//     return protocol;
//   }
//
// A site step: StatusOr<Contribution>(Site&, const RoundParameters&, Sums& sums): it fills
// `sums` and returns the rest of the contribution (disclosed sets, rows released, noise) or a
// refusal. A hub step: StatusOr<HubStep>(Hub&, Sums& pooled, const PooledRound& round): `pooled`
// is the sum over sites in the layout the hub shaped when it asked for the phase (Ask/Next).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "medfed/analysis/engine/analysis.h"
#include "medfed/analysis/engine/contribution_layout.h"

namespace medfed::analysis {

// The round parameter that names the phase; only the driver reads or writes it.
inline constexpr char kPhaseKey[] = "phase";

// A phase of some protocol whose sites send a `Sums`. Declared once, as a constant, next to the
// analysis' layouts.
template <class Sums>
struct Phase {
  const char* name;
};

namespace protocol_internal {
// One address per type: phases of the same name must carry the same layout type.
template <class T>
const void* TypeTag() {
  static const char tag = 0;
  return &tag;
}
}  // namespace protocol_internal

template <class Site, class Hub>
class Protocol {
 public:
  struct Entry {
    std::string name;
    const void* type = nullptr;
    std::function<StatusOr<Contribution>(Site&, const RoundParameters&)> site;
    std::function<Status(void* shape, const std::vector<double>& sum, const std::string& what)> unpack;
    std::function<StatusOr<HubStep>(Hub&, void* shape, const PooledRound&)> hub;
  };

  explicit Protocol(std::string analysis) : analysis_(std::move(analysis)) {}

  template <class Sums, class SiteStep, class HubStepFunction>
  Protocol& Add(const Phase<Sums>& phase, SiteStep site_step, HubStepFunction hub_step) {
    Entry entry;
    entry.name = phase.name;
    entry.type = protocol_internal::TypeTag<Sums>();
    const std::string what = analysis_ + ", phase " + phase.name;
    entry.site = [site_step, what](Site& site, const RoundParameters& parameters) -> StatusOr<Contribution> {
      Sums sums{};
      ASSIGN_OR_RETURN(Contribution contribution, std::invoke(site_step, site, parameters, sums));
      if (contribution.refusal) return contribution;
      if (!contribution.values.empty()) {
        return Internal(what + ": the site step wrote the contribution's numbers itself");
      }
      contribution.values = PackLayout(sums);
      return contribution;
    };
    entry.unpack = [](void* shape, const std::vector<double>& sum, const std::string& context) {
      return UnpackLayout(sum, *static_cast<Sums*>(shape), context);
    };
    entry.hub = [hub_step](Hub& hub, void* shape, const PooledRound& round) -> StatusOr<HubStep> {
      return std::invoke(hub_step, hub, *static_cast<Sums*>(shape), round);
    };
    entries_.push_back(std::move(entry));
    return *this;
  }

  const std::string& analysis() const { return analysis_; }
  const Entry* Find(const std::string& name) const {
    for (const Entry& entry : entries_) {
      if (entry.name == name) return &entry;
    }
    return nullptr;
  }
  std::string PhaseNames() const {
    std::string names;
    for (const Entry& entry : entries_) names += (names.empty() ? "" : ", ") + entry.name;
    return names;
  }

 private:
  std::string analysis_;
  std::vector<Entry> entries_;
};

// The site half's driver: Local() dispatches on the phase the hub named.
template <class Site, class Hub>
class ProtocolSite : public SiteAnalysis {
 public:
  explicit ProtocolSite(const Protocol<Site, Hub>& protocol) : protocol_(protocol) {}

  StatusOr<Contribution> Local(const RoundParameters& parameters) final {
    ASSIGN_OR_RETURN(std::string phase, parameters.Text(kPhaseKey));
    const auto* entry = protocol_.Find(phase);
    if (entry == nullptr) {
      return InvalidArgument(protocol_.analysis() + ": the hub asked for phase " + QuotedPhase(phase) +
                             ", which this analysis does not have (it has " + protocol_.PhaseNames() + ")");
    }
    return entry->site(static_cast<Site&>(*this), parameters);
  }

 private:
  static std::string QuotedPhase(const std::string& phase) { return "\"" + phase.substr(0, 64) + "\""; }

  const Protocol<Site, Hub>& protocol_;
};

// The hub half's driver: the analysis asks for a phase with Ask (in Begin) or Next (in a hub
// step), giving the pooled layout its shape; Combine unpacks the pooled sum into it and calls
// the phase's hub step.
template <class Site, class Hub>
class ProtocolHub : public HubAnalysis {
 public:
  explicit ProtocolHub(const Protocol<Site, Hub>& protocol) : protocol_(protocol) {}

  StatusOr<HubStep> Combine(const PooledRound& round) final {
    if (!pending_shape_) return Internal(protocol_.analysis() + ": a round came back when no phase was asked for");
    const auto* entry = protocol_.Find(pending_name_);
    if (entry == nullptr || entry->type != pending_type_) {
      return Internal(protocol_.analysis() + ": phase " + pending_name_ +
                      " is not declared in its protocol with this layout");
    }
    std::shared_ptr<void> shape = std::move(pending_shape_);
    pending_shape_.reset();
    RETURN_IF_ERROR(entry->unpack(shape.get(), round.sum, protocol_.analysis() + ", phase " + pending_name_));
    return entry->hub(static_cast<Hub&>(*this), shape.get(), round);
  }

  // The parameters of a round of `phase`; `shape` is the pooled layout with its vectors sized.
  template <class Sums>
  RoundParameters Ask(const Phase<Sums>& phase, RoundParameters parameters = {}, Sums shape = Sums{}) {
    parameters.texts[kPhaseKey] = {phase.name};
    pending_name_ = phase.name;
    pending_type_ = protocol_internal::TypeTag<Sums>();
    pending_shape_ = std::make_shared<Sums>(std::move(shape));
    return parameters;
  }
  template <class Sums>
  HubStep Next(const Phase<Sums>& phase, RoundParameters parameters = {}, Sums shape = Sums{}) {
    return HubStep::Next(Ask(phase, std::move(parameters), std::move(shape)));
  }
  // A round of `phase` in which each site named in `per_site` also receives its own parameters,
  // which no other site sees.
  template <class Sums>
  HubStep NextEach(const Phase<Sums>& phase, RoundParameters common, std::map<std::string, RoundParameters> per_site,
                   Sums shape = Sums{}) {
    HubStep step = HubStep::Next(Ask(phase, std::move(common), std::move(shape)));
    step.per_site = std::move(per_site);
    return step;
  }

 private:
  const Protocol<Site, Hub>& protocol_;
  std::string pending_name_;
  const void* pending_type_ = nullptr;
  std::shared_ptr<void> pending_shape_;
};

}  // namespace medfed::analysis
