#pragma once
// The Ableton Live commands of the CLI (the daemon talks to Live over OSC):
//   live show [--refresh] [--verbose]   tracks, devices and parameter counts
//                                       (--verbose: every parameter)
//   apply PLAN_ID [--fix ID]... [--min-confidence C] [--strength S] [--dry-run]
//                                       one line per change: applied / rejected
//                                       / failed, from -> to with Live's display
//                                       strings, and the journal id for undo
//   undo JOURNAL_ID                     restores the values the apply replaced
//                                       (every change sent or maybe sent; not
//                                       sent ones are skipped and listed)
//   journal [--limit N]                 the newest journals, newest first: id,
//                                       kind, state, created, plan, entry counts
//   journal JOURNAL_ID                  one journal, a line per change: state,
//                                       track / device / parameter, previous ->
//                                       target with display strings, read-back,
//                                       error
// With --json: the response message as JSON with the proto's field names
// (live show: the LiveSet, tracks[].devices[].parameters[]; journal: the
// ListJournalsResponse, journals[]; journal ID: the Journal, entries[]). Exit
// status 1 when a change failed, went unconfirmed or the apply was
// interrupted (apply, undo); journal exits 0 whatever the journal says.

#include <string>
#include <vector>

#include "client.hpp"

namespace styledna::cli {

struct ApplyCommandOptions {
    std::string plan_id;
    std::vector<std::string> fix_ids;
    double min_confidence = 0;
    double strength = 0; // 0 = as planned
    bool dry_run = false;
};

int cmdLiveShow(const GlobalOptions& g, bool refresh, bool verbose);
int cmdApply(const GlobalOptions& g, const ApplyCommandOptions& o);
int cmdUndo(const GlobalOptions& g, const std::string& journal_id);
int cmdJournalList(const GlobalOptions& g, int limit);
int cmdJournalShow(const GlobalOptions& g, const std::string& journal_id);

} // namespace styledna::cli
