#pragma once
// Cooperative cancellation and progress reporting for long work.
//
// CancellationToken is cheap to copy (shared flag). Long loops call
// `token.isCancelled()` at least every ~50 ms of work and return
// cancelledError() promptly. ProgressFn receives a fraction in [0, 1] and a
// short stage name; it may be called from any worker thread and must not block.

#include <atomic>
#include <functional>
#include <memory>
#include <string_view>

namespace styledna::core {

class CancellationToken {
public:
    CancellationToken() : m_flag(std::make_shared<std::atomic<bool>>(false)) {}
    void cancel() const { m_flag->store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return m_flag->load(std::memory_order_relaxed); }

private:
    std::shared_ptr<std::atomic<bool>> m_flag;
};

using ProgressFn = std::function<void(double fraction, std::string_view stage)>;

inline void reportProgress(const ProgressFn& fn, double fraction, std::string_view stage) {
    if (fn) {
        fn(fraction, stage);
    }
}

} // namespace styledna::core
