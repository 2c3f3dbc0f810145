// Daemons stop cleanly on SIGINT or SIGTERM: the signals are blocked in every thread and one
// thread waits for them and calls `stop`.
#pragma once

#include <functional>
#include <thread>

namespace medfed::cli {

// Call before any other thread starts. The returned thread ends after `stop` ran, or when
// StopWaitingForSignals() is called.
std::thread StopOnSignal(std::function<void()> stop);
void StopWaitingForSignals(std::thread& waiter);

}  // namespace medfed::cli
