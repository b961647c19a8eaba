#include "server/job_pool.hpp"

namespace styledna::server {

JobPool::JobPool(std::size_t workers, std::size_t max_queued) : m_max_queued(max_queued) {
    for (std::size_t i = 0; i < std::max<std::size_t>(1, workers); ++i) {
        m_threads.emplace_back([this] { workerLoop(); });
    }
}

JobPool::~JobPool() {
    shutdown();
}

bool JobPool::submit(std::function<void()> job) {
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping || m_queue.size() >= m_max_queued) {
            return false;
        }
        m_queue.push_back(std::move(job));
    }
    m_cv.notify_one();
    return true;
}

void JobPool::shutdown() {
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping && m_threads.empty()) {
            return;
        }
        m_stopping = true;
    }
    m_cv.notify_all();
    for (auto& t : m_threads) {
        if (t.joinable()) {
            t.join();
        }
    }
    m_threads.clear();
}

std::size_t JobPool::running() const {
    std::lock_guard lock(m_mutex);
    return m_running;
}

std::size_t JobPool::queued() const {
    std::lock_guard lock(m_mutex);
    return m_queue.size();
}

void JobPool::workerLoop() {
    while (true) {
        std::function<void()> job;
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty()) {
                return; // stopping and drained
            }
            job = std::move(m_queue.front());
            m_queue.pop_front();
            ++m_running;
        }
        job();
        std::lock_guard lock(m_mutex);
        --m_running;
    }
}

} // namespace styledna::server
