#include "medfed/core/file.h"

#include <sys/stat.h>

#include <filesystem>

#include "gtest/gtest.h"

namespace medfed {
namespace {

std::string TempDir() {
  auto dir = std::filesystem::temp_directory_path() / ("medfed_file_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

TEST(FileTest, AtomicWriteCreatesParentsAndReplaces) {
  std::string path = TempDir() + "/a/b/out.txt";
  ASSERT_TRUE(WriteFileAtomically(path, "first").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "second", 0600).ok());
  auto contents = ReadFileToString(path);
  ASSERT_TRUE(contents.ok());
  EXPECT_EQ(*contents, "second");
  struct stat info;
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  // No temporary files are left behind.
  int entries = 0;
  for (auto& entry : std::filesystem::directory_iterator(TempDir() + "/a/b")) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST(FileTest, MissingFileNamesThePath) {
  auto contents = ReadFileToString("/nonexistent/medfed.csv");
  ASSERT_FALSE(contents.ok());
  EXPECT_NE(contents.status().message().find("/nonexistent/medfed.csv"), std::string::npos);
  auto mapped = MappedFile::Open("/nonexistent/medfed.csv");
  EXPECT_FALSE(mapped.ok());
}

TEST(FileTest, MapsFileContents) {
  std::string path = TempDir() + "/mapped.txt";
  ASSERT_TRUE(WriteFileAtomically(path, "hello, map").ok());
  auto mapped = MappedFile::Open(path);
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped->view(), "hello, map");
  MappedFile moved = std::move(*mapped);
  EXPECT_EQ(moved.size(), 10u);
}

TEST(FileTest, ResolvesRelativeToStudyFile) {
  EXPECT_EQ(ResolveRelativeTo("/x/y/study.toml", "data/a.csv"), "/x/y/data/a.csv");
  EXPECT_EQ(ResolveRelativeTo("/x/y/study.toml", "/abs/a.csv"), "/abs/a.csv");
  EXPECT_EQ(ResolveRelativeTo("study.toml", "a.csv"), "a.csv");
}

}  // namespace
}  // namespace medfed
