#include <catch2/catch.hpp>

#include "core/live/able_protocol.hpp"
#include "core/live/parameter_resolver.hpp"
#include "core/live/set_assembly.hpp"

using namespace styledna::live;

namespace {

OscMessage reply(const LiveRequest& request, std::vector<OscArg> values) {
    OscMessage m;
    m.address = request.message.address;
    for (int i = 0; i < request.echo_count; ++i) {
        m.args.push_back(request.message.args[static_cast<size_t>(i)]);
    }
    m.args.insert(m.args.end(), values.begin(), values.end());
    return m;
}

std::vector<OscArg> strings(std::initializer_list<const char*> xs) {
    std::vector<OscArg> out;
    for (const char* x : xs) {
        out.push_back(OscArg::string(x));
    }
    return out;
}

std::vector<OscArg> reals(std::initializer_list<double> xs) {
    std::vector<OscArg> out;
    for (double x : xs) {
        out.push_back(OscArg::real(x));
    }
    return out;
}

} // namespace

TEST_CASE("Requests carry int32 indices and say what their reply echoes",
          "[live_bridge][protocol]") {
    const auto r = requestParameterValue(1, 2, 37);
    CHECK(r.message.address == "/live/device/get/parameter/value");
    REQUIRE(r.message.args.size() == 3);
    CHECK(r.message.args[2].type == OscArg::Type::kInt);
    CHECK(r.echo_count == 3);
    CHECK(r.expects_reply);
    const auto s = setParameterValue(1, 2, 37, -4.5);
    CHECK(s.message.address == "/live/device/set/parameter/value");
    CHECK_FALSE(s.expects_reply);
    CHECK(s.message.args[3].type == OscArg::Type::kFloat);
    CHECK(requestDevices(4, DeviceProperty::kClassName).message.address ==
          "/live/track/get/devices/class_name");
    CHECK(requestParameters(0, 1, ParameterProperty::kIsQuantized).echo_count == 2);
    CHECK(requestTrackNames().echo_count == 0);
    // Every request fits a datagram far below AbletonOSC's ~9 KB.
    CHECK(encodeOsc(r.message)->size() < 100);
}

TEST_CASE("Replies correlate by address and echoed indices, numbers by value",
          "[live_bridge][protocol]") {
    const auto r = requestParameterValue(1, 2, 3);
    OscMessage ok = reply(r, reals({0.5}));
    CHECK(replyMatches(r, ok));
    // An echo as float (some hosts) still matches; the key is the same.
    OscMessage as_float{r.message.address,
                        {OscArg::real(1), OscArg::real(2), OscArg::real(3), OscArg::real(0.5)}};
    CHECK(replyMatches(r, as_float));
    CHECK(correlationKey(r) == "/live/device/get/parameter/value|1|2|3");
    OscMessage other_parameter{
        r.message.address,
        {OscArg::integer(1), OscArg::integer(2), OscArg::integer(4), OscArg::real(0.5)}};
    CHECK_FALSE(replyMatches(r, other_parameter));
    OscMessage other_address = ok;
    other_address.address = kAddressParameterValueString;
    CHECK_FALSE(replyMatches(r, other_address));
    OscMessage too_short{r.message.address, {OscArg::integer(1)}};
    CHECK_FALSE(replyMatches(r, too_short));
    CHECK_FALSE(replyValues(r, too_short).isOk());
    auto values = replyValues(r, ok);
    REQUIRE(values.isOk());
    REQUIRE(values->size() == 1);
    CHECK(values->front().asDouble() == 0.5);
    // Different parameters of one device have different keys; the set has none.
    CHECK(correlationKey(requestParameterValue(1, 2, 4)) != correlationKey(r));
}

TEST_CASE("Unknown-address errors name their address; other errors name none",
          "[live_bridge][protocol]") {
    CHECK(unknownAddressInError("Unknown OSC address: /live/device/get/foo") ==
          "/live/device/get/foo");
    CHECK(unknownAddressInError("Error handling OSC message: list index out of range").empty());
    CHECK(unknownAddressInError("").empty());
}

TEST_CASE("A set is assembled from bulk replies in any order, over rounds",
          "[live_bridge][assembly]") {
    SetAssembly a;
    auto round1 = a.nextFullSnapshotRequests();
    REQUIRE(round1.size() == 1);
    CHECK(round1[0].message.address == kAddressTrackNames);
    // A speculative device part arrives before the track names: kept.
    auto dev = SetAssembly::trackDeviceRequests(1);
    REQUIRE(a.accept(dev[2], reply(dev[2], {OscArg::integer(2)})).isOk());
    REQUIRE(a.accept(round1[0], reply(round1[0], strings({"Kick", "Bass"}))).isOk());
    CHECK(a.trackCount() == 2);
    auto round2 = a.nextFullSnapshotRequests();
    CHECK(round2.size() == 6); // three lists for each of two tracks
    for (int t = 0; t < 2; ++t) {
        auto r = SetAssembly::trackDeviceRequests(t);
        REQUIRE(a.accept(r[0], reply(r[0], strings({"EQ Eight"}))).isOk());
        REQUIRE(a.accept(r[1], reply(r[1], strings({"Eq8"}))).isOk());
        REQUIRE(a.accept(r[2], reply(r[2], {OscArg::integer(2)})).isOk());
    }
    CHECK(a.devicesKnown(0));
    CHECK(a.devicesKnown(1));
    auto round3 = a.nextFullSnapshotRequests();
    CHECK(round3.size() == 10); // five lists for each device
    for (int t = 0; t < 2; ++t) {
        auto p = SetAssembly::deviceParameterRequests(t, 0);
        REQUIRE(
            a.accept(p[4], reply(p[4], {OscArg::boolean(true), OscArg::boolean(false)})).isOk());
        REQUIRE(a.accept(p[0], reply(p[0], strings({"Device On", "1 Gain A"}))).isOk());
        REQUIRE(a.accept(p[1], reply(p[1], reals({1, -3.5}))).isOk());
        REQUIRE(a.accept(p[2], reply(p[2], reals({0, -15}))).isOk());
        REQUIRE(a.accept(p[3], reply(p[3], reals({1, 15}))).isOk());
    }
    CHECK(a.nextFullSnapshotRequests().empty());
    const LiveSet set = a.set();
    REQUIRE(set.tracks.size() == 2);
    const auto& gain = set.tracks[1].devices[0].parameters[1];
    CHECK(gain.name == "1 Gain A");
    CHECK(gain.value == -3.5);
    CHECK(gain.min == -15);
    CHECK_FALSE(gain.is_quantized);
    CHECK(set.tracks[1].devices[0].parameters[0].is_quantized);
    // A single-value read and a value string refine one parameter.
    auto v = requestParameterValue(1, 0, 1);
    REQUIRE(a.accept(v, reply(v, reals({2.0}))).isOk());
    auto vs = requestParameterValueString(1, 0, 1);
    REQUIRE(a.accept(vs, reply(vs, strings({"2.00 dB"}))).isOk());
    CHECK(a.set().tracks[1].devices[0].parameters[1].value == 2.0);
    CHECK(a.set().tracks[1].devices[0].parameters[1].value_string == "2.00 dB");
}

TEST_CASE("Lists of unequal length are asked again; new track names drop old parts",
          "[live_bridge][assembly]") {
    SetAssembly a;
    auto names = requestTrackNames();
    REQUIRE(a.accept(names, reply(names, strings({"Bass"}))).isOk());
    auto r = SetAssembly::trackDeviceRequests(0);
    REQUIRE(a.accept(r[0], reply(r[0], strings({"EQ Eight", "Utility"}))).isOk());
    REQUIRE(a.accept(r[1], reply(r[1], strings({"Eq8"}))).isOk()); // the set changed between
    REQUIRE(a.accept(r[2], reply(r[2], {OscArg::integer(2)})).isOk());
    CHECK_FALSE(a.devicesKnown(0));
    CHECK(a.nextFullSnapshotRequests().size() == 3);
    REQUIRE(a.accept(r[1], reply(r[1], strings({"Eq8", "StereoGain"}))).isOk());
    REQUIRE(a.accept(r[2], reply(r[2], {OscArg::integer(2), OscArg::integer(2)})).isOk());
    CHECK(a.devicesKnown(0));
    REQUIRE(a.accept(names, reply(names, strings({"Kick", "Bass"}))).isOk());
    CHECK_FALSE(a.devicesKnown(0));
    // Malformed numbers are refused, not guessed.
    auto mins = requestParameters(0, 0, ParameterProperty::kMin);
    CHECK_FALSE(a.accept(mins, reply(mins, strings({"low"}))).isOk());
}
