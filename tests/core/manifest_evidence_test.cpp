// Every fact a shipped manifest tags `confirmed` names its source (firmware-manifests/README.md,
// "Evidence"): a manual, a vendor page, or a working open-source tool, with document and page or
// repository and path. The walk is over the TOML itself, so a table the loader does not keep a
// source for (or a table added later) is still held to the rule.
#include <filesystem>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include <gtest/gtest.h>
#include <toml++/toml.h>

namespace {

std::vector<std::filesystem::path> manifest_files() {
    return syx::test::shipped_manifest_files();
}

// "path.to.table: line N" for every table tagged confirmed without a non-empty source.
void collect_unsourced(const toml::table& table, const std::string& where,
                       std::vector<std::string>& out) {
    const auto confidence = table["confidence"].value<std::string>();
    if (confidence && *confidence == "confirmed") {
        const auto source = table["source"].value<std::string>();
        if (!source || source->find_first_not_of(" \t") == std::string::npos) {
            out.push_back(where + " (line " + std::to_string(table.source().begin.line) + ")");
        }
    }
    for (const auto& [key, node] : table) {
        const std::string name = where + "." + std::string(key.str());
        if (const auto* sub = node.as_table()) {
            collect_unsourced(*sub, name, out);
        } else if (const auto* array = node.as_array()) {
            for (std::size_t i = 0; i < array->size(); ++i) {
                if (const auto* item = array->get(i)->as_table()) {
                    collect_unsourced(*item, name + "[" + std::to_string(i) + "]", out);
                }
            }
        }
    }
}

std::vector<std::string> unsourced_confirmed_facts(const std::string& toml_text,
                                                   const std::string& name) {
    std::vector<std::string> out;
    const toml::table doc = toml::parse(toml_text, name);
    collect_unsourced(doc, name, out);
    return out;
}

TEST(ManifestEvidence, EveryConfirmedFactInAShippedManifestNamesItsSource) {
    const auto files = manifest_files();
    ASSERT_FALSE(files.empty());
    for (const auto& file : files) {
        const auto text = syx::test::read_file_bytes(file);
        const auto missing = unsourced_confirmed_facts(std::string(text.begin(), text.end()),
                                                       file.filename().string());
        for (const auto& m : missing) {
            ADD_FAILURE() << m << " is tagged confirmed but names no source";
        }
    }
}

TEST(ManifestEvidence, TheCheckFindsAConfirmedTableWithoutSource) {
    // The rule itself, on a small document: top level, nested and array-of-tables entries.
    const std::string doc = R"(
[identity]
confidence = "confirmed"
[pacing.usb]
confidence = "confirmed"
source = "manual p. 3"
[[display]]
confidence = "reported"
[[display]]
confidence = "confirmed"
source = "  "
)";
    const auto missing = unsourced_confirmed_facts(doc, "t");
    ASSERT_EQ(missing.size(), 2U);
    EXPECT_EQ(missing[0].rfind("t.display[1]", 0) == 0 || missing[1].rfind("t.display[1]", 0) == 0,
              true);
}

} // namespace
