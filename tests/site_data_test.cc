// A site daemon's tables change under it (a new export replaces the file): it notices, reloads,
// and never answers from a stale copy without saying so.
#include "medfed/analysis/engine/site_data.h"

#include <sys/time.h>
#include <unistd.h>

#include "gtest/gtest.h"
#include "medfed/core/file.h"
#include "test_support.h"

namespace medfed {
namespace {

TEST(SiteDataTest, AChangedFileIsReloadedAndAGoneOneIsAnError) {
  const std::string directory = testing::MakeTempDir("medfed_site_data");
  const std::string path = directory + "/colon.csv";
  ASSERT_TRUE(WriteFileAtomically(path, "id,age\n1,50\n2,60\n").ok());
  analysis::SiteData data("hospital-a", {{"colon", path}});
  auto first = data.GetTable("colon");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ((*first)->row_count(), 2u);
  // Asked again, unchanged: the same copy.
  EXPECT_EQ(data.GetTable("colon").value(), *first);
  // Touched (new times, same bytes): still the same copy, nothing re-parsed.
  struct timeval later[2] = {{2000000000, 0}, {2000000000, 0}};
  ASSERT_EQ(::utimes(path.c_str(), later), 0);
  EXPECT_EQ(data.GetTable("colon").value(), *first);
  // Replaced by a new export, even one of the same size written in the same second: reloaded.
  ASSERT_TRUE(WriteFileAtomically(path, "id,age\n1,50\n2,61\n").ok());
  auto second = data.GetTable("colon");
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*second, *first);
  EXPECT_EQ((*second)->row_count(), 2u);
  // Rewritten in place with more rows.
  {
    FILE* file = std::fopen(path.c_str(), "a");
    ASSERT_NE(file, nullptr);
    std::fputs("3,70\n", file);
    std::fclose(file);
  }
  EXPECT_EQ(data.GetTable("colon").value()->row_count(), 3u);
  // The copy a session holds stays as it was.
  EXPECT_EQ((*first)->row_count(), 2u);
  // A new file that does not parse: an error, not the old copy.
  ASSERT_TRUE(WriteFileAtomically(path, "id,age\n1,\"open\n").ok());
  auto broken = data.GetTable("colon");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("changed on disk and the new file cannot be read"), std::string::npos)
      << broken.status();
  // Deleted: an error naming the table and the file.
  ASSERT_EQ(::unlink(path.c_str()), 0);
  auto gone = data.GetTable("colon");
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.status().message().find("table colon's file " + path + " is gone"), std::string::npos)
      << gone.status();
}

}  // namespace
}  // namespace medfed
