#include "server/fix_runner.hpp"

#include <chrono>
#include <cstdio>
#include <map>
#include <random>

#include "core/audio/decode.hpp"
#include "core/fixes/fix_plan_json.hpp"
#include "core/fixes/fix_planner.hpp"
#include "core/fixes/move_simulator.hpp"
#include "core/fixes/track_roles.hpp"

namespace styledna::server {
namespace {

using Clock = std::chrono::steady_clock;

std::string newPlanId() {
    std::random_device rd;
    std::mt19937_64 rng((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
    char buf[24];
    std::snprintf(buf, sizeof buf, "plan-%012llx",
                  static_cast<unsigned long long>(rng() & 0xffffffffffffULL));
    return buf;
}

} // namespace

core::Result<live::LiveSet> FixRunner::liveSet(const FixRequest& request,
                                               const std::function<bool()>& waiter_cancelled) {
    if (request.use_live) {
        if (!m_live) {
            return core::failedPrecondition(
                "reading the set from Live is handled by the OSC worker, which is not running "
                "in this daemon; pass the set as JSON (styledna fix --set SET.json)");
        }
        return m_live(waiter_cancelled);
    }
    if (request.live_set_json.empty()) {
        return core::invalidArgument(
            "GenerateFixes needs the Live set: live_set_json (styledna fix --set SET.json) or "
            "use_live (--live)");
    }
    auto set = live::liveSetFromJson(request.live_set_json);
    if (!set) {
        return core::invalidArgument(request.live_set_source + ": " + set.status().message());
    }
    return set;
}

core::Result<fixes::FixPlan> FixRunner::run(const FixRequest& request,
                                            const std::function<bool()>& waiter_cancelled) {
    if (!(request.strength > 0 && request.strength <= 1)) {
        return core::invalidArgument("strength must be in (0, 1]");
    }
    if (!(request.target_conformance >= 0 && request.target_conformance <= 100)) {
        return core::invalidArgument("target conformance must be in [0, 100]");
    }
    auto map = fixes::parseRoleMap(request.track_map);
    if (!map) {
        return map.status();
    }
    auto set = liveSet(request, waiter_cancelled);
    if (!set) {
        return set.status();
    }
    const std::string key = fixes::setKey(*set);
    if (map->empty()) {
        auto stored = m_store.findTrackRoleMap(key);
        if (stored && stored->has_value()) {
            if (auto remembered = fixes::parseRoleMap(**stored)) {
                map = std::move(remembered);
            }
        }
    }
    auto roles = fixes::assignRoles(*set, *map);
    if (!roles) {
        return roles.status();
    }
    if (!request.track_map.empty()) {
        if (auto st = m_store.putTrackRoleMap(key, fixes::roleMapToText(*map)); !st.isOk()) {
            return st;
        }
    }
    if (!request.master_track.empty() && live::findTrack(*set, request.master_track) == nullptr) {
        return core::invalidArgument("--master-track: the set has no track '" +
                                     request.master_track + "'");
    }

    GapRequest gap_request;
    gap_request.path = request.path;
    gap_request.profile = request.profile;
    gap_request.cluster = request.cluster;
    gap_request.stems_dir = request.stems_dir;
    auto gap = m_gaps.run(gap_request, waiter_cancelled);
    if (!gap) {
        return gap.status();
    }
    const auto t0 = Clock::now();
    auto decoded = core::decodeFile(request.path);
    if (!decoded) {
        return decoded.status();
    }
    std::map<std::string, core::DecodedAudio> stem_audio;
    std::map<std::string, const core::AudioBuffer*> stems;
    if (!request.stems_dir.empty()) {
        for (const char* name : {"drums", "bass", "other"}) {
            auto s = core::decodeFile(request.stems_dir + "/" + name + ".wav");
            if (!s) {
                return s.status();
            }
            stem_audio[name] = std::move(s).value();
            stems[name] = &stem_audio[name].audio;
        }
    }
    const auto sim = fixes::summarise(decoded->audio, stems, gap->wip.features);
    fixes::PlanInputs in;
    in.wip = &gap->wip;
    in.profile = &gap->profile->profile;
    in.report = &gap->report;
    in.set = &*set;
    in.roles = std::move(roles).value();
    in.master_track = request.master_track;
    in.sim = &sim;
    in.target_conformance = request.target_conformance;
    in.strength = request.strength;
    in.set_source = request.use_live ? "live" : request.live_set_source;
    auto plan = fixes::planFixes(in);
    if (!plan) {
        return plan.status();
    }
    plan->plan_id = newPlanId();
    plan->wip_path = request.path;
    plan->generation_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    db::FixPlanRecord record{plan->plan_id, "", plan->wip_hash, plan->profile,
                             fixes::fixPlanToJson(*plan)};
    if (auto st = m_store.putFixPlan(record); !st.isOk()) {
        return st;
    }
    return plan;
}

core::Result<fixes::FixPlan> FixRunner::load(const std::string& plan_id) {
    auto record = m_store.findFixPlan(plan_id);
    if (!record) {
        return record.status();
    }
    if (!record->has_value()) {
        return core::notFound("no fix plan '" + plan_id + "' (styledna fix makes one)");
    }
    return fixes::fixPlanFromJson((*record)->document);
}

} // namespace styledna::server
