#pragma once
// Helpers shared by every test executable.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// Tests read their fixtures (SysEx files, the shipped manifests) the way the product does: with
// the engine's file reading (core only parses bytes and text, DESIGN.md §2).
#include "engine/manifest_files.hpp"
#include "engine/sysex_file_reader.hpp"

namespace syx::test {

// ../shared/fixtures beside the project, or nullopt when absent (tests then GTEST_SKIP()).
std::optional<std::filesystem::path> fixtures_dir();
// Path of a fixture file, or nullopt when the folder or the file is absent.
std::optional<std::filesystem::path> fixture(const std::string& name);
std::filesystem::path source_dir();
// The shipped manifests, source_dir()/firmware-manifests/*.toml, sorted by name.
std::vector<std::filesystem::path> shipped_manifest_files();
std::filesystem::path cli_path();
// In a forked child: replaces the process with syxflash-cli ARGS… (exits 127 when that fails).
[[noreturn]] void exec_cli(const std::vector<std::string>& args);

struct ProcessResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs a program (no shell) with the given arguments and optional stdin text, capturing output.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = {});
// Runs syxflash-cli with the given arguments.
ProcessResult run_cli(const std::vector<std::string>& args, const std::string& input = {});

// A path under the system temp dir named `name` and this process's id: test runs in parallel
// (two checkouts, two ctest runs) never share it.
std::filesystem::path process_temp_path(const std::string& name);

// A fresh empty directory under the system temp dir, removed when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
        return m_path / name;
    }

private:
    std::filesystem::path m_path;
};

// A user manifest for `id` in <config>/syxflash/manifests/ (what XDG_CONFIG_HOME=<config>
// finds): the shipped one with its DIN gap set to `gap_ms`. False when the shipped manifest has
// no DIN gap to change.
bool write_user_manifest_with_gap(const std::filesystem::path& config, const std::string& id,
                                  int gap_ms);

std::vector<unsigned char> read_file_bytes(const std::filesystem::path& path);
void write_file_bytes(const std::filesystem::path& path, const std::vector<unsigned char>& bytes);

// syxflash-cli with these arguments, stopped by `timeout` after `seconds` (SIGKILL 2 s later;
// exit 124 when it had to stop it).
ProcessResult run_cli_bounded(const std::vector<std::string>& args, int seconds = 20);
// The command line and what it printed, for a failing expectation's message.
std::string describe_cli_run(const std::vector<std::string>& args, const ProcessResult& r);

// The shipped manifest with this id (the repository's firmware-manifests folder, loaded once);
// throws when there is none.
const Manifest& shipped_manifest(const std::string& id);

// True when the file's findings include one with this code.
bool has_finding(const SysexFile& file, const std::string& code);

} // namespace syx::test

#define SYX_REQUIRE_FIXTURE(var, name)                                                             \
    const auto var##_opt = ::syx::test::fixture(name);                                             \
    if (!var##_opt) {                                                                              \
        GTEST_SKIP() << "fixture " << (name) << " not available (../shared/fixtures absent)";      \
    }                                                                                              \
    const std::filesystem::path& var = *var##_opt
