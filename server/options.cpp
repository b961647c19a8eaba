#include "server/options.hpp"

#include <unistd.h>

#include <cstdlib>

namespace styledna::server {

std::string defaultSocketPath() {
    if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && *runtime) {
        return std::string(runtime) + "/styledna/stylednad.sock";
    }
    return "/tmp/styledna-" + std::to_string(::getuid()) + "/stylednad.sock";
}

std::string defaultDataDir() {
    if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data) {
        return std::string(data) + "/styledna";
    }
    if (const char* home = std::getenv("HOME"); home && *home) {
        return std::string(home) + "/.local/share/styledna";
    }
    return "/tmp/styledna-data-" + std::to_string(::getuid());
}

bool isLoopbackAddress(const std::string& host_port) {
    std::string host = host_port;
    if (!host.empty() && host.front() == '[') {
        const auto end = host.find(']');
        host = end == std::string::npos ? host : host.substr(1, end - 1);
    } else if (const auto colon = host.rfind(':'); colon != std::string::npos) {
        host = host.substr(0, colon);
    }
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

} // namespace styledna::server
