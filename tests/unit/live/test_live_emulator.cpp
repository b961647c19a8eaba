#include <catch2/catch.hpp>

#include "core/live/live_set.hpp"
#include "fake_live/live_emulator.hpp"
#include "unit/live/fake_live_client.hpp"

using namespace styledna;
using live::OscArg;
using live::OscMessage;

namespace {

// Two tracks, the second with two devices: small enough to spell out replies.
live::LiveSet smallSet() {
    auto set = live::liveSetFromJson(R"({"tracks":[
      {"name":"Kick","devices":[]},
      {"name":"Bass","devices":[
        {"name":"EQ Eight","class_name":"Eq8","type":2,"parameters":[
          {"name":"Device On","value":1,"min":0,"max":1,"is_quantized":true},
          {"name":"Output","value":0,"min":-12,"max":12}]},
        {"name":"Utility","class_name":"StereoGain","type":2,"parameters":[
          {"name":"Device On","value":1,"min":0,"max":1,"is_quantized":true},
          {"name":"Stereo Width","value":1,"min":0,"max":2},
          {"name":"Balance","value":0,"min":-1,"max":1}]}]}]})");
    REQUIRE(set.isOk());
    return std::move(*set);
}

std::vector<std::string> strings(const OscMessage& m) {
    std::vector<std::string> out;
    for (const auto& a : m.args) {
        out.push_back(a.toString());
    }
    return out;
}

OscMessage msg(std::string address, std::vector<OscArg> args = {}) {
    return OscMessage{std::move(address), std::move(args)};
}

OscArg i(int64_t v) {
    return OscArg::integer(v);
}

} // namespace

TEST_CASE("track_data answers one flat tuple, device entries per device", "[live][fake_live]") {
    fake_live::LiveEmulator emulator(smallSet());
    auto r =
        emulator.handle(msg("/live/song/get/track_data",
                            {i(0), i(-1), OscArg::string("track.name"),
                             OscArg::string("track.num_devices"), OscArg::string("device.name"),
                             OscArg::string("device.class_name"), OscArg::string("device.type")}));
    REQUIRE(r.reply);
    CHECK(r.errors.empty());
    CHECK(r.reply->address == "/live/song/get/track_data");
    CHECK(strings(*r.reply) == std::vector<std::string>{"\"Kick\"", "0", "\"Bass\"", "2",
                                                        "\"EQ Eight\"", "\"Utility\"", "\"Eq8\"",
                                                        "\"StereoGain\"", "2", "2"});

    auto one = emulator.handle(
        msg("/live/song/get/track_data", {i(1), i(2), OscArg::string("track.name")}));
    REQUIRE(one.reply);
    CHECK(strings(*one.reply) == std::vector<std::string>{"\"Bass\""});

    auto past_end = emulator.handle(
        msg("/live/song/get/track_data", {i(0), i(5), OscArg::string("track.name")}));
    CHECK_FALSE(past_end.reply);
    CHECK(past_end.aborts_drain);
}

TEST_CASE("replies echo indices; negative indices wrap like Python", "[live][fake_live]") {
    fake_live::LiveEmulator emulator(smallSet());
    auto last = emulator.handle(msg("/live/track/get/num_devices", {i(-1)}));
    REQUIRE(last.reply);
    CHECK(strings(*last.reply) == std::vector<std::string>{"-1", "2"});

    auto value = emulator.handle(msg("/live/device/get/parameter/value", {i(1), i(-1), i(-2)}));
    REQUIRE(value.reply);
    CHECK(strings(*value.reply) == std::vector<std::string>{"1", "-1", "-2", "1"});

    auto quantized = emulator.handle(msg("/live/device/get/parameters/is_quantized", {i(1), i(1)}));
    REQUIRE(quantized.reply);
    CHECK(strings(*quantized.reply) == std::vector<std::string>{"1", "1", "T", "F", "F"});

    auto names = emulator.handle(msg("/live/track/get/devices/class_name", {i(1)}));
    REQUIRE(names.reply);
    CHECK(strings(*names.reply) == std::vector<std::string>{"1", "\"Eq8\"", "\"StereoGain\""});

    // A float index goes through Python's int().
    auto floaty =
        emulator.handle(msg("/live/device/get/num_parameters", {OscArg::real(1.7), i(0)}));
    REQUIRE(floaty.reply);
    CHECK(strings(*floaty.reply) == std::vector<std::string>{"1", "0", "2"});
}

TEST_CASE("bad indices, missing arguments and unknown addresses give /live/error texts",
          "[live][fake_live]") {
    fake_live::LiveEmulator emulator(smallSet());
    for (const auto& bad : {msg("/live/device/get/parameter/value", {i(1), i(2), i(0)}),
                            msg("/live/device/get/parameter/value", {i(-3), i(0), i(0)}),
                            msg("/live/device/get/parameters/name", {i(1)}),
                            msg("/live/track/get/num_devices", {i(2)})}) {
        auto r = emulator.handle(bad);
        CHECK_FALSE(r.reply);
        CHECK(r.aborts_drain);
        REQUIRE(r.errors.size() == 1);
        CHECK(r.errors[0] == "Error handling OSC message: list index out of range");
    }
    auto text_index = emulator.handle(msg("/live/track/get/num_devices", {OscArg::string("one")}));
    REQUIRE(text_index.errors.size() == 1);
    CHECK_THAT(text_index.errors[0], Catch::Matchers::Contains("invalid literal for int()"));

    auto unknown = emulator.handle(msg("/live/device/get/nonsense", {i(0)}));
    CHECK_FALSE(unknown.reply);
    CHECK_FALSE(unknown.aborts_drain); // AbletonOSC only logs it
    REQUIRE(unknown.errors.size() == 1);
    CHECK(unknown.errors[0] == "Unknown OSC address: /live/device/get/nonsense");
}

TEST_CASE("setters: no reply, range checked, set/parameters/value is not atomic",
          "[live][fake_live]") {
    fake_live::LiveEmulator emulator(smallSet());
    auto set = emulator.handle(
        msg("/live/device/set/parameter/value", {i(1), i(1), i(1), OscArg::real(1.5)}));
    CHECK_FALSE(set.reply);
    CHECK(set.errors.empty());
    CHECK(set.parameters_set == 1);
    CHECK(emulator.set().tracks[1].devices[1].parameters[1].value == 1.5);

    auto out_of_range = emulator.handle(
        msg("/live/device/set/parameter/value", {i(1), i(1), i(1), OscArg::real(2.5)}));
    CHECK_FALSE(out_of_range.reply);
    CHECK(out_of_range.aborts_drain);
    REQUIRE(out_of_range.errors.size() == 1);
    CHECK(out_of_range.errors[0] ==
          "Error handling OSC message: Invalid value. Check the parameters range with min/max");
    CHECK(emulator.set().tracks[1].devices[1].parameters[1].value == 1.5);

    // Device On = 0, Stereo Width = 0.5, Balance = 3 (invalid): the first two stay.
    auto bulk =
        emulator.handle(msg("/live/device/set/parameters/value",
                            {i(1), i(1), OscArg::real(0), OscArg::real(0.5), OscArg::real(3)}));
    CHECK(bulk.aborts_drain);
    CHECK(bulk.parameters_set == 2);
    const auto& utility = emulator.set().tracks[1].devices[1];
    CHECK(utility.parameters[0].value == 0.0);
    CHECK(utility.parameters[1].value == 0.5);
    CHECK(utility.parameters[2].value == 0.0);
}

TEST_CASE("every bulk reply on the trance fixtures fits in 9000 bytes", "[live][fake_live]") {
    for (const char* file : {"trance_set_live12.json", "trance_set_live11.json"}) {
        fake_live::LiveEmulator emulator(test::fixtureSet(file));
        const auto& tracks = emulator.set().tracks;
        for (size_t t = 0; t < tracks.size(); ++t) {
            for (size_t d = 0; d < tracks[t].devices.size(); ++d) {
                for (const char* what : {"name", "value", "min", "max", "is_quantized"}) {
                    std::string address = "/live/device/get/parameters/";
                    address.append(what);
                    auto r = emulator.handle(
                        msg(address, {i(static_cast<int64_t>(t)), i(static_cast<int64_t>(d))}));
                    REQUIRE(r.reply);
                    auto bytes = live::encodeOsc(*r.reply, live::kMaxDatagramBytes);
                    INFO(file << " " << tracks[t].name << "/" << tracks[t].devices[d].name << " "
                              << what);
                    CHECK(bytes.isOk());
                }
            }
        }
    }
}
