// The floor of ECDH-PSI's elliptic-curve work on this machine: for two sets of N keys, the
// per-item operations both parties must do with libsodium (2N hash-to-group, 4N scalar
// multiplications on ristretto255), spread over the machine's cores, and nothing else (no
// messages, shuffles or matching). bench/psi_vs_floor.sh prints medfed psi's ratio to it.
//   psi_floor N   -> prints the seconds
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2 || sodium_init() < 0) {
    std::fprintf(stderr, "usage: psi_floor N\n");
    return 2;
  }
  const size_t n = std::strtoull(argv[1], nullptr, 10);
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  unsigned char scalar[crypto_core_ristretto255_SCALARBYTES];
  crypto_core_ristretto255_scalar_random(scalar);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  const size_t items = 2 * n;  // both parties' keys
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      unsigned char digest[crypto_hash_sha512_BYTES], point[32], once[32], twice[32];
      for (size_t i = t; i < items; i += threads) {
        const std::string key = "key-" + std::to_string(i);
        crypto_hash_sha512(digest, reinterpret_cast<const unsigned char*>(key.data()), key.size());
        crypto_core_ristretto255_from_hash(point, digest);
        // Each key is blinded by its owner and then by the other party: 2 multiplications, and
        // the same again for the other direction's elements (4N in all).
        if (crypto_scalarmult_ristretto255(once, scalar, point) != 0 ||
            crypto_scalarmult_ristretto255(twice, scalar, once) != 0) {
          std::abort();
        }
      }
    });
  }
  for (auto& thread : pool) thread.join();
  std::printf("%.3f\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return 0;
}
