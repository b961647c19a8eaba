// libFuzzer target: any UDP datagram reaching the OSC worker's reply port
// (AbletonOSC, or anyone on the host) goes through decodeOscPacket and, for
// each message, the reply matching and set assembly a snapshot uses. Each step
// must either accept it or answer invalidArgument; never a crash, a hang or
// undefined behaviour.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "core/live/able_protocol.hpp"
#include "core/live/osc_message.hpp"
#include "core/live/set_assembly.hpp"

namespace {

std::vector<styledna::live::LiveRequest> requestsInFlight() {
    using namespace styledna::live;
    std::vector<LiveRequest> requests{requestTest(),
                                      requestNumTracks(),
                                      requestTrackNames(),
                                      requestParameterValue(0, 0, 0),
                                      requestParameterValueString(1, 2, 3),
                                      requestParameterName(0, 1, 2)};
    for (int track = 0; track < 2; ++track) {
        for (auto& r : SetAssembly::trackDeviceRequests(track)) {
            requests.push_back(std::move(r));
        }
        for (auto& r : SetAssembly::deviceParameterRequests(track, 0)) {
            requests.push_back(std::move(r));
        }
    }
    return requests;
}

void requireInvalidArgument(const styledna::core::Status& status) {
    if (!status.isOk() && status.code() != styledna::core::StatusCode::kInvalidArgument) {
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace styledna;
    static const std::vector<live::LiveRequest> kRequests = requestsInFlight();
    auto messages = live::decodeOscPacket(reinterpret_cast<const char*>(data), size);
    if (!messages) {
        requireInvalidArgument(messages.status());
        return 0;
    }
    live::SetAssembly assembly;
    for (const auto& message : *messages) {
        (void)message.toString();
        (void)live::unknownAddressInError(message.address);
        for (const auto& request : kRequests) {
            if (!live::replyMatches(request, message)) {
                continue;
            }
            auto values = live::replyValues(request, message);
            if (!values) {
                requireInvalidArgument(values.status());
            }
            requireInvalidArgument(assembly.accept(request, message));
        }
        auto again = live::encodeOsc(message, 1 << 16);
        if (!again) {
            requireInvalidArgument(again.status());
        }
    }
    (void)assembly.nextFullSnapshotRequests();
    return 0;
}
