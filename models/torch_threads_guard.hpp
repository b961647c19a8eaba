#pragma once
// Sets LibTorch's intra-op thread count (process-wide) for the guard's lifetime and
// restores the previous count after. threads <= 0 leaves the count alone. Include
// only from .cpp files that use LibTorch (pulls in ATen/Parallel.h, not torch.h).
// Threads: the count is global; concurrent guards with different counts interfere.

#include <ATen/Parallel.h>

namespace styledna::models {

class TorchThreadsGuard {
public:
    explicit TorchThreadsGuard(int threads) : m_previous(at::get_num_threads()) {
        if (threads > 0 && threads != m_previous) {
            at::set_num_threads(threads);
        }
    }
    ~TorchThreadsGuard() {
        if (at::get_num_threads() != m_previous) {
            at::set_num_threads(m_previous);
        }
    }
    TorchThreadsGuard(const TorchThreadsGuard&) = delete;
    TorchThreadsGuard& operator=(const TorchThreadsGuard&) = delete;

private:
    int m_previous;
};

} // namespace styledna::models
