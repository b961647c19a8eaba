#include "server/styledna_service.hpp"

#include <unistd.h>

#include <optional>

#include "core/common/sha256.hpp"
#include "core/features/registry.hpp"
#include "core/profile/profile.hpp"
#include "server/cancel_watcher.hpp"
#include "server/fix_proto.hpp"
#include "server/gap_proto.hpp"
#include "server/live_proto.hpp"
#include "server/profile_proto.hpp"
#include "server/proto_convert.hpp"
#include "server/separator_factory.hpp"
#include "server/status_convert.hpp"
#include "server/stream_progress.hpp"
#include "server/synth_runner.hpp"

namespace styledna::server {
grpc::Status StyleDnaService::authorize(const grpc::ServerContext* ctx) const {
    if (m_deps.auth_token.empty()) {
        return grpc::Status::OK;
    }
    const std::string peer = ctx->peer();
    if (peer.rfind("unix:", 0) == 0) {
        return grpc::Status::OK; // the socket's file permissions are the guard
    }
    const auto& md = ctx->client_metadata();
    const auto it = md.find("authorization");
    if (it != md.end() &&
        std::string(it->second.data(), it->second.size()) == "Bearer " + m_deps.auth_token) {
        return grpc::Status::OK;
    }
    return {grpc::StatusCode::UNAUTHENTICATED,
            "missing or wrong bearer token (metadata 'authorization: Bearer <token>')"};
}

grpc::Status StyleDnaService::AnalyzeTrack(grpc::ServerContext* ctx,
                                           const v1::AnalyzeTrackRequest* req,
                                           grpc::ServerWriter<v1::AnalyzeTrackEvent>* writer) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    auto result = m_deps.analysis->analyze(
        req->path(), req->force(), [ctx] { return ctx->IsCancelled(); },
        [writer](const AnalysisProgress& p) {
            v1::AnalyzeTrackEvent ev;
            ev.mutable_progress()->set_fraction(p.fraction);
            ev.mutable_progress()->set_stage(p.stage);
            writer->Write(ev);
        });
    if (!result) {
        return toGrpcStatus(result.status());
    }
    v1::AnalyzeTrackEvent ev;
    toProto(result->analysis, result->cached, req->include_series(), ev.mutable_analysis());
    writer->Write(ev);
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::GetAnalysis(grpc::ServerContext* ctx,
                                          const v1::GetAnalysisRequest* req,
                                          v1::TrackAnalysis* resp) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    std::string hash = req->content_hash();
    if (req->has_path()) {
        auto h = core::sha256File(req->path());
        if (!h) {
            return toGrpcStatus(h.status());
        }
        hash = *h;
    }
    if (hash.empty()) {
        return {grpc::StatusCode::INVALID_ARGUMENT, "give a content_hash or a path"};
    }
    auto stored = m_deps.analysis->getStored(hash);
    if (!stored) {
        return toGrpcStatus(stored.status());
    }
    toProto(*stored, true, req->include_series(), resp);
    return grpc::Status::OK;
}

grpc::Status
StyleDnaService::SynthesizeTracks(grpc::ServerContext* ctx, const v1::SynthesizeTracksRequest* req,
                                  grpc::ServerWriter<v1::SynthesizeTracksEvent>* writer) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    return toGrpcStatus(runSynthesis(
        *req, [ctx] { return ctx->IsCancelled(); },
        [writer](const v1::SynthesizeTracksEvent& ev) { writer->Write(ev); }));
}

grpc::Status StyleDnaService::ListFeatures(grpc::ServerContext* ctx, const v1::ListFeaturesRequest*,
                                           v1::ListFeaturesResponse* resp) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    for (const auto& info : core::featureCatalog()) {
        toProto(info, resp->add_features());
    }
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::BuildProfile(grpc::ServerContext* ctx,
                                           const v1::BuildProfileRequest* req,
                                           grpc::ServerWriter<v1::BuildProfileEvent>* writer) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    if (auto s = profile::validateProfileName(req->name()); !s.isOk()) {
        return toGrpcStatus(s);
    }
    ProfileBuildRequest build;
    build.name = req->name();
    build.paths.assign(req->paths().begin(), req->paths().end());
    build.labels_from_folders = req->labels_from_folders();
    build.labels_csv = req->labels_csv();
    build.append = req->append();
    build.seed = req->seed();
    build.train_head = !req->no_head();
    std::mutex write_mutex; // progress may come from worker threads
    auto built = m_deps.profiles->build(
        build, [ctx] { return ctx->IsCancelled(); },
        [writer, &write_mutex](const ProfileBuildProgress& p) {
            v1::BuildProfileEvent ev;
            auto* pr = ev.mutable_progress();
            pr->set_fraction(p.fraction);
            pr->set_stage(p.stage);
            pr->set_current_item(p.current_item);
            pr->set_items_done(p.items_done);
            pr->set_items_total(p.items_total);
            pr->set_eta_s(p.eta_s);
            std::lock_guard lock(write_mutex);
            writer->Write(ev);
        });
    if (!built) {
        return toGrpcStatus(built.status());
    }
    v1::BuildProfileEvent ev;
    toProto(**built, ev.mutable_profile());
    writer->Write(ev);
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::ListProfiles(grpc::ServerContext* ctx, const v1::ListProfilesRequest*,
                                           v1::ListProfilesResponse* resp) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    for (const auto& p : m_deps.profiles->list()) {
        auto* s = resp->add_profiles();
        s->set_name(p->profile.name);
        s->set_track_count(static_cast<int>(p->profile.members.size()));
        s->set_updated_at(p->profile.updated_at);
    }
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::GetProfile(grpc::ServerContext* ctx, const v1::GetProfileRequest* req,
                                         v1::Profile* resp) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    if (auto s = profile::validateProfileName(req->name()); !s.isOk()) {
        return toGrpcStatus(s);
    }
    auto found = m_deps.profiles->get(req->name());
    if (!found) {
        return toGrpcStatus(found.status());
    }
    toProto(**found, resp);
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::DeleteProfile(grpc::ServerContext* ctx,
                                            const v1::DeleteProfileRequest* req,
                                            v1::DeleteProfileResponse* resp) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    if (auto s = profile::validateProfileName(req->name()); !s.isOk()) {
        return toGrpcStatus(s);
    }
    auto deleted = m_deps.profiles->remove(req->name());
    if (!deleted) {
        return toGrpcStatus(deleted.status());
    }
    if (!*deleted) {
        return {grpc::StatusCode::NOT_FOUND, "no profile named '" + req->name() + "'"};
    }
    resp->set_deleted(true);
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::ExportProfile(grpc::ServerContext* ctx,
                                            const v1::ExportProfileRequest* req,
                                            v1::ExportProfileResponse* resp) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    if (auto s = profile::validateProfileName(req->name()); !s.isOk()) {
        return toGrpcStatus(s);
    }
    auto json = m_deps.profiles->exportJson(req->name(), req->include_head());
    if (!json) {
        return toGrpcStatus(json.status());
    }
    resp->set_json(std::move(*json));
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::ImportProfile(grpc::ServerContext* ctx,
                                            const v1::ImportProfileRequest* req,
                                            v1::Profile* resp) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    if (!req->name().empty()) {
        if (auto s = profile::validateProfileName(req->name()); !s.isOk()) {
            return toGrpcStatus(s);
        }
    }
    auto imported = m_deps.profiles->importJson(req->json(), req->name(), req->replace());
    if (!imported) {
        return toGrpcStatus(imported.status());
    }
    toProto(**imported, resp);
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::FindSimilar(grpc::ServerContext* ctx,
                                          const v1::FindSimilarRequest* req,
                                          v1::FindSimilarResponse* resp) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    if (auto s = profile::validateProfileName(req->profile()); !s.isOk()) {
        return toGrpcStatus(s);
    }
    if (req->path().empty()) {
        return {grpc::StatusCode::INVALID_ARGUMENT, "FindSimilar needs the path of a track"};
    }
    auto answer = m_deps.profiles->similar(req->path(), req->profile(), req->k(),
                                           [ctx] { return ctx->IsCancelled(); });
    if (!answer) {
        return toGrpcStatus(answer.status());
    }
    toProto(*answer, resp);
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::AnalyzeGap(grpc::ServerContext* ctx, const v1::AnalyzeGapRequest* req,
                                         v1::GapReport* resp) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    if (auto s = profile::validateProfileName(req->profile()); !s.isOk()) {
        return toGrpcStatus(s);
    }
    if (req->path().empty()) {
        return {grpc::StatusCode::INVALID_ARGUMENT, "AnalyzeGap needs the path of a track"};
    }
    GapRequest request;
    request.path = req->path();
    request.profile = req->profile();
    request.cluster = req->use_cluster() ? req->cluster() : -1;
    request.stems_dir = req->stems_dir();
    request.html_path = req->html_path();
    request.max_gaps = std::max(0, req->max_gaps());
    auto outcome = m_deps.gaps->run(request, [ctx] { return ctx->IsCancelled(); });
    if (!outcome) {
        return toGrpcStatus(outcome.status());
    }
    toProto(*outcome, req->include_comparisons(), resp);
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::SeparateStems(grpc::ServerContext* ctx,
                                            const v1::SeparateStemsRequest* req,
                                            grpc::ServerWriter<v1::SeparateStemsEvent>* writer) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    if (req->path().empty() || req->out_dir().empty()) {
        return {grpc::StatusCode::INVALID_ARGUMENT,
                "SeparateStems needs the path of a mix and an output folder"};
    }
    StreamProgress<v1::SeparateStemsEvent> progress(writer, 0.01, req->path());
    auto outcome = m_deps.stems->run(
        req->path(), req->out_dir(), req->separator(), [ctx] { return ctx->IsCancelled(); },
        std::ref(progress));
    if (!outcome) {
        return toGrpcStatus(outcome.status());
    }
    v1::SeparateStemsEvent ev;
    auto* r = ev.mutable_result();
    r->set_separator(outcome->separator);
    r->set_drums_path(outcome->drums_path);
    r->set_bass_path(outcome->bass_path);
    r->set_other_path(outcome->other_path);
    r->set_sample_rate_hz(outcome->sample_rate_hz);
    r->set_cached(outcome->cached);
    r->set_seconds(outcome->seconds);
    r->set_content_hash(outcome->content_hash);
    progress.write(ev);
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::TrainSeparator(grpc::ServerContext* ctx,
                                             const v1::TrainSeparatorRequest* req,
                                             grpc::ServerWriter<v1::TrainSeparatorEvent>* writer) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    SeparatorTrainingRequest request;
    request.out_path = req->out_path().empty() ? m_deps.options->data_dir + "/models/separator.sdnt"
                                               : req->out_path();
    request.seed = req->seed();
    request.train_tracks = req->train_tracks() > 0 ? req->train_tracks() : 48;
    request.validation_tracks = req->validation_tracks() > 0 ? req->validation_tracks() : 8;
    request.minutes = req->minutes() > 0 ? req->minutes() : 1.0;
    request.max_training_s = std::max(0.0, req->max_training_s());
    StreamProgress<v1::TrainSeparatorEvent> progress(writer, 0.005, "");
    core::CancellationToken cancel;
    std::optional<core::Result<SeparatorTrainingOutcome>> outcome;
    {
        CancelWatcher watcher([ctx] { return ctx->IsCancelled(); }, cancel);
        outcome.emplace(trainSeparatorWeights(request, cancel, std::ref(progress)));
    }
    if (!*outcome) {
        return toGrpcStatus(outcome->status());
    }
    const auto& o = **outcome;
    v1::TrainSeparatorEvent ev;
    auto* r = ev.mutable_result();
    r->set_weights_path(o.weights_path);
    r->set_separator(o.separator);
    r->set_epochs(o.epochs);
    r->set_best_epoch(o.best_epoch);
    r->set_initial_validation_loss(o.initial_validation_loss);
    r->set_validation_loss(o.validation_loss);
    r->set_validation_sdr_drums_db(o.sdr_drums_db);
    r->set_validation_sdr_bass_db(o.sdr_bass_db);
    r->set_validation_sdr_other_db(o.sdr_other_db);
    r->set_parameters(o.parameters);
    r->set_seconds(o.seconds);
    r->set_stopped_early(o.stopped_early);
    r->set_stopped_on_time(o.stopped_on_time);
    r->set_train_tracks(o.train_tracks);
    r->set_validation_tracks(o.validation_tracks);
    progress.write(ev);
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::GenerateFixes(grpc::ServerContext* ctx,
                                            const v1::GenerateFixesRequest* req,
                                            v1::FixPlan* resp) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    if (auto s = profile::validateProfileName(req->profile()); !s.isOk()) {
        return toGrpcStatus(s);
    }
    if (req->path().empty()) {
        return {grpc::StatusCode::INVALID_ARGUMENT, "GenerateFixes needs the path of a track"};
    }
    FixRequest request;
    request.path = req->path();
    request.profile = req->profile();
    request.stems_dir = req->stems_dir();
    request.cluster = req->use_cluster() ? req->cluster() : -1;
    request.live_set_json = req->live_set_json();
    request.use_live = req->use_live();
    request.target_conformance = req->target_conformance();
    request.strength = req->strength() == 0 ? 1.0 : req->strength();
    request.track_map = req->track_map();
    request.master_track = req->master_track();
    auto plan = m_deps.fixes->run(request, [ctx] { return ctx->IsCancelled(); });
    if (!plan) {
        return toGrpcStatus(plan.status());
    }
    toProto(*plan, resp);
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::ApplyFixes(grpc::ServerContext* ctx, const v1::ApplyFixesRequest* req,
                                         grpc::ServerWriter<v1::ApplyFixesEvent>* writer) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    if (req->plan_id().empty()) {
        return {grpc::StatusCode::INVALID_ARGUMENT, "ApplyFixes needs a plan_id"};
    }
    ApplyRequest request;
    request.plan_id = req->plan_id();
    request.fix_ids.assign(req->fix_ids().begin(), req->fix_ids().end());
    request.dry_run = req->dry_run();
    request.min_confidence = req->min_confidence();
    request.strength = req->strength();
    StreamProgress<v1::ApplyFixesEvent> progress(writer, 0.0, req->plan_id());
    auto outcome = m_deps.live->apply(request, std::ref(progress));
    if (!outcome) {
        return toGrpcStatus(outcome.status());
    }
    v1::ApplyFixesEvent ev;
    applyOutcomeToProto(*outcome, ev.mutable_result());
    progress.write(ev);
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::UndoApply(grpc::ServerContext* ctx, const v1::UndoApplyRequest* req,
                                        v1::UndoApplyResponse* resp) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    if (req->journal_id().empty()) {
        return {grpc::StatusCode::INVALID_ARGUMENT, "UndoApply needs a journal_id"};
    }
    auto outcome = m_deps.live->undo(req->journal_id());
    if (!outcome) {
        return toGrpcStatus(outcome.status());
    }
    undoOutcomeToProto(*outcome, resp);
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::ListJournals(grpc::ServerContext* ctx,
                                           const v1::ListJournalsRequest* req,
                                           v1::ListJournalsResponse* resp) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    auto journals = m_deps.live->journals(req->limit() == 0 ? 20 : req->limit());
    if (!journals) {
        return toGrpcStatus(journals.status());
    }
    for (const auto& j : *journals) {
        journalSummaryToProto(j, resp->add_journals());
    }
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::GetJournal(grpc::ServerContext* ctx, const v1::GetJournalRequest* req,
                                         v1::Journal* resp) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    if (req->journal_id().empty()) {
        return {grpc::StatusCode::INVALID_ARGUMENT, "GetJournal needs a journal_id"};
    }
    auto journal = m_deps.live->journal(req->journal_id());
    if (!journal) {
        return toGrpcStatus(journal.status());
    }
    journalToProto(*journal, resp);
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::GetLiveSet(grpc::ServerContext* ctx, const v1::GetLiveSetRequest* req,
                                         v1::LiveSet* resp) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    auto snapshot = m_deps.live->snapshot(req->refresh());
    if (!snapshot) {
        return toGrpcStatus(snapshot.status());
    }
    liveSetToProto(*snapshot, resp);
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::GetStatus(grpc::ServerContext* ctx, const v1::GetStatusRequest*,
                                        v1::DaemonStatus* resp) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    resp->set_version(STYLEDNA_VERSION);
    resp->set_analyzer_version(core::kAnalyzerVersion);
    resp->set_pid(::getpid());
    resp->set_uptime_s(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - m_deps.started_at)
            .count());
    resp->set_socket_path(m_deps.options->socket_path);
    resp->set_tcp_address(m_deps.options->tcp_address);
    resp->set_data_dir(m_deps.options->data_dir);
    resp->set_worker_threads(static_cast<int>(m_deps.pool->workers()));
    resp->set_jobs_running(static_cast<int>(m_deps.pool->running()));
    resp->set_jobs_queued(static_cast<int>(m_deps.pool->queued()));
    if (auto counts = m_deps.store->counts(); counts) {
        resp->set_tracks_stored(counts->tracks);
        resp->set_analyses_stored(counts->analyses);
        resp->set_profiles_stored(counts->profiles);
    }
    resp->set_analyses_completed(m_deps.analysis->completed());
    resp->set_cache_hits(m_deps.analysis->cacheHits());
    return grpc::Status::OK;
}

grpc::Status StyleDnaService::Shutdown(grpc::ServerContext* ctx, const v1::ShutdownRequest*,
                                       v1::ShutdownResponse*) {
    if (auto a = authorize(ctx); !a.ok()) {
        return a;
    }
    m_deps.request_shutdown();
    return grpc::Status::OK;
}

} // namespace styledna::server
