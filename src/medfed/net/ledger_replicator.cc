#include "medfed/net/ledger_replicator.h"

#include <string>
#include <utility>

#include "medfed/core/log.h"

namespace medfed::net {

LedgerReplicator::LedgerReplicator(governance::Ledger& ledger, const crypto::Signer& signer, const SiteDirectory& sites)
    : ledger_(ledger), signer_(signer), sites_(sites) {}

LedgerReplicator::~LedgerReplicator() { Stop(); }

void LedgerReplicator::Start() {
  pusher_ = std::thread([this] { Loop(); });
}

void LedgerReplicator::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  if (pusher_.joinable()) pusher_.join();
}

void LedgerReplicator::Record(const nlohmann::ordered_json& entry) {
  auto appended = ledger_.Append(entry, signer_);
  if (!appended.ok()) {
    LogLine("hub", "LEDGER WRITE FAILED: " + MessageOf(appended.status()));
    return;
  }
  absl::MutexLock lock(&mutex_);
  dirty_ = true;
}

void LedgerReplicator::OnHello(const SiteLink& link, uint64_t replica_size) {
  absl::MutexLock lock(&mutex_);
  replicas_[&link] = Replica{.sent = replica_size};
  dirty_ = true;
}

void LedgerReplicator::OnAck(const SiteLink& link, const v1::LedgerAck& ack) {
  {
    absl::MutexLock lock(&mutex_);
    auto replica = replicas_.find(&link);
    if (replica == replicas_.end()) {
      LogLine("hub", "site " + link.site() + " acknowledged ledger entries before its hello; ignored");
      return;
    }
    if (!ack.error().empty()) {
      if (ack.out_of_step()) {
        replica->second.sent = ack.size();  // resend from where the replica ends
        dirty_ = true;
      } else {
        replica->second.refused = true;
        LogLine("hub", "site " + link.site() + " REFUSED the ledger: " + ack.error());
      }
      return;
    }
  }
  // Outside the lock: the countersignature is a database write.
  Status kept = ledger_.AddCountersignature(ack.size(), link.site(), link.certificate(), ack.countersignature());
  if (!kept.ok()) LogLine("hub", "site " + link.site() + ": countersignature not kept: " + MessageOf(kept));
}

void LedgerReplicator::Forget(const SiteLink& link) {
  absl::MutexLock lock(&mutex_);
  replicas_.erase(&link);
}

void LedgerReplicator::Loop() {
  // Pushes when woken by an append or a hello, and every two seconds regardless (a send that
  // raced a reconnect is retried).
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      mutex_.AwaitWithTimeout(absl::Condition(this, &LedgerReplicator::Woken), absl::Seconds(2));
      if (stopping_) return;
      dirty_ = false;
    }
    for (const auto& link : sites_.All()) Push(link);
  }
}

void LedgerReplicator::Push(const std::shared_ptr<SiteLink>& link) {
  const uint64_t size = ledger_.size();
  uint64_t from = 0;
  {
    absl::MutexLock lock(&mutex_);
    auto replica = replicas_.find(link.get());
    if (replica == replicas_.end() || replica->second.refused || replica->second.sent >= size) return;
    from = replica->second.sent;
    replica->second.sent = size;
  }
  auto records = ledger_.Read(from, size - from);
  if (!records.ok()) {
    LogLine("hub", "cannot read the ledger: " + MessageOf(records.status()));
    return;
  }
  v1::HubToSite message;
  v1::LedgerUpdate* update = message.mutable_ledger();
  update->set_old_size(from);
  for (const auto& record : *records) {
    v1::LedgerEntry* entry = update->add_entries();
    entry->set_index(record.index);
    entry->set_body(record.body);
    entry->set_time_ms(record.time_ms);
    entry->set_root(std::string(record.root.begin(), record.root.end()));
    entry->set_hub_signature(record.hub_signature);
  }
  for (const auto& node : ledger_.ConsistencyProof(from, size)) {
    update->add_consistency_proof(std::string(node.begin(), node.end()));
  }
  (void)link->Send(message);
}

}  // namespace medfed::net
