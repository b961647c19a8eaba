// styledna-fake-live over real loopback UDP, in-process, on free ports.
// Timing assertions use generous margins (a loaded 2-core CI box): a tick is
// 100 ms; "one tick" means all replies within 50 ms of each other, "the next
// tick" means at least 50 ms later.
#include <cmath>
#include <filesystem>
#include <random>

#include <catch2/catch.hpp>

#include "unit/live/fake_live_client.hpp"
#include "unit/test_support.hpp"

using namespace styledna;
using live::OscArg;
using test::LiveTestClient;
using test::RunningFakeLive;

namespace {

constexpr int kBass = 1, kBassEq = 1, kBassCompressor = 2;

OscArg i(int64_t v) {
    return OscArg::integer(v);
}

fake_live::FakeLiveOptions options(int tick_ms = 100) {
    fake_live::FakeLiveOptions o;
    o.tick_ms = tick_ms;
    o.seed = 42;
    return o;
}

// Waits a little after a drain so a batch sent now lands well before the next tick.
void settleAfterTick() {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

} // namespace

TEST_CASE("84 pipelined parameter gets come back within one tick", "[live][fake_live][udp]") {
    LiveTestClient client;
    RunningFakeLive fake(client, options());
    REQUIRE(client.syncToTick());
    settleAfterTick();
    const auto sent = test::Clock::now();
    for (int p = 0; p < 84; ++p) {
        client.send("/live/device/get/parameter/value", {i(kBass), i(kBassEq), i(p)});
    }
    auto replies = client.receiveMany(84, 500);
    REQUIRE(replies.size() == 84);
    const live::LiveSet set = fake.server().snapshot(); // a copy: keep it alive
    const auto& eq = set.tracks[kBass].devices[kBassEq];
    for (int p = 0; p < 84; ++p) {
        const auto& m = replies[static_cast<size_t>(p)].message;
        REQUIRE(m.address == "/live/device/get/parameter/value");
        REQUIRE(m.args.size() == 4);
        CHECK(m.args[2].int_value == p); // one drain answers in order
        CHECK(std::abs(m.args[3].float_value - eq.parameters[static_cast<size_t>(p)].value) <
              1e-6 * (1.0 + std::abs(eq.parameters[static_cast<size_t>(p)].value)));
    }
    CHECK(test::msBetween(replies.front().at, replies.back().at) < 50.0);
    CHECK(test::msBetween(sent, replies.back().at) < 250.0);
}

TEST_CASE("a batch with one bad index is answered in two ticks with /live/error",
          "[live][fake_live][udp]") {
    LiveTestClient client;
    RunningFakeLive fake(client, options());
    REQUIRE(client.syncToTick());
    settleAfterTick();
    for (int p = 0; p < 10; ++p) {
        client.send("/live/device/get/parameter/value",
                    {i(kBass), i(kBassEq), i(p == 5 ? 999 : p)});
    }
    auto got = client.receiveMany(10, 500);
    REQUIRE(got.size() == 10);
    for (int k = 0; k < 5; ++k) {
        CHECK(got[static_cast<size_t>(k)].message.args[2].int_value == k);
    }
    REQUIRE(got[5].message.address == "/live/error");
    CHECK(got[5].message.args[0].string_value ==
          "Error handling OSC message: list index out of range");
    for (int k = 6; k < 10; ++k) {
        CHECK(got[static_cast<size_t>(k)].message.args[2].int_value == k);
    }
    CHECK(test::msBetween(got[0].at, got[5].at) < 50.0);  // same drain as the error
    CHECK(test::msBetween(got[5].at, got[6].at) >= 50.0); // the rest: next tick
}

TEST_CASE("setters give no reply; an out-of-range set gives /live/error and keeps the value",
          "[live][fake_live][udp]") {
    LiveTestClient client;
    RunningFakeLive fake(client, options(20));
    const int gain_3a = 4 + 2 * 10 + 3; // "3 Gain A"
    client.send("/live/device/set/parameter/value",
                {i(kBass), i(kBassEq), i(gain_3a), OscArg::real(3.5)});
    client.send("/live/device/get/parameter/value", {i(kBass), i(kBassEq), i(gain_3a)});
    auto first = client.receive(1000);
    REQUIRE(first);
    REQUIRE(first->message.address == "/live/device/get/parameter/value"); // nothing for the set
    CHECK(first->message.args[3].float_value == 3.5);

    client.send("/live/device/set/parameter/value",
                {i(kBass), i(kBassEq), i(gain_3a), OscArg::real(20.0)});
    auto error = client.receive(1000);
    REQUIRE(error);
    CHECK(error->message.address == "/live/error");
    CHECK(error->message.args[0].string_value ==
          "Error handling OSC message: Invalid value. Check the parameters range with min/max");
    client.send("/live/device/get/parameter/value_string", {i(kBass), i(kBassEq), i(gain_3a)});
    auto text = client.receive(1000);
    REQUIRE(text);
    CHECK(text->message.args[3].string_value == "3.50 dB");
    CHECK(fake.server().parametersSet() == 1);
}

TEST_CASE("value_string over UDP: EQ Eight frequency and gain, Compressor ratio",
          "[live][fake_live][udp]") {
    LiveTestClient client;
    RunningFakeLive fake(client, options(20));
    const int freq_3a = 4 + 2 * 10 + 2;
    const double one_khz = std::log(100.0) / std::log(2200.0); // ~0.598
    client.send("/live/device/set/parameter/value",
                {i(kBass), i(kBassEq), i(freq_3a), OscArg::real(one_khz)});
    client.send("/live/device/set/parameter/value",
                {i(kBass), i(kBassEq), i(freq_3a + 1), OscArg::real(0.0)});
    client.send("/live/device/set/parameter/value",
                {i(kBass), i(kBassCompressor), i(2), OscArg::real(0.75)});
    client.send("/live/device/get/parameter/value_string", {i(kBass), i(kBassEq), i(freq_3a)});
    client.send("/live/device/get/parameter/value_string", {i(kBass), i(kBassEq), i(freq_3a + 1)});
    client.send("/live/device/get/parameter/value_string", {i(kBass), i(kBassCompressor), i(2)});
    auto got = client.receiveMany(3, 1000);
    REQUIRE(got.size() == 3);
    CHECK(got[0].message.args[3].string_value == "1.00 kHz");
    CHECK(got[1].message.args[3].string_value == "0.00 dB");
    CHECK(got[2].message.args[3].string_value == "4.00 : 1");
}

TEST_CASE("loss and duplicate options behave statistically and are seeded",
          "[live][fake_live][udp]") {
    auto run = [](double loss, double duplicate, uint64_t seed) {
        LiveTestClient client;
        auto o = options(10);
        o.loss = loss;
        o.duplicate = duplicate;
        o.seed = seed;
        RunningFakeLive fake(client, o);
        // Batches of 40 so the client's socket buffer never overflows.
        size_t received = 0;
        for (int batch = 0; batch < 5; ++batch) {
            for (int n = 0; n < 40; ++n) {
                client.send("/live/song/get/num_tracks");
            }
            received += client.receiveMany(1000, 150).size();
        }
        return received;
    };
    // Loss 0.3 on the request and on the reply: P(reply) = 0.49, n = 200:
    // mean 98, sd 7.1; accept +-4 sd.
    const size_t lossy = run(0.3, 0.0, 7);
    CHECK(lossy >= 70);
    CHECK(lossy <= 126);
    CHECK(run(0.3, 0.0, 7) == lossy); // same seed, same draws
    // Duplicate 0.5: 200 + Binomial(200, 0.5): mean 300, sd 7.1.
    const size_t doubled = run(0.0, 0.5, 7);
    CHECK(doubled >= 272);
    CHECK(doubled <= 328);
    CHECK(run(0.0, 0.0, 7) == 200);
}

TEST_CASE("delayed replies can reorder", "[live][fake_live][udp]") {
    LiveTestClient client;
    auto o = options(10);
    o.delay_ms_max = 60;
    RunningFakeLive fake(client, o);
    for (int p = 0; p < 30; ++p) {
        client.send("/live/device/get/parameter/value", {i(kBass), i(kBassEq), i(p)});
    }
    auto got = client.receiveMany(30, 500);
    REQUIRE(got.size() == 30);
    bool reordered = false;
    for (size_t k = 1; k < got.size(); ++k) {
        reordered |= got[k].message.args[2].int_value < got[k - 1].message.args[2].int_value;
    }
    CHECK(reordered);
}

TEST_CASE("a simulated restart sends /live/startup and can reset values",
          "[live][fake_live][udp]") {
    LiveTestClient client;
    auto o = options(20);
    o.restart_after_sets = 3;
    o.restart_reset_values = true;
    RunningFakeLive fake(client, o);
    const int gain_3a = 4 + 2 * 10 + 3;
    for (double gain : {1.0, 2.0, 3.0}) {
        client.send("/live/device/set/parameter/value",
                    {i(kBass), i(kBassEq), i(gain_3a), OscArg::real(gain)});
    }
    auto startup = client.receive(1000);
    REQUIRE(startup);
    CHECK(startup->message.address == "/live/startup");
    auto stray = client.receive(1000);
    REQUIRE(stray);
    CHECK(stray->message.address == "/live/application/get/average_process_usage");
    client.send("/live/device/get/parameter/value", {i(kBass), i(kBassEq), i(gain_3a)});
    auto value = client.receive(1000);
    REQUIRE(value);
    CHECK(value->message.args[3].float_value == -2.5); // the fixture's value again

    client.send("/live/api/reload");
    auto reload = client.receive(1000);
    REQUIRE(reload);
    CHECK(reload->message.address == "/live/startup");
}

TEST_CASE("a deleted device shifts the indices behind it", "[live][fake_live][udp]") {
    LiveTestClient client;
    auto o = options(20);
    o.delete_device = "Bass/Compressor";
    o.delete_after_sets = 1;
    RunningFakeLive fake(client, o);
    client.send("/live/track/get/devices/class_name", {i(kBass)});
    auto before = client.receive(1000);
    REQUIRE(before);
    REQUIRE(before->message.args.size() == 5);
    CHECK(before->message.args[3].string_value == "Compressor2");

    client.send("/live/device/set/parameter/value",
                {i(kBass), i(kBassEq), i(1), OscArg::real(-1.0)});
    client.send("/live/track/get/devices/class_name", {i(kBass)});
    client.send("/live/device/get/class_name", {i(kBass), i(kBassCompressor)});
    client.send("/live/device/get/parameter/value", {i(kBass), i(3), i(0)});
    auto got = client.receiveMany(3, 500);
    REQUIRE(got.size() == 3);
    REQUIRE(got[0].message.args.size() == 4);
    CHECK(got[0].message.args[3].string_value == "StereoGain");
    CHECK(got[1].message.args[2].string_value == "StereoGain"); // Utility moved to index 2
    CHECK(got[2].message.address == "/live/error");
}

TEST_CASE("garbage datagrams are ignored", "[live][fake_live][udp]") {
    LiveTestClient client;
    RunningFakeLive fake(client, options(20));
    std::mt19937 rng(3);
    for (int n = 0; n < 200; ++n) {
        std::vector<char> junk(static_cast<size_t>(1 + rng() % 64));
        for (auto& c : junk) {
            c = static_cast<char>(rng());
        }
        if (n % 3 == 0 && junk.size() >= 4) {
            junk[0] = '/'; // address-like prefix
        }
        client.sendBytes(junk);
    }
    auto valid = live::encodeOsc({"/live/song/get/num_tracks", {}});
    REQUIRE(valid.isOk());
    client.sendBytes(std::vector<char>(valid->begin(), valid->end() - 4)); // truncated
    client.sendBytes({'#', 'b', 'u', 'n', 'd', 'l', 'e', 0});              // empty bundle head
    REQUIRE(client.syncToTick());
    client.send("/live/song/get/num_tracks");
    auto reply = client.receive(1000);
    REQUIRE(reply);
    CHECK(reply->message.args[0].int_value == 8);
}

TEST_CASE("replies over the size limit fail with 'Message too long'", "[live][fake_live][udp]") {
    LiveTestClient client;
    auto o = options(20);
    o.reply_limit_bytes = 600;
    RunningFakeLive fake(client, o);
    client.send("/live/device/get/parameters/name", {i(kBass), i(kBassEq)});
    auto error = client.receive(1000);
    REQUIRE(error);
    CHECK(error->message.address == "/live/error");
    CHECK(error->message.args[0].string_value ==
          "Error handling OSC message: [Errno 40] Message too long");
}

TEST_CASE("/fake/dump writes the set; a taken port is reported", "[live][fake_live][udp]") {
    LiveTestClient client;
    RunningFakeLive fake(client, options(20));
    const auto dir = test::tempDir("fake-live-dump");
    const std::string path = (dir / "state.json").string();
    client.send("/fake/dump", {OscArg::string(path)});
    auto ok = client.receive(1000);
    REQUIRE(ok);
    CHECK(ok->message.address == "/fake/dump");
    auto dumped = live::readLiveSetFile(path);
    REQUIRE(dumped.isOk());
    REQUIRE(dumped->tracks.size() == 8);
    CHECK(dumped->tracks[kBass].devices[kBassEq].parameters[26].value_string == "250 Hz");

    fake_live::FakeLiveOptions taken;
    taken.port = fake.server().port();
    auto second = fake_live::FakeLiveServer::create(taken, test::fixtureSet());
    REQUIRE_FALSE(second.isOk());
    CHECK(second.status().code() == core::StatusCode::kAlreadyExists);
    std::string expected = "127.0.0.1:";
    expected.append(std::to_string(taken.port)).append(" is in use");
    CHECK(second.status().message() == expected);
    std::filesystem::remove_all(dir);
}

TEST_CASE("the emulator's poll wait is never negative (a reply already due means 0, not forever)",
          "[live][fake_live]") {
    using std::chrono::microseconds;
    CHECK(fake_live::pollWaitMs(microseconds(-5'000)) == 0);
    CHECK(fake_live::pollWaitMs(microseconds(-1)) == 0);
    CHECK(fake_live::pollWaitMs(microseconds(0)) == 0);
    CHECK(fake_live::pollWaitMs(microseconds(1)) == 1); // rounded up: never wake early
    CHECK(fake_live::pollWaitMs(microseconds(100'000)) == 100);
    CHECK(fake_live::pollWaitMs(std::chrono::hours(2)) == 60'000);
}
