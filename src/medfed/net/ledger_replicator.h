// The hub's half of ledger replication (docs/ledger.md). The hub appends signed entries; each
// site's hello says how many entries its replica holds, and from then on the replicator sends
// it every entry it lacks, with the Merkle consistency proof from the replica's tree to the
// hub's (RFC 6962, section 2.1.2). The site verifies, appends, countersigns the new tree head
// and acknowledges; the hub keeps the countersignature. A site that refuses an update (its
// replica disagrees with what the hub now shows) is sent nothing more, and its operators are
// told in the log: only they can decide whom to believe.
#pragma once

#include <map>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "medfed/crypto/certificates.h"
#include "medfed/governance/ledger.h"
#include "medfed/net/site_link.h"
#include "medfed/v1/network.pb.h"
#include "nlohmann/json.hpp"

namespace medfed::net {

class LedgerReplicator {
 public:
  LedgerReplicator(governance::Ledger& ledger, const crypto::Signer& signer, const SiteDirectory& sites);
  ~LedgerReplicator();
  LedgerReplicator(const LedgerReplicator&) = delete;
  LedgerReplicator& operator=(const LedgerReplicator&) = delete;

  // Starts the thread that pushes new entries to the sites; Stop() ends and joins it.
  void Start();
  void Stop();

  // Appends a hub-signed entry and wakes the pusher. A failed write is logged loudly and the hub
  // keeps serving (the entry's event has already happened).
  void Record(const nlohmann::ordered_json& entry);
  uint64_t size() const { return ledger_.size(); }

  // A site's stream: its hello (the size of its replica), its acknowledgements, its end.
  void OnHello(const SiteLink& link, uint64_t replica_size);
  void OnAck(const SiteLink& link, const v1::LedgerAck& ack);
  void Forget(const SiteLink& link);

 private:
  // What one connected site's replica holds, as far as the hub knows.
  struct Replica {
    uint64_t sent = 0;     // entries sent (and, barring a lost stream, held)
    bool refused = false;  // the site refused an update: send nothing more
  };

  void Loop();
  bool Woken() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) { return dirty_ || stopping_; }
  void Push(const std::shared_ptr<SiteLink>& link);

  governance::Ledger& ledger_;
  const crypto::Signer& signer_;
  const SiteDirectory& sites_;

  absl::Mutex mutex_;
  // Keyed by the link, not the site's name: a reconnecting site starts again from its hello. An
  // entry exists from the site's hello until its stream ends (Forget).
  std::map<const SiteLink*, Replica> replicas_ ABSL_GUARDED_BY(mutex_);
  bool dirty_ ABSL_GUARDED_BY(mutex_) = false;  // entries appended or a replica changed: push
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread pusher_;
};

}  // namespace medfed::net
