#include "core/common/large_buffers.hpp"

#include <deque>
#include <mutex>

namespace styledna::core {
namespace {

struct Pool {
    std::mutex mutex;
    std::deque<std::vector<float>> buffers; // oldest first, each empty with capacity
    std::size_t bytes = 0;
};

Pool& pool() {
    static Pool p;
    return p;
}

std::size_t bytesOf(const std::vector<float>& v) {
    return v.capacity() * sizeof(float);
}

} // namespace

bool takePooledBuffer(std::vector<float>& v, std::size_t n) {
    if (!v.empty() || v.capacity() >= n) {
        return v.capacity() >= n;
    }
    Pool& p = pool();
    std::lock_guard lock(p.mutex);
    auto best = p.buffers.end();
    for (auto it = p.buffers.begin(); it != p.buffers.end(); ++it) {
        if (it->capacity() >= n && (best == p.buffers.end() || it->capacity() < best->capacity())) {
            best = it;
        }
    }
    if (best == p.buffers.end()) {
        return false;
    }
    p.bytes -= bytesOf(*best);
    v.swap(*best);
    p.buffers.erase(best);
    return true;
}

void recycleLarge(std::vector<float>& v) {
    std::vector<float> taken;
    taken.swap(v);
    if (bytesOf(taken) < kLargeBufferMinBytes || bytesOf(taken) > kPoolMaxBytes) {
        return; // freed here
    }
    taken.clear();
    std::deque<std::vector<float>> dropped; // freed outside the lock
    {
        Pool& p = pool();
        std::lock_guard lock(p.mutex);
        p.bytes += bytesOf(taken);
        p.buffers.push_back(std::move(taken));
        while (p.bytes > kPoolMaxBytes) {
            p.bytes -= bytesOf(p.buffers.front());
            dropped.push_back(std::move(p.buffers.front()));
            p.buffers.pop_front();
        }
    }
}

std::size_t trimLargePool(std::size_t keep_bytes) {
    std::deque<std::vector<float>> dropped; // freed outside the lock
    std::size_t freed = 0;
    {
        Pool& p = pool();
        std::lock_guard lock(p.mutex);
        while (p.bytes > keep_bytes && !p.buffers.empty()) {
            freed += bytesOf(p.buffers.front());
            p.bytes -= bytesOf(p.buffers.front());
            dropped.push_back(std::move(p.buffers.front()));
            p.buffers.pop_front();
        }
    }
    return freed;
}

std::size_t pooledBytes() {
    Pool& p = pool();
    std::lock_guard lock(p.mutex);
    return p.bytes;
}

} // namespace styledna::core
