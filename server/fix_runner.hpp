#pragma once
// FixRunner: the daemon's GenerateFixes path, with no gRPC in it.
//
// run(): GapRunner (the WIP's analysis, cached, and its gap report) -> the
// WIP decoded once more for the move simulator's single pass
// (core/fixes/move_simulator.hpp; with a stems_dir, the producer's stems too)
// -> the Live set: parsed from live_set_json, or, with use_live, from the
// LiveSetProvider the OSC worker installs (failedPrecondition while none is
// installed) -> track roles: the request's map (remembered for the set in
// track_role_maps) else the map remembered for that set, over the name
// patterns -> core/fixes planFixes -> a plan_id -> stored in fix_plans.
// Errors name the file, the set or the map entry. Threads: run() is safe from
// any thread; setLiveSetProvider() before serving (not synchronised).

#include <functional>
#include <string>

#include "core/common/status.hpp"
#include "core/fixes/fix_plan.hpp"
#include "core/live/live_set.hpp"
#include "db/store.hpp"
#include "server/gap_runner.hpp"

namespace styledna::server {

struct FixRequest {
    std::string path, profile, stems_dir;
    int cluster = -1;
    std::string live_set_json;
    std::string live_set_source = "live set"; // how the set is named in the plan and errors
    bool use_live = false;
    double target_conformance = 0;
    double strength = 1;
    std::string track_map, master_track;
};

// Reads the set from Live (the OSC worker). waiter_cancelled: the caller gave up.
using LiveSetProvider =
    std::function<core::Result<live::LiveSet>(const std::function<bool()>& waiter_cancelled)>;

class FixRunner {
public:
    FixRunner(GapRunner& gaps, db::Store& store) : m_gaps(gaps), m_store(store) {}

    void setLiveSetProvider(LiveSetProvider provider) { m_live = std::move(provider); }

    core::Result<fixes::FixPlan> run(const FixRequest& request,
                                     const std::function<bool()>& waiter_cancelled);

    // The plan as stored (fix_plan_json), or notFound naming the id.
    core::Result<fixes::FixPlan> load(const std::string& plan_id);

private:
    core::Result<live::LiveSet> liveSet(const FixRequest& request,
                                        const std::function<bool()>& waiter_cancelled);

    GapRunner& m_gaps;
    db::Store& m_store;
    LiveSetProvider m_live;
};

} // namespace styledna::server
