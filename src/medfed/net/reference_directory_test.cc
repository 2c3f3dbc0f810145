// A daemon's reference directory serves content by its hash, and only content that still has it.
#include "medfed/net/reference_directory.h"

#include <filesystem>
#include <thread>

#include "gtest/gtest.h"
#include "medfed/core/file.h"
#include "medfed/crypto/sodium.h"

namespace medfed::net {
namespace {

std::string FreshDirectory(const std::string& name) {
  const std::string directory = ::testing::TempDir() + "/medfed_references_" + name + "_" + std::to_string(::getpid());
  std::filesystem::remove_all(directory);
  std::filesystem::create_directories(directory + "/nested");
  return directory;
}

TEST(ReferenceDirectoryTest, ServesFilesByHashWhateverTheirNames) {
  const std::string directory = FreshDirectory("names");
  ASSERT_TRUE(WriteFileAtomically(directory + "/hp.obo", "format-version: 1.2\n").ok());
  ASSERT_TRUE(WriteFileAtomically(directory + "/nested/expected.csv", "age,sex,year,survival\n").ok());
  auto opened = ReferenceDirectory::Open(directory);
  ASSERT_TRUE(opened.ok()) << opened.status();
  auto references = *opened;
  EXPECT_EQ(references->size(), 2u);
  auto obo = references->Read(crypto::Sha256Hex("format-version: 1.2\n"));
  ASSERT_TRUE(obo.ok() && obo->has_value());
  EXPECT_EQ(**obo, "format-version: 1.2\n");
  auto nested = references->Lookup()(crypto::Sha256Hex("age,sex,year,survival\n"));
  ASSERT_TRUE(nested.ok() && nested->has_value());
  auto absent = references->Read(crypto::Sha256Hex("something else"));
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
}

TEST(ReferenceDirectoryTest, AnEditedFileIsNotServedUnderItsOldHashAndANewFileIsFound) {
  const std::string directory = FreshDirectory("edits");
  ASSERT_TRUE(WriteFileAtomically(directory + "/table.csv", "version 1\n").ok());
  auto references = *ReferenceDirectory::Open(directory, std::chrono::milliseconds(0));
  const std::string old_hash = crypto::Sha256Hex("version 1\n");
  ASSERT_TRUE(references->Read(old_hash)->has_value());
  ASSERT_TRUE(WriteFileAtomically(directory + "/table.csv", "version 2\n").ok());
  auto stale = references->Read(old_hash);
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(stale->has_value());  // the content under that hash is gone
  auto edited = references->Read(crypto::Sha256Hex("version 2\n"));
  ASSERT_TRUE(edited.ok() && edited->has_value());
  // A file the operator adds after a refusal is found without a restart.
  ASSERT_TRUE(WriteFileAtomically(directory + "/nested/added.obo", "added\n").ok());
  auto added = references->Read(crypto::Sha256Hex("added\n"));
  ASSERT_TRUE(added.ok() && added->has_value());
}

TEST(ReferenceDirectoryTest, ScansAreRateLimited) {
  const std::string directory = FreshDirectory("rate");
  auto references = *ReferenceDirectory::Open(directory, std::chrono::hours(1));
  ASSERT_TRUE(WriteFileAtomically(directory + "/late.obo", "late\n").ok());
  auto late = references->Read(crypto::Sha256Hex("late\n"));
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->has_value());  // no new scan within the interval
}

TEST(ReferenceDirectoryTest, AMissingDirectoryIsAnErrorSayingWhatToDo) {
  auto missing = ReferenceDirectory::Open("/nonexistent/medfed-references");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/medfed-references does not exist"), std::string::npos);
}

}  // namespace
}  // namespace medfed::net
