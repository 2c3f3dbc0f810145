// Status/StatusOr for every path that can fail for a reason outside the program, and the two
// propagation macros. Abseil's own ABSL_RETURN_IF_ERROR only exists from LTS 20260526; Debian
// bookworm ships 20220623, so we define ours with the same meaning.
#pragma once

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace medfed {

using Status = absl::Status;
template <typename T>
using StatusOr = absl::StatusOr<T>;

inline Status InvalidArgument(const std::string& message) { return absl::InvalidArgumentError(message); }
inline Status NotFound(const std::string& message) { return absl::NotFoundError(message); }
inline Status FailedPrecondition(const std::string& message) { return absl::FailedPreconditionError(message); }
inline Status Internal(const std::string& message) { return absl::InternalError(message); }
inline Status Unavailable(const std::string& message) { return absl::UnavailableError(message); }
inline Status DeadlineExceeded(const std::string& message) { return absl::DeadlineExceededError(message); }
inline Status OutOfRange(const std::string& message) { return absl::OutOfRangeError(message); }
inline Status PermissionDenied(const std::string& message) { return absl::PermissionDeniedError(message); }
inline Status DataLoss(const std::string& message) { return absl::DataLossError(message); }
inline Status ResourceExhausted(const std::string& message) { return absl::ResourceExhaustedError(message); }
inline Status Cancelled(const std::string& message) { return absl::CancelledError(message); }
inline Status Unauthenticated(const std::string& message) { return absl::UnauthenticatedError(message); }

// The message of a status, without the "INVALID_ARGUMENT: " prefix ToString() adds.
inline std::string MessageOf(const Status& status) { return std::string(status.message()); }

// Returns a copy of `status` whose message is prefixed with `context` ("file.csv: ").
inline Status Annotate(const Status& status, const std::string& context) {
  if (status.ok()) return status;
  return Status(status.code(), context + std::string(status.message()));
}

}  // namespace medfed

#define MEDFED_STATUS_CONCAT_INNER(a, b) a##b
#define MEDFED_STATUS_CONCAT(a, b) MEDFED_STATUS_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                        \
  do {                                               \
    ::absl::Status medfed_status_ = (expr);          \
    if (!medfed_status_.ok()) return medfed_status_; \
  } while (false)

#define ASSIGN_OR_RETURN(lhs, rexpr) \
  MEDFED_ASSIGN_OR_RETURN_IMPL(MEDFED_STATUS_CONCAT(medfed_statusor_, __LINE__), lhs, rexpr)

// `statusor` is a name and `lhs` a declaration: neither can be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define MEDFED_ASSIGN_OR_RETURN_IMPL(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()
// NOLINTEND(bugprone-macro-parentheses)
