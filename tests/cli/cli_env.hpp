#pragma once
// Runs syxflash-cli with a controlled environment: the shipped manifests from the source tree and
// a private XDG_CONFIG_HOME, so the developer's own ~/.config never leaks into a test.
#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace syx::test {

inline ProcessResult run_cli_env(const std::vector<std::string>& env,
                                 const std::vector<std::string>& args) {
    std::vector<std::string> argv{"env", "SYXFLASH_MANIFEST_DIR=" +
                                             (source_dir() / "firmware-manifests").string()};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.push_back(cli_path().string());
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
}

} // namespace syx::test
