// A byte buffer for secrets (private keys, pairwise mask keys) that is wiped with
// sodium_memzero when it is destroyed or reassigned, and is never printed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace medfed::crypto {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t size) : bytes_(size, 0) {}
  SecretBytes(const SecretBytes& other) = default;
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }
  SecretBytes& operator=(const SecretBytes& other);
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes();

  // A copy of `text` (a key read from a file); wipe the original with WipeString.
  static SecretBytes FromText(std::string_view text);

  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  std::string_view view() const { return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()}; }

 private:
  void Wipe();
  std::vector<uint8_t> bytes_;
};

// Overwrites a string's bytes with zeros (sodium_memzero, which the compiler may not drop) and
// empties it: for secrets that arrived as strings.
void WipeString(std::string& text);

}  // namespace medfed::crypto
