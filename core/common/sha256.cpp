#include "core/common/sha256.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include <openssl/evp.h>

namespace styledna::core {
namespace {

struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct FileClose {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

std::string toHex(const unsigned char* digest, unsigned int len) {
    static const char* kHex = "0123456789abcdef";
    std::string out(len * 2, '0');
    for (unsigned int i = 0; i < len; ++i) {
        out[2 * i] = kHex[digest[i] >> 4];
        out[2 * i + 1] = kHex[digest[i] & 0xF];
    }
    return out;
}

} // namespace

std::string sha256Hex(const void* data, std::size_t size) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data, size, digest, &len, EVP_sha256(), nullptr);
    return toHex(digest, len);
}

Result<std::string> sha256File(const std::string& path, const std::function<bool()>& is_cancelled) {
    std::unique_ptr<std::FILE, FileClose> file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        const int err = errno;
        if (err == ENOENT) {
            return notFound(path + ": no such file");
        }
        return invalidArgument(path + ": cannot open (" + std::strerror(err) + ")");
    }
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
        return internalError("sha256: OpenSSL digest init failed");
    }
    std::vector<unsigned char> chunk(1 << 20);
    while (true) {
        const std::size_t n = std::fread(chunk.data(), 1, chunk.size(), file.get());
        if (n > 0) {
            EVP_DigestUpdate(ctx.get(), chunk.data(), n);
        }
        if (n < chunk.size()) {
            if (std::ferror(file.get())) {
                return invalidArgument(path + ": read error while hashing (" +
                                       std::strerror(errno) + ")");
            }
            break;
        }
        if (is_cancelled && is_cancelled()) {
            return cancelledError(path + ": hashing cancelled");
        }
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), digest, &len);
    return toHex(digest, len);
}

} // namespace styledna::core
