#pragma once
// DaemonOptions: everything stylednad can be told on its command line.
// Defaults follow the XDG base directory spec (see defaultSocketPath()).

#include <string>

namespace styledna::server {

struct DaemonOptions {
    std::string socket_path;   // Unix socket; "" = defaultSocketPath()
    std::string tcp_address;   // "127.0.0.1:PORT" or "" for none
    bool allow_remote = false; // permit a non-loopback tcp_address (needs token_file)
    std::string token_file;    // bearer token required on every TCP call when set
    std::string data_dir;      // "" = defaultDataDir()
    std::string log_level = "info";
    int worker_threads = 0;   // analysis jobs at once; 0 = hardware concurrency
    int max_queued_jobs = 64; // beyond this, new jobs get RESOURCE_EXHAUSTED
    int threads_per_analysis = 2;
    double max_duration_s = 20.0 * 60.0;
    std::string separator = "auto"; // stems for analyses: auto | dsp | learned
    std::string separator_weights;  // "" = the weights shipped with the build
    // Ableton Live over AbletonOSC (server/osc_worker.hpp)
    std::string live_host = "127.0.0.1"; // where Live's AbletonOSC listens
    int live_port = 11000;
    int osc_reply_port = 11001; // AbletonOSC replies to this port of our host
    int live_timeout_ms = 250;  // per read attempt; 4 attempts before "no reply"
    // Profiles' similarity indexes (core/index/vector_index.hpp IndexParams;
    // a stored index built with other m / ef_construction / exact_below is
    // used as stored, and rebuilt with these on the next build or append).
    int index_m = 16;
    int index_ef_construction = 200;
    int index_ef_search = 100;
    long long index_exact_below = 4096;
};

// $XDG_RUNTIME_DIR/styledna/stylednad.sock, else /tmp/styledna-$UID/stylednad.sock
std::string defaultSocketPath();
// $XDG_DATA_HOME/styledna, else $HOME/.local/share/styledna
std::string defaultDataDir();
// true for 127.0.0.0/8, ::1 and "localhost" (host part of host:port)
bool isLoopbackAddress(const std::string& host_port);

} // namespace styledna::server
