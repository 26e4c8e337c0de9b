// syxflash-cli devices [--json]: ids, names, makers, backup kind, preferred link and the manifest
// file each device came from, including user overrides from $XDG_CONFIG_HOME.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cli_env.hpp"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using syx::test::run_cli_env;
using syx::test::TempDir;

TEST(DevicesCommand, ListsEverySeedDeviceWithItsManifestFile) {
    TempDir home;
    const auto r = run_cli_env({"XDG_CONFIG_HOME=" + home.path().string()}, {"devices"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* id : {"moog-little-phatty", "parker-midifly", "novation-k-station",
                           "m-audio-code", "jomox-mbrane-11", "jomox-mbase-11",
                           "elektron-octatrack", "gligli-prophet-600", "generic"}) {
        EXPECT_NE(r.out.find(id), std::string::npos) << id;
        EXPECT_NE(r.out.find(std::string(id) + ".toml"), std::string::npos) << id;
    }
    EXPECT_NE(r.out.find("Moog Little Phatty"), std::string::npos);
    EXPECT_NE(r.out.find("BACKUP"), std::string::npos);
}

TEST(DevicesCommand, JsonHasTheContractFields) {
    TempDir home;
    const auto r = run_cli_env({"XDG_CONFIG_HOME=" + home.path().string()}, {"devices", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    ASSERT_TRUE(doc.contains("devices"));
    std::map<std::string, nlohmann::json> by_id;
    for (const auto& d : doc["devices"]) {
        by_id[d.at("id").get<std::string>()] = d;
        for (const char* key :
             {"name", "maker", "backup", "preferred_link", "manifest", "origin"}) {
            EXPECT_TRUE(d.contains(key)) << key;
        }
    }
    ASSERT_EQ(by_id.size(), 21U);
    EXPECT_EQ(by_id["elektron-octatrack"]["preferred_link"], "din");
    EXPECT_EQ(by_id["elektron-octatrack"]["backup"], "none");
    EXPECT_EQ(by_id["moog-little-phatty"]["backup"], "automatic");
    EXPECT_EQ(by_id["moog-little-phatty"]["preferred_link"], "usb");
    EXPECT_EQ(by_id["jomox-mbrane-11"]["backup"], "record-many");
    EXPECT_EQ(by_id["novation-k-station"]["backup"], "manual");
    EXPECT_EQ(by_id["gligli-prophet-600"]["origin"], "shipped");
    EXPECT_TRUE(doc["problems"].empty());
}

TEST(DevicesCommand, UserManifestOverridesAShippedDeviceAndSaysSo) {
    TempDir home;
    const auto user_dir = home.path() / "syxflash" / "manifests";
    std::filesystem::create_directories(user_dir);
    std::ifstream in(syx::test::source_dir() / "firmware-manifests" / "parker-midifly.toml");
    std::stringstream text;
    text << in.rdbuf();
    std::string manifest = text.str();
    manifest.replace(manifest.find("name = \"Parker MIDIFly\""), 23, "name = \"My MIDIFly\"");
    std::ofstream(user_dir / "parker-midifly.toml") << manifest;

    const auto json =
        run_cli_env({"XDG_CONFIG_HOME=" + home.path().string()}, {"devices", "--json"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    const auto doc = nlohmann::json::parse(json.out);
    bool seen = false;
    for (const auto& d : doc["devices"]) {
        if (d["id"] == "parker-midifly") {
            seen = true;
            EXPECT_EQ(d["name"], "My MIDIFly");
            EXPECT_EQ(d["origin"], "user");
            EXPECT_EQ(d["manifest"], (user_dir / "parker-midifly.toml").string());
            EXPECT_NE(
                d["overrides"].get<std::string>().find("firmware-manifests/parker-midifly.toml"),
                std::string::npos);
        }
    }
    EXPECT_TRUE(seen);
    const auto text_out = run_cli_env({"XDG_CONFIG_HOME=" + home.path().string()}, {"devices"});
    EXPECT_NE(text_out.out.find("overrides the shipped one"), std::string::npos) << text_out.out;
}

TEST(DevicesCommand, BrokenUserManifestIsReportedWithFileAndLineAndSkipped) {
    TempDir home;
    const auto user_dir = home.path() / "syxflash" / "manifests";
    std::filesystem::create_directories(user_dir);
    std::ofstream(user_dir / "mine.toml") << "schema = 1\nid = \"mine\"\nnmae = \"typo\"\n";
    const auto r = run_cli_env({"XDG_CONFIG_HOME=" + home.path().string()}, {"devices"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.err.find((user_dir / "mine.toml").string() + ":3:1: unknown key 'nmae'"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.out.find("mine "), std::string::npos);
    EXPECT_NE(r.out.find("parker-midifly"), std::string::npos);
}

TEST(DevicesCommand, NoManifestsAtAllIsAnErrorThatSaysWhereItLooked) {
    TempDir home;
    const auto r = syx::test::run_process(
        {"env", "SYXFLASH_MANIFEST_DIR=" + (home.path() / "none").string(),
         "XDG_CONFIG_HOME=" + home.path().string(), syx::test::cli_path().string(), "devices"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("no device manifests found"), std::string::npos) << r.err;
}

} // namespace
