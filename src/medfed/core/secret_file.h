// Key files and the directories that hold them. A key is written 0600 into a directory created
// 0700 whatever the umask; it is read only if nobody but its owner can read it, and refused when
// it is too short or degenerate (every byte the same, as an all-zero key), with a message that
// names the file and says what to do.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "medfed/core/status.h"

namespace medfed {

// Creates `path` and any missing parents; the directories created here get mode 0700.
Status MakePrivateDirectory(const std::string& path);

// Writes a key atomically with mode 0600; a missing parent directory is created 0700.
Status WriteSecretFile(const std::string& path, std::string_view contents);

// Reads a key: refuses a file readable or writable by group or others, one shorter than
// `min_bytes`, and one whose bytes are all the same. `what` names the key in messages
// ("pseudonym key", "match handle key"). A text key (`KeyFormat::kText`) loses its trailing
// newline; a binary one is taken byte for byte.
enum class KeyFormat { kText, kBinary };
StatusOr<std::string> ReadSecretFile(const std::string& path, const std::string& what, size_t min_bytes,
                                     KeyFormat format = KeyFormat::kText);

}  // namespace medfed
