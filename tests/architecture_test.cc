// The dependency rules of docs/architecture.md, checked on the source tree: libsodium and
// OpenSSL are called only inside crypto/ (one door for every secret and every random byte),
// gRPC only inside net/, stats/ and crypto/ do no I/O, analysis/ families build only on
// analysis/engine/, and namespaces follow the modules.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace {

namespace fs = std::filesystem;

struct Source {
  std::string module;  // first folder under src/medfed
  std::string path;    // relative to src/medfed
  std::string text;
};

std::vector<Source> Sources() {
  const fs::path root = fs::path(MEDFED_SOURCE_DIR) / "src" / "medfed";
  std::vector<Source> sources;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string extension = entry.path().extension().string();
    if (!entry.is_regular_file() || (extension != ".cc" && extension != ".h")) continue;
    const fs::path relative = fs::relative(entry.path(), root);
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    sources.push_back({relative.begin()->string(), relative.string(), text.str()});
  }
  return sources;
}

// The files outside `allowed` modules that contain any of `needles`.
std::vector<std::string> Offenders(const std::vector<Source>& sources, const std::vector<std::string>& allowed,
                                   const std::vector<std::string>& needles) {
  std::vector<std::string> offenders;
  for (const auto& source : sources) {
    if (std::find(allowed.begin(), allowed.end(), source.module) != allowed.end()) continue;
    for (const auto& needle : needles) {
      if (source.text.find(needle) != std::string::npos) {
        offenders.push_back(source.path + " (" + needle + ")");
        break;
      }
    }
  }
  return offenders;
}

TEST(ArchitectureTest, LibsodiumAndOpenSslAreCalledOnlyInsideCrypto) {
  const auto sources = Sources();
  const std::vector<std::string> needles = {"<sodium.h>",   "<openssl/",  "randombytes_", "sodium_", "crypto_auth",
                                            "crypto_hash_", "crypto_box", "crypto_sign",  "EVP_"};
  // The scan sees the tree: crypto/ itself holds these calls.
  EXPECT_FALSE(Offenders(sources, {}, needles).empty());
  EXPECT_EQ(Offenders(sources, {"crypto"}, needles), std::vector<std::string>{});
}

TEST(ArchitectureTest, GrpcIsIncludedOnlyInsideNet) {
  const auto sources = Sources();
  EXPECT_FALSE(Offenders(sources, {}, {"<grpcpp/"}).empty());
  EXPECT_EQ(Offenders(sources, {"net"}, {"<grpcpp/", "<grpc/"}), std::vector<std::string>{});
}

TEST(ArchitectureTest, StatsAndCryptoDoNoIo) {
  std::vector<Source> pure;
  for (auto& source : Sources()) {
    if ((source.module == "stats" || source.module == "crypto") && source.path.find("_test.cc") == std::string::npos) {
      pure.push_back(std::move(source));
    }
  }
  ASSERT_GT(pure.size(), 20u);
  EXPECT_EQ(Offenders(pure, {},
                      {"<fstream>", "<iostream>", "<filesystem>", "medfed/core/file.h", "medfed/core/secret_file.h",
                       "fopen(", "medfed/net/"}),
            std::vector<std::string>{});
}

}  // namespace

// analysis/ is one library in rooms: engine/ (interface, driver, registry, site data) and a
// folder per family of analyses. A family builds on engine/ and on nothing of another family,
// and engine/ names no family (the registry links them by their definitions, not their headers).
TEST(ArchitectureTest, AnalysisFamiliesIncludeOnlyTheEngine) {
  const std::vector<std::string> families = {"descriptive", "regression", "survival", "gwas", "linkage", "matching"};
  const auto sources = Sources();
  std::vector<std::string> offenders;
  size_t seen = 0;
  for (const auto& source : sources) {
    if (source.module != "analysis") continue;
    const fs::path relative(source.path);
    ASSERT_GE(std::distance(relative.begin(), relative.end()), 3) << source.path << " is not in a room of analysis/";
    const std::string room = std::next(relative.begin())->string();
    ASSERT_TRUE(room == "engine" || std::find(families.begin(), families.end(), room) != families.end())
        << source.path << ": analysis/" << room << "/ is not a room docs/architecture.md names";
    ++seen;
    for (const auto& family : families) {
      if (family == room) continue;
      if (source.text.find("\"medfed/analysis/" + family + "/") != std::string::npos) {
        offenders.push_back(source.path + " includes analysis/" + family + "/");
      }
    }
  }
  EXPECT_GT(seen, 30u);
  EXPECT_EQ(offenders, std::vector<std::string>{});
}

// Everything a module defines is in medfed::<module> (core: medfed itself); a block of another
// namespace may only forward-declare.
TEST(ArchitectureTest, NamespacesFollowTheModules) {
  std::vector<std::string> offenders;
  size_t checked = 0;
  for (const auto& source : Sources()) {
    const std::string own = source.module == "core" ? "medfed" : "medfed::" + source.module;
    std::istringstream lines(source.text);
    std::string line, foreign;  // foreign: the other namespace whose block we are in
    int number = 0;
    while (std::getline(lines, line)) {
      ++number;
      if (line.rfind("namespace medfed", 0) == 0 && line.back() == '{') {
        const std::string name = line.substr(10, line.size() - 12);
        ++checked;
        if (name != own && name.rfind(own + "::", 0) != 0) foreign = name;
        continue;
      }
      if (line == "}" || line.rfind("}  // namespace medfed", 0) == 0) {
        foreign.clear();
        continue;
      }
      const bool forward =
          line.empty() || ((line.rfind("class ", 0) == 0 || line.rfind("struct ", 0) == 0) &&
                           line.find(' ', line.find(' ') + 1) == std::string::npos && line.back() == ';');
      if (!foreign.empty() && !forward) {
        offenders.push_back(source.path + ":" + std::to_string(number) + " defines in " + foreign + ", not " + own);
        foreign.clear();
      }
    }
  }
  EXPECT_GT(checked, 200u);
  EXPECT_EQ(offenders, std::vector<std::string>{});
}

// A binary built on one hospital's machine must run on another's: nothing in the build asks for
// the build machine's CPU (hot loops pick wider instructions at run time, docs/protocols/gwas.md).
TEST(ArchitectureTest, TheBuildTargetsTheX8664BaselineNotTheBuildMachine) {
  for (const char* file : {"CMakeLists.txt", "CMakePresets.json"}) {
    std::ifstream in(fs::path(MEDFED_SOURCE_DIR) / file);
    ASSERT_TRUE(in) << file;
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str().find("-march=native"), std::string::npos) << file;
    EXPECT_EQ(text.str().find("-mavx"), std::string::npos) << file;
  }
}
