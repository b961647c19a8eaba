// Track roles from names, --map parsing and its errors, the set key.
#include <catch2/catch.hpp>

#include "core/fixes/track_roles.hpp"
#include "unit/fixes/test_live_sets.hpp"

using namespace styledna;
using namespace styledna::fixes;

TEST_CASE("roles from track names", "[fixes][roles]") {
    CHECK(roleFromName("Kick") == "kick");
    CHECK(roleFromName("BD 909") == "kick");
    CHECK(roleFromName("Sub") == "bass");
    CHECK(roleFromName("Rolling Bass") == "bass");
    CHECK(roleFromName("Lead 1") == "lead");
    CHECK(roleFromName("Pluck") == "lead");
    CHECK(roleFromName("Supersaw Chords") == "pad");
    CHECK(roleFromName("Pad") == "pad");
    CHECK(roleFromName("Hats") == "drums");
    CHECK(roleFromName("Perc Loop") == "drums");
    CHECK(roleFromName("FX Riser") == "fx");
    CHECK(roleFromName("Drum Bus") == "bus");
    CHECK(roleFromName("Mix Bus") == "bus");
    CHECK(roleFromName("Subtle Texture") == "other"); // "sub" only as a whole word
    CHECK(roleFromName("Vocal") == "other");
}

TEST_CASE("--map parsing and errors", "[fixes][roles]") {
    auto map = parseRoleMap(" Bass = bass, Lead 1=LEAD ,");
    REQUIRE(map.isOk());
    REQUIRE(map->size() == 2);
    CHECK(map->at(1) == std::make_pair(std::string("Lead 1"), std::string("lead")));
    CHECK(roleMapToText(*map) == "Bass=bass,Lead 1=lead");
    auto bad_role = parseRoleMap("Bass=bas");
    REQUIRE_FALSE(bad_role.isOk());
    CHECK(bad_role.status().message().find("unknown role 'bas' for 'Bass'") != std::string::npos);
    CHECK(bad_role.status().message().find("kick, bass") != std::string::npos);
    CHECK_FALSE(parseRoleMap("Bass").isOk());
    CHECK_FALSE(parseRoleMap("=bass").isOk());

    const auto set = test::trancePlanSet();
    auto roles = assignRoles(set, {{"hats", "fx"}, {"Mix Bus", "bus"}});
    REQUIRE(roles.isOk());
    CHECK(roles->at(4).role == "fx");
    CHECK(roles->at(4).from_user);
    CHECK(roles->at(1).role == "bass");
    CHECK_FALSE(roles->at(1).from_user);
    auto unknown = assignRoles(set, {{"Vox", "lead"}});
    REQUIRE_FALSE(unknown.isOk());
    CHECK(unknown.status().message().find("no track 'Vox'") != std::string::npos);
    CHECK(unknown.status().message().find("'Bass'") != std::string::npos);
}

TEST_CASE("set key ignores track order", "[fixes][roles]") {
    auto set = test::trancePlanSet();
    const std::string key = setKey(set);
    CHECK(key.size() == 16);
    std::swap(set.tracks[0], set.tracks[3]);
    CHECK(setKey(set) == key);
    set.tracks[0].name = "Other";
    CHECK(setKey(set) != key);
}
