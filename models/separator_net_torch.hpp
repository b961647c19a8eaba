#pragma once
// LibTorch side of the separator network (separator_net.hpp), shared by the
// inference wrapper and the trainer only: include it from those two .cpp
// files (it pulls in torch/torch.h).

#include <vector>

#include <torch/torch.h>

#include "models/named_tensor_archive.hpp"
#include "models/separator_net.hpp"

namespace styledna::models::detail {

struct SeparatorNetTensors {
    torch::Tensor input_weight, input_bias;
    std::vector<torch::Tensor> block_norm_weight, block_norm_bias, block_weight, block_bias;
    torch::Tensor output_norm_weight, output_norm_bias, output_weight, output_bias;

    std::vector<torch::Tensor> parameters() const;
    SeparatorNetTensors clone() const; // detached copies that require grad
    void copyFrom(const SeparatorNetTensors& other);
};

torch::Tensor channelNorm(const torch::Tensor& x, const torch::Tensor& weight,
                          const torch::Tensor& bias);

// Uniform +-1/sqrt(fan_in) weights and biases drawn from `gen` (LibTorch's
// conv default bound), requiring grad.
SeparatorNetTensors initSeparatorNet(const SeparatorNetConfig& config, at::Generator& gen);

// x [N, 2 bands, T + 2 R] -> masks [N, 3, bands, T] (softmax over dim 1).
torch::Tensor separatorMasks(const SeparatorNetTensors& net, const SeparatorNetConfig& config,
                             const torch::Tensor& x);

// The archive holds the contract's names; config must be valid.
NamedTensorArchive separatorArchive(const SeparatorNetTensors& net,
                                    const SeparatorNetConfig& config,
                                    const std::string& training_note);

} // namespace styledna::models::detail
