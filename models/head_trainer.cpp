#include "models/head_trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "core/common/logging.hpp"
#include "models/adamw_step.hpp"
#include "models/sequential_matmul.hpp"
#include "models/torch_threads_guard.hpp"

namespace styledna::models {

namespace {

using torch::indexing::Slice;

constexpr std::string_view kStage = "training projection head";
constexpr int kValidationBatches = 16;
constexpr double kLayerNormEps = 1e-5;
// Salts so the split, the batches and the validation batches draw independent streams.
constexpr std::uint64_t kSplitSalt = 0x9e3779b97f4a7c15ULL;
constexpr std::uint64_t kValidationSalt = 0xc2b2ae3d27d4eb4fULL;

// Portable (std::uniform_int_distribution is not): the top 53 bits scaled to [0, n).
std::size_t uniformIndex(std::mt19937_64& rng, std::size_t n) {
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    return std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)));
}

template <class T> void shuffleInPlace(std::vector<T>& v, std::mt19937_64& rng) {
    for (std::size_t i = v.size(); i > 1; --i) {
        std::swap(v[i - 1], v[uniformIndex(rng, i)]);
    }
}

core::Status validateInputs(const HeadTrainingData& d, const HeadTrainingParams& p) {
    auto bad = [](const std::string& what) {
        return core::invalidArgument("head training: " + what);
    };
    if (d.dim <= 0) {
        return bad("dim must be positive");
    }
    const std::size_t n = d.class_id.size();
    if (n == 0) {
        return bad("no training rows");
    }
    if (d.x.size() != n * static_cast<std::size_t>(d.dim)) {
        return bad("x holds " + std::to_string(d.x.size()) + " values, expected " +
                   std::to_string(n) + " rows x " + std::to_string(d.dim));
    }
    if (!d.x_augmented.empty() && d.x_augmented.size() != d.x.size()) {
        return bad("x_augmented must be empty or the size of x");
    }
    if (d.track_index.size() != n) {
        return bad("track_index must hold one value per row");
    }
    for (const auto* values : {&d.x, &d.x_augmented}) {
        if (std::any_of(values->begin(), values->end(),
                        [](float v) { return !std::isfinite(v); })) {
            return bad("x or x_augmented holds a value that is not finite");
        }
    }
    if (!(p.margin > 0 && p.margin < 2)) {
        return bad("margin must be in (0, 2)");
    }
    if (p.p_classes < 2 || p.k_per_class < 1) {
        return bad("p_classes must be >= 2 and k_per_class >= 1");
    }
    if (!(p.learning_rate > 0) || !(p.weight_decay >= 0)) {
        return bad("learning_rate must be positive and weight_decay >= 0");
    }
    if (p.max_epochs < 1 || p.steps_per_epoch < 1 || p.patience < 1 || p.precision_k < 1) {
        return bad("max_epochs, steps_per_epoch, patience and precision_k must be >= 1");
    }
    if (!(p.converged_loss >= 0)) {
        return bad("converged_loss must be >= 0");
    }
    if (!(p.min_gain_se >= 0)) {
        return bad("min_gain_se must be >= 0");
    }
    if (!(p.validation_fraction >= 0 && p.validation_fraction <= 0.9)) {
        return bad("validation_fraction must be in [0, 0.9]");
    }
    if (p.neighbour_tracks < 0) {
        return bad("neighbour_tracks must be >= 0");
    }
    if (p.hidden_dim < 1 || p.output_dim < 1 || !(p.dropout >= 0 && p.dropout < 1) ||
        p.threads < 0) {
        return bad("hidden_dim and output_dim must be >= 1, dropout in [0, 1), threads >= 0");
    }
    return core::Status::ok();
}

struct Split {
    std::vector<int> train_rows, validation_rows;
    int train_tracks = 0, validation_tracks = 0;
};

int distinctClasses(const HeadTrainingData& d, const std::vector<int>& rows) {
    std::set<int> classes;
    for (int r : rows) {
        classes.insert(d.class_id[static_cast<std::size_t>(r)]);
    }
    return static_cast<int>(classes.size());
}

Split splitByTrack(const HeadTrainingData& d, double fraction) {
    std::set<int> track_set(d.track_index.begin(), d.track_index.end());
    std::vector<int> tracks(track_set.begin(), track_set.end());
    std::mt19937_64 rng(d.seed ^ kSplitSalt);
    shuffleInPlace(tracks, rng);
    const int n_tracks = static_cast<int>(tracks.size());
    int n_validation = 0;
    if (fraction > 0 && n_tracks >= 3) {
        n_validation =
            std::clamp(static_cast<int>(std::lround(fraction * n_tracks)), 1, n_tracks - 2);
    }
    for (;; --n_validation) {
        const std::set<int> held_out(tracks.begin(), tracks.begin() + n_validation);
        Split split;
        for (std::size_t i = 0; i < d.track_index.size(); ++i) {
            (held_out.count(d.track_index[i]) ? split.validation_rows : split.train_rows)
                .push_back(static_cast<int>(i));
        }
        split.validation_tracks = n_validation;
        split.train_tracks = n_tracks - n_validation;
        if (n_validation == 0 || distinctClasses(d, split.train_rows) >= 2) {
            return split;
        }
    }
}

// Rows of one split, as tensors, with the rows of each class for the PK sampler.
struct RowSet {
    torch::Tensor x, x_augmented, labels; // [n, dim], [n, dim] or undefined, [n] int64
    std::vector<int> classes;             // sorted
    std::map<int, std::vector<std::int64_t>> rows_of_class;
    int size() const { return static_cast<int>(labels.size(0)); }
};

// When `rows` is every row in order (no validation split: an --append's
// fine-tune), x and x_augmented are views of d's vectors, not copies (two 25 MB
// copies at 1,000 members, each page of them faulted in fresh): the RowSet must
// not outlive d, and nothing writes to them (batches are index_select copies).
RowSet makeRowSet(const HeadTrainingData& d, const std::vector<int>& rows, bool augmented) {
    const auto n = static_cast<std::int64_t>(rows.size());
    const auto dim = static_cast<std::size_t>(d.dim);
    bool all_rows = rows.size() == d.class_id.size();
    for (std::size_t i = 0; all_rows && i < rows.size(); ++i) {
        all_rows = rows[i] == static_cast<int>(i);
    }
    const bool with_augmented = augmented && !d.x_augmented.empty();
    RowSet set;
    if (all_rows) {
        auto view = [n, &d](const std::vector<float>& v) {
            return torch::from_blob(const_cast<float*>(v.data()), {n, d.dim}, torch::kFloat32);
        };
        set.x = view(d.x);
        if (with_augmented) {
            set.x_augmented = view(d.x_augmented);
        }
    } else {
        set.x = torch::empty({n, d.dim}, torch::kFloat32);
        if (with_augmented) {
            set.x_augmented = torch::empty({n, d.dim}, torch::kFloat32);
        }
    }
    set.labels = torch::empty({n}, torch::kInt64);
    auto* labels = set.labels.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < n; ++i) {
        const auto row = static_cast<std::size_t>(rows[static_cast<std::size_t>(i)]);
        if (!all_rows) {
            std::copy_n(d.x.data() + row * dim, dim, set.x.data_ptr<float>() + i * d.dim);
            if (set.x_augmented.defined()) {
                std::copy_n(d.x_augmented.data() + row * dim, dim,
                            set.x_augmented.data_ptr<float>() + i * d.dim);
            }
        }
        labels[i] = d.class_id[row];
        set.rows_of_class[d.class_id[row]].push_back(i);
    }
    for (const auto& entry : set.rows_of_class) {
        set.classes.push_back(entry.first);
    }
    return set;
}

struct Batch {
    torch::Tensor x, labels;
};

// `focus` (sorted classes): up to p_classes / 2 of those in the set (a seeded
// draw when there are more) join the batch ahead of the shuffled rest; empty:
// the plain PK draw.
Batch drawBatch(const RowSet& set, int p_classes, int k_per_class, std::mt19937_64& rng,
                const std::vector<int>& focus = {}) {
    std::vector<int> classes;
    std::vector<int> rest;
    if (focus.empty()) {
        rest = set.classes;
    } else {
        for (const int c : focus) {
            if (set.rows_of_class.count(c)) {
                classes.push_back(c);
            }
        }
        const auto n_focus = static_cast<std::size_t>(std::max(1, p_classes / 2));
        if (classes.size() > n_focus) {
            shuffleInPlace(classes, rng);
            classes.resize(n_focus);
            std::sort(classes.begin(), classes.end());
        }
        std::set_difference(set.classes.begin(), set.classes.end(), classes.begin(), classes.end(),
                            std::back_inserter(rest));
    }
    shuffleInPlace(rest, rng);
    classes.insert(classes.end(), rest.begin(), rest.end());
    classes.resize(std::min(classes.size(), static_cast<std::size_t>(p_classes)));
    std::vector<std::int64_t> picked;
    for (int c : classes) {
        const auto& rows = set.rows_of_class.at(c);
        const auto k = static_cast<std::size_t>(k_per_class);
        if (rows.size() >= k) {
            // Partial Fisher-Yates: k distinct rows.
            std::vector<std::int64_t> pool = rows;
            for (std::size_t i = 0; i < k; ++i) {
                std::swap(pool[i], pool[i + uniformIndex(rng, pool.size() - i)]);
                picked.push_back(pool[i]);
            }
        } else {
            for (std::size_t i = 0; i < k; ++i) {
                picked.push_back(rows[uniformIndex(rng, rows.size())]);
            }
        }
    }
    const auto index = torch::tensor(picked, torch::kInt64);
    Batch batch;
    batch.x = set.x.index_select(0, index);
    batch.labels = set.labels.index_select(0, index);
    if (set.x_augmented.defined()) {
        batch.x = torch::cat({batch.x, set.x_augmented.index_select(0, index)});
        batch.labels = torch::cat({batch.labels, batch.labels});
    }
    return batch;
}

struct HeadNet {
    torch::Tensor w1, b1, gamma, beta, w2, b2;

    std::vector<torch::Tensor> parameters() const { return {w1, b1, gamma, beta, w2, b2}; }

    HeadNet clone() const {
        torch::NoGradGuard no_grad;
        return {w1.clone(), b1.clone(), gamma.clone(), beta.clone(), w2.clone(), b2.clone()};
    }

    void copyFrom(const HeadNet& other) {
        torch::NoGradGuard no_grad;
        w1.copy_(other.w1);
        b1.copy_(other.b1);
        gamma.copy_(other.gamma);
        beta.copy_(other.beta);
        w2.copy_(other.w2);
        b2.copy_(other.b2);
    }
};

torch::Tensor uniformTensor(std::initializer_list<std::int64_t> sizes, double bound,
                            at::Generator& gen) {
    auto t = torch::rand(sizes, gen, torch::kFloat32);
    return ((t * 2.0 - 1.0) * bound).set_requires_grad(true);
}

HeadNet initHead(int in, int hidden, int out, at::Generator& gen) {
    const double bound1 = 1.0 / std::sqrt(static_cast<double>(in));
    const double bound2 = 1.0 / std::sqrt(static_cast<double>(hidden));
    HeadNet net;
    net.w1 = uniformTensor({hidden, in}, bound1, gen);
    net.b1 = uniformTensor({hidden}, bound1, gen);
    net.gamma = torch::ones({hidden}, torch::kFloat32).set_requires_grad(true);
    net.beta = torch::zeros({hidden}, torch::kFloat32).set_requires_grad(true);
    net.w2 = uniformTensor({out, hidden}, bound2, gen);
    net.b2 = uniformTensor({out}, bound2, gen);
    return net;
}

// y = x w^T + b as a 1x1 convolution: LibTorch sends that to oneDNN, ~9x faster on
// 64-row batches than linear(), which Debian's build sends to the generic BLAS.
torch::Tensor dense(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b) {
    return torch::conv2d(x.unsqueeze(2).unsqueeze(3), w.unsqueeze(2).unsqueeze(3), b).flatten(1);
}

// Unit-norm embeddings; dropout only when `train`.
torch::Tensor forward(const HeadNet& net, const torch::Tensor& x, double dropout, bool train,
                      at::Generator& gen) {
    auto h = dense(x, net.w1, net.b1);
    h = torch::layer_norm(h, {net.w1.size(0)}, net.gamma, net.beta, kLayerNormEps);
    h = torch::gelu(h);
    if (train && dropout > 0) {
        auto mask = torch::empty_like(h, h.options().requires_grad(false));
        mask.bernoulli_(1.0 - dropout, gen);
        h = h * mask / (1.0 - dropout);
    }
    auto y = dense(h, net.w2, net.b2);
    return torch::nn::functional::normalize(
        y, torch::nn::functional::NormalizeFuncOptions().p(2).dim(1).eps(1e-12));
}

// e e^T of a contiguous float [n, d] tensor, as mm() computes it (sequential_matmul.hpp).
torch::Tensor gramOf(const torch::Tensor& e) {
    const auto n = e.size(0), d = e.size(1);
    const auto et = e.t().contiguous();
    auto out = torch::empty({n, n}, torch::kFloat32);
    // Two threads on the validation set's similarity (860 x 860 at 215 tracks): the
    // exact per-element sums make the split invisible in the result.
    sequentialMatmulThreaded(e.data_ptr<float>(), static_cast<std::size_t>(d), et.data_ptr<float>(),
                             static_cast<std::size_t>(n), static_cast<std::size_t>(n),
                             static_cast<std::size_t>(d), static_cast<std::size_t>(n),
                             out.data_ptr<float>(), 2);
    return out;
}

// e.mm(e.t()) with the same values and gradient as LibTorch's (MmBackward0: grad e =
// g e + (g^T e), each product summed over its inner index in order, then added), without
// the reference BLAS: it was a third of a training step.
struct Gram : torch::autograd::Function<Gram> {
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& e) {
        const auto c = e.contiguous();
        ctx->save_for_backward({c});
        return gramOf(c);
    }
    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        const auto e = ctx->get_saved_variables()[0];
        const auto g = grads[0].contiguous();
        const auto gt = g.t().contiguous();
        const auto n = static_cast<std::size_t>(e.size(0)), d = static_cast<std::size_t>(e.size(1));
        auto a = torch::empty({e.size(0), e.size(1)}, torch::kFloat32);
        auto b = torch::empty({e.size(0), e.size(1)}, torch::kFloat32);
        sequentialMatmul(g.data_ptr<float>(), n, e.data_ptr<float>(), d, n, n, d,
                         a.data_ptr<float>());
        sequentialMatmul(gt.data_ptr<float>(), n, e.data_ptr<float>(), d, n, n, d,
                         b.data_ptr<float>());
        return {a + b};
    }
};

torch::Tensor gram(const torch::Tensor& e) {
    if (e.requires_grad() && torch::GradMode::is_enabled()) {
        return Gram::apply(e);
    }
    return gramOf(e.contiguous());
}

// Pairs of classes that are each other's input-space neighbours (see
// HeadTrainingParams::neighbour_tracks), as (lower, higher) class ids.
using ClassPairs = std::set<std::pair<std::int64_t, std::int64_t>>;

// Batch-wise semi-hard triplet loss (see the header). Returns an undefined tensor
// when the batch holds no anchor with both a positive and a negative. Rows of
// `neighbours` pairs are never negatives of each other, and positives when `attract`.
torch::Tensor tripletLoss(const torch::Tensor& embeddings, const torch::Tensor& labels,
                          double margin, const ClassPairs* neighbours = nullptr,
                          bool attract = false) {
    const auto gram_matrix = gram(embeddings);
    const auto dist = (2.0 - 2.0 * gram_matrix).clamp_min(1e-12).sqrt();
    // Mining on the detached distances, in plain C++ (it was two dozen tiny tensor ops
    // per step): pairs in row-major (anchor, positive) order, and per pair the first
    // index of the smallest qualifying distance, as argmin picks it.
    std::vector<std::int64_t> anchor_rows, positive_rows, negative_rows;
    {
        const auto d = dist.detach().contiguous();
        const auto l = labels.contiguous();
        const auto n = l.size(0);
        const float* dd = d.data_ptr<float>();
        const std::int64_t* lab = l.data_ptr<std::int64_t>();
        const auto margin_f = static_cast<float>(margin); // the tensor op adds in float
        // relation[a * n + b]: 0 a negative, 1 the same class, 2 neighbour classes
        // (looked up once per pair of the batch's classes).
        std::vector<std::int64_t> batch_classes(lab, lab + n);
        std::sort(batch_classes.begin(), batch_classes.end());
        batch_classes.erase(std::unique(batch_classes.begin(), batch_classes.end()),
                            batch_classes.end());
        const auto c = static_cast<std::int64_t>(batch_classes.size());
        std::vector<char> class_relation(static_cast<std::size_t>(c * c), 0);
        for (std::int64_t i = 0; i < c; ++i) {
            for (std::int64_t j = 0; j < c; ++j) {
                class_relation[static_cast<std::size_t>(i * c + j)] =
                    i == j ? 1
                    : neighbours &&
                            neighbours->count({std::min(batch_classes[i], batch_classes[j]),
                                               std::max(batch_classes[i], batch_classes[j])})
                        ? 2
                        : 0;
            }
        }
        std::vector<std::int64_t> class_index(static_cast<std::size_t>(n));
        for (std::int64_t a = 0; a < n; ++a) {
            class_index[static_cast<std::size_t>(a)] =
                std::lower_bound(batch_classes.begin(), batch_classes.end(), lab[a]) -
                batch_classes.begin();
        }
        std::vector<char> relation(static_cast<std::size_t>(n * n));
        for (std::int64_t a = 0; a < n; ++a) {
            for (std::int64_t b = 0; b < n; ++b) {
                relation[static_cast<std::size_t>(a * n + b)] =
                    class_relation[static_cast<std::size_t>(
                        class_index[static_cast<std::size_t>(a)] * c +
                        class_index[static_cast<std::size_t>(b)])];
            }
        }
        for (std::int64_t a = 0; a < n; ++a) {
            const char* rel = relation.data() + a * n;
            if (std::none_of(rel, rel + n, [](char r) { return r == 0; })) {
                continue; // no negative for this anchor
            }
            const float* row = dd + a * n;
            for (std::int64_t p = 0; p < n; ++p) {
                if (p == a || rel[p] == 0 || (rel[p] == 2 && !attract)) {
                    continue;
                }
                const float d_ap = row[p];
                const float upper = d_ap + margin_f;
                std::int64_t semi_hard = -1, hardest = -1;
                for (std::int64_t k = 0; k < n; ++k) {
                    if (rel[k] != 0) {
                        continue;
                    }
                    const float v = row[k];
                    if (hardest < 0 || v < row[hardest]) {
                        hardest = k;
                    }
                    if (v > d_ap && v < upper && (semi_hard < 0 || v < row[semi_hard])) {
                        semi_hard = k;
                    }
                }
                anchor_rows.push_back(a);
                positive_rows.push_back(p);
                negative_rows.push_back(semi_hard >= 0 ? semi_hard : hardest);
            }
        }
    }
    if (anchor_rows.empty()) {
        return {};
    }
    const auto anchors = torch::tensor(anchor_rows, torch::kInt64);
    const auto positives = torch::tensor(positive_rows, torch::kInt64);
    const auto negatives = torch::tensor(negative_rows, torch::kInt64);
    const auto d_ap = dist.index({anchors, positives});
    const auto d_an = dist.index({anchors, negatives});
    return torch::relu(d_ap - d_an + margin).mean();
}

// Identity classes (every class exactly one track): each training class's `count`
// nearest other training classes by cosine of their mean rows, as symmetric pairs.
// Empty for count 0 or classes that are not tracks.
ClassPairs neighbourClasses(const RowSet& set, int count) {
    ClassPairs pairs;
    if (count <= 0) {
        return pairs;
    }
    const auto means = [&] {
        std::vector<torch::Tensor> rows;
        for (const int c : set.classes) {
            const auto& idx = set.rows_of_class.at(c);
            rows.push_back(set.x.index_select(0, torch::tensor(idx, torch::kInt64)).mean(0));
        }
        return torch::nn::functional::normalize(
            torch::stack(rows), torch::nn::functional::NormalizeFuncOptions().dim(1));
    }();
    const auto similarity = gramOf(means.contiguous());
    const auto n = static_cast<std::int64_t>(set.classes.size());
    const float* s = similarity.data_ptr<float>();
    for (std::int64_t a = 0; a < n; ++a) {
        std::vector<std::int64_t> order;
        for (std::int64_t b = 0; b < n; ++b) {
            if (b != a) {
                order.push_back(b);
            }
        }
        const auto take = std::min<std::size_t>(static_cast<std::size_t>(count), order.size());
        std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(take),
                          order.end(), [&](std::int64_t x, std::int64_t y) {
                              return s[a * n + x] > s[a * n + y] ||
                                     (s[a * n + x] == s[a * n + y] && x < y);
                          });
        for (std::size_t i = 0; i < take; ++i) {
            const std::int64_t ca = set.classes[static_cast<std::size_t>(a)];
            const std::int64_t cb = set.classes[static_cast<std::size_t>(order[i])];
            pairs.insert({std::min(ca, cb), std::max(ca, cb)});
        }
    }
    return pairs;
}

bool classesAreTracks(const HeadTrainingData& d) {
    std::map<int, int> track_of_class, class_of_track;
    for (std::size_t i = 0; i < d.class_id.size(); ++i) {
        if (track_of_class.emplace(d.class_id[i], d.track_index[i]).first->second !=
                d.track_index[i] ||
            class_of_track.emplace(d.track_index[i], d.class_id[i]).first->second !=
                d.class_id[i]) {
            return false;
        }
    }
    return true;
}

struct Validation {
    RowSet rows;
    std::vector<Batch> batches;
};

struct ValidationScore {
    double loss = 0;
    double precision = 0;
};

ValidationScore evaluate(const HeadNet& net, const Validation& v, const HeadTrainingParams& p,
                         at::Generator& gen) {
    torch::NoGradGuard no_grad;
    ValidationScore score;
    int counted = 0;
    for (const auto& batch : v.batches) {
        const auto loss =
            tripletLoss(forward(net, batch.x, p.dropout, false, gen), batch.labels, p.margin);
        if (loss.defined()) {
            score.loss += loss.item<double>();
            ++counted;
        }
    }
    score.loss = counted ? score.loss / counted : 0.0;

    const auto e = forward(net, v.rows.x, p.dropout, false, gen);
    const auto n = e.size(0);
    const auto k = std::min<std::int64_t>(p.precision_k, n - 1);
    if (k >= 1) {
        auto similarity = gram(e);
        similarity.fill_diagonal_(-std::numeric_limits<float>::infinity());
        const auto neighbours = std::get<1>(similarity.topk(k, 1));
        const auto hits = v.rows.labels.index({neighbours}).eq(v.rows.labels.unsqueeze(1));
        score.precision = hits.to(torch::kFloat64).mean().item<double>();
    }
    return score;
}

bool improves(const ValidationScore& now, const ValidationScore& best, HeadStopMetric metric) {
    if (metric == HeadStopMetric::kValidationLoss) {
        return now.loss < best.loss;
    }
    return now.precision > best.precision ||
           (now.precision == best.precision && now.loss < best.loss);
}

std::vector<float> toVector(const torch::Tensor& t) {
    const auto c = t.detach().contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

embed::HeadWeights exportHead(const HeadNet& net, int in, int hidden, int out) {
    embed::HeadWeights w;
    w.input_dim = in;
    w.hidden_dim = hidden;
    w.output_dim = out;
    w.w1 = toVector(net.w1);
    w.b1 = toVector(net.b1);
    w.ln_gamma = toVector(net.gamma);
    w.ln_beta = toVector(net.beta);
    w.w2 = toVector(net.w2);
    w.b2 = toVector(net.b2);
    return w;
}

core::Result<embed::HeadWeights> train(const HeadTrainingData& data, const HeadTrainingParams& p,
                                       HeadTrainingReport& report,
                                       const core::CancellationToken& cancel,
                                       const core::ProgressFn& progress) {
    const auto log = core::logger("models");
    const auto split = splitByTrack(data, p.validation_fraction);
    if (distinctClasses(data, split.train_rows) < 2) {
        return core::invalidArgument("head training: the rows span fewer than two classes; "
                                     "a triplet loss needs at least two");
    }
    const RowSet training = makeRowSet(data, split.train_rows, p.augmented_positives);
    std::optional<Validation> validation;
    if (!split.validation_rows.empty() && distinctClasses(data, split.validation_rows) >= 2) {
        validation.emplace();
        validation->rows = makeRowSet(data, split.validation_rows, p.augmented_positives);
        std::mt19937_64 rng(data.seed ^ kValidationSalt);
        for (int i = 0; i < kValidationBatches; ++i) {
            validation->batches.push_back(
                drawBatch(validation->rows, p.p_classes, p.k_per_class, rng));
        }
    } else if (!split.validation_rows.empty()) {
        log->warn("head training: the held-out tracks span one class; training without "
                  "validation");
    }
    report.train_rows = training.size();
    report.validation_rows = validation ? validation->rows.size() : 0;
    report.train_tracks = split.train_tracks;
    report.validation_tracks = validation ? split.validation_tracks : 0;

    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(data.seed);
    HeadNet net = initHead(data.dim, p.hidden_dim, p.output_dim, gen);
    if (!data.initial.empty()) {
        const auto& w = data.initial;
        if (w.input_dim != data.dim || w.hidden_dim != p.hidden_dim ||
            w.output_dim != p.output_dim || !w.validate().isOk()) {
            return core::invalidArgument("head training: the warm-start weights do not match "
                                         "the data and params dims");
        }
        auto load = [](const std::vector<float>& v, std::initializer_list<std::int64_t> sizes) {
            return torch::from_blob(const_cast<float*>(v.data()), sizes, torch::kFloat32)
                .clone()
                .set_requires_grad(true);
        };
        net.w1 = load(w.w1, {w.hidden_dim, w.input_dim});
        net.b1 = load(w.b1, {w.hidden_dim});
        net.gamma = load(w.ln_gamma, {w.hidden_dim});
        net.beta = load(w.ln_beta, {w.hidden_dim});
        net.w2 = load(w.w2, {w.output_dim, w.hidden_dim});
        net.b2 = load(w.b2, {w.output_dim});
    }
    report.parameters = 0;
    for (const auto& t : net.parameters()) {
        report.parameters += t.numel();
    }
    // AdamW, fused (adamw_step.hpp: the same update as torch::optim::AdamW, bit for bit, in
    // one pass per parameter instead of nine tensor operations).
    const std::vector<torch::Tensor> parameters = net.parameters();
    std::vector<std::vector<float>> exp_avg, exp_avg_sq;
    for (const auto& t : parameters) {
        exp_avg.emplace_back(static_cast<std::size_t>(t.numel()), 0.0f);
        exp_avg_sq.emplace_back(static_cast<std::size_t>(t.numel()), 0.0f);
    }
    const AdamWStepParams adamw{.learning_rate = p.learning_rate, .weight_decay = p.weight_decay};
    long optimizer_steps = 0;
    std::mt19937_64 rng(data.seed);
    const ClassPairs neighbours =
        classesAreTracks(data) ? neighbourClasses(training, p.neighbour_tracks) : ClassPairs{};
    const ClassPairs* neighbours_ptr = neighbours.empty() ? nullptr : &neighbours;

    HeadNet best = net.clone();
    ValidationScore best_score;
    int epochs_without_improvement = 0;
    double reset_precision = 0.0; // validation precision of the last epoch that reset patience
    for (int epoch = 1; epoch <= p.max_epochs; ++epoch) {
        double loss_sum = 0;
        int loss_count = 0;
        for (int step = 0; step < p.steps_per_epoch; ++step) {
            if (cancel.isCancelled()) {
                return core::cancelledError("head training cancelled");
            }
            const Batch batch =
                drawBatch(training, p.p_classes, p.k_per_class, rng, data.focus_classes);
            const auto loss = tripletLoss(forward(net, batch.x, p.dropout, true, gen), batch.labels,
                                          p.margin, neighbours_ptr, p.attract_neighbours);
            ++report.steps;
            if (!loss.defined()) {
                continue;
            }
            for (const auto& t : parameters) {
                if (t.grad().defined()) {
                    t.grad().zero_(); // as zero_grad() does (gradients accumulate into it)
                }
            }
            loss.backward();
            ++optimizer_steps;
            for (std::size_t k = 0; k < parameters.size(); ++k) {
                const auto& t = parameters[k];
                const auto g = t.grad().contiguous(); // a no-op: gradients keep the layout
                adamwStep(t.data_ptr<float>(), g.data_ptr<float>(), exp_avg[k].data(),
                          exp_avg_sq[k].data(), exp_avg[k].size(), optimizer_steps, adamw);
            }
            loss_sum += loss.item<double>();
            ++loss_count;
        }
        const double train_loss = loss_count ? loss_sum / loss_count : 0.0;
        report.epochs = epoch;
        core::reportProgress(progress, static_cast<double>(epoch) / p.max_epochs, kStage);
        if (!validation) {
            report.best_epoch = epoch;
            report.train_loss = train_loss;
            continue;
        }
        const auto score = evaluate(net, *validation, p, gen);
        log->debug("head training: epoch {} train loss {:.4f} validation loss {:.4f} "
                   "precision@{} {:.3f}",
                   epoch, train_loss, score.loss, p.precision_k, score.precision);
        const bool better = epoch == 1 || improves(score, best_score, p.stop_on);
        if (better) {
            best.copyFrom(net);
            best_score = score;
            report.best_epoch = epoch;
            report.train_loss = train_loss;
            report.validation_loss = score.loss;
            report.validation_precision = score.precision;
        }
        // Patience (header, min_gain_se): on the precision metric only a gain of
        // min_gain_se standard errors over the precision of the last epoch that reset it
        // resets it; otherwise any better epoch does.
        bool reset = better;
        if (p.stop_on == HeadStopMetric::kValidationPrecision && p.min_gain_se > 0.0) {
            const double rows = std::max(1.0, static_cast<double>(validation->rows.size()));
            const double se =
                std::sqrt(std::max(score.precision * (1.0 - score.precision), 1e-6) / rows);
            reset = epoch == 1 || score.precision > reset_precision + p.min_gain_se * se;
        }
        if (reset) {
            reset_precision = std::max(reset_precision, score.precision);
            epochs_without_improvement = 0;
        } else if (++epochs_without_improvement >= p.patience) {
            report.stopped_early = epoch < p.max_epochs;
            break;
        }
        if (p.converged_loss > 0.0 && loss_count > 0 && train_loss < p.converged_loss) {
            // Converged (header): the best epoch so far is returned.
            report.stopped_early = epoch < p.max_epochs;
            break;
        }
    }
    return exportHead(validation ? best : net, data.dim, p.hidden_dim, p.output_dim);
}

} // namespace

core::Result<embed::HeadWeights> trainProjectionHead(const HeadTrainingData& data,
                                                     const HeadTrainingParams& params,
                                                     HeadTrainingReport* report,
                                                     const core::CancellationToken& cancel,
                                                     const core::ProgressFn& progress) {
    const auto start = std::chrono::steady_clock::now();
    HeadTrainingReport local;
    HeadTrainingReport& r = report ? *report : local;
    r = {};
    if (auto status = validateInputs(data, params); !status.isOk()) {
        return status;
    }
    core::Result<embed::HeadWeights> result = core::internalError("head training: not run");
    try {
        TorchThreadsGuard threads(params.threads);
        result = train(data, params, r, cancel, progress);
    } catch (const c10::Error& e) {
        result = core::internalError(std::string("head training: ") + e.what_without_backtrace());
    } catch (const std::exception& e) {
        result = core::internalError(std::string("head training: ") + e.what());
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (result.isOk()) {
        core::logger("models")->info(
            "head training: {} epochs ({} steps), best {} (validation loss {:.4f}, "
            "precision {:.3f}), {} parameters, {:.1f} s",
            r.epochs, r.steps, r.best_epoch, r.validation_loss, r.validation_precision,
            r.parameters, r.seconds);
    }
    return result;
}

} // namespace styledna::models
