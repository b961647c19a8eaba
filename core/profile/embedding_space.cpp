// embedInSpace / embedTrackInSpace (profile.hpp): backbone vectors into a
// profile's final space.
#include <algorithm>
#include <cmath>
#include <string>

#include "core/embed/descriptor_backbone.hpp"

#include "core/profile/profile.hpp"

namespace styledna::profile {

namespace {

void normaliseRows(std::vector<float>& rows, std::size_t dim) {
    for (std::size_t r = 0; r + dim <= rows.size(); r += dim) {
        double norm = 0.0;
        for (std::size_t j = 0; j < dim; ++j) {
            norm += static_cast<double>(rows[r + j]) * rows[r + j];
        }
        norm = std::sqrt(norm);
        if (norm > 0.0) {
            for (std::size_t j = 0; j < dim; ++j) {
                rows[r + j] = static_cast<float>(rows[r + j] / norm);
            }
        }
    }
}

core::Status checkSpace(const EmbeddingSpace& space) {
    const auto dim = static_cast<std::size_t>(space.backbone_dim);
    if (space.backbone_dim <= 0 || space.mean.size() != dim || space.std.size() != dim ||
        space.weight.size() != dim) {
        return core::failedPrecondition("profile embedding space: mean/std/weight do not match the "
                                        "backbone dim " +
                                        std::to_string(space.backbone_dim));
    }
    if (!space.head.empty() && !space.hasHeadWeights()) {
        return core::failedPrecondition(
            "profile embedding space: the projection head's weights were not exported with this "
            "profile; re-import it with the head (or rebuild the profile) to embed tracks");
    }
    return core::Status::ok();
}

// Standardises `rows` (n x dim) in place, then head (`prepared` when given, else
// space.head) or row L2: n x space.dim().
core::Result<std::vector<float>> finalRows(const EmbeddingSpace& space, std::vector<float> rows,
                                           const embed::PreparedHead* prepared = nullptr) {
    const auto dim = static_cast<std::size_t>(space.backbone_dim);
    for (std::size_t r = 0; r + dim <= rows.size(); r += dim) {
        float* row = rows.data() + r;
        for (std::size_t j = 0; j < dim; ++j) {
            row[j] = (row[j] - space.mean[j]) / space.std[j] * space.weight[j];
        }
    }
    if (space.hasHeadWeights()) {
        return prepared ? prepared->apply(rows) : embed::applyHead(space.head, rows);
    }
    normaliseRows(rows, dim);
    return rows;
}

core::Status appendVector(const std::vector<float>& v, std::size_t dim, const std::string& what,
                          std::vector<float>& rows) {
    if (v.size() != dim) {
        return core::invalidArgument(what + ": " + std::to_string(v.size()) +
                                     " values, the profile's backbone has " + std::to_string(dim));
    }
    for (const float x : v) {
        if (!std::isfinite(x)) {
            return core::invalidArgument(what + ": non-finite value");
        }
    }
    rows.insert(rows.end(), v.begin(), v.end());
    return core::Status::ok();
}

} // namespace

std::vector<std::size_t> evenlySpaced(std::size_t m, int wanted) {
    std::vector<std::size_t> idx;
    const auto s = static_cast<std::size_t>(std::max(0, wanted));
    if (m <= s) {
        for (std::size_t i = 0; i < m; ++i) {
            idx.push_back(i);
        }
        return idx;
    }
    for (std::size_t i = 0; i < s; ++i) {
        idx.push_back(static_cast<std::size_t>((double(i) + 0.5) * double(m) / double(s)));
    }
    return idx;
}

std::vector<float> blockBalanceWeights(const std::string& backbone, int backbone_dim) {
    std::vector<float> weight(static_cast<std::size_t>(std::max(0, backbone_dim)), 1.0f);
    if (backbone != embed::kDescriptorBackboneName || backbone_dim != embed::kDescriptorDim) {
        return weight;
    }
    for (const auto& block : embed::kDescriptorBlocks) {
        const auto w = static_cast<float>(1.0 / std::sqrt(static_cast<double>(block.dim)));
        std::fill_n(weight.begin() + block.offset, block.dim, w);
    }
    return weight;
}

core::Result<std::vector<float>> embedInSpace(const EmbeddingSpace& space,
                                              const std::vector<float>& backbone_vector) {
    if (auto st = checkSpace(space); !st.isOk()) {
        return st;
    }
    std::vector<float> rows;
    if (auto st = appendVector(backbone_vector, static_cast<std::size_t>(space.backbone_dim),
                               "backbone vector", rows);
        !st.isOk()) {
        return st;
    }
    return finalRows(space, std::move(rows));
}

core::Result<std::vector<float>> embedTrackInSpace(const EmbeddingSpace& space,
                                                   const embed::TrackEmbedding& embedding,
                                                   const embed::PreparedHead* prepared) {
    if (auto st = checkSpace(space); !st.isOk()) {
        return st;
    }
    if (prepared && (!space.hasHeadWeights() || prepared->inputDim() != space.backbone_dim ||
                     prepared->outputDim() != space.dim())) {
        return core::internalError("prepared projection head does not match the profile's head");
    }
    if (embedding.segments.empty()) {
        return core::invalidArgument("track embedding has no segments");
    }
    const auto dim = static_cast<std::size_t>(space.backbone_dim);
    const std::size_t pooled = embedding.segments.size();
    std::vector<float> rows;
    rows.reserve(pooled * dim);
    for (std::size_t s = 0; s < pooled; ++s) {
        if (auto st = appendVector(embedding.segments[s].values, dim,
                                   "segment " + std::to_string(s), rows);
            !st.isOk()) {
            return st;
        }
    }
    auto final_rows = finalRows(space, std::move(rows), prepared);
    if (!final_rows.isOk()) {
        return final_rows.status();
    }
    const auto out_dim = static_cast<std::size_t>(space.dim());
    if (out_dim == 0 || final_rows->size() != pooled * out_dim) {
        return core::internalError("projection head returned " +
                                   std::to_string(final_rows->size()) + " values for " +
                                   std::to_string(pooled) + " segments");
    }
    std::vector<double> acc(out_dim, 0.0);
    for (std::size_t r = 0; r < pooled; ++r) {
        const float* row = final_rows->data() + r * out_dim;
        for (std::size_t j = 0; j < out_dim; ++j) {
            acc[j] += row[j];
        }
    }
    std::vector<float> mean(out_dim);
    for (std::size_t j = 0; j < out_dim; ++j) {
        mean[j] = static_cast<float>(acc[j] / static_cast<double>(pooled));
    }
    normaliseRows(mean, out_dim);
    return mean;
}

} // namespace styledna::profile
