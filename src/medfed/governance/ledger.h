// The audit ledger: an append-only Merkle log (RFC 6962 hashing, crypto/merkle_tree.h) of every
// submission, approval, refusal, round and release, persisted in SQLite. The hub appends and
// signs the tree head after every entry (Ed25519); each site keeps a replica, accepts new
// entries only with a consistency proof from the last head it accepted and a valid hub
// signature on every new head, and countersigns the newest head. So the hub cannot rewrite or
// drop history without every site noticing, and `Verify` names the first entry of a replica
// that was changed (its contents, hashes or signatures).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "medfed/core/status.h"
#include "medfed/crypto/certificates.h"
#include "medfed/crypto/merkle_tree.h"
#include "medfed/governance/sqlite_database.h"
#include "nlohmann/json.hpp"

namespace medfed::governance {

struct LedgerRecord {
  uint64_t index = 0;   // 0-based; the tree head after it has size index + 1
  std::string body;     // the entry: JSON text
  int64_t time_ms = 0;  // when the hub signed the head
  crypto::MerkleHash leaf_hash{}, root{};
  std::string hub_signature;
};

struct LedgerVerification {
  uint64_t entries = 0;
  std::string hub;  // the hub's name, from its certificate
};

class Ledger {
 public:
  // Opens (creating the tables) the ledger in `database`, which must outlive it.
  static StatusOr<std::unique_ptr<Ledger>> Open(SqliteDatabase& database);

  uint64_t size() const;
  crypto::MerkleHash root() const;

  // Hub: appends an entry and signs the new tree head.
  StatusOr<LedgerRecord> Append(const nlohmann::ordered_json& entry, const crypto::Signer& hub);
  StatusOr<std::vector<LedgerRecord>> Read(uint64_t from, uint64_t count) const;
  // From the tree of old_size entries to the tree of new_size (<= size()).
  std::vector<crypto::MerkleHash> ConsistencyProof(uint64_t old_size, uint64_t new_size) const;
  Status AddCountersignature(uint64_t size, const std::string& site, const std::string& certificate_pem,
                             const std::string& signature);

  // Replica: the entries after old_size, with the consistency proof from the replica's head to
  // the newest one. Anything that does not check out is refused with the reason and the entry.
  Status AcceptFromHub(uint64_t old_size, const std::vector<LedgerRecord>& records,
                       const std::vector<crypto::MerkleHash>& consistency_proof,
                       const std::string& hub_certificate_pem);

  // Re-reads the whole replica from disk: every entry's hash, every tree head, every signature.
  // Trust comes only from `authority_pem`, the CA certificate the checking party holds in its own
  // identity directory, never from a certificate stored in the database: the recorded hub
  // certificate must be a hub certificate of that CA, and every countersignature's certificate
  // a site certificate of that CA naming the site it is filed under. A countersignature (the
  // party's own or a site's) on a tree head larger than the replica means it was truncated.
  // Returns what was checked, or an error naming the first bad entry.
  StatusOr<LedgerVerification> Verify(const std::string& authority_pem) const;

  // Hub: the largest tree size each site has countersigned (checked by Verify).
  StatusOr<std::map<std::string, uint64_t>> NewestCountersignatures() const;

  Status SetMeta(const std::string& key, const std::string& value);
  std::optional<std::string> Meta(const std::string& key) const;

  static std::string TreeHeadMessage(uint64_t size, const crypto::MerkleHash& root, int64_t time_ms);
  static std::string CountersignatureMessage(const std::string& site, uint64_t size, const crypto::MerkleHash& root);

 private:
  explicit Ledger(SqliteDatabase& database) : database_(database) {}
  Status Store(const std::vector<LedgerRecord>& records);

  SqliteDatabase& database_;
  // The in-memory tree; ordered before the database's lock (Append stores while holding it).
  mutable absl::Mutex mutex_ ABSL_ACQUIRED_BEFORE(database_.mutex());
  std::vector<crypto::MerkleHash> leaves_ ABSL_GUARDED_BY(mutex_);
  crypto::CompactMerkleTree tree_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace medfed::governance
