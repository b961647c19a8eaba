#include "models/named_tensor_archive.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>

namespace styledna::models {

static_assert(std::endian::native == std::endian::little,
              "the archive reader and writer assume a little-endian host");

namespace {

constexpr char kMagic[8] = {'S', 'D', 'N', 'T', 'A', 'R', '0', '1'};
constexpr std::uint32_t kMaxStringBytes = 64 * 1024;
constexpr std::uint32_t kMaxRank = 8;

class Reader {
public:
    Reader(const std::string& path, std::vector<char> bytes)
        : m_path(path), m_bytes(std::move(bytes)) {}

    std::size_t left() const { return m_bytes.size() - m_pos; }

    bool read(void* dst, std::size_t n) {
        if (n > left()) {
            return false;
        }
        std::memcpy(dst, m_bytes.data() + m_pos, n);
        m_pos += n;
        return true;
    }

    template <class T> bool value(T& out) { return read(&out, sizeof(T)); }

    bool string(std::string& out) {
        std::uint32_t n = 0;
        if (!value(n) || n > kMaxStringBytes || n > left()) {
            return false;
        }
        out.assign(m_bytes.data() + m_pos, n);
        m_pos += n;
        return true;
    }

    core::Status fail(const std::string& what) const {
        return core::invalidArgument(m_path + ": not a named-tensor archive or truncated (" + what +
                                     " at byte " + std::to_string(m_pos) + ")");
    }

private:
    std::string m_path;
    std::vector<char> m_bytes;
    std::size_t m_pos = 0;
};

} // namespace

std::int64_t NamedTensor::elementCount() const {
    std::int64_t n = 1;
    for (auto d : shape) {
        n *= d;
    }
    return n;
}

core::Result<NamedTensorArchive> readNamedTensorArchive(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return core::notFound(path + ": cannot open the weights file");
    }
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Reader r(path, std::move(bytes));

    char magic[8] = {};
    if (!r.read(magic, sizeof(magic)) || std::memcmp(magic, kMagic, sizeof(kMagic)) != 0) {
        return r.fail("magic");
    }
    NamedTensorArchive archive;
    std::uint32_t count = 0;
    if (!r.value(count)) {
        return r.fail("metadata count");
    }
    for (std::uint32_t i = 0; i < count; ++i) {
        std::string key, value;
        if (!r.string(key) || !r.string(value)) {
            return r.fail("metadata entry");
        }
        archive.metadata[key] = value;
    }
    if (!r.value(count)) {
        return r.fail("tensor count");
    }
    for (std::uint32_t i = 0; i < count; ++i) {
        std::string name;
        std::uint32_t rank = 0;
        if (!r.string(name) || !r.value(rank) || rank > kMaxRank) {
            return r.fail("tensor header");
        }
        NamedTensor t;
        std::uint64_t elements = 1;
        for (std::uint32_t k = 0; k < rank; ++k) {
            std::int64_t d = 0;
            if (!r.value(d) || d < 0) {
                return r.fail("dimension of " + name);
            }
            const auto ud = static_cast<std::uint64_t>(d);
            if (ud != 0 && elements > r.left() / sizeof(float) / ud) {
                return r.fail("values of " + name);
            }
            t.shape.push_back(d);
            elements *= ud;
        }
        t.values.resize(elements);
        if (!r.read(t.values.data(), elements * sizeof(float))) {
            return r.fail("values of " + name);
        }
        if (!archive.tensors.emplace(name, std::move(t)).second) {
            return r.fail("duplicate tensor " + name);
        }
    }
    if (r.left() != 0) {
        return r.fail("trailing bytes");
    }
    return archive;
}

core::Status writeNamedTensorArchive(const std::string& path, const NamedTensorArchive& archive) {
    std::string out(kMagic, sizeof(kMagic));
    auto put = [&out](const void* p, std::size_t n) { out.append(static_cast<const char*>(p), n); };
    auto putU32 = [&put](std::size_t v) {
        const auto u = static_cast<std::uint32_t>(v);
        put(&u, sizeof(u));
    };
    auto putString = [&](const std::string& s) -> bool {
        if (s.size() > kMaxStringBytes) {
            return false;
        }
        putU32(s.size());
        put(s.data(), s.size());
        return true;
    };
    putU32(archive.metadata.size());
    for (const auto& [key, value] : archive.metadata) {
        if (!putString(key) || !putString(value)) {
            return core::invalidArgument(path + ": metadata string longer than 64 KiB");
        }
    }
    putU32(archive.tensors.size());
    for (const auto& [name, t] : archive.tensors) {
        if (t.shape.size() > kMaxRank ||
            static_cast<std::int64_t>(t.values.size()) != t.elementCount() ||
            std::any_of(t.shape.begin(), t.shape.end(), [](std::int64_t d) { return d < 0; })) {
            return core::invalidArgument(path + ": tensor " + name +
                                         " has values that do not match its shape");
        }
        if (!putString(name)) {
            return core::invalidArgument(path + ": tensor name longer than 64 KiB");
        }
        putU32(t.shape.size());
        put(t.shape.data(), t.shape.size() * sizeof(std::int64_t));
        put(t.values.data(), t.values.size() * sizeof(float));
    }
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file.write(out.data(), static_cast<std::streamsize>(out.size())) || !file.flush()) {
        return core::internalError(path + ": cannot write the archive");
    }
    return core::Status::ok();
}

} // namespace styledna::models
