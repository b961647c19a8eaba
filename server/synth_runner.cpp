#include "server/synth_runner.hpp"

#include <cstdio>
#include <filesystem>

#include "core/audio/synth/trance_synth.hpp"

namespace styledna::server {

core::Status runSynthesis(const v1::SynthesizeTracksRequest& request,
                          const std::function<bool()>& cancelled,
                          const std::function<void(const v1::SynthesizeTracksEvent&)>& emit) {
    if (request.out_dir().empty()) {
        return core::invalidArgument("synth: no output directory given");
    }
    if (request.count() < 1 || request.count() > 1000) {
        return core::invalidArgument("synth: count must be 1..1000");
    }
    std::vector<core::TranceStyle> styles;
    if (request.style().empty()) {
        styles = {core::TranceStyle::kUplifting, core::TranceStyle::kProgressive,
                  core::TranceStyle::kTech, core::TranceStyle::kPsy};
    } else {
        auto style = core::parseStyle(request.style());
        if (!style) {
            return style.status();
        }
        styles = {*style};
    }
    std::vector<core::SynthFlaw> flaws;
    for (const auto& name : request.flaws()) {
        auto flaw = core::parseFlaw(name);
        if (!flaw) {
            return flaw.status();
        }
        flaws.push_back(*flaw);
    }
    auto variety = core::parseVariety(request.variety().empty() ? "style" : request.variety());
    if (!variety) {
        return variety.status();
    }
    const double minutes = request.minutes() > 0 ? request.minutes() : 5.0;
    std::error_code ec;
    std::filesystem::create_directories(request.out_dir(), ec);
    if (ec) {
        return core::invalidArgument(request.out_dir() + ": cannot create directory (" +
                                     ec.message() + ")");
    }
    core::CancellationToken cancel;
    for (int i = 0; i < request.count(); ++i) {
        const auto style = styles[static_cast<std::size_t>(i) % styles.size()];
        const std::uint64_t seed = request.seed() + static_cast<std::uint64_t>(i);
        char name[128];
        std::snprintf(name, sizeof name, "%s_%03d_s%llu",
                      std::string(core::styleName(style)).c_str(), i,
                      static_cast<unsigned long long>(seed));
        auto params = core::randomParams(style, seed, minutes, flaws, *variety);
        if (auto s = core::validateParams(params); !s.isOk()) {
            return s;
        }
        auto progress = [&](double fraction, std::string_view) {
            if (cancelled()) {
                cancel.cancel();
            }
            v1::SynthesizeTracksEvent ev;
            auto* p = ev.mutable_progress();
            p->set_fraction((i + fraction) / request.count());
            p->set_stage("rendering");
            p->set_current_item(name);
            p->set_items_done(i);
            p->set_items_total(request.count());
            emit(ev);
        };
        auto track = core::renderTrack(params, &cancel, progress);
        if (!track) {
            return track.status();
        }
        if (cancelled()) {
            return core::cancelledError("synth cancelled by the client");
        }
        if (auto s = core::writeRenderedTrack(*track, request.out_dir(), name); !s.isOk()) {
            return s;
        }
        v1::SynthesizeTracksEvent ev;
        auto* t = ev.mutable_track();
        const std::string base = request.out_dir() + "/" + name;
        t->set_mix_path(base + ".wav");
        for (const char* stem : {"drums", "bass", "other"}) {
            t->add_stem_paths(base + "/" + stem + ".wav");
        }
        t->set_truth_path(base + ".truth.json");
        t->set_style(std::string(core::styleName(style)));
        t->set_tempo_bpm(track->truth.params.tempo_bpm);
        t->set_key(std::string(track->truth.toJson().value("key", "")));
        t->set_duration_s(track->truth.duration_s);
        t->set_loudness_integrated_lufs(track->truth.integrated_lufs);
        for (auto f : flaws) {
            t->add_flaws(std::string(core::flawName(f)));
        }
        emit(ev);
    }
    return core::Status::ok();
}

} // namespace styledna::server
