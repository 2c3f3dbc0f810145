// Merkle hash trees as in Certificate Transparency (RFC 6962 section 2.1, verification as in
// RFC 9162 section 2.1.3-2.1.4): leaf hash SHA-256(0x00 || entry), node hash
// SHA-256(0x01 || left || right), the tree of n leaves split at the largest power of two below n.
// The audit ledger is such a log; every site checks that each new tree head extends the last
// one it accepted (a consistency proof) before it countersigns it.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "medfed/core/status.h"

namespace medfed::crypto {

using MerkleHash = std::array<uint8_t, 32>;

MerkleHash LeafHash(std::string_view entry);
MerkleHash NodeHash(const MerkleHash& left, const MerkleHash& right);
MerkleHash EmptyTreeRoot();  // SHA-256 of the empty string

// MTH(D[n]) over leaf hashes.
MerkleHash MerkleRoot(std::span<const MerkleHash> leaves);
// PATH(index, D[n]) and PROOF(old_size, D[n]) of RFC 6962 2.1.1-2.1.2.
std::vector<MerkleHash> InclusionProof(std::span<const MerkleHash> leaves, uint64_t index);
std::vector<MerkleHash> ConsistencyProof(std::span<const MerkleHash> leaves, uint64_t old_size);

// Errors say which check failed; they never accept a proof with extra or missing nodes.
Status VerifyInclusion(uint64_t index, uint64_t size, const MerkleHash& leaf, std::span<const MerkleHash> proof,
                       const MerkleHash& root);
Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const MerkleHash& old_root, const MerkleHash& new_root,
                         std::span<const MerkleHash> proof);

// The root after each append in O(log n) memory: the roots of the perfect subtrees on the
// tree's right edge.
class CompactMerkleTree {
 public:
  void Append(const MerkleHash& leaf);
  MerkleHash Root() const;
  uint64_t size() const { return size_; }

 private:
  std::vector<MerkleHash> subtrees_;  // largest first
  uint64_t size_ = 0;
};

std::string HexOf(std::span<const uint8_t> bytes);
StatusOr<MerkleHash> MerkleHashFromHex(std::string_view hex);

}  // namespace medfed::crypto
