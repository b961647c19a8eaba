#include "core/gap/gap_text.hpp"

#include <cmath>
#include <cstdio>
#include <set>

#include "core/gap/gap_causes.hpp"

namespace styledna::gap {

namespace {

int decimals(double value, const std::string& unit) {
    if (unit == "bars") {
        return 0;
    }
    if (unit == "Hz") {
        return std::abs(value) >= 100.0 ? 0 : 1;
    }
    if (unit == "ms" || unit == "BPM" || unit == "cents") {
        return std::abs(value) >= 100.0 ? 0 : 1;
    }
    if (unit.empty() || unit == "share") {
        return value != 0.0 && std::abs(value) < 0.1 ? 3 : 2;
    }
    return 1; // dB, dBFS, LUFS, LU, dBTP, dB/oct, s
}

std::string number(double value, int places, bool sign) {
    char buf[64];
    std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", places, value);
    std::string out(buf);
    if (out == "-0" || out == "-0.0" || out == "-0.00") {
        out.erase(0, 1);
    }
    return out;
}

std::string withUnit(std::string text, const std::string& unit) {
    if (!unit.empty() && unit != "share") {
        text.append(" ").append(unit);
    }
    return text;
}

std::string capitalised(std::string s) {
    if (!s.empty()) {
        s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    }
    return s;
}

bool plural(const std::string& words) {
    const std::string head = words.substr(0, words.find(" ("));
    return head.size() > 2 && head.back() == 's' && head[head.size() - 2] != 's';
}

// "the intro, the outro and the whole mix"
std::string placesList(const Gap& gap) {
    std::vector<std::string> places;
    std::set<std::string> seen;
    for (const auto& c : gap.evidence) {
        if (!c.in_range) {
            std::string p = placeWords(c.section, c.stem);
            if (p.empty()) {
                p = "the whole mix";
            }
            if (seen.insert(p).second) {
                places.push_back(p);
            }
        }
    }
    // The strongest places by name (evidence is strongest first); the rest
    // counted, so a sentence stays a sentence (the report lists them all).
    constexpr std::size_t kNamed = 4;
    const std::size_t named = places.size() > kNamed + 1 ? kNamed : places.size();
    std::string out;
    for (std::size_t i = 0; i < named; ++i) {
        if (i > 0) {
            out.append(i + 1 == places.size() ? " and " : ", ");
        }
        out.append(places[i]);
    }
    if (named < places.size()) {
        out.append(" and ").append(std::to_string(places.size() - named)).append(" more places");
    }
    return places.size() > 1 ? out : std::string();
}

std::string rangeText(const Gap& gap) {
    std::string out = "acceptable ";
    out.append(number(gap.range_low, decimals(gap.range_low, gap.unit), false))
        .append(" to ")
        .append(formatValue(gap.range_high, gap.unit));
    return out;
}

// Differences of levels are in dB (LU for loudness), not in dBFS / dBTP / LUFS.
std::string deltaUnit(const std::string& unit) {
    if (unit == "dBFS" || unit == "dBTP") {
        return "dB";
    }
    return unit == "LUFS" ? "LU" : unit;
}

} // namespace

std::string formatValue(double value, const std::string& unit) {
    if (!std::isfinite(value)) {
        return "n/a";
    }
    return withUnit(number(value, decimals(value, unit), false), unit);
}

std::string formatDelta(double delta, const std::string& unit) {
    return withUnit(number(delta, decimals(delta, unit), true), deltaUnit(unit));
}

std::string explainMixGap(const Gap& gap) {
    const std::string words = featureWords(gap.feature);
    const std::string place = placeWords(gap.section, gap.stem);
    std::string s = capitalised(words);
    if (!place.empty()) {
        s.append(gap.stem.empty() ? " in " : " on ").append(place);
    }
    s.append(plural(words) ? " are " : " is ");
    s.append(withUnit(number(std::abs(gap.delta), decimals(gap.delta, gap.unit), false),
                      deltaUnit(gap.unit)))
        .append(gap.delta > 0 ? " above" : " below")
        .append(" your references: ")
        .append(formatValue(gap.wip_value, gap.unit))
        .append(" vs ")
        .append(formatValue(gap.target_value, gap.unit))
        .append(gap.feature.rfind("tonal_balance_", 0) == 0 ? " (bands level-matched), " : ", ")
        .append(rangeText(gap));
    if (const auto where = placesList(gap); !where.empty()) {
        s.append(" - shows in ").append(where);
    }
    s.append(".");
    return s;
}

std::string explainStyleGap(const Gap& gap, const std::string& basis_name) {
    std::string s;
    if (gap.id == "energy_envelope") {
        const auto dot = gap.feature.rfind('.');
        const int point = dot == std::string::npos ? 0 : std::atoi(gap.feature.c_str() + dot + 1);
        s.append("Energy per bar departs from the envelope of your references (")
            .append(basis_name)
            .append(") at ")
            .append(std::to_string(static_cast<int>(std::lround((point + 0.5) * 100.0 / 32.0))))
            .append(" % of the track: ")
            .append(formatValue(gap.wip_value, gap.unit))
            .append(" vs ")
            .append(formatValue(gap.target_value, gap.unit))
            .append(" level-matched, ")
            .append(rangeText(gap));
    } else {
        const std::string words = featureWords(gap.feature);
        s.append(capitalised(words))
            .append(gap.section.empty() ? "" : " in the " + gap.section)
            .append(plural(words) ? " are " : " is ")
            .append(formatValue(gap.wip_value, gap.unit))
            .append("; your references (")
            .append(basis_name)
            .append(") ");
        if (formatValue(gap.range_low, gap.unit) == formatValue(gap.range_high, gap.unit)) {
            s.append("all ").append(formatValue(gap.range_low, gap.unit));
        } else {
            s.append(number(gap.range_low, decimals(gap.range_low, gap.unit), false))
                .append(" to ")
                .append(formatValue(gap.range_high, gap.unit))
                .append(", median ")
                .append(formatValue(gap.target_value, gap.unit));
        }
    }
    s.append(gap.outside_every_cluster ? "; outside every sub-style of the profile."
                                       : "; a style choice other sub-styles make.");
    return s;
}

std::string explainCategorical(const std::string& feature, const std::string& wip_value,
                               const std::string& basis_name, const std::string& distribution) {
    std::string s = capitalised(featureWords(feature));
    s.append(" is ")
        .append(wip_value)
        .append("; your references (")
        .append(basis_name)
        .append(") use ")
        .append(distribution)
        .append(".");
    return s;
}

} // namespace styledna::gap
