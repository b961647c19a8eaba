// Lookup over the generated table (style_spread_table.cpp holds only data).
#include <algorithm>

#include "core/profile/style_spread_table.hpp"

namespace styledna::profile {

std::optional<double> styleSpread(std::string_view name) {
    const auto table = styleSpreadTable();
    const auto it = std::lower_bound(
        table.begin(), table.end(), name,
        [](const StyleSpread& entry, std::string_view key) { return entry.name < key; });
    if (it == table.end() || it->name != name) {
        return std::nullopt;
    }
    return it->robust_spread;
}

} // namespace styledna::profile
