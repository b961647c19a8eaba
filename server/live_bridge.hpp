#pragma once
// LiveBridge: what the daemon does with Ableton Live, over the OscWorker.
//
//  - snapshot(refresh): the set as Live holds it (tracks, devices, every
//    parameter's value/min/max/is_quantized), read in pipelined rounds
//    (core/live/set_assembly) and cached until refresh, an apply, or a
//    `/live/startup` from Live.
//  - apply(): ApplyFixes. Loads the plan by id, selects changes (fix ids,
//    min confidence), re-resolves every change BY NAME in the set Live holds
//    now (stored indices only pick what to read first), rescales by strength
//    (to = from + s * (to - from), clamped to [min, max], rounded when
//    quantized), writes the journal (previous value = Live's value read in the
//    same call) BEFORE sending, sends every set in one pipelined batch with
//    the read-backs behind it, and marks each change applied (read-back equals
//    the target: quantized exactly, else within 1e-4 of the range), failed
//    (Live holds another value, or Live's error), or unconfirmed (no read-back).
//    A set whose read-back still shows the previous value is re-sent (at most
//    kSetAttempts in all). Each read-back batch also reads the parameter name
//    and the track's device classes at the set's indices: a set that landed
//    on another parameter (the layout changed mid-apply) is reported failed,
//    and changes whose indices Live refused are re-resolved by name, checked
//    and re-sent there. Journal rows are updated after every round. A
//    `/live/startup` mid-apply makes the apply "interrupted": after the
//    restart the journal's parameters are read again to record which changes
//    reached Live. dry_run only resolves and reports (no journal).
//    Before each round's batch goes out its changes are journaled "sent", so
//    a daemon killed mid-apply leaves a journal that tells sent from not sent
//    (db::Store::interruptUnfinishedJournals() marks it at the next start).
//  - undo(): restores a journal's previous values (set, read back, verify),
//    re-resolving by name; the undo has its own journal (kind "undo") and
//    the undone journal's state becomes "undone". Every change that was or
//    may have been sent is restored (applied, failed, unconfirmed, unknown);
//    "not_sent" ones are skipped and reported. A journal still "sending" (an
//    apply in flight) is refused.
//  - journal() / journals(): a journal with its entries, the newest ones.
//
// Units: raw Live parameter values; times in ms. Threads: any thread may call;
// calls that talk to Live run one at a time (Live's reply port is shared), and
// they block their caller on the worker's futures, never the worker itself.

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "core/fixes/fix_plan.hpp"
#include "core/live/live_set.hpp"
#include "core/live/parameter_resolver.hpp"
#include "db/store.hpp"
#include "server/osc_worker.hpp"

namespace styledna::server {

struct LiveSnapshot {
    live::LiveSet set;
    std::string source; // "127.0.0.1:11000"
    double read_ms = 0;
};

struct ApplyRequest {
    std::string plan_id;
    std::vector<std::string> fix_ids; // empty = all
    bool dry_run = false;
    double min_confidence = 0; // 0..1
    double strength = 0;       // 0 = as planned
};

struct ApplyOutcome {
    std::string journal_id, plan_id;
    std::string state; // complete | interrupted | dry_run
    std::string message;
    std::vector<fixes::ParameterChange> applied, failed, rejected;
    bool verified = false; // every selected change applied and read back
    bool dry_run = false;
    double apply_ms = 0;
};

struct UndoOutcome {
    std::string journal_id;
    std::vector<fixes::ParameterChange> reverted, failed;
    // Never sent by the apply (not_sent): left as Live holds them.
    std::vector<fixes::ParameterChange> skipped;
    bool verified = false;
    std::string message; // what was restored, by the apply's entry states
};

using LiveProgressFn = std::function<void(double fraction, std::string_view stage)>;

class LiveBridge {
public:
    static constexpr int kSetAttempts = 3;
    static constexpr int kMaxJournalsListed = 1000;

    LiveBridge(db::Store& store, OscWorker& worker) : m_store(store), m_worker(worker) {}

    core::Result<LiveSnapshot> snapshot(bool refresh);
    core::Result<ApplyOutcome> apply(const ApplyRequest& request, const LiveProgressFn& progress);
    core::Result<UndoOutcome> undo(const std::string& journal_id);
    // notFound "no apply journal 'ID' ..." when absent.
    core::Result<db::JournalRecord> journal(const std::string& journal_id);
    // The newest `limit` journals, newest first (limit 1..1000).
    core::Result<std::vector<db::JournalSummary>> journals(int limit);

private:
    // One parameter to set and verify.
    struct SetItem {
        fixes::ParameterChange change; // names, resolved indices, display strings
        int seq = 0;                   // journal entry
        double before = 0;             // Live's value before sending
        double target = 0;
        double min = 0, max = 1;
        bool quantized = false;
        // The planned target is sent unchanged: its to_unit_value is what the
        // curve model predicts Live will print (checked on read-back).
        bool check_curve = false;
        std::string state; // pending | applied | failed | unconfirmed
        // Its set went out at least once: journaled "sent" while pending, so a
        // daemon that dies mid-round leaves "unknown", not "not_sent".
        bool sent = false;
    };
    struct SendOutcome {
        bool interrupted = false;
        std::vector<std::string> live_errors;
    };

    // One full read of the set (snapshot() retries it once after a restart).
    core::Result<LiveSnapshot> readSet();
    // Resolves targets by name in Live's current set (a few pipelined rounds).
    core::Result<std::vector<live::ParameterResolution>>
    resolve(const std::vector<live::ParameterTarget>& targets);
    // Sends every pending item's set, reads all back, retries as described
    // above, and updates the journal after each round.
    SendOutcome sendAndVerify(std::vector<SetItem>& items, const std::string& journal_id,
                              const LiveProgressFn& progress);
    // Classifies a value read from the item's parameter: applied, still the
    // previous value (stays pending: sent again), or another value (failed).
    static void judge(SetItem& item, double value, const std::string& display, bool last_attempt);
    // Re-resolves by name the items whose indices Live refused (the layout
    // changed mid-apply) and judges the values found there.
    void relocate(std::vector<SetItem>& items, const std::vector<size_t>& which, bool last_attempt);
    // After a /live/startup: reads the items' parameters again (by name) and
    // records which changes reached Live.
    void recordAfterRestart(std::vector<SetItem>& items, const std::string& journal_id);
    core::Status writeEntries(const std::string& journal_id, const std::vector<SetItem>& items);
    live::LiveSet knownSet();
    void invalidate();

    db::Store& m_store;
    OscWorker& m_worker;
    std::mutex m_live_mutex; // one Live conversation at a time
    // under m_cache_mutex
    std::mutex m_cache_mutex;
    std::optional<LiveSnapshot> m_cache;
    std::uint64_t m_cache_startups = 0;
    live::LiveSet m_last_known; // hints for the next read, even when stale
};

// The ParameterTarget of a planned change.
live::ParameterTarget targetOf(const fixes::ParameterChange& change);

} // namespace styledna::server
