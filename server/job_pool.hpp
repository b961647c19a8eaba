#pragma once
// JobPool: a bounded pool of worker threads for analysis jobs.
//
// submit() enqueues work and returns false when the queue already holds
// max_queued jobs (the caller answers RESOURCE_EXHAUSTED). Jobs must honour
// their own CancellationToken; shutdown() stops accepting work, lets running
// jobs finish (they are expected to have been cancelled by their owners) and
// joins the workers. Threads: submit/stats from any thread.

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
    JobPool(std::size_t workers, std::size_t max_queued);
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
    mutable std::mutex m_mutex; // guards everything below
    std::condition_variable m_cv;
    std::deque<std::function<void()>> m_queue;
    std::size_t m_running = 0;
    bool m_stopping = false;
    std::vector<std::thread> m_threads; // written only in ctor/shutdown
};

} // namespace styledna::server
