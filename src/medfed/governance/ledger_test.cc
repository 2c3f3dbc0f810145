#include "medfed/governance/ledger.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "medfed/governance/approvals.h"
#include "medfed/governance/study_store.h"

namespace medfed::governance {
namespace {

std::string TempPath(const std::string& name) {
  static int counter = 0;
  auto directory = std::filesystem::temp_directory_path() /
                   ("medfed_ledger_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(directory);  // a directory a finished process with this pid left
  std::filesystem::create_directories(directory);
  return (directory / name).string();
}

struct Party {
  crypto::KeyAndCertificate identity;
  crypto::Signer signer;
};

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    authority_ = *crypto::CreateCertificateAuthority("ledger-test", 30);
    hub_ = std::make_unique<Party>(MakeParty("hub", crypto::PartyRole::kHub));
    site_ = std::make_unique<Party>(MakeParty("hospital-a", crypto::PartyRole::kSite));
  }
  Party MakeParty(const std::string& name, crypto::PartyRole role) {
    auto identity = *crypto::IssueCertificate(authority_, name, role, {}, 30);
    auto signer = *crypto::Signer::FromPem(identity.key);
    return Party{std::move(identity), std::move(signer)};
  }
  nlohmann::ordered_json Entry(int i) { return {{"type", "round"}, {"study", "s1"}, {"round", i}}; }
  // Sends the hub's entries the replica lacks, as the hub does.
  Status Sync(Ledger& hub, Ledger& replica, const std::string& hub_certificate) {
    const uint64_t from = replica.size();
    auto records = hub.Read(from, hub.size() - from);
    if (!records.ok()) return records.status();
    return replica.AcceptFromHub(from, *records, hub.ConsistencyProof(from, hub.size()), hub_certificate);
  }

  crypto::KeyAndCertificate authority_;
  std::unique_ptr<Party> hub_, site_;
};

TEST_F(LedgerTest, ReplicaFollowsTheHubAndCountersigns) {
  auto hub_db = *SqliteDatabase::Open(TempPath("hub.db"));
  auto site_db = *SqliteDatabase::Open(TempPath("site.db"));
  auto hub = *Ledger::Open(*hub_db);
  auto replica = *Ledger::Open(*site_db);
  const std::string& hub_certificate = hub_->identity.certificate_pem;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(hub->Append(Entry(i), hub_->signer).ok());
  ASSERT_TRUE(Sync(*hub, *replica, hub_certificate).ok());
  for (int i = 3; i < 7; ++i) ASSERT_TRUE(hub->Append(Entry(i), hub_->signer).ok());
  Status synced = Sync(*hub, *replica, hub_certificate);
  ASSERT_TRUE(synced.ok()) << synced;
  EXPECT_EQ(replica->size(), 7u);
  EXPECT_EQ(replica->root(), hub->root());
  // The site countersigns the head it accepted; the hub checks and keeps it.
  const std::string countersignature =
      site_->signer.Sign(Ledger::CountersignatureMessage("hospital-a", 7, replica->root()));
  EXPECT_TRUE(hub->AddCountersignature(7, "hospital-a", site_->identity.certificate_pem, countersignature).ok());
  EXPECT_FALSE(hub->AddCountersignature(6, "hospital-a", site_->identity.certificate_pem, countersignature).ok());
  ASSERT_TRUE(hub->SetMeta("hub_certificate", hub_certificate).ok());
  ASSERT_TRUE(replica->SetMeta("hub_certificate", hub_certificate).ok());
  EXPECT_EQ(hub->Verify(authority_.certificate_pem)->entries, 7u);
  EXPECT_EQ(replica->Verify(authority_.certificate_pem)->entries, 7u);
  EXPECT_EQ(replica->Verify(authority_.certificate_pem)->hub, "hub");
  // An update that does not start where the replica is, is refused.
  ASSERT_TRUE(hub->Append(Entry(7), hub_->signer).ok());
  auto records = *hub->Read(7, 1);
  EXPECT_EQ(replica->AcceptFromHub(6, records, hub->ConsistencyProof(6, hub->size()), hub_certificate).code(),
            absl::StatusCode::kFailedPrecondition);
  // Persistence: reopening gives the same log.
  replica.reset();
  auto reopened = *Ledger::Open(*site_db);
  EXPECT_EQ(reopened->size(), 7u);
  EXPECT_TRUE(Sync(*hub, *reopened, hub_certificate).ok());
  EXPECT_EQ(reopened->root(), hub->root());
}

TEST_F(LedgerTest, ARewrittenHistoryOrAForgedHeadIsRefused) {
  auto hub_db = *SqliteDatabase::Open(TempPath("hub.db"));
  auto fork_db = *SqliteDatabase::Open(TempPath("fork.db"));
  auto site_db = *SqliteDatabase::Open(TempPath("site.db"));
  auto hub = *Ledger::Open(*hub_db);
  auto fork = *Ledger::Open(*fork_db);
  auto replica = *Ledger::Open(*site_db);
  const std::string& hub_certificate = hub_->identity.certificate_pem;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(hub->Append(Entry(i), hub_->signer).ok());
  ASSERT_TRUE(Sync(*hub, *replica, hub_certificate).ok());
  // The same hub key signs a log whose entry 1 differs, and extends it.
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(fork->Append(Entry(i == 1 ? 99 : i), hub_->signer).ok());
  Status rewritten = Sync(*fork, *replica, hub_certificate);
  EXPECT_FALSE(rewritten.ok());
  EXPECT_NE(std::string(rewritten.message()).find("does not extend the head 4"), std::string::npos) << rewritten;
  EXPECT_EQ(replica->size(), 4u);  // nothing of it was stored
  // Heads signed by another key (a party that is not the hub) are refused.
  auto impostor = MakeParty("hub", crypto::PartyRole::kHub);
  ASSERT_TRUE(hub->Append(Entry(4), impostor.signer).ok());
  Status forged = Sync(*hub, *replica, hub_certificate);
  EXPECT_EQ(forged.code(), absl::StatusCode::kPermissionDenied) << forged;
  EXPECT_NE(std::string(forged.message()).find("ledger entry 4"), std::string::npos) << forged;
}

TEST_F(LedgerTest, VerifyNamesTheFirstTamperedEntry) {
  auto hub_db = *SqliteDatabase::Open(TempPath("hub.db"));
  auto site_path = TempPath("site.db");
  auto site_db = *SqliteDatabase::Open(site_path);
  auto hub = *Ledger::Open(*hub_db);
  auto replica = *Ledger::Open(*site_db);
  const std::string& hub_certificate = hub_->identity.certificate_pem;
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(hub->Append(Entry(i), hub_->signer).ok());
  ASSERT_TRUE(Sync(*hub, *replica, hub_certificate).ok());
  ASSERT_TRUE(replica->SetMeta("hub_certificate", hub_certificate).ok());
  const std::string& ca = authority_.certificate_pem;
  ASSERT_TRUE(replica->Verify(ca).ok());
  // Someone edits entry 3's text in the replica.
  ASSERT_TRUE(
      site_db->Execute("UPDATE ledger_entries SET body = replace(body, '\"round\":3', '\"round\":30') WHERE idx = 3")
          .ok());
  auto tampered = replica->Verify(ca);
  ASSERT_FALSE(tampered.ok());
  EXPECT_NE(std::string(tampered.status().message()).find("ledger entry 3: its contents were changed"),
            std::string::npos)
      << tampered.status();
  // Someone rewrites entry 2 and recomputes every hash and tree head after it: the hub's
  // signature still gives it away.
  ASSERT_TRUE(
      site_db->Execute("UPDATE ledger_entries SET body = replace(body, '\"round\":30', '\"round\":3') WHERE idx = 3")
          .ok());
  ASSERT_TRUE(replica->Verify(ca).ok());
  auto records = *replica->Read(0, 6);
  records[2].body = R"({"type":"round","study":"s1","round":-1})";
  crypto::CompactMerkleTree tree;
  for (auto& record : records) {
    record.leaf_hash = crypto::LeafHash(record.body);
    tree.Append(record.leaf_hash);
    record.root = tree.Root();
  }
  ASSERT_TRUE(site_db->Execute("DELETE FROM ledger_entries").ok());
  for (const auto& record : records) {
    auto insert = *site_db->Prepare("INSERT INTO ledger_entries VALUES (?, ?, ?, ?, ?, ?)");
    insert.Bind(1, static_cast<int64_t>(record.index))
        .Bind(2, record.body)
        .BindBlob(3, std::string(record.leaf_hash.begin(), record.leaf_hash.end()))
        .BindBlob(4, std::string(record.root.begin(), record.root.end()))
        .Bind(5, record.time_ms)
        .BindBlob(6, record.hub_signature);
    ASSERT_TRUE(insert.Run().ok());
  }
  auto resigned = replica->Verify(ca);
  ASSERT_FALSE(resigned.ok());
  EXPECT_NE(std::string(resigned.status().message()).find("ledger entry 2: the hub's signature"), std::string::npos)
      << resigned.status();
  // A deleted entry is named too.
  ASSERT_TRUE(site_db->Execute("DELETE FROM ledger_entries WHERE idx = 1").ok());
  auto deleted = replica->Verify(ca);
  ASSERT_FALSE(deleted.ok());
  EXPECT_NE(std::string(deleted.status().message()).find("ledger entry 1: missing"), std::string::npos);
}

// The attacks on `audit verify` that trusted the database's own certificates.
class LedgerTrustTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    hub_db_ = *SqliteDatabase::Open(TempPath("hub.db"));
    site_db_ = *SqliteDatabase::Open(TempPath("site.db"));
    hub_ledger_ = *Ledger::Open(*hub_db_);
    replica_ = *Ledger::Open(*site_db_);
    for (auto* ledger : {hub_ledger_.get(), replica_.get()}) {
      ASSERT_TRUE(ledger->SetMeta("hub_certificate", hub_->identity.certificate_pem).ok());
      ASSERT_TRUE(ledger->SetMeta("authority_certificate", authority_.certificate_pem).ok());
    }
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(hub_ledger_->Append(Entry(i), hub_->signer).ok());
    ASSERT_TRUE(Sync(*hub_ledger_, *replica_, hub_->identity.certificate_pem).ok());
    // The site countersigns head 5, at the hub and in its own replica, as the daemon does.
    countersignature_ = site_->signer.Sign(Ledger::CountersignatureMessage("hospital-a", 5, replica_->root()));
    for (auto* ledger : {hub_ledger_.get(), replica_.get()}) {
      ASSERT_TRUE(
          ledger->AddCountersignature(5, "hospital-a", site_->identity.certificate_pem, countersignature_).ok());
    }
    ASSERT_TRUE(hub_ledger_->Verify(authority_.certificate_pem).ok());
    ASSERT_TRUE(replica_->Verify(authority_.certificate_pem).ok());
  }

  // Files a countersignature of head 5 straight into the hub's database, past
  // AddCountersignature (which checks only the signature), as an attacker with the file would.
  void FileCountersignature(const std::string& site, const std::string& certificate_pem, const crypto::Signer& signer) {
    auto head = *hub_ledger_->Read(4, 1);
    auto insert = *hub_db_->Prepare("INSERT INTO ledger_countersignatures VALUES (?, ?, ?, ?)");
    insert.Bind(1, int64_t{5})
        .Bind(2, site)
        .Bind(3, certificate_pem)
        .BindBlob(4, signer.Sign(Ledger::CountersignatureMessage(site, 5, head[0].root)));
    ASSERT_TRUE(insert.Run().ok());
  }

  std::unique_ptr<SqliteDatabase> hub_db_, site_db_;
  std::unique_ptr<Ledger> hub_ledger_, replica_;
  std::string countersignature_;
};

TEST_F(LedgerTrustTest, ACountersignatureUnderAnotherCaIsRejected) {
  auto rogue = *crypto::CreateCertificateAuthority("rogue", 30);
  auto fake_site = *crypto::IssueCertificate(rogue, "hospital-b", crypto::PartyRole::kSite, {}, 30);
  auto fake_signer = *crypto::Signer::FromPem(fake_site.key);
  FileCountersignature("hospital-b", fake_site.certificate_pem, fake_signer);
  auto verified = hub_ledger_->Verify(authority_.certificate_pem);
  ASSERT_FALSE(verified.ok());
  EXPECT_NE(std::string(verified.status().message())
                .find("countersignature of site hospital-b on tree head 5 is not made with a site certificate of the "
                      "CA you trust"),
            std::string::npos)
      << verified.status();
}

TEST_F(LedgerTrustTest, ACountersignatureFiledUnderAnotherSiteIsRejected) {
  // hospital-a's genuine certificate and signature, filed as hospital-c's.
  FileCountersignature("hospital-c", site_->identity.certificate_pem, site_->signer);
  auto verified = hub_ledger_->Verify(authority_.certificate_pem);
  ASSERT_FALSE(verified.ok());
  EXPECT_NE(std::string(verified.status().message()).find("it names site hospital-a"), std::string::npos)
      << verified.status();
}

TEST_F(LedgerTrustTest, AWholeLogReSignedUnderARogueCaIsRejected) {
  // The attacker rewrites entry 2, re-signs every head with a rogue hub key, and stores the rogue
  // hub and CA certificates in the database; the replica is self-consistent.
  auto rogue = *crypto::CreateCertificateAuthority("rogue", 30);
  auto rogue_hub = *crypto::IssueCertificate(rogue, "hub", crypto::PartyRole::kHub, {}, 30);
  auto rogue_signer = *crypto::Signer::FromPem(rogue_hub.key);
  auto forged_db = *SqliteDatabase::Open(TempPath("forged.db"));
  auto forged = *Ledger::Open(*forged_db);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(forged->Append(Entry(i == 2 ? -1 : i), rogue_signer).ok());
  ASSERT_TRUE(forged->SetMeta("hub_certificate", rogue_hub.certificate_pem).ok());
  ASSERT_TRUE(forged->SetMeta("authority_certificate", rogue.certificate_pem).ok());
  // What the old check did: trust the CA stored in the database. It passes there...
  ASSERT_TRUE(forged->Verify(rogue.certificate_pem).ok());
  // ...and fails against the CA the party holds.
  auto verified = forged->Verify(authority_.certificate_pem);
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(std::string(verified.status().message()).find("not a hub certificate issued by the CA you trust"),
            std::string::npos)
      << verified.status();
  // A site certificate of the right CA is not a hub certificate either.
  ASSERT_TRUE(forged->SetMeta("hub_certificate", site_->identity.certificate_pem).ok());
  EXPECT_FALSE(forged->Verify(authority_.certificate_pem).ok());
}

TEST_F(LedgerTrustTest, ADeletedTailIsReportedAsTruncated) {
  for (auto* database : {hub_db_.get(), site_db_.get()}) {
    ASSERT_TRUE(database->Execute("DELETE FROM ledger_entries WHERE idx >= 3").ok());
  }
  for (auto* ledger : {hub_ledger_.get(), replica_.get()}) {
    auto verified = ledger->Verify(authority_.certificate_pem);
    ASSERT_FALSE(verified.ok());
    EXPECT_NE(std::string(verified.status().message())
                  .find("truncated: site hospital-a countersigned tree head 5 but the replica holds only 3 entries"),
              std::string::npos)
        << verified.status();
  }
}

ApprovalRecord Submitted(std::string id, std::string researcher, std::string name, std::string digest,
                         std::string summary) {
  ApprovalRecord record;
  record.study_id = std::move(id);
  record.researcher = std::move(researcher);
  record.study_name = std::move(name);
  record.plan_digest = std::move(digest);
  record.summary = std::move(summary);
  return record;
}

TEST(ApprovalBookTest, PolicyDecidesOrAPersonDoes) {
  auto database = *SqliteDatabase::Open(TempPath("approvals.db"));
  auto book = *ApprovalBook::Open(*database);
  ApprovalRecord study = Submitted("s1", "alice", "colon", "digest1", "glm: recurrence ~ rx");
  auto pending = book->Receive(study, "", false);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->state, ApprovalState::kPending);
  EXPECT_TRUE(book->DecidedUnreported()->empty());
  // The same study with another plan is not the same study.
  ApprovalRecord altered = study;
  altered.plan_digest = "digest2";
  EXPECT_EQ(book->Receive(altered, "", false).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_FALSE(book->Decide("s1", false, "dr.x", "").ok());  // a denial needs a reason
  auto approved = book->Decide("s1", true, "dr.x", "");
  ASSERT_TRUE(approved.ok());
  EXPECT_EQ(approved->state, ApprovalState::kApproved);
  EXPECT_FALSE(book->Decide("s1", false, "dr.y", "changed my mind").ok());  // decided already
  ASSERT_EQ(book->DecidedUnreported()->size(), 1u);
  ASSERT_TRUE(book->MarkReported("s1").ok());
  EXPECT_TRUE(book->DecidedUnreported()->empty());
  auto refused =
      book->Receive(Submitted("s2", "mallory", "x", "d", "count"), "site does not accept studies from mallory", false);
  EXPECT_EQ(refused->state, ApprovalState::kDenied);
  EXPECT_EQ(refused->decided_by, "policy");
  auto automatic = book->Receive(Submitted("s3", "alice", "x", "d", "count"), "", true);
  EXPECT_EQ(automatic->state, ApprovalState::kApproved);
  EXPECT_EQ(book->List()->size(), 3u);
  EXPECT_EQ(book->Decide("nope", true, "x", "").status().code(), absl::StatusCode::kNotFound);
}

TEST(StudyStoreTest, SurvivesRestartAndRequeuesRunningStudies) {
  const std::string path = TempPath("hub.db");
  {
    auto database = *SqliteDatabase::Open(path);
    auto store = *StudyStore::Open(*database);
    StudyRecord study;
    study.id = "abc";
    study.researcher = "alice";
    study.submission = std::string("\x00\x01plan", 6);
    study.decisions = {{"hospital-a", "approved"}, {"hospital-b", "pending"}};
    ASSERT_TRUE(store->Add(study).ok());
    study.state = StudyState::kRunning;
    ASSERT_TRUE(store->Save(study).ok());
  }
  auto database = *SqliteDatabase::Open(path);
  auto store = *StudyStore::Open(*database);
  ASSERT_TRUE(store->RequeueRunning().ok());
  auto study = *store->Get("abc");
  ASSERT_TRUE(study.has_value());
  EXPECT_EQ(study->state, StudyState::kReady);
  EXPECT_EQ(study->submission, std::string("\x00\x01plan", 6));
  EXPECT_EQ(study->decisions.at("hospital-b"), "pending");
  EXPECT_EQ(store->WithState(StudyState::kReady)->size(), 1u);
  EXPECT_FALSE(store->Get("nope")->has_value());
}

}  // namespace
}  // namespace medfed::governance
