#pragma once
// The similarity index over a profile's member embeddings (core/index): the
// label of each vector is the member's row in Profile::members.
//
// After an --append the index grows instead of being rebuilt when it can:
// every earlier member is still in its row with the same content hash and a
// bit-identical embedding (the head was kept: profile.hpp "Append"), the index
// holds exactly those rows, and its parameters (m, ef_construction,
// exact_below, seed) are the ones asked for. The previous index is copied
// (serialize + deserialize: the graph is stored, not rebuilt) and the new
// members are inserted; searches then answer from the same graph a daemon
// that loaded the stored profile would use. Otherwise (the head was
// fine-tuned, so every embedding moved; or different parameters) it is built
// from all members. A graph that grew by insertion is not identical to one
// built from scratch in a different order; both are searched the same way
// and the exact path (below exact_below) is identical.
// Threads: pure functions; the previous index is only read.

#include <memory>

#include "core/common/status.hpp"
#include "core/index/vector_index.hpp"
#include "core/profile/profile.hpp"

namespace styledna::profile {

core::Result<std::unique_ptr<index::VectorIndex>>
buildMemberIndex(const Profile& p, const index::IndexParams& params);

struct MemberIndex {
    std::unique_ptr<index::VectorIndex> index;
    bool extended = false; // true: the previous index grew by the new rows
};

// previous_index may be null (then: built from all members).
core::Result<MemberIndex> appendMemberIndex(const Profile& previous,
                                            const index::VectorIndex* previous_index,
                                            const Profile& next, const index::IndexParams& params);

} // namespace styledna::profile
