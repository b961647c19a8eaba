#pragma once
// forEachOnTwoWorkers(n, fn): calls fn(i) once for every i in [0, n), on the
// calling thread and one helper thread, each taking the next index in turn.
// fn must write only to state of its own index (then the outcome does not
// depend on the interleaving: the profile's statistics, k-means runs and
// member embeddings are computed this way and stay bit-identical). With
// n < 2 or `parallel` false everything runs on the calling thread. fn must
// not throw. Two workers, not more: the daemon's other work (analysis jobs,
// queries) shares the machine.

#include <atomic>
#include <cstddef>
#include <thread>

namespace styledna::profile {

template <class Fn> void forEachOnTwoWorkers(std::size_t n, Fn&& fn, bool parallel = true) {
    if (n < 2 || !parallel) {
        for (std::size_t i = 0; i < n; ++i) {
            fn(i);
        }
        return;
    }
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i = next++; i < n; i = next++) {
            fn(i);
        }
    };
    std::thread helper(worker);
    worker();
    helper.join();
}

} // namespace styledna::profile
