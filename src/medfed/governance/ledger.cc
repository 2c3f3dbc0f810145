#include "medfed/governance/ledger.h"

#include <chrono>

namespace medfed::governance {
namespace {

crypto::MerkleHash HashFromBlob(const std::string& blob) {
  crypto::MerkleHash hash{};
  if (blob.size() == hash.size()) std::copy(blob.begin(), blob.end(), hash.begin());
  return hash;
}

std::string BlobOf(const crypto::MerkleHash& hash) { return std::string(hash.begin(), hash.end()); }

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

StatusOr<std::unique_ptr<Ledger>> Ledger::Open(SqliteDatabase& database) {
  std::unique_ptr<Ledger> ledger(new Ledger(database));
  absl::MutexLock tree(&ledger->mutex_);  // the tree's lock before the database's, as in Append
  absl::MutexLock lock(&database.mutex());
  RETURN_IF_ERROR(database.Execute(
      "CREATE TABLE IF NOT EXISTS ledger_entries ("
      " idx INTEGER PRIMARY KEY, body TEXT NOT NULL, leaf_hash BLOB NOT NULL, tree_root BLOB NOT NULL,"
      " time_ms INTEGER NOT NULL, hub_signature BLOB NOT NULL);"
      "CREATE TABLE IF NOT EXISTS ledger_countersignatures ("
      " tree_size INTEGER NOT NULL, site TEXT NOT NULL, certificate TEXT NOT NULL, signature BLOB NOT NULL,"
      " PRIMARY KEY (tree_size, site));"
      "CREATE TABLE IF NOT EXISTS ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"));
  ASSIGN_OR_RETURN(SqliteStatement select, database.Prepare("SELECT idx, leaf_hash FROM ledger_entries ORDER BY idx"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    if (static_cast<uint64_t>(select.Integer(0)) != ledger->leaves_.size()) {
      return DataLoss(database.path() + ": ledger entry " + std::to_string(ledger->leaves_.size()) +
                      " is missing (the next stored entry is " + std::to_string(select.Integer(0)) + ")");
    }
    const crypto::MerkleHash leaf = HashFromBlob(select.Blob(1));
    ledger->leaves_.push_back(leaf);
    ledger->tree_.Append(leaf);
  }
  return ledger;
}

uint64_t Ledger::size() const {
  absl::MutexLock lock(&mutex_);
  return leaves_.size();
}

crypto::MerkleHash Ledger::root() const {
  absl::MutexLock lock(&mutex_);
  return tree_.Root();
}

std::string Ledger::TreeHeadMessage(uint64_t size, const crypto::MerkleHash& root, int64_t time_ms) {
  return "medfed ledger tree head v1\n" + std::to_string(size) + "\n" + crypto::HexOf(root) + "\n" +
         std::to_string(time_ms);
}

std::string Ledger::CountersignatureMessage(const std::string& site, uint64_t size, const crypto::MerkleHash& root) {
  return "medfed ledger countersignature v1\n" + site + "\n" + std::to_string(size) + "\n" + crypto::HexOf(root);
}

Status Ledger::Store(const std::vector<LedgerRecord>& records) {
  absl::MutexLock lock(&database_.mutex());
  return database_.Transaction([&]() -> Status {
    database_.mutex().AssertHeld();  // held around the transaction; the analysis cannot see into the lambda
    for (const auto& record : records) {
      ASSIGN_OR_RETURN(
          SqliteStatement statement,
          database_.Prepare("INSERT INTO ledger_entries (idx, body, leaf_hash, tree_root, time_ms, hub_signature)"
                            " VALUES (?, ?, ?, ?, ?, ?)"));
      statement.Bind(1, static_cast<int64_t>(record.index))
          .Bind(2, record.body)
          .BindBlob(3, BlobOf(record.leaf_hash))
          .BindBlob(4, BlobOf(record.root))
          .Bind(5, record.time_ms)
          .BindBlob(6, record.hub_signature);
      RETURN_IF_ERROR(statement.Run());
    }
    return absl::OkStatus();
  });
}

StatusOr<LedgerRecord> Ledger::Append(const nlohmann::ordered_json& entry, const crypto::Signer& hub) {
  absl::MutexLock lock(&mutex_);
  LedgerRecord record;
  record.index = leaves_.size();
  record.body = entry.dump();
  record.leaf_hash = crypto::LeafHash(record.body);
  crypto::CompactMerkleTree next = tree_;
  next.Append(record.leaf_hash);
  record.root = next.Root();
  record.time_ms = NowMs();
  record.hub_signature = hub.Sign(TreeHeadMessage(record.index + 1, record.root, record.time_ms));
  RETURN_IF_ERROR(Store({record}));
  leaves_.push_back(record.leaf_hash);
  tree_ = next;
  return record;
}

StatusOr<std::vector<LedgerRecord>> Ledger::Read(uint64_t from, uint64_t count) const {
  absl::MutexLock lock(&database_.mutex());
  ASSIGN_OR_RETURN(
      SqliteStatement select,
      database_.Prepare("SELECT idx, body, leaf_hash, tree_root, time_ms, hub_signature FROM ledger_entries"
                        " WHERE idx >= ? ORDER BY idx LIMIT ?"));
  select.Bind(1, static_cast<int64_t>(from)).Bind(2, static_cast<int64_t>(count));
  std::vector<LedgerRecord> records;
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    LedgerRecord record;
    record.index = static_cast<uint64_t>(select.Integer(0));
    record.body = select.Text(1);
    record.leaf_hash = HashFromBlob(select.Blob(2));
    record.root = HashFromBlob(select.Blob(3));
    record.time_ms = select.Integer(4);
    record.hub_signature = select.Blob(5);
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<crypto::MerkleHash> Ledger::ConsistencyProof(uint64_t old_size, uint64_t new_size) const {
  absl::MutexLock lock(&mutex_);
  new_size = std::min<uint64_t>(new_size, leaves_.size());
  return crypto::ConsistencyProof(std::span<const crypto::MerkleHash>(leaves_.data(), new_size), old_size);
}

Status Ledger::AddCountersignature(uint64_t size, const std::string& site, const std::string& certificate_pem,
                                   const std::string& signature) {
  crypto::MerkleHash root;
  {
    absl::MutexLock lock(&mutex_);
    if (size == 0 || size > leaves_.size()) {
      return InvalidArgument("countersignature of site " + site + " for tree size " + std::to_string(size) +
                             ", but the ledger has " + std::to_string(leaves_.size()) + " entries");
    }
    root = crypto::MerkleRoot(std::span<const crypto::MerkleHash>(leaves_.data(), size));
  }
  RETURN_IF_ERROR(crypto::VerifySignature(certificate_pem, CountersignatureMessage(site, size, root), signature));
  absl::MutexLock lock(&database_.mutex());
  ASSIGN_OR_RETURN(
      SqliteStatement insert,
      database_.Prepare("INSERT OR REPLACE INTO ledger_countersignatures (tree_size, site, certificate, signature)"
                        " VALUES (?, ?, ?, ?)"));
  insert.Bind(1, static_cast<int64_t>(size)).Bind(2, site).Bind(3, certificate_pem).BindBlob(4, signature);
  return insert.Run();
}

Status Ledger::AcceptFromHub(uint64_t old_size, const std::vector<LedgerRecord>& records,
                             const std::vector<crypto::MerkleHash>& consistency_proof,
                             const std::string& hub_certificate_pem) {
  absl::MutexLock lock(&mutex_);
  if (old_size != leaves_.size()) {
    return FailedPrecondition("ledger update starts at entry " + std::to_string(old_size) + " but this replica has " +
                              std::to_string(leaves_.size()));
  }
  if (records.empty()) return absl::OkStatus();
  const uint64_t new_size = old_size + records.size();
  // The newest head must extend the last one this replica accepted.
  Status consistent =
      crypto::VerifyConsistency(old_size, new_size, tree_.Root(), records.back().root, consistency_proof);
  if (!consistent.ok()) {
    return Annotate(consistent, "the hub's tree head " + std::to_string(new_size) + " does not extend the head " +
                                    std::to_string(old_size) + " this site accepted (history was rewritten?): ");
  }
  crypto::CompactMerkleTree next = tree_;
  for (size_t i = 0; i < records.size(); ++i) {
    const LedgerRecord& record = records[i];
    const std::string where = "ledger entry " + std::to_string(old_size + i) + ": ";
    if (record.index != old_size + i) return DataLoss(where + "arrived out of order");
    if (crypto::LeafHash(record.body) != record.leaf_hash) return DataLoss(where + "contents do not match its hash");
    next.Append(record.leaf_hash);
    if (next.Root() != record.root) return DataLoss(where + "the tree head does not match the entries");
    Status signed_by_hub = crypto::VerifySignature(
        hub_certificate_pem, TreeHeadMessage(record.index + 1, record.root, record.time_ms), record.hub_signature);
    if (!signed_by_hub.ok()) return PermissionDenied(where + "the hub's signature on its tree head does not verify");
  }
  RETURN_IF_ERROR(Store(records));
  for (const auto& record : records) leaves_.push_back(record.leaf_hash);
  tree_ = next;
  return absl::OkStatus();
}

StatusOr<LedgerVerification> Ledger::Verify(const std::string& authority_pem) const {
  const std::optional<std::string> hub_certificate = Meta("hub_certificate");
  if (!hub_certificate) {
    return FailedPrecondition(database_.path() + ": the replica has no hub certificate yet (never connected)");
  }
  auto hub = crypto::VerifyCertificate(*hub_certificate, authority_pem);
  if (!hub.ok() || hub->role != crypto::PartyRole::kHub) {
    return PermissionDenied(
        database_.path() +
        ": the hub certificate recorded in the replica is not a hub certificate issued by the CA "
        "you trust (" +
        (hub.ok() ? std::string("it is a ") + crypto::RoleName(hub->role) + " certificate" : MessageOf(hub.status())) +
        "); the whole log may have been re-signed under another CA");
  }
  LedgerVerification verified;
  verified.hub = hub->name;
  absl::MutexLock lock(&database_.mutex());
  ASSIGN_OR_RETURN(
      SqliteStatement select,
      database_.Prepare("SELECT idx, body, leaf_hash, tree_root, time_ms, hub_signature FROM ledger_entries"
                        " ORDER BY idx"));
  crypto::CompactMerkleTree tree;
  std::vector<crypto::MerkleHash> roots;
  uint64_t expected = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    const auto index = static_cast<uint64_t>(select.Integer(0));
    const std::string where = database_.path() + ": ledger entry " + std::to_string(expected) + ": ";
    if (index != expected) return DataLoss(where + "missing (the next stored entry is " + std::to_string(index) + ")");
    const std::string body = select.Text(1);
    const crypto::MerkleHash leaf = crypto::LeafHash(body);
    if (leaf != HashFromBlob(select.Blob(2))) {
      return DataLoss(where + "its contents were changed after it was logged (hash mismatch): " + body);
    }
    tree.Append(leaf);
    const crypto::MerkleHash root = tree.Root();
    if (root != HashFromBlob(select.Blob(3))) {
      return DataLoss(where + "the recorded tree head does not match the entries up to it");
    }
    if (!crypto::VerifySignature(*hub_certificate, TreeHeadMessage(index + 1, root, select.Integer(4)), select.Blob(5))
             .ok()) {
      return DataLoss(where + "the hub's signature on the tree head does not verify");
    }
    roots.push_back(root);
    ++expected;
  }
  verified.entries = expected;
  ASSIGN_OR_RETURN(SqliteStatement countersignatures,
                   database_.Prepare("SELECT tree_size, site, certificate, signature FROM ledger_countersignatures"
                                     " ORDER BY tree_size DESC, site"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, countersignatures.Step());
    if (!row) break;
    const auto size = static_cast<uint64_t>(countersignatures.Integer(0));
    const std::string site = countersignatures.Text(1);
    const std::string what =
        database_.path() + ": the countersignature of site " + site + " on tree head " + std::to_string(size);
    auto signer = crypto::VerifyCertificate(countersignatures.Text(2), authority_pem);
    if (!signer.ok() || signer->role != crypto::PartyRole::kSite || signer->name != site) {
      return DataLoss(what + " is not made with a site certificate of the CA you trust naming " + site + " (" +
                      (signer.ok() ? std::string("it names ") + crypto::RoleName(signer->role) + " " + signer->name
                                   : MessageOf(signer.status())) +
                      ")");
    }
    if (size > roots.size()) {
      return DataLoss(database_.path() + ": truncated: site " + site + " countersigned tree head " +
                      std::to_string(size) + " but the replica holds only " + std::to_string(roots.size()) +
                      " entries; entries " + std::to_string(roots.size()) + " to " + std::to_string(size - 1) +
                      " were deleted");
    }
    if (size == 0 ||
        !crypto::VerifySignature(countersignatures.Text(2), CountersignatureMessage(site, size, roots[size - 1]),
                                 countersignatures.Blob(3))
             .ok()) {
      return DataLoss(what + " does not verify");
    }
  }
  return verified;
}

Status Ledger::SetMeta(const std::string& key, const std::string& value) {
  absl::MutexLock lock(&database_.mutex());
  ASSIGN_OR_RETURN(SqliteStatement statement,
                   database_.Prepare("INSERT OR REPLACE INTO ledger_meta (key, value) VALUES (?, ?)"));
  statement.Bind(1, key).Bind(2, value);
  return statement.Run();
}

StatusOr<std::map<std::string, uint64_t>> Ledger::NewestCountersignatures() const {
  absl::MutexLock lock(&database_.mutex());
  ASSIGN_OR_RETURN(SqliteStatement statement,
                   database_.Prepare("SELECT site, MAX(tree_size) FROM ledger_countersignatures GROUP BY site"));
  std::map<std::string, uint64_t> newest;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, statement.Step());
    if (!row) break;
    newest[statement.Text(0)] = static_cast<uint64_t>(statement.Integer(1));
  }
  return newest;
}

std::optional<std::string> Ledger::Meta(const std::string& key) const {
  absl::MutexLock lock(&database_.mutex());
  auto statement = database_.Prepare("SELECT value FROM ledger_meta WHERE key = ?");
  if (!statement.ok()) return std::nullopt;
  statement->Bind(1, key);
  auto row = statement->Step();
  if (!row.ok() || !*row) return std::nullopt;
  return statement->Text(0);
}

}  // namespace medfed::governance
