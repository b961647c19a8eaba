#include "server/job_pool.hpp"

namespace styledna::server {

JobPool::JobPool(std::size_t workers, std::size_t max_queued, std::function<void()> on_idle,
                 std::chrono::milliseconds idle_after)
    : m_max_queued(max_queued), m_on_idle(std::move(on_idle)), m_idle_after(idle_after) {
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
        bool run_idle_hook = false;
        {
            std::unique_lock lock(m_mutex);
            const auto ready = [this] { return m_stopping || !m_queue.empty(); };
            if (m_on_idle && m_idle_armed && m_running == 0) {
                // Wake when the idle period after the last job has passed.
                if (!m_cv.wait_until(lock, m_last_finished + m_idle_after, ready)) {
                    if (m_idle_armed && m_running == 0 && m_queue.empty() &&
                        std::chrono::steady_clock::now() >= m_last_finished + m_idle_after) {
                        m_idle_armed = false;
                        run_idle_hook = true;
                    } else {
                        continue;
                    }
                }
            } else {
                m_cv.wait(lock, ready);
            }
            if (!run_idle_hook) {
                if (m_queue.empty()) {
                    return; // stopping and drained
                }
                job = std::move(m_queue.front());
                m_queue.pop_front();
                ++m_running;
            }
        }
        if (run_idle_hook) {
            m_on_idle();
            continue;
        }
        job();
        std::lock_guard lock(m_mutex);
        --m_running;
        m_last_finished = std::chrono::steady_clock::now();
        m_idle_armed = true;
    }
}

} // namespace styledna::server
