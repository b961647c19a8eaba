#pragma once
// Conversions between the Live bridge's structs and styledna.v1 messages
// (GetLiveSet, ApplyFixes, UndoApply, ListJournals, GetJournal). Each change converts with
// fix_proto.hpp's toProto(ParameterChange), as in a plan.

#include "core/fixes/fix_plan.hpp"
#include "db/store.hpp"
#include "server/live_bridge.hpp"
#include "styledna/v1/styledna.pb.h"

namespace styledna::server {

void liveSetToProto(const LiveSnapshot& snapshot, v1::LiveSet* out);
void applyOutcomeToProto(const ApplyOutcome& outcome, v1::ApplyResult* out);
void undoOutcomeToProto(const UndoOutcome& outcome, v1::UndoApplyResponse* out);
// A journal with its entries and counts (each entry's names, indices, display
// strings and error come from its stored ParameterChange).
void journalToProto(const db::JournalRecord& journal, v1::Journal* out);
// A listed journal: counts, no entries.
void journalSummaryToProto(const db::JournalSummary& journal, v1::Journal* out);

} // namespace styledna::server
