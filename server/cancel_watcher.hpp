#pragma once
// CancelWatcher: bridges a gRPC waiter's "am I cancelled?" poll to a
// CancellationToken that core code checks. Threads: one watcher thread per
// object, joined on destruction.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "core/common/cancellation.hpp"

namespace styledna::server {

// Polls `cancelled` every 20 ms and fires `token` when it says so.
class CancelWatcher {
public:
    CancelWatcher(const std::function<bool()>& cancelled, core::CancellationToken token)
        : m_thread([this, cancelled, token] {
              std::unique_lock lock(m_mutex);
              while (!m_done) {
                  if (cancelled && cancelled()) {
                      token.cancel();
                      return;
                  }
                  m_cv.wait_for(lock, std::chrono::milliseconds(20));
              }
          }) {}
    ~CancelWatcher() {
        {
            std::lock_guard lock(m_mutex);
            m_done = true;
        }
        m_cv.notify_all();
        m_thread.join();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_done = false;
    std::thread m_thread;
};

} // namespace styledna::server
