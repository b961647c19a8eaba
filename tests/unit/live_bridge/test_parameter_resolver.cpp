#include <catch2/catch.hpp>

#include "core/live/parameter_resolver.hpp"

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

// Answers a request from `set` as AbletonOSC would.
OscMessage answer(const LiveSet& set, const LiveRequest& r) {
    const auto& a = r.message.args;
    const std::string& address = r.message.address;
    std::vector<OscArg> v;
    if (address == kAddressTrackNames) {
        for (const auto& t : set.tracks) {
            v.push_back(OscArg::string(t.name));
        }
        return reply(r, v);
    }
    const auto& track = set.tracks.at(static_cast<size_t>(a[0].int_value));
    if (address.rfind("/live/track/get/devices/", 0) == 0) {
        for (const auto& d : track.devices) {
            if (address.ends_with("type")) {
                v.push_back(OscArg::integer(d.type));
            } else {
                v.push_back(
                    OscArg::string(address.ends_with("class_name") ? d.class_name : d.name));
            }
        }
        return reply(r, v);
    }
    const auto& device = track.devices.at(static_cast<size_t>(a[1].int_value));
    if (address.rfind("/live/device/get/parameters/", 0) == 0) {
        for (const auto& p : device.parameters) {
            if (address.ends_with("name")) {
                v.push_back(OscArg::string(p.name));
            } else if (address.ends_with("is_quantized")) {
                v.push_back(OscArg::boolean(p.is_quantized));
            } else {
                v.push_back(OscArg::real(address.ends_with("min")   ? p.min
                                         : address.ends_with("max") ? p.max
                                                                    : p.value));
            }
        }
        return reply(r, v);
    }
    const auto& p = device.parameters.at(static_cast<size_t>(a[2].int_value));
    if (address == kAddressParameterValueString) {
        return reply(r, {OscArg::string(std::to_string(p.value))});
    }
    return reply(r, {OscArg::real(p.value)});
}

LiveSet testSet() {
    LiveSet set;
    auto eq = [](const char* name) {
        LiveDevice d;
        d.name = name;
        d.class_name = "Eq8";
        d.parameters = {{0, "Device On", 1, 0, 1, true, ""},
                        {0, "3 Gain A", -2, -15, 15, false, ""},
                        {0, "3 Resonance A", 0.5, 0, 1, false, ""}};
        return d;
    };
    LiveDevice utility;
    utility.name = "Utility";
    utility.class_name = "StereoGain";
    utility.parameters = {{0, "Gain", 0, -1, 1, false, ""}};
    set.tracks = {{0, "Kick", {utility}}, {0, "Bass", {utility, eq("EQ Eight"), eq("Low EQ")}}};
    renumber(set);
    return set;
}

// Resolves in rounds against `live`, as the bridge does; returns the rounds used.
ParameterResolution resolveAgainst(const LiveSet& live, const ParameterTarget& target,
                                   const LiveSet& known, int& rounds) {
    SetAssembly a;
    std::vector<LiveRequest> batch{requestTrackNames()};
    auto spec = speculativeRequests(target, known, true);
    batch.insert(batch.end(), spec.begin(), spec.end());
    for (rounds = 1; rounds < 8; ++rounds) {
        for (const auto& r : batch) {
            REQUIRE(a.accept(r, answer(live, r)).isOk());
        }
        auto res = resolveParameter(a, a.set(), target, true);
        if (res.state != ParameterResolution::State::kNeedsData) {
            return res;
        }
        batch = res.requests;
    }
    FAIL("resolution did not converge");
    return {};
}

} // namespace

TEST_CASE("Parameters resolve by name; hints only save rounds", "[live_bridge][resolve]") {
    const LiveSet live = testSet();
    ParameterTarget t{"Bass", "Eq8", "EQ Eight", "3 Gain A"};
    int rounds = 0;
    auto cold = resolveAgainst(live, t, {}, rounds);
    REQUIRE(cold.state == ParameterResolution::State::kResolved);
    CHECK(rounds == 4); // names, devices, parameters, value string
    CHECK((cold.track == 1 && cold.device == 1 && cold.parameter == 1));
    CHECK(cold.info.value == -2);
    CHECK(cold.info.min == -15);
    CHECK_FALSE(cold.info.value_string.empty());
    auto warm = resolveAgainst(live, t, live, rounds);
    REQUIRE(warm.state == ParameterResolution::State::kResolved);
    CHECK(rounds == 1); // a snapshot's indices make it one round trip
    // Wrong hints (the set changed since the plan) cost rounds, never correctness.
    ParameterTarget stale = t;
    stale.track_hint = 0;
    stale.device_hint = 0;
    stale.parameter_hint = 0;
    auto moved = resolveAgainst(live, stale, {}, rounds);
    CHECK((moved.track == 1 && moved.device == 1 && moved.parameter == 1));
}

TEST_CASE("Device tie-break by name, Live 11 aliases, and clear rejections",
          "[live_bridge][resolve]") {
    const LiveSet live = testSet();
    int rounds = 0;
    auto low = resolveAgainst(live, {"Bass", "Eq8", "Low EQ", "3 Gain A"}, live, rounds);
    CHECK(low.device == 2);
    auto alias = resolveAgainst(live, {"bass", "Eq8", "EQ Eight", "3 Q A"}, live, rounds);
    REQUIRE(alias.state == ParameterResolution::State::kResolved);
    CHECK(alias.info.name == "3 Resonance A");
    auto utility_output = resolveAgainst(live, {"Kick", "StereoGain", "", "Output"}, live, rounds);
    CHECK(utility_output.info.name == "Gain");
    auto no_track = resolveAgainst(live, {"Strings", "Eq8", "EQ Eight", "3 Gain A"}, live, rounds);
    CHECK(no_track.state == ParameterResolution::State::kRejected);
    CHECK(no_track.reason == "track 'Strings' not found in the Live set");
    auto no_device = resolveAgainst(live, {"Kick", "Eq8", "EQ Eight", "3 Gain A"}, live, rounds);
    CHECK(no_device.reason == "device 'EQ Eight' not found on track 'Kick'");
    auto no_param = resolveAgainst(live, {"Bass", "Eq8", "EQ Eight", "9 Gain A"}, live, rounds);
    CHECK(no_param.reason == "parameter '9 Gain A' not found on device 'EQ Eight' on track 'Bass'");
}

TEST_CASE("Candidate names cover Live 11 / 12 renames", "[live_bridge][resolve]") {
    CHECK(parameterNameCandidates("3 Q A") == std::vector<std::string>{"3 Q A", "3 Resonance A"});
    CHECK(parameterNameCandidates("8 Resonance B") ==
          std::vector<std::string>{"8 Resonance B", "8 Q B"});
    CHECK(parameterNameCandidates("Output Gain") ==
          std::vector<std::string>{"Output Gain", "Output"});
    CHECK(parameterNameCandidates("Threshold") == std::vector<std::string>{"Threshold"});
}

TEST_CASE("Targets are clamped and rounded; tolerance is relative to the range",
          "[live_bridge][resolve]") {
    CHECK(clampToParameter(3.0, 0, 2, false) == 2.0);
    CHECK(clampToParameter(-20, -15, 15, false) == -15);
    CHECK(clampToParameter(2.4, 0, 7, true) == 2.0);
    CHECK(clampToParameter(2.5, 0, 7, true) == 3.0);
    CHECK(clampToParameter(9, 0, 7, true) == 7.0);
    // 1e-4 of the range: 0.003 dB on a 30 dB gain, 1e-4 on 0..1 (float32 keeps ~7 digits).
    CHECK(sameParameterValue(-4.5, -4.5 + 0.002, -15, 15, false));
    CHECK_FALSE(sameParameterValue(-4.5, -4.5 + 0.01, -15, 15, false));
    CHECK(sameParameterValue(0.52, static_cast<float>(0.52), 0, 1, false));
    CHECK_FALSE(sameParameterValue(0.52, 0.5202, 0, 1, false));
    CHECK(sameParameterValue(1.0, 1.0, 0, 7, true));
    CHECK_FALSE(sameParameterValue(1.0, 2.0, 0, 7, true));
}
