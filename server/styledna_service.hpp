#pragma once
// StyleDnaService: the gRPC surface of styledna.v1.StyleDna. Each handler is a
// few lines: authorise, call the core / coordinator, convert with
// toGrpcStatus(). Calls that later issues implement answer UNIMPLEMENTED with
// a message that says so.

#include <chrono>
#include <functional>
#include <string>

#include "db/store.hpp"
#include "server/analysis_coordinator.hpp"
#include "server/fix_runner.hpp"
#include "server/gap_runner.hpp"
#include "server/job_pool.hpp"
#include "server/live_bridge.hpp"
#include "server/options.hpp"
#include "server/profile_manager.hpp"
#include "server/stem_runner.hpp"
#include "styledna/v1/styledna.grpc.pb.h"

namespace styledna::server {

struct ServiceDeps {
    const DaemonOptions* options = nullptr;
    db::Store* store = nullptr;
    JobPool* pool = nullptr;
    AnalysisCoordinator* analysis = nullptr;
    ProfileManager* profiles = nullptr;
    GapRunner* gaps = nullptr;
    StemRunner* stems = nullptr;
    LiveBridge* live = nullptr;
    FixRunner* fixes = nullptr;
    std::string auth_token;                 // "" = no token required
    std::function<void()> request_shutdown; // asynchronous
    std::chrono::steady_clock::time_point started_at;
};

class StyleDnaService final : public v1::StyleDna::Service {
public:
    explicit StyleDnaService(ServiceDeps deps) : m_deps(std::move(deps)) {}

    grpc::Status AnalyzeTrack(grpc::ServerContext* ctx, const v1::AnalyzeTrackRequest* req,
                              grpc::ServerWriter<v1::AnalyzeTrackEvent>* writer) override;
    grpc::Status GetAnalysis(grpc::ServerContext* ctx, const v1::GetAnalysisRequest* req,
                             v1::TrackAnalysis* resp) override;
    grpc::Status SynthesizeTracks(grpc::ServerContext* ctx, const v1::SynthesizeTracksRequest* req,
                                  grpc::ServerWriter<v1::SynthesizeTracksEvent>* writer) override;
    grpc::Status ListFeatures(grpc::ServerContext* ctx, const v1::ListFeaturesRequest* req,
                              v1::ListFeaturesResponse* resp) override;
    grpc::Status BuildProfile(grpc::ServerContext* ctx, const v1::BuildProfileRequest* req,
                              grpc::ServerWriter<v1::BuildProfileEvent>* writer) override;
    grpc::Status ListProfiles(grpc::ServerContext* ctx, const v1::ListProfilesRequest* req,
                              v1::ListProfilesResponse* resp) override;
    grpc::Status GetProfile(grpc::ServerContext* ctx, const v1::GetProfileRequest* req,
                            v1::Profile* resp) override;
    grpc::Status DeleteProfile(grpc::ServerContext* ctx, const v1::DeleteProfileRequest* req,
                               v1::DeleteProfileResponse* resp) override;
    grpc::Status ExportProfile(grpc::ServerContext* ctx, const v1::ExportProfileRequest* req,
                               v1::ExportProfileResponse* resp) override;
    grpc::Status ImportProfile(grpc::ServerContext* ctx, const v1::ImportProfileRequest* req,
                               v1::Profile* resp) override;
    grpc::Status FindSimilar(grpc::ServerContext* ctx, const v1::FindSimilarRequest* req,
                             v1::FindSimilarResponse* resp) override;
    grpc::Status AnalyzeGap(grpc::ServerContext* ctx, const v1::AnalyzeGapRequest* req,
                            v1::GapReport* resp) override;
    grpc::Status SeparateStems(grpc::ServerContext* ctx, const v1::SeparateStemsRequest* req,
                               grpc::ServerWriter<v1::SeparateStemsEvent>* writer) override;
    grpc::Status TrainSeparator(grpc::ServerContext* ctx, const v1::TrainSeparatorRequest* req,
                                grpc::ServerWriter<v1::TrainSeparatorEvent>* writer) override;
    grpc::Status GenerateFixes(grpc::ServerContext* ctx, const v1::GenerateFixesRequest* req,
                               v1::FixPlan* resp) override;
    grpc::Status ApplyFixes(grpc::ServerContext* ctx, const v1::ApplyFixesRequest* req,
                            grpc::ServerWriter<v1::ApplyFixesEvent>* writer) override;
    grpc::Status UndoApply(grpc::ServerContext* ctx, const v1::UndoApplyRequest* req,
                           v1::UndoApplyResponse* resp) override;
    grpc::Status ListJournals(grpc::ServerContext* ctx, const v1::ListJournalsRequest* req,
                              v1::ListJournalsResponse* resp) override;
    grpc::Status GetJournal(grpc::ServerContext* ctx, const v1::GetJournalRequest* req,
                            v1::Journal* resp) override;
    grpc::Status GetLiveSet(grpc::ServerContext* ctx, const v1::GetLiveSetRequest* req,
                            v1::LiveSet* resp) override;
    grpc::Status GetStatus(grpc::ServerContext* ctx, const v1::GetStatusRequest* req,
                           v1::DaemonStatus* resp) override;
    grpc::Status Shutdown(grpc::ServerContext* ctx, const v1::ShutdownRequest* req,
                          v1::ShutdownResponse* resp) override;

private:
    grpc::Status authorize(const grpc::ServerContext* ctx) const;

    const ServiceDeps m_deps;
};

} // namespace styledna::server
