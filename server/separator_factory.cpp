#include "server/separator_factory.hpp"

#include <filesystem>
#include <map>
#include <mutex>

#include "core/common/logging.hpp"

#ifdef STYLEDNA_HAVE_TORCH
#include "models/separator_learned.hpp"
#endif

namespace styledna::server {
namespace {

core::Result<std::shared_ptr<const core::stems::Separator>>
makeLearned(const SeparatorConfig& config) {
#ifdef STYLEDNA_HAVE_TORCH
    if (config.learned_weights_path.empty()) {
        return core::failedPrecondition(
            "no weights for the learned separator (stylednad --separator-weights PATH)");
    }
    auto loaded = models::LearnedSeparator::load(config.learned_weights_path);
    if (!loaded) {
        return core::Status(loaded.status().code(),
                            "learned separator: " + loaded.status().message());
    }
    return std::shared_ptr<const core::stems::Separator>(std::move(loaded).value());
#else
    (void)config;
    return core::failedPrecondition(
        "the learned separator needs a build with LibTorch (-DSTYLEDNA_WITH_TORCH=ON); use dsp");
#endif
}

} // namespace

std::string defaultSeparatorWeightsPath() {
#ifdef STYLEDNA_SEPARATOR_WEIGHTS
    return STYLEDNA_SEPARATOR_WEIGHTS;
#else
    return "";
#endif
}

SeparatorFactory makeSeparatorFactory(const SeparatorConfig& config) {
    // Separators are immutable and reentrant: one instance per choice is shared.
    struct Cache {
        std::mutex mutex;
        std::map<std::string, std::shared_ptr<const core::stems::Separator>> made;
    };
    auto cache = std::make_shared<Cache>();
    return [config, cache](const std::string& requested)
               -> core::Result<std::shared_ptr<const core::stems::Separator>> {
        std::string choice = requested.empty() ? config.default_choice : requested;
        std::lock_guard lock(cache->mutex);
        if (auto it = cache->made.find(choice); it != cache->made.end()) {
            return it->second;
        }
        std::shared_ptr<const core::stems::Separator> made;
        if (choice == "learned" || choice == "auto") {
            auto learned = makeLearned(config);
            if (learned) {
                made = std::move(learned).value();
            } else if (choice == "learned") {
                return learned.status();
            } else {
                core::logger("stems")->info("separator: {}; using dsp", learned.status().message());
            }
        }
        if (!made) {
            auto dsp = core::stems::makeSeparator(choice == "auto" ? "dsp" : choice);
            if (!dsp) {
                return dsp.status();
            }
            made = std::move(dsp).value();
        }
        cache->made[choice] = made;
        return made;
    };
}

} // namespace styledna::server
