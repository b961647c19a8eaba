#include <catch2/catch.hpp>

#include "core/live/live_set.hpp"
#include "core/live/osc_message.hpp"

using namespace styledna::live;

TEST_CASE("OSC codec round-trips every argument type", "[live][osc]") {
    OscMessage message{"/live/device/get/parameters/is_quantized",
                       {OscArg::integer(-3), OscArg::real(0.25), OscArg::string("EQ Eight"),
                        OscArg::boolean(true), OscArg::boolean(false), OscArg::nil(),
                        OscArg::string("")}};
    auto bytes = encodeOsc(message);
    REQUIRE(bytes.isOk());
    REQUIRE(bytes->size() % 4 == 0);
    auto decoded = decodeOscPacket(bytes->data(), bytes->size());
    REQUIRE(decoded.isOk());
    REQUIRE(decoded->size() == 1);
    const OscMessage& back = decoded->front();
    CHECK(back.address == message.address);
    REQUIRE(back.args.size() == message.args.size());
    CHECK(back.args[0].type == OscArg::Type::kInt);
    CHECK(back.args[0].int_value == -3);
    CHECK(back.args[1].type == OscArg::Type::kFloat);
    CHECK(back.args[1].float_value == 0.25); // exact: representable in float32
    CHECK(back.args[2].string_value == "EQ Eight");
    CHECK(back.args[3].type == OscArg::Type::kTrue);
    CHECK(back.args[4].type == OscArg::Type::kFalse);
    CHECK(back.args[5].type == OscArg::Type::kNil);
    CHECK(back.args[6].type == OscArg::Type::kString);
    CHECK(back.toString() == message.toString());
}

TEST_CASE("OSC codec: float32 on the wire, size limit, malformed datagrams", "[live][osc]") {
    auto bytes = encodeOsc({"/x", {OscArg::real(0.1)}});
    REQUIRE(bytes.isOk());
    auto decoded = decodeOscPacket(bytes->data(), bytes->size());
    REQUIRE(decoded.isOk());
    // float32 rounding: relative error below 2^-24.
    CHECK(std::abs(decoded->front().args[0].float_value - 0.1) < 0.1 * 6e-8);

    std::vector<OscArg> many(3000, OscArg::integer(1));
    auto too_big = encodeOsc({"/x", many}, 9000);
    REQUIRE_FALSE(too_big.isOk());
    CHECK_THAT(too_big.status().message(), Catch::Matchers::Contains("9000"));
    CHECK_FALSE(encodeOsc({"no-slash", {}}).isOk());

    const char garbage[] = {'/', 'x', 0, 0, ',', 'i', 0, 0}; // int tag, payload missing
    CHECK_FALSE(decodeOscPacket(garbage, sizeof garbage).isOk());
    CHECK_FALSE(decodeOscPacket(garbage, 3).isOk());
    CHECK_FALSE(decodeOscPacket(nullptr, 0).isOk());
}

TEST_CASE("datagrams oscpack would walk out of bounds are refused before it parses them",
          "[live][osc]") {
    // Found by fuzz_osc_reply: blob tags with lengths near 2^26 made oscpack
    // 1.1.0's ReceivedMessage::Init read far past the datagram.
    const unsigned char blob_lengths[] = {
        '/', 'l', 'i', 'v', 'e', '/', 'd', 'e', '/', 0, 0, 0, ',', 'i', 'i', 'f', 'f', 'b',
        'b', 'b', 'b', 'b', 'b', 4,   4,   4,   9,   4, 4, 4, 0,   0,   0,   0,   0,   0,
        0,   0,   0,   0,   0,   0,   0,   0,   0,   0, 0, 0, 0,   0,   0,   0,   0,   0};
    auto decoded = decodeOscPacket(reinterpret_cast<const char*>(blob_lengths), 52);
    REQUIRE_FALSE(decoded.isOk());
    CHECK(decoded.status().code() == styledna::core::StatusCode::kInvalidArgument);

    // A bundle element claiming more bytes than the datagram holds.
    const unsigned char bundle[] = {'#', 'b', 'u', 'n', 'd', 'l', 'e', 0, 0,   0,   0, 0,
                                    0,   0,   0,   1,   0,   0,   1,   0, '/', 'x', 0, 0};
    CHECK_FALSE(decodeOscPacket(reinterpret_cast<const char*>(bundle), sizeof bundle).isOk());
    // An unterminated string argument.
    const char string_past_end[] = {'/', 'x', 0, 0, ',', 's', 0, 0, 'a', 'b', 'c', 'd'};
    CHECK_FALSE(decodeOscPacket(string_past_end, sizeof string_past_end).isOk());
    // Found by fuzz_osc_reply (seed regress_padding.osc): an address padded
    // with a non-NUL byte; oscpack looks only at each word's last byte for the
    // terminator, so it read the type tags from elsewhere and crashed.
    const char bad_padding[] = {'/', 'l', 'i', 'e', 0, 0, 0, 'S', ',', 'S', 0, 'S'};
    auto padded = decodeOscPacket(bad_padding, sizeof bad_padding);
    REQUIRE_FALSE(padded.isOk());
    CHECK(padded.status().message().find("address") != std::string::npos);
    const char tag_padding[] = {'/', 'x', 0, 0, ',', 'i', 0, 'i', 0, 0, 0, 1};
    CHECK_FALSE(decodeOscPacket(tag_padding, sizeof tag_padding).isOk());
    // Correct NUL padding still decodes.
    const char good[] = {'/', 'x', 0, 0, ',', 'i', 0, 0, 0, 0, 0, 7};
    auto ok = decodeOscPacket(good, sizeof good);
    REQUIRE(ok.isOk());
    REQUIRE(ok->size() == 1);
    CHECK((*ok)[0].args.at(0).int_value == 7);
}

TEST_CASE("LiveSet JSON errors name the path into the document", "[live][json]") {
    auto missing_name =
        liveSetFromJson(R"({"tracks":[{"name":"Bass","devices":[{"class_name":"Eq8"}]}]})");
    REQUIRE_FALSE(missing_name.isOk());
    CHECK_THAT(missing_name.status().message(), Catch::Matchers::Contains("tracks[0].devices[0]"));
    CHECK_THAT(missing_name.status().message(), Catch::Matchers::Contains("name"));

    auto out_of_range = liveSetFromJson(
        R"({"tracks":[{"name":"A"},{"name":"B","devices":[{"name":"Utility","parameters":[)"
        R"({"name":"Device On","value":1},{"name":"Stereo Width","value":3,"min":0,"max":2}]}]}]})");
    REQUIRE_FALSE(out_of_range.isOk());
    CHECK_THAT(out_of_range.status().message(),
               Catch::Matchers::Contains("tracks[1].devices[0].parameters[1]"));
    CHECK_THAT(out_of_range.status().message(), Catch::Matchers::Contains("Stereo Width"));

    auto min_above_max = liveSetFromJson(
        R"({"tracks":[{"name":"A","devices":[{"name":"X","parameters":[{"name":"P","min":2,"max":1,"value":1.5}]}]}]})");
    REQUIRE_FALSE(min_above_max.isOk());
    CHECK_THAT(min_above_max.status().message(),
               Catch::Matchers::Contains("tracks[0].devices[0].parameters[0]"));

    CHECK_FALSE(liveSetFromJson("{not json").isOk());
}
