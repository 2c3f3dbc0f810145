#include "medfed/crypto/psi.h"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <unordered_set>

#include "medfed/core/parallel.h"
#include "medfed/crypto/sodium.h"

namespace medfed::crypto {
namespace {

// Wire format (little-endian counts): "MFPSI1", kind, mode, then
//   request: n, n elements          reply: n, m, n double-blinded elements, m blinded elements
constexpr char kMagic[6] = {'M', 'F', 'P', 'S', 'I', '1'};
constexpr uint8_t kRequest = 1, kReply = 2;
constexpr size_t kHeader = sizeof(kMagic) + 2;
constexpr size_t kElement = sizeof(GroupElement);

void PutCount(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint64_t GetCount(std::string_view in, size_t offset) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= static_cast<uint64_t>(static_cast<uint8_t>(in[offset + i])) << (8 * i);
  return value;
}

std::string Header(uint8_t kind, PsiMode mode) {
  std::string out(kMagic, sizeof(kMagic));
  out.push_back(static_cast<char>(kind));
  out.push_back(static_cast<char>(mode));
  return out;
}

void PutElements(std::string& out, const std::vector<GroupElement>& elements) {
  const size_t at = out.size();
  out.resize(at + elements.size() * kElement);
  if (!elements.empty()) std::memcpy(out.data() + at, elements.data(), elements.size() * kElement);
}

std::vector<GroupElement> GetElements(std::string_view in, size_t offset, uint64_t count) {
  std::vector<GroupElement> elements(count);
  if (count > 0) std::memcpy(elements.data(), in.data() + offset, count * kElement);
  return elements;
}

// Checks magic, kind and mode, and that the message holds exactly the elements its counts say.
StatusOr<std::vector<uint64_t>> ParseHeader(std::string_view message, uint8_t kind, PsiMode mode, int counts) {
  const char* what = kind == kRequest ? "PSI request" : "PSI reply";
  if (message.size() < kHeader + 8 * counts || std::memcmp(message.data(), kMagic, sizeof(kMagic)) != 0) {
    return InvalidArgument(std::string(what) + ": not a medfed PSI message (" + std::to_string(message.size()) +
                           " bytes); both parties must run medfed's PSI protocol v1");
  }
  if (static_cast<uint8_t>(message[6]) != kind) return InvalidArgument(std::string(what) + ": wrong message kind");
  const auto asked = static_cast<PsiMode>(static_cast<uint8_t>(message[7]));
  if (asked != PsiMode::kIntersection && asked != PsiMode::kCardinality) {
    return InvalidArgument(std::string(what) + ": unknown mode " + std::to_string(static_cast<int>(asked)));
  }
  if (asked != mode) {
    return PermissionDenied(std::string(what) + " asks for mode " + PsiModeName(asked) + ", but this party runs " +
                            PsiModeName(mode) + " only");
  }
  std::vector<uint64_t> values;
  uint64_t elements = 0;
  for (int i = 0; i < counts; ++i) {
    values.push_back(GetCount(message, kHeader + 8 * i));
    if (values.back() > UINT32_MAX) return InvalidArgument(std::string(what) + ": implausible set size");
    elements += values.back();
  }
  const uint64_t expected = kHeader + 8 * counts + elements * kElement;
  if (message.size() != expected) {
    return InvalidArgument(std::string(what) + ": " + std::to_string(message.size()) + " bytes, but its counts need " +
                           std::to_string(expected) + " (truncated or corrupted)");
  }
  return values;
}

Status CheckDistinct(const std::vector<std::string>& keys) {
  std::unordered_set<std::string_view> seen;
  seen.reserve(keys.size());
  for (const auto& key : keys) {
    if (!seen.insert(key).second) {
      return InvalidArgument("PSI keys must be distinct (deduplicate first); a key appears twice");
    }
  }
  if (keys.size() >= UINT32_MAX) return InvalidArgument("PSI supports up to 2^32 - 1 keys per party");
  return absl::OkStatus();
}

}  // namespace

const char* PsiModeName(PsiMode mode) { return mode == PsiMode::kIntersection ? "intersection" : "cardinality"; }

StatusOr<PsiMode> ParsePsiMode(std::string_view text) {
  if (text == "intersection") return PsiMode::kIntersection;
  if (text == "cardinality") return PsiMode::kCardinality;
  return InvalidArgument("PSI mode \"" + std::string(text) + "\" is not known; use intersection or cardinality");
}

StatusOr<PsiScalar> PsiScalar::Random() {
  RETURN_IF_ERROR(EnsureSodium());
  PsiScalar scalar;
  scalar.bytes_ = SecretBytes(crypto_core_ristretto255_SCALARBYTES);
  crypto_core_ristretto255_scalar_random(scalar.bytes_.data());  // uniform in [1, L)
  return scalar;
}

std::vector<GroupElement> HashToGroup(std::string_view domain, const std::vector<std::string>& keys, int threads) {
  std::vector<GroupElement> elements(keys.size());
  // The domain is length-prefixed so that (domain, key) pairs cannot be confused across studies.
  crypto_hash_sha512_state prefix;
  crypto_hash_sha512_init(&prefix);
  const uint8_t length[2] = {static_cast<uint8_t>(domain.size() & 0xff), static_cast<uint8_t>(domain.size() >> 8)};
  crypto_hash_sha512_update(&prefix, length, sizeof length);
  crypto_hash_sha512_update(&prefix, reinterpret_cast<const uint8_t*>(domain.data()), domain.size());
  ParallelFor(keys.size(), threads, [&](size_t begin, size_t end) {
    uint8_t digest[crypto_hash_sha512_BYTES];
    for (size_t i = begin; i < end; ++i) {
      crypto_hash_sha512_state state = prefix;
      crypto_hash_sha512_update(&state, reinterpret_cast<const uint8_t*>(keys[i].data()), keys[i].size());
      crypto_hash_sha512_final(&state, digest);
      crypto_core_ristretto255_from_hash(elements[i].data(), digest);
    }
  });
  return elements;
}

Status Exponentiate(std::vector<GroupElement>& elements, const PsiScalar& scalar, int threads) {
  std::atomic<size_t> first_bad{elements.size()};
  ParallelFor(elements.size(), threads, [&](size_t begin, size_t end) {
    GroupElement result;
    for (size_t i = begin; i < end; ++i) {
      // Rejects non-canonical encodings and an identity result (crypto_scalarmult_ristretto255).
      if (crypto_scalarmult_ristretto255(result.data(), scalar.data(), elements[i].data()) != 0) {
        size_t seen = first_bad.load();
        while (i < seen && !first_bad.compare_exchange_weak(seen, i)) {
        }
        continue;
      }
      elements[i] = result;
    }
  });
  if (first_bad.load() < elements.size()) {
    return InvalidArgument("element " + std::to_string(first_bad.load()) +
                           " of the PSI message is not a valid group element (forged or corrupted message)");
  }
  return absl::OkStatus();
}

void Shuffle(std::vector<GroupElement>& elements, std::vector<uint32_t>* order) {
  if (order != nullptr) {
    order->resize(elements.size());
    for (size_t i = 0; i < elements.size(); ++i) (*order)[i] = static_cast<uint32_t>(i);
  }
  for (size_t i = elements.size(); i > 1; --i) {
    const size_t j = randombytes_uniform(static_cast<uint32_t>(i));
    std::swap(elements[i - 1], elements[j]);
    if (order != nullptr) std::swap((*order)[i - 1], (*order)[j]);
  }
}

std::string EncodeElements(const std::vector<GroupElement>& elements) {
  if (elements.empty()) return "";
  return EncodeBase64(
      std::string_view(reinterpret_cast<const char*>(elements.front().data()), elements.size() * kElement));
}

StatusOr<std::vector<GroupElement>> DecodeElements(std::string_view text) {
  ASSIGN_OR_RETURN(std::string bytes, DecodeBase64(text, "blinded keys"));
  const size_t length = bytes.size();
  if (length % kElement != 0) return InvalidArgument("blinded keys: not a whole number of group elements");
  std::vector<GroupElement> elements(length / kElement);
  if (length > 0) std::memcpy(elements.data(), bytes.data(), length);
  return elements;
}

StatusOr<PsiReceiver> PsiReceiver::Create(std::vector<std::string> keys, PsiOptions options) {
  RETURN_IF_ERROR(CheckDistinct(keys));
  ASSIGN_OR_RETURN(PsiScalar secret, PsiScalar::Random());
  return PsiReceiver(std::move(keys), std::move(options), std::move(secret));
}

StatusOr<std::string> PsiReceiver::Request() {
  if (requested_) return FailedPrecondition("a PSI receiver sends one request");
  requested_ = true;
  std::vector<GroupElement> blinded = HashToGroup(options_.domain, keys_, options_.threads);
  RETURN_IF_ERROR(Exponentiate(blinded, secret_, options_.threads));
  Shuffle(blinded, &order_);
  std::string message = Header(kRequest, options_.mode);
  PutCount(message, blinded.size());
  PutElements(message, blinded);
  return message;
}

StatusOr<PsiOutcome> PsiReceiver::Finish(std::string_view reply) {
  if (!requested_) return FailedPrecondition("the PSI receiver has not sent its request");
  ASSIGN_OR_RETURN(std::vector<uint64_t> counts, ParseHeader(reply, kReply, options_.mode, 2));
  if (counts[0] != keys_.size()) {
    return InvalidArgument("PSI reply: " + std::to_string(counts[0]) + " double-blinded keys for a request of " +
                           std::to_string(keys_.size()));
  }
  const size_t offset = kHeader + 16;
  std::vector<GroupElement> theirs = GetElements(reply, offset + counts[0] * kElement, counts[1]);
  RETURN_IF_ERROR(Exponentiate(theirs, secret_, options_.threads));
  std::unordered_set<GroupElement, GroupElementHash> lookup(theirs.begin(), theirs.end());
  PsiOutcome outcome;
  outcome.sender_set_size = counts[1];
  GroupElement element;
  for (uint64_t i = 0; i < counts[0]; ++i) {
    std::memcpy(element.data(), reply.data() + offset + i * kElement, kElement);
    if (!lookup.count(element)) continue;
    ++outcome.intersection_size;
    if (options_.mode == PsiMode::kIntersection) outcome.intersection.push_back(order_[i]);
  }
  std::sort(outcome.intersection.begin(), outcome.intersection.end());
  return outcome;
}

StatusOr<PsiSender> PsiSender::Create(std::vector<std::string> keys, PsiOptions options) {
  RETURN_IF_ERROR(CheckDistinct(keys));
  ASSIGN_OR_RETURN(PsiScalar secret, PsiScalar::Random());
  return PsiSender(std::move(keys), std::move(options), std::move(secret));
}

StatusOr<std::string> PsiSender::Reply(std::string_view request) {
  ASSIGN_OR_RETURN(std::vector<uint64_t> counts, ParseHeader(request, kRequest, options_.mode, 1));
  receiver_set_size_ = counts[0];
  std::vector<GroupElement> theirs = GetElements(request, kHeader + 8, counts[0]);
  RETURN_IF_ERROR(Exponentiate(theirs, secret_, options_.threads));
  // Cardinality: the receiver must not learn which of its keys matched.
  if (options_.mode == PsiMode::kCardinality) Shuffle(theirs);
  std::vector<GroupElement> ours = HashToGroup(options_.domain, keys_, options_.threads);
  RETURN_IF_ERROR(Exponentiate(ours, secret_, options_.threads));
  Shuffle(ours);
  std::string message = Header(kReply, options_.mode);
  PutCount(message, theirs.size());
  PutCount(message, ours.size());
  PutElements(message, theirs);
  PutElements(message, ours);
  return message;
}

}  // namespace medfed::crypto
