#pragma once
// RAII owner of a libsndfile SNDFILE*.

#include <memory>

#include <sndfile.h>

namespace styledna::core {

struct SndfileCloser {
    void operator()(SNDFILE* f) const {
        if (f != nullptr) {
            sf_close(f);
        }
    }
};
using SndfileHandle = std::unique_ptr<SNDFILE, SndfileCloser>;

} // namespace styledna::core
