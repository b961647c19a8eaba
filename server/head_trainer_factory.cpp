#include "server/head_trainer_factory.hpp"

#ifdef STYLEDNA_HAVE_TORCH
#include "models/profile_head_trainer.hpp"
#endif

namespace styledna::server {

profile::HeadTrainer makeHeadTrainer() {
#ifdef STYLEDNA_HAVE_TORCH
    return models::makeProfileHeadTrainer();
#else
    return {};
#endif
}

} // namespace styledna::server
