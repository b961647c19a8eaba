#pragma once
// Little-endian byte writer and bounds-checked reader for the VectorIndex
// format (vector_index.hpp). The reader never reads past its end: every get
// reports failure instead, so a truncated or lying blob becomes a Status.
// Threads: plain objects, one owner each.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace styledna::index::detail {

static_assert(std::endian::native == std::endian::little,
              "the index format is little-endian; big-endian hosts need byte swapping");

class ByteWriter {
public:
    explicit ByteWriter(std::string& out) : m_out(out) {}

    template <class T> void put(T value) {
        static_assert(std::is_trivially_copyable_v<T>);
        m_out.append(reinterpret_cast<const char*>(&value), sizeof(T));
    }
    void putBytes(const void* data, std::size_t size) {
        m_out.append(static_cast<const char*>(data), size);
    }

private:
    std::string& m_out;
};

class ByteReader {
public:
    explicit ByteReader(std::string_view bytes) : m_bytes(bytes) {}

    std::size_t remaining() const { return m_bytes.size() - m_position; }
    std::size_t position() const { return m_position; }

    template <class T> bool get(T& value) {
        static_assert(std::is_trivially_copyable_v<T>);
        if (remaining() < sizeof(T)) {
            return false;
        }
        std::memcpy(&value, m_bytes.data() + m_position, sizeof(T));
        m_position += sizeof(T);
        return true;
    }
    // The next `size` bytes (unaligned: copy out with memcpy), or nullptr
    // when fewer remain.
    const char* take(std::size_t size) {
        if (remaining() < size) {
            return nullptr;
        }
        const char* p = m_bytes.data() + m_position;
        m_position += size;
        return p;
    }

private:
    std::string_view m_bytes;
    std::size_t m_position = 0;
};

} // namespace styledna::index::detail
