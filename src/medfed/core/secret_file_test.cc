#include "medfed/core/secret_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "gtest/gtest.h"
#include "medfed/core/file.h"
#include "medfed/core/staged_directory.h"

namespace medfed {
namespace {

std::string FreshDir(const std::string& name) {
  static int counter = 0;
  const auto parent = std::filesystem::temp_directory_path() /
                      ("medfed_secret_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  // A process id comes round again: a directory an earlier run left under it is not fresh.
  std::filesystem::remove_all(parent);
  return (parent / name).string();
}

unsigned ModeOf(const std::string& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

TEST(SecretFileTest, KeyDirectoriesAre0700WhateverTheUmask) {
  for (mode_t mask : {mode_t{0}, mode_t{022}, mode_t{077}}) {
    const mode_t old = ::umask(mask);
    const std::string directory = FreshDir("keys");
    ASSERT_TRUE(WriteSecretFile(directory + "/deeper/site.key", std::string(32, 'k') + "x").ok());
    ::umask(old);
    EXPECT_EQ(ModeOf(directory), 0700u) << "umask " << mask;
    EXPECT_EQ(ModeOf(directory + "/deeper"), 0700u);
    EXPECT_EQ(ModeOf(directory + "/deeper/site.key"), 0600u);
  }
}

TEST(SecretFileTest, KeysOthersCanReadAreRefused) {
  const std::string path = FreshDir("d") + "/site.key";
  ASSERT_TRUE(WriteSecretFile(path, "0123456789abcdef0123456789abcdef\n").ok());
  auto key = ReadSecretFile(path, "pseudonym key", 32);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, "0123456789abcdef0123456789abcdef");
  for (mode_t mode : {0640, 0604, 0620, 0644}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    auto refused = ReadSecretFile(path, "pseudonym key", 32);
    ASSERT_FALSE(refused.ok()) << mode;
    EXPECT_NE(refused.status().message().find("can be read or written by group or others"), std::string::npos);
    EXPECT_NE(refused.status().message().find("chmod 600 " + path), std::string::npos);
  }
}

TEST(SecretFileTest, ShortAndDegenerateKeysAreRefused) {
  const std::string directory = FreshDir("d");
  struct Case {
    std::string contents;
    KeyFormat format;
    const char* expected;
  } cases[] = {
      {"abc\n", KeyFormat::kText, "holds 3 bytes; it needs at least 32"},
      {std::string(32, '\0'), KeyFormat::kBinary, "degenerate (every byte is zero)"},
      {std::string(64, '0') + "\n", KeyFormat::kText, "degenerate (every byte is '0')"},
      {"", KeyFormat::kBinary, "holds 0 bytes"},
  };
  int i = 0;
  for (const auto& c : cases) {
    const std::string path = directory + "/k" + std::to_string(i++);
    ASSERT_TRUE(WriteSecretFile(path, c.contents).ok());
    auto key = ReadSecretFile(path, "match handle key", 32, c.format);
    ASSERT_FALSE(key.ok()) << c.expected;
    EXPECT_NE(key.status().message().find(c.expected), std::string::npos) << key.status();
    EXPECT_NE(key.status().message().find(path), std::string::npos);
  }
  // A binary key keeps a final newline byte: it is part of the key.
  const std::string binary = directory + "/binary";
  std::string bytes(31, 'q');
  bytes += '\n';
  ASSERT_TRUE(WriteSecretFile(binary, bytes).ok());
  EXPECT_EQ(ReadSecretFile(binary, "match handle key", 32, KeyFormat::kBinary).value_or(""), bytes);
}

TEST(StagedDirectoryTest, AnUncommittedStageLeavesNothingAndTheOldResultsStay) {
  const std::string target = FreshDir("results");
  ASSERT_TRUE(WriteFileAtomically(target + "/results.json", "old").ok());
  {
    auto stage = StagedDirectory::Begin(target);
    ASSERT_TRUE(stage.ok()) << stage.status();
    ASSERT_TRUE(WriteFileAtomically(stage->path() + "/results.json", "half").ok());
  }  // dropped: the run failed
  EXPECT_EQ(ReadFileToString(target + "/results.json").value_or(""), "old");
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(target).parent_path())) {
    EXPECT_EQ(entry.path().filename(), "results");
  }
  auto stage = StagedDirectory::Begin(target);
  ASSERT_TRUE(stage.ok());
  ASSERT_TRUE(WriteFileAtomically(stage->path() + "/results.json", "new").ok());
  ASSERT_TRUE(stage->Commit().ok());
  EXPECT_EQ(ReadFileToString(target + "/results.json").value_or(""), "new");
  EXPECT_FALSE(FileExists(stage->path()));
}

}  // namespace
}  // namespace medfed
