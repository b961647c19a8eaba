#include <catch2/catch.hpp>

#include <cmath>

#include "core/audio/synth/trance_synth.hpp"
#include "core/features/extractor.hpp"
#include "core/features/registry.hpp"

using namespace styledna;

namespace {

const core::AudioBuffer& shortTrack() {
    static const core::AudioBuffer mix = [] {
        auto params = core::randomParams(core::TranceStyle::kTech, 42, 0.5, {});
        auto track = core::renderTrack(params);
        REQUIRE(track.isOk());
        return track->mix;
    }();
    return mix;
}

bool sameFeatures(const core::TrackFeatures& a, const core::TrackFeatures& b) {
    if (a.values.size() != b.values.size() || a.labels != b.labels ||
        a.sections.size() != b.sections.size() || a.grid.beat_times_s != b.grid.beat_times_s) {
        return false;
    }
    for (const auto& [k, v] : a.values) {
        auto it = b.values.find(k);
        // Bit-identical, NaN-aware: scheduling must not change any number.
        if (it == b.values.end() ||
            !(v == it->second || (std::isnan(v) && std::isnan(it->second)))) {
            return false;
        }
    }
    for (std::size_t s = 0; s < a.sections.size(); ++s) {
        if (a.sections[s].label != b.sections[s].label ||
            a.sections[s].values.size() != b.sections[s].values.size()) {
            return false;
        }
        for (const auto& [k, v] : a.sections[s].values) {
            auto it = b.sections[s].values.find(k);
            if (it == b.sections[s].values.end() ||
                !(v == it->second || (std::isnan(v) && std::isnan(it->second)))) {
                return false;
            }
        }
    }
    return a.series == b.series;
}

} // namespace

TEST_CASE("Feature extraction does not depend on the thread count", "[analysis][extractor]") {
    auto one = core::extractFeatures(shortTrack(), {1});
    auto two = core::extractFeatures(shortTrack(), {2});
    auto three = core::extractFeatures(shortTrack(), {3});
    REQUIRE(one.isOk());
    REQUIRE(two.isOk());
    REQUIRE(three.isOk());
    CHECK(sameFeatures(*one, *two));
    CHECK(sameFeatures(*one, *three));
    // Every declared scalar feature is produced, and every value is finite.
    for (const auto& info : core::featureCatalog()) {
        if (info.kind == core::FeatureKind::kScalar && info.category != "format") {
            INFO(info.name);
            REQUIRE(one->values.count(info.name) == 1);
            CHECK(std::isfinite(one->values.at(info.name)));
        }
    }
    CHECK_FALSE(one->sections.empty());
}

TEST_CASE("Timings are reported per family and sections", "[analysis][extractor]") {
    std::vector<core::FamilyTiming> timings;
    auto f = core::extractFeatures(shortTrack(), {2, &timings});
    REQUIRE(f.isOk());
    // stft_mono, stft_side (stereo input), every family, sections
    CHECK(timings.size() == core::makeDefaultFamilies().size() + 3);
    for (const auto& t : timings) {
        CHECK(t.seconds >= 0.0);
    }
}

TEST_CASE("The after_features step reads the run's spectrograms and can fail it",
          "[analysis][extractor]") {
    std::vector<core::FamilyTiming> timings;
    core::ExtractOptions options{2, &timings};
    int calls = 0;
    std::size_t frames = 0, sections = 0;
    options.after_features = [&](const core::AnalysisContext& ctx,
                                 const core::TrackFeatures& features) {
        ++calls;
        frames = ctx.monoSpectrum().num_frames;
        sections = features.sections.size();
        return core::Status::ok();
    };
    auto f = core::extractFeatures(shortTrack(), options);
    REQUIRE(f.isOk());
    CHECK(calls == 1);
    CHECK(frames == shortTrack().frames() / 512 + 1); // the shared STFT 2048/512
    CHECK(sections == f->sections.size());
    REQUIRE_FALSE(timings.empty());
    CHECK(timings.back().family == "after_features");

    options.after_features = [](const core::AnalysisContext&, const core::TrackFeatures&) {
        return core::internalError("step failed");
    };
    auto failed = core::extractFeatures(shortTrack(), options);
    REQUIRE_FALSE(failed.isOk());
    CHECK(failed.status().message() == "step failed");
}

TEST_CASE("Extraction honours cancellation and odd inputs", "[analysis][extractor][edge]") {
    core::CancellationToken token;
    token.cancel();
    auto cancelled = core::extractFeatures(shortTrack(), {2}, token);
    REQUIRE_FALSE(cancelled.isOk());
    CHECK(cancelled.status().code() == core::StatusCode::kCancelled);

    for (std::size_t frames : {std::size_t{1}, std::size_t{4410}}) {
        DYNAMIC_SECTION("mono, " << frames << " frames") {
            core::AudioBuffer mono(1, frames, 44100.0);
            auto f = core::extractFeatures(mono, {2});
            REQUIRE(f.isOk());
            for (const auto& [name, value] : f->values) {
                INFO(name);
                CHECK(std::isfinite(value));
            }
        }
    }
    core::AudioBuffer none;
    CHECK_FALSE(core::extractFeatures(none, {2}).isOk());
}
