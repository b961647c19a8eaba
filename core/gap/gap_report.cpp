#include "core/gap/gap_report.hpp"

namespace styledna::gap {

std::string severityLabel(double severity) {
    if (severity >= kHighSeverity) {
        return "high";
    }
    return severity >= kMediumSeverity ? "medium" : "low";
}

} // namespace styledna::gap
