#pragma once
// SharedChunks: compute-once work split into chunks that every thread needing
// the result helps to finish, instead of waiting idle behind one thread.
//
// Contract: run(count, fn) calls fn(c) for chunks c in [0, count) that no
// thread has claimed yet, then blocks until all `count` chunks are done (by
// any thread); every caller must pass the same count. Each chunk runs exactly
// once, so results are identical however the chunks were spread. fn must not
// throw. done() is true once every chunk has finished; after that run()
// returns at once and the chunks' results may be read without further sync.
// Thread-safety: run() and done() may be called from any number of threads.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace styledna::core {

class SharedChunks {
public:
    template <class Fn> void run(std::size_t count, Fn&& fn) {
        if (done(count)) {
            return;
        }
        for (std::size_t c = m_next.fetch_add(1); c < count; c = m_next.fetch_add(1)) {
            fn(c);
            if (m_done.fetch_add(1, std::memory_order_acq_rel) + 1 == count) {
                std::lock_guard lock(m_mutex); // no waiter can miss the wake-up
                m_cv.notify_all();
            }
        }
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [&] { return done(count); });
    }

    bool done(std::size_t count) const { return m_done.load(std::memory_order_acquire) >= count; }

private:
    std::atomic<std::size_t> m_next{0};
    std::atomic<std::size_t> m_done{0};
    std::mutex m_mutex;
    std::condition_variable m_cv;
};

} // namespace styledna::core
