#include "medfed/governance/contact_book.h"

#include <cstdlib>

#include "gtest/gtest.h"

namespace medfed::governance {
namespace {

ContactRecord Request(const std::string& id, const std::string& site) {
  ContactRecord record;
  record.request_id = id;
  record.study_id = "study";
  record.site = site;
  record.researcher = "alice";
  record.handle = std::string(32, 'a');
  record.fields = {"diagnosis", "contact"};
  record.reason = "a family asks";
  record.signed_request = std::string("\0signed\xff", 8);  // bytes, not text
  return record;
}

// A request is decided once and survives reopening; what a site still has to report, and what
// a hub still has to send a site, are the right ones.
TEST(ContactBookTest, ADecisionIsFinalAndKeptWithItsSealedAnswer) {
  char pattern[] = "/tmp/medfed_contacts_XXXXXX";
  const std::string path = std::string(mkdtemp(pattern)) + "/medfed.db";
  {
    auto database = SqliteDatabase::Open(path);
    ASSERT_TRUE(database.ok()) << database.status();
    auto book = *ContactBook::Open(**database);
    ASSERT_TRUE(book->Receive(Request("r1", "clinic-a")).ok());
    bool added = false;
    ASSERT_TRUE(book->Receive(Request("r2", "clinic-b"), &added).ok());
    EXPECT_TRUE(added);
    ContactRecord changed = Request("r1", "clinic-a");
    changed.reason = "another reason";
    added = true;
    auto again = book->Receive(changed, &added);  // the first record stands
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(added);
    EXPECT_EQ(again->reason, "a family asks");
    EXPECT_EQ(again->signed_request, std::string("\0signed\xff", 8));
    ASSERT_EQ(book->Pending("clinic-a")->size(), 1u);

    const std::string sealed("\x01\x00\x02sealed", 9);
    auto approved = book->Decide("r1", true, "dr. wu", "consent on file", {"contact"}, sealed);
    ASSERT_TRUE(approved.ok()) << approved.status();
    EXPECT_EQ(approved->state, ApprovalState::kApproved);
    auto overruled = book->Decide("r1", false, "mallory", "no", {}, "");
    ASSERT_TRUE(overruled.ok());
    EXPECT_EQ(overruled->state, ApprovalState::kApproved);
    EXPECT_EQ(overruled->decided_by, "dr. wu");
    EXPECT_TRUE(book->Pending("clinic-a")->empty());
    ASSERT_EQ(book->DecidedUnreported()->size(), 1u);
    ASSERT_TRUE(book->MarkReported("r1").ok());
    EXPECT_TRUE(book->DecidedUnreported()->empty());
    EXPECT_FALSE(book->Decide("r9", true, "x", "", {}, "").ok());  // no such request
  }
  auto database = SqliteDatabase::Open(path);
  auto book = *ContactBook::Open(**database);
  auto kept = book->Get("r1");
  ASSERT_TRUE(kept.ok() && kept->has_value());
  EXPECT_EQ((*kept)->answer, std::string("\x01\x00\x02sealed", 9));
  EXPECT_EQ((*kept)->released_fields, std::vector<std::string>({"contact"}));
  EXPECT_EQ((*kept)->fields, std::vector<std::string>({"diagnosis", "contact"}));
  EXPECT_TRUE((*kept)->reported);
  EXPECT_EQ(book->List()->size(), 2u);
}

}  // namespace
}  // namespace medfed::governance
