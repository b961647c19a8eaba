#pragma once
// StreamProgress: a core::ProgressFn that writes Progress events to a gRPC
// server stream whose Event has a `progress` field (SeparateStems,
// TrainSeparator), at most one per `min_step` of progress (and always the
// final 1.0), serialised with the result written through write(). Threads:
// operator() may be called from any worker thread; the writer must outlive it.

#include <mutex>
#include <string>
#include <string_view>

#include <grpcpp/grpcpp.h>

namespace styledna::server {

template <typename Event> class StreamProgress {
public:
    StreamProgress(grpc::ServerWriter<Event>* writer, double min_step, std::string current_item)
        : m_writer(writer), m_min_step(min_step), m_item(std::move(current_item)) {}

    void operator()(double fraction, std::string_view stage) {
        std::lock_guard lock(m_mutex);
        if (fraction < 1.0 && fraction - m_last < m_min_step) {
            return;
        }
        m_last = fraction;
        Event ev;
        ev.mutable_progress()->set_fraction(fraction);
        ev.mutable_progress()->set_stage(std::string(stage));
        ev.mutable_progress()->set_current_item(m_item);
        m_writer->Write(ev);
    }

    void write(const Event& ev) {
        std::lock_guard lock(m_mutex);
        m_writer->Write(ev);
    }

private:
    grpc::ServerWriter<Event>* const m_writer;
    const double m_min_step;
    const std::string m_item;
    std::mutex m_mutex;
    double m_last = -1.0;
};

} // namespace styledna::server
