#include "core/common/logging.hpp"

#include <mutex>
#include <vector>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace styledna::core {
namespace {

std::mutex g_mutex;
std::vector<spdlog::sink_ptr>& sinks() {
    static std::vector<spdlog::sink_ptr> s{std::make_shared<spdlog::sinks::stderr_color_sink_mt>()};
    return s;
}
spdlog::level::level_enum g_level = spdlog::level::warn;

} // namespace

std::shared_ptr<spdlog::logger> logger(const std::string& subsystem) {
    std::lock_guard lock(g_mutex);
    if (auto existing = spdlog::get(subsystem)) {
        return existing;
    }
    auto created = std::make_shared<spdlog::logger>(subsystem, sinks().begin(), sinks().end());
    created->set_level(g_level);
    spdlog::register_logger(created);
    return created;
}

bool configureLogging(const std::string& level, const std::string& log_file) {
    auto parsed = spdlog::level::from_str(level);
    if (parsed == spdlog::level::off && level != "off") {
        return false;
    }
    std::lock_guard lock(g_mutex);
    g_level = parsed;
    auto& s = sinks();
    s.clear();
    s.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    if (!log_file.empty()) {
        s.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(log_file));
    }
    spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& l) {
        l->sinks() = s;
        l->set_level(parsed);
    });
    spdlog::flush_every(std::chrono::seconds(2));
    return true;
}

} // namespace styledna::core
