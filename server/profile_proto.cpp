#include "server/profile_proto.hpp"

namespace styledna::server {
namespace {

void toProto(const profile::FeatureStats& s, v1::FeatureStats* out) {
    out->set_name(s.name);
    out->set_unit(s.unit);
    out->set_categorical(s.categorical);
    out->set_count(s.count);
    out->set_mean(s.mean);
    out->set_std(s.std);
    out->set_median(s.median);
    out->set_p5(s.p5);
    out->set_p10(s.p10);
    out->set_p25(s.p25);
    out->set_p75(s.p75);
    out->set_p90(s.p90);
    out->set_p95(s.p95);
    out->set_median_ci_low(s.median_ci_low);
    out->set_median_ci_high(s.median_ci_high);
    out->set_range_low(s.range_low);
    out->set_range_high(s.range_high);
    out->set_weight(s.weight);
    for (const auto& [k, v] : s.distribution) {
        (*out->mutable_distribution())[k] = v;
    }
}

} // namespace

void toProto(const LoadedProfile& loaded, v1::Profile* out) {
    const auto& p = loaded.profile;
    out->set_name(p.name);
    out->set_track_count(static_cast<int>(p.members.size()));
    out->set_created_at(p.created_at);
    out->set_updated_at(p.updated_at);
    for (const auto& s : p.stats) {
        toProto(s, out->add_stats());
    }
    for (const auto& c : p.clusters) {
        auto* pc = out->add_clusters();
        pc->set_id(c.id);
        pc->set_label(c.label);
        for (const auto& h : c.member_hashes) {
            pc->add_member_hashes(h);
        }
        for (const auto& s : c.stats) {
            toProto(s, pc->add_stats());
        }
        for (float x : c.centroid) {
            pc->add_centroid(x);
        }
        pc->set_variance(c.variance);
        pc->set_size(static_cast<int>(c.member_hashes.size()));
    }
    for (const auto& v : p.validation) {
        auto* pv = out->add_validation();
        pv->set_severity(v.severity);
        pv->set_code(v.code);
        pv->set_message(v.message);
        pv->set_path(v.path);
    }
    for (const auto& [section, stats] : p.section_stats) {
        auto* ps = out->add_sections();
        ps->set_section(section);
        for (const auto& s : stats) {
            toProto(s, ps->add_stats());
        }
    }
    for (const auto& m : p.members) {
        auto* pm = out->add_members();
        pm->set_content_hash(m.content_hash);
        pm->set_path(m.path);
        pm->set_label(m.label);
        pm->set_cluster(m.cluster);
    }
    out->set_embedding_backbone(p.space.backbone);
    out->set_embedding_dim(p.space.dim());
    out->set_cluster_silhouette(p.cluster_silhouette);
    out->set_seed(p.seed);
    auto* head = out->mutable_head();
    head->set_trained(!p.space.head.empty());
    head->set_classes(p.head_training.classes);
    head->set_epochs(p.head_training.epochs);
    head->set_best_epoch(p.head_training.best_epoch);
    head->set_train_loss(p.head_training.train_loss);
    head->set_validation_loss(p.head_training.validation_loss);
    head->set_seconds(p.head_training.seconds);
    head->set_parameters(p.head_training.parameters);
    head->set_reused(loaded.head_reused);
    if (loaded.index) {
        out->set_index_path(loaded.index->size() >= loaded.index->params().exact_below ? "hnsw"
                                                                                       : "exact");
    }
}

void toProto(const SimilarAnswer& answer, v1::FindSimilarResponse* out) {
    for (const auto& h : answer.hits) {
        auto* t = out->add_tracks();
        t->set_content_hash(h.content_hash);
        t->set_path(h.path);
        t->set_similarity(h.similarity);
        t->set_sub_style(h.sub_style);
    }
    out->set_query_hash(answer.query_hash);
    out->set_search_path(answer.search_path);
    out->set_search_ms(answer.search_ms);
    out->set_cluster(answer.cluster);
    out->set_cluster_label(answer.cluster_label);
}

} // namespace styledna::server
