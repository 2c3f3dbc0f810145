// One line per event on stderr for the daemons: UTC time, the component, the message. What is
// refused and why is logged here (rejected connections, refused messages, ledger alarms).
// Never logs a secret or a row of data.
#pragma once

#include <string>

namespace medfed {

void LogLine(const std::string& component, const std::string& message);

}  // namespace medfed
