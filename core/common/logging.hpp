#pragma once
// One spdlog logger per subsystem ("audio", "dsp", "features", "synth", "db",
// "server", "jobs", "osc", ...). The daemon installs sinks (console + file) with
// configureLogging(); libraries and tests just call logger("name"), which
// creates the logger on first use with the current default sinks.

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace styledna::core {

std::shared_ptr<spdlog::logger> logger(const std::string& subsystem);

// level: trace|debug|info|warn|error|critical|off. log_file may be empty.
// Returns false (and leaves logging unchanged) on an unknown level name.
bool configureLogging(const std::string& level, const std::string& log_file);

} // namespace styledna::core
