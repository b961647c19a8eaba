#pragma once
// Named-tensor archive: StyleDNA's file format for model weights that come from
// outside (OpenL3's, converted by models/convert_openl3_weights.py) and for test
// fixtures exchanged with Python. Torch-free; models/convert_openl3_weights.py
// holds the Python reader and writer of the same format.
//
// Layout, every integer little-endian:
//   8 bytes   magic "SDNTAR01"
//   u32       metadata count, then per entry: u32 key bytes, key, u32 value bytes, value
//   u32       tensor count, then per tensor: u32 name bytes, name, u32 rank (0..8),
//             rank x i64 dimensions (>= 0), then prod(dimensions) float32 values,
//             row-major (C order)
// Strings are UTF-8 without terminator (at most 64 KiB each); names are unique.
// Nothing may follow the last tensor. Reading checks every count against the bytes
// left, so a truncated or foreign file fails with a message naming the file.
// Threads: plain functions and data.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/common/status.hpp"

namespace styledna::models {

struct NamedTensor {
    std::vector<std::int64_t> shape; // empty: a scalar (one value)
    std::vector<float> values;       // prod(shape) values, row-major

    std::int64_t elementCount() const;
};

struct NamedTensorArchive {
    std::map<std::string, std::string> metadata;
    std::map<std::string, NamedTensor> tensors;
};

core::Result<NamedTensorArchive> readNamedTensorArchive(const std::string& path);
// Fails on a tensor whose values do not match its shape, or on an I/O error.
core::Status writeNamedTensorArchive(const std::string& path, const NamedTensorArchive& archive);

} // namespace styledna::models
