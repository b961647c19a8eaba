// Test tool for tests/unit/models/openl3_parity.py: runs OpenL3Backbone on audio
// handed over in a named-tensor archive and writes what it computed to another.
//
// Usage: openl3_embed_tool WEIGHTS INPUT OUTPUT
//   INPUT   tensors "audio" [samples] (mono 48 kHz) and optionally "windows"
//           [n x 48000]; metadata "hop_s", "center" (0 | 1), "batch_windows"
//   OUTPUT  "embedding" [windows x 6144] and "start_s" [windows] from embedSignal();
//           with "windows": "windows_mel" [n x 256 x 199] from melSpectrogram() and
//           "windows_embedding" [n x 6144] from embedWindows()
// Exit status 0 on success, 1 with a message on stderr otherwise.
#include <cstdio>
#include <string>

#include "models/named_tensor_archive.hpp"
#include "models/openl3_backbone.hpp"

using namespace styledna;

namespace {

int fail(const core::Status& status) {
    std::fprintf(stderr, "openl3_embed_tool: %s\n", status.toString().c_str());
    return 1;
}

std::string meta(const models::NamedTensorArchive& a, const std::string& key,
                 const std::string& fallback) {
    const auto it = a.metadata.find(key);
    return it == a.metadata.end() ? fallback : it->second;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: openl3_embed_tool WEIGHTS INPUT OUTPUT\n");
        return 2;
    }
    auto input = models::readNamedTensorArchive(argv[2]);
    if (!input.isOk()) {
        return fail(input.status());
    }
    if (input->tensors.count("audio") == 0) {
        return fail(core::invalidArgument(std::string(argv[2]) + ": no tensor \"audio\""));
    }
    models::OpenL3Params params;
    params.weights_path = argv[1];
    params.hop_s = std::stod(meta(*input, "hop_s", "1.0"));
    params.center = meta(*input, "center", "1") == "1";
    params.batch_windows = std::stoi(meta(*input, "batch_windows", "4"));
    auto backbone = models::OpenL3Backbone::load(params);
    if (!backbone.isOk()) {
        return fail(backbone.status());
    }

    models::NamedTensorArchive output;
    auto embedding = (*backbone)->embedSignal(input->tensors.at("audio").values);
    if (!embedding.isOk()) {
        return fail(embedding.status());
    }
    const auto windows = static_cast<std::int64_t>(embedding->windows());
    output.tensors["embedding"] = {{windows, models::OpenL3Backbone::kEmbeddingDim},
                                   embedding->values};
    output.tensors["start_s"] = {
        {windows}, std::vector<float>(embedding->start_s.begin(), embedding->start_s.end())};
    if (const auto it = input->tensors.find("windows"); it != input->tensors.end()) {
        const auto n = it->second.shape.empty() ? 0 : it->second.shape[0];
        auto mel = (*backbone)->melSpectrogram(it->second.values);
        auto direct = (*backbone)->embedWindows(it->second.values);
        if (!mel.isOk()) {
            return fail(mel.status());
        }
        if (!direct.isOk()) {
            return fail(direct.status());
        }
        output.tensors["windows_mel"] = {
            {n, models::OpenL3Backbone::kMelBands, models::OpenL3Backbone::kFrames}, *mel};
        output.tensors["windows_embedding"] = {{n, models::OpenL3Backbone::kEmbeddingDim}, *direct};
    }
    if (auto status = models::writeNamedTensorArchive(argv[3], output); !status.isOk()) {
        return fail(status);
    }
    return 0;
}
