// libFuzzer target for the manifest loader: arbitrary bytes must never crash, hang or leak; a
// manifest that loads must survive validation of a small file and identity matching.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/catalogue.hpp"
#include "core/manifest_loader.hpp"
#include "core/validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size); // NOLINT: fuzzer ABI
    auto load = syx::parse_manifest(text, "fuzz.toml");
    for (const auto& problem : load.problems) {
        (void)problem.to_string();
    }
    if (!load.ok()) {
        return 0;
    }
    const syx::Manifest& manifest = *load.manifest;

    // Two small messages, one of them the manifest's own first prefix completed with F7.
    syx::SysexFile file;
    file.format = syx::FileFormat::raw_syx;
    std::vector<std::uint8_t> first{0xF0, 0x00, 0x01, 0x25, 0x10, 0xF7};
    std::vector<std::uint8_t> second{0xF0};
    if (!manifest.firmware.message_prefixes.empty()) {
        second = manifest.firmware.message_prefixes.front().concrete(0x01);
    }
    second.push_back(0xF7);
    for (const auto* message : {&first, &second}) {
        syx::SysexMessage m;
        m.index = file.messages.size();
        m.offset = file.built_storage.size();
        m.storage_begin = file.built_storage.size();
        m.length = message->size();
        file.built_storage.insert(file.built_storage.end(), message->begin(), message->end());
        file.messages.push_back(m);
    }
    file.file_bytes = file.decoded_bytes = file.built_storage.size();
    for (syx::Link link : {syx::Link::usb, syx::Link::din}) {
        (void)syx::validate(file, manifest, link, syx::ValidationPurpose::firmware);
        (void)syx::validate(file, manifest, link, syx::ValidationPurpose::restore);
    }
    syx::Catalogue catalogue;
    (void)catalogue.add(manifest, "fuzz.toml", syx::ManifestOrigin::shipped);
    (void)catalogue.match_identity(first);
    (void)manifest.find_display("ERROR 2");
    return 0;
}
