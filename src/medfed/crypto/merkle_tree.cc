#include "medfed/crypto/merkle_tree.h"

#include <sodium.h>

#include <bit>

namespace medfed::crypto {
namespace {

// Largest power of two strictly smaller than n (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

void SubProof(std::span<const MerkleHash> leaves, uint64_t m, bool complete, std::vector<MerkleHash>& proof) {
  const uint64_t n = leaves.size();
  if (m == n) {
    if (!complete) proof.push_back(MerkleRoot(leaves));
    return;
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    SubProof(leaves.first(k), m, complete, proof);
    proof.push_back(MerkleRoot(leaves.subspan(k)));
  } else {
    SubProof(leaves.subspan(k), m - k, false, proof);
    proof.push_back(MerkleRoot(leaves.first(k)));
  }
}

}  // namespace

MerkleHash LeafHash(std::string_view entry) {
  MerkleHash hash;
  crypto_hash_sha256_state state;
  const uint8_t prefix = 0x00;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, &prefix, 1);
  crypto_hash_sha256_update(&state, reinterpret_cast<const uint8_t*>(entry.data()), entry.size());
  crypto_hash_sha256_final(&state, hash.data());
  return hash;
}

MerkleHash NodeHash(const MerkleHash& left, const MerkleHash& right) {
  MerkleHash hash;
  crypto_hash_sha256_state state;
  const uint8_t prefix = 0x01;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, &prefix, 1);
  crypto_hash_sha256_update(&state, left.data(), left.size());
  crypto_hash_sha256_update(&state, right.data(), right.size());
  crypto_hash_sha256_final(&state, hash.data());
  return hash;
}

MerkleHash EmptyTreeRoot() {
  MerkleHash hash;
  crypto_hash_sha256(hash.data(), nullptr, 0);
  return hash;
}

MerkleHash MerkleRoot(std::span<const MerkleHash> leaves) {
  if (leaves.empty()) return EmptyTreeRoot();
  if (leaves.size() == 1) return leaves[0];
  const uint64_t k = SplitPoint(leaves.size());
  return NodeHash(MerkleRoot(leaves.first(k)), MerkleRoot(leaves.subspan(k)));
}

std::vector<MerkleHash> InclusionProof(std::span<const MerkleHash> leaves, uint64_t index) {
  std::vector<MerkleHash> proof;
  if (index >= leaves.size()) return proof;
  // Iterative PATH(m, D[n]): collect siblings top-down, then reverse to bottom-up order.
  std::vector<MerkleHash> top_down;
  std::span<const MerkleHash> range = leaves;
  uint64_t m = index;
  while (range.size() > 1) {
    const uint64_t k = SplitPoint(range.size());
    if (m < k) {
      top_down.push_back(MerkleRoot(range.subspan(k)));
      range = range.first(k);
    } else {
      top_down.push_back(MerkleRoot(range.first(k)));
      range = range.subspan(k);
      m -= k;
    }
  }
  proof.assign(top_down.rbegin(), top_down.rend());
  return proof;
}

std::vector<MerkleHash> ConsistencyProof(std::span<const MerkleHash> leaves, uint64_t old_size) {
  std::vector<MerkleHash> proof;
  if (old_size == 0 || old_size >= leaves.size()) return proof;
  SubProof(leaves, old_size, true, proof);
  return proof;
}

Status VerifyInclusion(uint64_t index, uint64_t size, const MerkleHash& leaf, std::span<const MerkleHash> proof,
                       const MerkleHash& root) {
  if (index >= size) {
    return InvalidArgument("inclusion proof: leaf " + std::to_string(index) + " is not in a tree of size " +
                           std::to_string(size));
  }
  uint64_t fn = index, sn = size - 1;
  MerkleHash r = leaf;
  for (const MerkleHash& p : proof) {
    if (sn == 0) return InvalidArgument("inclusion proof: more nodes than the tree has levels");
    if ((fn & 1) != 0 || fn == sn) {
      r = NodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return InvalidArgument("inclusion proof: too few nodes");
  if (r != root) return InvalidArgument("inclusion proof: the path does not lead to the tree head's root");
  return absl::OkStatus();
}

Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const MerkleHash& old_root, const MerkleHash& new_root,
                         std::span<const MerkleHash> proof) {
  if (old_size > new_size) {
    return InvalidArgument("consistency proof: the new tree (" + std::to_string(new_size) +
                           " entries) is smaller than the old one (" + std::to_string(old_size) + ")");
  }
  if (old_size == new_size) {
    if (!proof.empty()) return InvalidArgument("consistency proof: must be empty for equal sizes");
    if (old_root != new_root) return InvalidArgument("consistency proof: same size, different roots");
    return absl::OkStatus();
  }
  if (old_size == 0) {
    if (!proof.empty()) return InvalidArgument("consistency proof: must be empty from the empty tree");
    return absl::OkStatus();
  }
  if (proof.empty()) return InvalidArgument("consistency proof: empty");
  std::vector<MerkleHash> path(proof.begin(), proof.end());
  // An old tree that is a perfect subtree is its own first node.
  if (std::has_single_bit(old_size)) path.insert(path.begin(), old_root);
  uint64_t fn = old_size - 1, sn = new_size - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  MerkleHash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const MerkleHash& c = path[i];
    if (sn == 0) return InvalidArgument("consistency proof: more nodes than the tree has levels");
    if ((fn & 1) != 0 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return InvalidArgument("consistency proof: too few nodes");
  if (fr != old_root) return InvalidArgument("consistency proof: does not reproduce the old root");
  if (sr != new_root) return InvalidArgument("consistency proof: does not reproduce the new root");
  return absl::OkStatus();
}

void CompactMerkleTree::Append(const MerkleHash& leaf) {
  // Subtree sizes are the set bits of size_; merging follows the carries of size_ + 1.
  MerkleHash carry = leaf;
  for (uint64_t bit = 1; (size_ & bit) != 0; bit <<= 1) {
    carry = NodeHash(subtrees_.back(), carry);
    subtrees_.pop_back();
  }
  subtrees_.push_back(carry);
  ++size_;
}

MerkleHash CompactMerkleTree::Root() const {
  if (subtrees_.empty()) return EmptyTreeRoot();
  MerkleHash root = subtrees_.back();
  for (size_t i = subtrees_.size() - 1; i-- > 0;) root = NodeHash(subtrees_[i], root);
  return root;
}

std::string HexOf(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    hex += kDigits[b >> 4];
    hex += kDigits[b & 15];
  }
  return hex;
}

StatusOr<MerkleHash> MerkleHashFromHex(std::string_view hex) {
  MerkleHash hash;
  if (hex.size() != 64) return InvalidArgument("a SHA-256 hash is 64 hex digits, got " + std::to_string(hex.size()));
  for (size_t i = 0; i < 32; ++i) {
    auto digit = [&](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int high = digit(hex[2 * i]), low = digit(hex[2 * i + 1]);
    if (high < 0 || low < 0) return InvalidArgument("not a hex digit in a hash");
    hash[i] = static_cast<uint8_t>(high * 16 + low);
  }
  return hash;
}

}  // namespace medfed::crypto
