#include "medfed/analysis/matching/match_handles.h"

#include <array>
#include <cctype>
#include <span>

#include "medfed/analysis/engine/table_scan.h"
#include "medfed/core/file.h"
#include "medfed/core/secret_file.h"
#include "medfed/crypto/keyed_hash.h"
#include "medfed/crypto/merkle_tree.h"
#include "medfed/crypto/secure_random.h"
#include "medfed/crypto/sodium.h"

namespace medfed::analysis {
namespace {

StatusOr<crypto::SecretBytes> ReadHandleKey(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadSecretFile(path, "match handle key", 32, KeyFormat::kBinary));
  crypto::SecretBytes key = crypto::SecretBytes::FromText(text);
  crypto::WipeString(text);
  return key;
}

}  // namespace

StatusOr<crypto::SecretBytes> HandleKey(const SiteData& data, const std::string& table, bool create) {
  const std::string legacy = data.table_paths().at(table) + ".match.key";
  std::string path = legacy;
  if (!data.state_directory().empty()) {
    // The table's name as a file name: letters, digits, '_' and '-' kept, every other byte %XX.
    std::string file;
    for (const unsigned char c : table) {
      if (std::isalnum(c) != 0 || c == '_' || c == '-') {
        file += static_cast<char>(c);
      } else {
        constexpr char kHex[] = "0123456789ABCDEF";
        file += {'%', kHex[c >> 4], kHex[c & 15]};
      }
    }
    path = data.state_directory() + "/match-keys/" + file + ".key";
    if (!FileExists(path) && FileExists(legacy)) {
      ASSIGN_OR_RETURN(const crypto::SecretBytes carried, ReadHandleKey(legacy));
      RETURN_IF_ERROR(WriteSecretFile(path, carried.view()));
    }
  }
  if (!FileExists(path)) {
    if (!create) {
      return NotFound("site " + data.site() + " has no match handle key for table " + table + " (" + path +
                      "): it has answered no phenotype_match query on that table");
    }
    const crypto::SecretBytes key = crypto::RandomSecret(32);
    RETURN_IF_ERROR(WriteSecretFile(path, key.view()));
  }
  return ReadHandleKey(path);
}

std::string MatchHandle(const crypto::SecretBytes& key, const std::string& query_id, const std::string& patient) {
  // The query id length-prefixed, so that no (query, patient) pair can pose as another.
  std::string message;
  const auto length = static_cast<uint32_t>(query_id.size());
  for (int shift = 24; shift >= 0; shift -= 8) message.push_back(static_cast<char>((length >> shift) & 0xff));
  message += query_id;
  message += patient;
  const std::array<uint8_t, 32> mac = crypto::HmacSha256(key.view(), message);
  return crypto::HexOf(std::span<const uint8_t>(mac.data(), 16));
}

StatusOr<std::optional<std::string>> ResolveHandle(SiteData& data, const std::string& table,
                                                   const std::string& id_column, const std::string& query_id,
                                                   const std::string& handle) {
  ASSIGN_OR_RETURN(const crypto::SecretBytes key, HandleKey(data, table, /*create=*/false));
  ASSIGN_OR_RETURN(std::shared_ptr<const table::Table> rows, data.GetTable(table));
  const table::Column* ids = rows->FindColumn(id_column);
  if (ids == nullptr) return NotFound("table " + table + " has no column " + id_column);
  for (const std::string& patient : ColumnTexts(*ids)) {
    if (!patient.empty() && MatchHandle(key, query_id, patient) == handle) return std::optional<std::string>(patient);
  }
  return std::optional<std::string>();
}

}  // namespace medfed::analysis
