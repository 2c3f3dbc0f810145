// RFC 6962 Merkle trees against the Certificate Transparency reference vectors (the eight
// leaves and roots of certificate-transparency's merkle tests, also used by Trillian), and
// proofs that must fail when any part is changed.
#include "medfed/crypto/merkle_tree.h"

#include "gtest/gtest.h"

namespace medfed::crypto {
namespace {

std::string Bytes(std::string_view hex) {
  std::string bytes;
  for (size_t i = 0; i < hex.size(); i += 2)
    bytes += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return bytes;
}

MerkleHash H(std::string_view hex) { return *MerkleHashFromHex(hex); }

const std::vector<std::string> kEntries = {Bytes(""),
                                           Bytes("00"),
                                           Bytes("10"),
                                           Bytes("2021"),
                                           Bytes("3031"),
                                           Bytes("40414243"),
                                           Bytes("5051525354555657"),
                                           Bytes("606162636465666768696a6b6c6d6e6f")};
const std::vector<std::string> kRoots = {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                                         "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                                         "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                                         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                                         "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                                         "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                                         "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                                         "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

std::vector<MerkleHash> Leaves(size_t n) {
  std::vector<MerkleHash> leaves;
  for (size_t i = 0; i < n; ++i) leaves.push_back(LeafHash(kEntries[i]));
  return leaves;
}

TEST(MerkleTreeTest, RootsMatchTheReferenceVectors) {
  EXPECT_EQ(HexOf(EmptyTreeRoot()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CompactMerkleTree compact;
  EXPECT_EQ(compact.Root(), EmptyTreeRoot());
  for (size_t n = 1; n <= 8; ++n) {
    EXPECT_EQ(HexOf(MerkleRoot(Leaves(n))), kRoots[n - 1]) << n;
    compact.Append(LeafHash(kEntries[n - 1]));
    EXPECT_EQ(HexOf(compact.Root()), kRoots[n - 1]) << n;
  }
}

TEST(MerkleTreeTest, ProofsMatchTheReferenceVectors) {
  struct Case {
    uint64_t index, size;
    std::vector<std::string> proof;
  };
  // Inclusion (leaf index is 0-based here; the reference lists 1-based leaves).
  for (const Case& c : std::vector<Case>{{0,
                                          8,
                                          {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                                           "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                                           "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
                                         {5,
                                          8,
                                          {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                                           "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                                           "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
                                         {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
                                         {1,
                                          5,
                                          {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                                           "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                                           "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}}}) {
    const auto leaves = Leaves(c.size);
    const auto proof = InclusionProof(leaves, c.index);
    ASSERT_EQ(proof.size(), c.proof.size());
    for (size_t i = 0; i < proof.size(); ++i) EXPECT_EQ(HexOf(proof[i]), c.proof[i]);
    EXPECT_TRUE(VerifyInclusion(c.index, c.size, leaves[c.index], proof, H(kRoots[c.size - 1])).ok());
  }
  // Consistency (old size, new size).
  for (const Case& c : std::vector<Case>{{1,
                                          8,
                                          {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                                           "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                                           "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
                                         {6,
                                          8,
                                          {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                                           "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                                           "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
                                         {2,
                                          5,
                                          {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                                           "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}}}) {
    const auto proof = ConsistencyProof(Leaves(c.size), c.index);
    ASSERT_EQ(proof.size(), c.proof.size());
    for (size_t i = 0; i < proof.size(); ++i) EXPECT_EQ(HexOf(proof[i]), c.proof[i]);
    EXPECT_TRUE(VerifyConsistency(c.index, c.size, H(kRoots[c.index - 1]), H(kRoots[c.size - 1]), proof).ok());
  }
}

// Every proof of every tree up to 40 leaves verifies; changing a bit, a size, a root, or
// adding or dropping a node makes it fail.
TEST(MerkleTreeTest, GeneratedProofsVerifyAndCorruptedOnesFail) {
  std::vector<MerkleHash> all;
  for (int i = 0; i < 40; ++i) all.push_back(LeafHash(std::string(1, static_cast<char>(i)) + "entry"));
  for (uint64_t n = 1; n <= 40; ++n) {
    std::span<const MerkleHash> leaves(all.data(), n);
    const MerkleHash root = MerkleRoot(leaves);
    for (uint64_t i = 0; i < n; ++i) {
      auto proof = InclusionProof(leaves, i);
      ASSERT_TRUE(VerifyInclusion(i, n, leaves[i], proof, root).ok()) << n << " " << i;
      EXPECT_FALSE(VerifyInclusion(i, 2 * n, leaves[i], proof, root).ok());
      if (n > 1) {
        EXPECT_FALSE(VerifyInclusion((i + 1) % n, n, leaves[i], proof, root).ok());
      }
      if (!proof.empty()) {
        auto flipped = proof;
        flipped[0][5] ^= 8;
        EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], flipped, root).ok());
        auto shorter = proof;
        shorter.pop_back();
        EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], shorter, root).ok());
      }
      auto longer = proof;
      longer.push_back(root);
      EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], longer, root).ok());
    }
    for (uint64_t m = 0; m <= n; ++m) {
      const MerkleHash old_root = MerkleRoot(leaves.first(m));
      auto proof = ConsistencyProof(leaves, m);
      ASSERT_TRUE(VerifyConsistency(m, n, old_root, root, proof).ok()) << m << " -> " << n;
      if (m == 0 || m == n) continue;
      EXPECT_FALSE(VerifyConsistency(m, n, root, old_root, proof).ok());
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, LeafHash("other"), proof).ok());
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, root, {}).ok());
      auto flipped = proof;
      flipped.back()[0] ^= 16;
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, root, flipped).ok());
      auto truncated = proof;
      truncated.pop_back();
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, root, truncated).ok());
      auto extended = proof;
      extended.push_back(old_root);
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, root, extended).ok());
    }
    // A rewritten history: the same size with one entry changed is not consistent.
    if (n >= 2) {
      std::vector<MerkleHash> rewritten(leaves.begin(), leaves.end());
      rewritten[0] = LeafHash("forged");
      const auto proof = ConsistencyProof(rewritten, n - 1);
      EXPECT_FALSE(VerifyConsistency(n - 1, n, MerkleRoot(leaves.first(n - 1)), MerkleRoot(rewritten), proof).ok());
    }
  }
  EXPECT_FALSE(VerifyConsistency(5, 4, EmptyTreeRoot(), EmptyTreeRoot(), {}).ok());
}

}  // namespace
}  // namespace medfed::crypto
