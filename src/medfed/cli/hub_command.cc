// medfed hub serve --config hub.toml
#include "absl/synchronization/mutex.h"
#include "medfed/cli/commands.h"
#include "medfed/cli/daemon_signals.h"
#include "medfed/cli/results_output.h"
#include "medfed/core/log.h"
#include "medfed/core/progress.h"
#include "medfed/net/hub_server.h"

namespace medfed::cli {
namespace {

int Serve(const std::string& config_path) {
  auto config = net::LoadHubConfig(config_path);
  if (!config.ok()) return ReportError(config.status());
  Progress::SetEnabled(false);  // a daemon logs lines, not progress bars
  net::HubServer* running = nullptr;
  absl::Mutex mutex;
  std::thread signals = StopOnSignal([&] {
    absl::MutexLock lock(&mutex);
    LogLine("hub", "stopping");
    if (running != nullptr) running->Shutdown();
  });
  auto hub = net::HubServer::Start(*config);
  if (!hub.ok()) {
    StopWaitingForSignals(signals);
    return ReportError(hub.status());
  }
  {
    absl::MutexLock lock(&mutex);
    running = hub->get();
  }
  (*hub)->Wait();
  {
    absl::MutexLock lock(&mutex);
    running = nullptr;
  }
  StopWaitingForSignals(signals);
  hub->reset();
  LogLine("hub", "stopped");
  return 0;
}

}  // namespace

void AddHubCommand(CLI::App& app, int& exit_code) {
  CLI::App* hub = app.add_subcommand("hub", "The hub daemon: coordinates studies across the sites");
  hub->require_subcommand(1);
  auto config = std::make_shared<std::string>();
  CLI::App* serve = hub->add_subcommand("serve", "Serve sites and researchers (see docs/deployment.md)");
  serve->add_option("--config", *config, "hub.toml")->required();
  serve->callback([config, &exit_code] { exit_code = Serve(*config); });
}

}  // namespace medfed::cli
