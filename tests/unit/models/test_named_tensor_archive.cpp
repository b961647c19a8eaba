#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "models/named_tensor_archive.hpp"
#include "unit/test_support.hpp"

using namespace styledna;

TEST_CASE("Named-tensor archive round-trips tensors and metadata", "[models][archive]") {
    models::NamedTensorArchive a;
    a.metadata["format"] = "openl3-audio-mel256";
    a.metadata["empty"] = "";
    a.tensors["conv1.weight"] = {{2, 1, 3}, {1, 2, 3, 4, 5, 6}};
    a.tensors["scalar"] = {{}, {-0.5f}};
    a.tensors["none"] = {{0, 4}, {}};
    const auto path = (test::tempDir("archive") / "a.sdnt").string();
    REQUIRE(models::writeNamedTensorArchive(path, a).isOk());
    auto b = models::readNamedTensorArchive(path);
    REQUIRE(b.isOk());
    CHECK(b->metadata == a.metadata);
    REQUIRE(b->tensors.size() == 3);
    CHECK(b->tensors.at("conv1.weight").shape == std::vector<std::int64_t>{2, 1, 3});
    CHECK(b->tensors.at("conv1.weight").values == a.tensors.at("conv1.weight").values);
    CHECK(b->tensors.at("scalar").values == std::vector<float>{-0.5f});
    CHECK(b->tensors.at("none").elementCount() == 0);
}

TEST_CASE("Named-tensor archive rejects foreign, truncated and inconsistent files",
          "[models][archive][edge]") {
    const auto dir = test::tempDir("archive-bad");
    CHECK(models::readNamedTensorArchive((dir / "missing.sdnt").string()).status().code() ==
          core::StatusCode::kNotFound);

    models::NamedTensorArchive a;
    a.tensors["w"] = {{3}, {1, 2}};
    CHECK_FALSE(models::writeNamedTensorArchive((dir / "bad.sdnt").string(), a).isOk());

    a.tensors["w"] = {{4}, {1, 2, 3, 4}};
    const auto good = (dir / "good.sdnt").string();
    REQUIRE(models::writeNamedTensorArchive(good, a).isOk());
    std::ifstream in(good, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

    auto writeRaw = [&](const std::string& name, const std::string& content) {
        const auto p = (dir / name).string();
        std::ofstream(p, std::ios::binary) << content;
        return p;
    };
    for (std::size_t cut : {std::size_t{0}, std::size_t{5}, std::size_t{12}, bytes.size() - 1}) {
        CAPTURE(cut);
        auto r = models::readNamedTensorArchive(writeRaw("cut.sdnt", bytes.substr(0, cut)));
        REQUIRE_FALSE(r.isOk());
        CHECK(r.status().message().find("cut.sdnt") != std::string::npos);
    }
    CHECK_FALSE(models::readNamedTensorArchive(writeRaw("extra.sdnt", bytes + "x")).isOk());
    auto foreign = bytes;
    foreign[0] = 'X';
    CHECK_FALSE(models::readNamedTensorArchive(writeRaw("foreign.sdnt", foreign)).isOk());
}
