// `medfed` subcommands, one file each.
#pragma once

#include <CLI/CLI.hpp>

namespace medfed::cli {

// Each adds its subcommand to `app`; the callback sets `exit_code`.
void AddRunCommand(CLI::App& app, int& exit_code);
void AddDemoCommand(CLI::App& app, int& exit_code);
void AddSynthCommand(CLI::App& app, int& exit_code);

}  // namespace medfed::cli
