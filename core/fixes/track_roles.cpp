#include "core/fixes/track_roles.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/common/sha256.hpp"

namespace styledna::fixes {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> out;
    std::string word;
    for (char c : s) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            word.push_back(c);
        } else if (!word.empty()) {
            out.push_back(word);
            word.clear();
        }
    }
    if (!word.empty()) {
        out.push_back(word);
    }
    return out;
}

struct Pattern {
    const char* role;
    std::vector<std::string_view> substrings; // anywhere in the name
    std::vector<std::string_view> tokens;     // whole words
};

const std::array<Pattern, 7>& patterns() {
    static const std::array<Pattern, 7> kPatterns{
        Pattern{kRoleBus, {}, {"bus", "group", "mix", "master", "sum", "grp"}},
        Pattern{kRoleKick, {"kick"}, {"bd"}},
        Pattern{kRoleBass, {"bass"}, {"sub", "808"}},
        Pattern{kRoleLead, {"lead", "pluck"}, {"arp", "acid", "synth"}},
        Pattern{kRolePad, {"supersaw", "chord", "strings"}, {"pad", "pads", "stab", "stabs"}},
        Pattern{kRoleDrums,
                {"drum", "perc", "hat", "clap", "snare", "ride", "crash"},
                {"top", "tops", "loop", "loops"}},
        Pattern{kRoleFx,
                {"riser", "sweep", "impact", "noise", "uplifter", "downlifter"},
                {"fx", "sfx"}},
    };
    return kPatterns;
}

std::string trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out.append(out.empty() ? "" : ", ").append(item);
    }
    return out;
}

} // namespace

const std::vector<std::string>& knownRoles() {
    static const std::vector<std::string> kRoles{kRoleKick,  kRoleBass, kRoleLead, kRolePad,
                                                 kRoleDrums, kRoleFx,   kRoleBus,  kRoleOther};
    return kRoles;
}

std::string roleFromName(std::string_view track_name) {
    const std::string name = lower(track_name);
    const auto tokens = words(name);
    for (const auto& p : patterns()) {
        for (auto sub : p.substrings) {
            if (name.find(sub) != std::string::npos) {
                return p.role;
            }
        }
        for (auto token : p.tokens) {
            if (std::find(tokens.begin(), tokens.end(), token) != tokens.end()) {
                return p.role;
            }
        }
    }
    return kRoleOther;
}

core::Result<RoleMap> parseRoleMap(std::string_view text) {
    RoleMap out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(',', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        const std::string item = trimmed(text.substr(start, end - start));
        start = end + 1;
        if (item.empty()) {
            continue;
        }
        const size_t eq = item.find('=');
        if (eq == std::string::npos) {
            return core::invalidArgument("--map: '" + item +
                                         "' is not TRACK=ROLE (e.g. 'Bass=bass,Lead 1=lead')");
        }
        std::string track = trimmed(std::string_view(item).substr(0, eq));
        std::string role = lower(trimmed(std::string_view(item).substr(eq + 1)));
        if (track.empty()) {
            return core::invalidArgument("--map: '" + item + "' has no track name");
        }
        const auto& roles = knownRoles();
        if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
            return core::invalidArgument("--map: unknown role '" + role + "' for '" + track +
                                         "'; roles: " + joined(roles));
        }
        out.emplace_back(std::move(track), std::move(role));
    }
    return out;
}

std::string roleMapToText(const RoleMap& map) {
    std::string out;
    for (const auto& [track, role] : map) {
        out.append(out.empty() ? "" : ",").append(track).append("=").append(role);
    }
    return out;
}

core::Result<std::vector<TrackRole>> assignRoles(const live::LiveSet& set, const RoleMap& map) {
    std::vector<TrackRole> roles;
    for (const auto& t : set.tracks) {
        roles.push_back({t.index, t.name, roleFromName(t.name), false});
    }
    for (const auto& [name, role] : map) {
        const live::LiveTrack* track = live::findTrack(set, name);
        if (track == nullptr) {
            std::vector<std::string> names;
            for (const auto& t : set.tracks) {
                names.push_back("'" + t.name + "'");
            }
            return core::invalidArgument("--map: the set has no track '" + name +
                                         "'; its tracks: " + joined(names));
        }
        for (auto& r : roles) {
            if (r.track_index == track->index) {
                r.role = role;
                r.from_user = true;
            }
        }
    }
    return roles;
}

std::string setKey(const live::LiveSet& set) {
    std::vector<std::string> names;
    for (const auto& t : set.tracks) {
        names.push_back(t.name);
    }
    std::sort(names.begin(), names.end());
    std::string text;
    for (const auto& n : names) {
        text.append(n).append("\n");
    }
    return core::sha256Hex(text.data(), text.size()).substr(0, 16);
}

std::vector<const TrackRole*> tracksWithRole(const std::vector<TrackRole>& roles,
                                             std::string_view role) {
    std::vector<const TrackRole*> out;
    for (const auto& r : roles) {
        if (r.role == role) {
            out.push_back(&r);
        }
    }
    return out;
}

} // namespace styledna::fixes
