#include "medfed/cli/daemon_signals.h"

#include <pthread.h>
#include <csignal>

namespace medfed::cli {

std::thread StopOnSignal(std::function<void()> stop) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);  // internal: stop waiting
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return std::thread([signals, stop = std::move(stop)] {
    int received = 0;
    sigwait(&signals, &received);
    if (received != SIGUSR1) stop();
  });
}

void StopWaitingForSignals(std::thread& waiter) {
  if (!waiter.joinable()) return;
  pthread_kill(waiter.native_handle(), SIGUSR1);
  waiter.join();
}

}  // namespace medfed::cli
