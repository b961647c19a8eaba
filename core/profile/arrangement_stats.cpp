#include "core/profile/arrangement_stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace styledna::profile {

namespace {

const char* const kSectionLabels[] = {"intro", "breakdown", "buildup", "drop", "outro"};

} // namespace

std::vector<double> resampleCurve(const std::vector<double>& curve, int points) {
    std::vector<double> out;
    if (curve.empty() || points < 1) {
        return out;
    }
    const double n = static_cast<double>(curve.size());
    out.reserve(static_cast<std::size_t>(points));
    for (int i = 0; i < points; ++i) {
        const double a = n * i / points;
        const double e = n * (i + 1) / points;
        double acc = 0.0, weight = 0.0;
        for (auto b = static_cast<std::size_t>(a); b < curve.size() && double(b) < e; ++b) {
            const double overlap = std::min(e, double(b) + 1.0) - std::max(a, double(b));
            if (overlap > 0.0 && std::isfinite(curve[b])) {
                acc += overlap * curve[b];
                weight += overlap;
            }
        }
        out.push_back(weight > 0.0 ? acc / weight : std::nan(""));
    }
    return out;
}

std::string energyCurveName(int point) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "arrangement.energy_curve.%02d", point);
    return buf;
}

std::string arrangementUnit(const std::string& name) {
    const auto endsWith = [&](const char* tail) {
        const std::string t(tail);
        return name.size() >= t.size() && name.compare(name.size() - t.size(), t.size(), t) == 0;
    };
    if (name.rfind("arrangement.energy_curve.", 0) == 0) {
        return "dBFS";
    }
    if (endsWith("_bars")) {
        return "bars";
    }
    if (endsWith("_db")) {
        return "dB";
    }
    return "";
}

void addArrangementValues(const core::TrackFeatures& features, std::map<std::string, double>& out) {
    const std::string prefix = kArrangementPrefix;
    if (!features.sections.empty()) {
        int total_bars = 0;
        std::map<std::string, std::pair<int, int>> by_label; // label -> (count, bars)
        for (const auto& s : features.sections) {
            total_bars += s.bars;
            auto& [count, bars] = by_label[s.label];
            ++count;
            bars += s.bars;
        }
        out[prefix + "section_count"] = static_cast<double>(features.sections.size());
        out[prefix + "length_bars"] = total_bars;
        for (const char* label : kSectionLabels) {
            const auto it = by_label.find(label);
            const int count = it == by_label.end() ? 0 : it->second.first;
            out[prefix + label + "_count"] = count;
            if (count > 0) {
                out[prefix + label + "_bars"] = double(it->second.second) / count;
            }
        }
        const auto gain = features.values.find("drop_gain_db");
        if (by_label.count("drop") && by_label.count("breakdown") &&
            gain != features.values.end() && std::isfinite(gain->second)) {
            out[prefix + "drop_gain_db"] = gain->second;
        }
    }
    const auto series = features.series.find("energy_per_bar_db");
    if (series != features.series.end()) {
        const auto curve = resampleCurve(series->second, kEnergyCurvePoints);
        for (std::size_t i = 0; i < curve.size(); ++i) {
            if (std::isfinite(curve[i])) {
                out[energyCurveName(static_cast<int>(i))] = curve[i];
            }
        }
    }
}

} // namespace styledna::profile
