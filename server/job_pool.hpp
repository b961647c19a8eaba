#pragma once
// JobPool: a bounded pool of worker threads for analysis jobs.
//
// submit() enqueues work and returns false when the queue already holds
// max_queued jobs (the caller answers RESOURCE_EXHAUSTED). Jobs must honour
// their own CancellationToken; shutdown() stops accepting work, lets running
// jobs finish (they are expected to have been cancelled by their owners) and
// joins the workers. Idle hook: when given, on_idle runs once (on a worker
// thread, no lock held) after the pool has had nothing running or queued for
// idle_after since its last job finished; it re-arms when the next job
// finishes (the daemon trims the large-buffer pool there). Threads:
// submit/stats from any thread.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace styledna::server {

class JobPool {
public:
    JobPool(std::size_t workers, std::size_t max_queued, std::function<void()> on_idle = {},
            std::chrono::milliseconds idle_after = std::chrono::seconds(60));
    ~JobPool();
    JobPool(const JobPool&) = delete;
    JobPool& operator=(const JobPool&) = delete;

    bool submit(std::function<void()> job);
    void shutdown();
    std::size_t workers() const { return m_threads.size(); }
    std::size_t running() const;
    std::size_t queued() const;

private:
    void workerLoop();

    const std::size_t m_max_queued;
    const std::function<void()> m_on_idle;
    const std::chrono::milliseconds m_idle_after;
    mutable std::mutex m_mutex; // guards everything below
    std::chrono::steady_clock::time_point m_last_finished;
    bool m_idle_armed = false; // a job finished since on_idle last ran
    std::condition_variable m_cv;
    std::deque<std::function<void()>> m_queue;
    std::size_t m_running = 0;
    bool m_stopping = false;
    std::vector<std::thread> m_threads; // written only in ctor/shutdown
};

} // namespace styledna::server
