#include "core/profile/profile_index.hpp"

#include <string>

namespace styledna::profile {
namespace {

bool sameParams(const index::IndexParams& a, const index::IndexParams& b) {
    return a.m == b.m && a.ef_construction == b.ef_construction && a.exact_below == b.exact_below &&
           a.seed == b.seed;
}

core::Status memberError(const Member& m, const core::Status& s) {
    std::string msg = "member ";
    msg += m.path;
    msg += ": ";
    msg += s.message();
    return core::Status(s.code(), std::move(msg));
}

// Can `previous_index` (over previous.members) grow into next's index?
bool canExtend(const Profile& previous, const index::VectorIndex* previous_index,
               const Profile& next, const index::IndexParams& params) {
    const auto& old = previous.members;
    if (previous_index == nullptr || previous_index->size() != old.size() ||
        previous_index->dim() != next.space.dim() || old.size() > next.members.size() ||
        !sameParams(previous_index->params(), params)) {
        return false;
    }
    for (std::size_t i = 0; i < old.size(); ++i) {
        if (old[i].content_hash != next.members[i].content_hash ||
            old[i].embedding != next.members[i].embedding) {
            return false;
        }
    }
    return true;
}

} // namespace

core::Result<std::unique_ptr<index::VectorIndex>>
buildMemberIndex(const Profile& p, const index::IndexParams& params) {
    auto idx = index::VectorIndex::create(p.space.dim(), params);
    if (!idx) {
        return idx.status();
    }
    for (std::size_t i = 0; i < p.members.size(); ++i) {
        if (auto s = (*idx)->add(i, p.members[i].embedding); !s.isOk()) {
            return memberError(p.members[i], s);
        }
    }
    return std::move(*idx);
}

core::Result<MemberIndex> appendMemberIndex(const Profile& previous,
                                            const index::VectorIndex* previous_index,
                                            const Profile& next, const index::IndexParams& params) {
    MemberIndex out;
    if (canExtend(previous, previous_index, next, params)) {
        auto bytes = previous_index->serialize();
        auto copy = bytes ? index::VectorIndex::deserialize(*bytes)
                          : core::Result<std::unique_ptr<index::VectorIndex>>(bytes.status());
        if (copy && (*copy)->setEfSearch(params.ef_search).isOk()) {
            // One add per appended member (a bad one is named; the copy is
            // dropped on failure, the stored index is never touched).
            for (std::size_t i = previous.members.size(); i < next.members.size(); ++i) {
                if (auto s = (*copy)->add(i, next.members[i].embedding); !s.isOk()) {
                    return memberError(next.members[i], s);
                }
            }
            out.index = std::move(*copy);
            out.extended = true;
            return out;
        }
        // An unreadable copy of our own index: build it from scratch below.
    }
    auto built = buildMemberIndex(next, params);
    if (!built) {
        return built.status();
    }
    out.index = std::move(*built);
    return out;
}

} // namespace styledna::profile
