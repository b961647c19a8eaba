#include <map>

#include <catch2/catch.hpp>

#include "unit/live/fake_live_client.hpp"

using namespace styledna;

namespace {

std::map<std::string, size_t> parameterCounts(const live::LiveSet& set) {
    std::map<std::string, size_t> counts;
    for (const auto& track : set.tracks) {
        for (const auto& device : track.devices) {
            if (device.type != live::kDeviceTypeInstrument) {
                counts[device.class_name] = device.parameters.size();
            }
        }
    }
    return counts;
}

} // namespace

TEST_CASE("trance fixture (Live 12): stock devices with their full parameter lists",
          "[live][fixtures]") {
    const auto set = test::fixtureSet("trance_set_live12.json");
    const std::map<std::string, size_t> expected = {
        {"Eq8", 84},         {"Compressor2", 23}, {"GlueCompressor", 17}, {"StereoGain", 12},
        {"AutoFilter2", 45}, {"Saturator", 19},   {"Limiter", 13}};
    CHECK(parameterCounts(set) == expected);

    const auto* bass = live::findTrack(set, "Bass");
    REQUIRE(bass);
    const auto* eq = live::findDeviceByClass(*bass, "Eq8");
    REQUIRE(eq);
    for (int n = 1; n <= 8; ++n) {
        for (int b = 0; b < 2; ++b) {
            const size_t base = static_cast<size_t>(4 + (n - 1) * 10 + b * 5);
            std::string name = std::to_string(n);
            name.append(" Frequency ").append(b ? "B" : "A");
            CHECK(eq->parameters[base + 2].name == name);
        }
    }
    CHECK(eq->parameters[1].name == "Output");
    CHECK(eq->parameters[8].name == "1 Q A");
    const auto* compressor = live::findDeviceByClass(*bass, "Compressor2");
    REQUIRE(compressor);
    CHECK(compressor->parameters[20].name == "S/C On");
    CHECK(compressor->parameters[20].value == 1.0); // sidechained from the kick
    const auto* utility = live::findDeviceByClass(*bass, "StereoGain");
    REQUIRE(utility);
    CHECK(utility->parameters[9].name == "Output");
    for (const char* track :
         {"Kick", "Bass", "Sub", "Lead 1", "Supersaw Pad", "Drums", "FX", "Mix Bus"}) {
        CHECK(live::findTrack(set, track));
    }
}

TEST_CASE("trance fixture (Live 11): Live 11 parameter names", "[live][fixtures]") {
    const auto set = test::fixtureSet("trance_set_live11.json");
    const auto* bass = live::findTrack(set, "Bass");
    REQUIRE(bass);
    const auto* eq = live::findDeviceByClass(*bass, "Eq8");
    REQUIRE(eq);
    CHECK(eq->parameters.size() == 84);
    CHECK(eq->parameters[1].name == "Output Gain");
    CHECK(eq->parameters[8].name == "1 Resonance A");
    const auto* utility = live::findDeviceByClass(*bass, "StereoGain");
    REQUIRE(utility);
    CHECK(utility->parameters[9].name == "Gain");
    const auto* lead = live::findTrack(set, "Lead 1");
    REQUIRE(lead);
    const auto* filter = live::findDeviceByClass(*lead, "AutoFilter");
    REQUIRE(filter);
    CHECK(filter->parameters.size() == 26);
    CHECK(filter->parameters[5].name == "Frequency");
    CHECK(filter->parameters[5].max == 135.0);
}
