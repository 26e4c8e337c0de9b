#include "engine/inspect.hpp"

#include <algorithm>
#include <cstddef>
#include <exception>
#include <new>
#include <span>
#include <thread>
#include <utility>

#include "core/firmware_grammar.hpp"

namespace syx::engine {
namespace {

// Runs `work` on its own thread; join() reports whether it finished without throwing (the only
// exception here is std::bad_alloc from OpenSSL contexts, and it must not cross the layer).
class Worker {
public:
    template <class Work>
    explicit Worker(Work work)
        : m_thread([this, work = std::move(work)]() mutable {
              try {
                  work();
              } catch (...) {
                  m_failed = true;
              }
          }) {}
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;
    ~Worker() {
        if (m_thread.joinable()) {
            m_thread.join();
        }
    }

    [[nodiscard]] bool join() {
        m_thread.join();
        return !m_failed;
    }

private:
    bool m_failed = false; // written by the thread, read after join()
    std::thread m_thread;  // last: starts after m_failed is initialised
};

bool hash_messages(const SysexFile& file, std::vector<Sha256Digest>& out, std::size_t begin,
                   std::size_t end) {
    try {
        for (std::size_t i = begin; i < end; ++i) {
            out[i] = sha256(file.bytes_of(file.messages[i]));
        }
        return true;
    } catch (const std::bad_alloc&) {
        return false;
    }
}

Error out_of_memory(const std::filesystem::path& path) {
    return Error{ErrorCode::internal,
                 path.string() + ": out of memory while hashing (close other programs and retry)"};
}

} // namespace

Result<InspectedFile> inspect_file(const std::filesystem::path& path,
                                   const InspectOptions& options) {
    ReadOptions read = options.read;
    read.hash_file = false;
    read.map_regular_files = true; // read and report only: nothing is sent from these bytes
    auto loaded = load_file(path, read);
    if (!loaded.ok()) {
        return loaded.error();
    }
    InspectedFile result;
    if (loaded->refused) {
        result.file = read_loaded_file(std::move(*loaded), read); // nothing to hash
        return result;
    }

    // Thread 2: the file's SHA-256, the longest pass (about as long as all the others together).
    // This thread: the CRC-32, then framing and validation. `input` shares the loaded bytes so
    // they outlive both.
    const SharedBytes input = loaded->content;
    Sha256Digest file_sha256{};
    Worker file_hasher([&file_sha256, bytes = input.bytes] {
        Sha256 hasher;
        hasher.update(bytes);
        file_sha256 = hasher.finish();
    });
    const std::uint32_t file_crc32 = crc32(input.bytes);
    result.file = read_loaded_file(std::move(*loaded), read);

    bool ok = true;
    if (options.message_hashes) {
        // Split the messages in two; the second half gets its own thread (for a while three
        // threads share two cores if the file hash is still running; the OS evens that out).
        const std::size_t count = result.file.messages.size();
        result.message_sha256.resize(count);
        const std::size_t middle = count / 2;
        bool second_ok = true;
        {
            Worker second([&] {
                second_ok = hash_messages(result.file, result.message_sha256, middle, count);
            });
            ok = hash_messages(result.file, result.message_sha256, 0, middle);
            ok = second.join() && ok;
        }
        ok = ok && second_ok;
    }
    ok = file_hasher.join() && ok;
    if (!ok) {
        return out_of_memory(path);
    }
    result.file.sha256 = file_sha256;
    result.file.crc32 = file_crc32;
    return result;
}

std::vector<DecodedFirmwareFacts> decode_as_firmware(const SysexFile& file,
                                                     const Catalogue& catalogue) {
    std::vector<DecodedFirmwareFacts> out;
    if (file.messages.empty()) {
        return out;
    }
    std::vector<std::span<const std::uint8_t>> messages;
    messages.reserve(file.messages.size());
    for (const auto& m : file.messages) {
        messages.push_back(file.bytes_of(m));
    }
    for (const auto& entry : catalogue.entries()) {
        const auto& fw = entry.manifest.firmware;
        if (!fw.supported || !fw.grammar) {
            continue;
        }
        const bool prefix_matches =
            std::any_of(fw.message_prefixes.begin(), fw.message_prefixes.end(),
                        [&](const BytePattern& p) { return p.matches_prefix(messages.front()); });
        if (!prefix_matches) {
            continue;
        }
        const auto decoded = decode_firmware(*fw.grammar, messages);
        if (!decoded.ok()) {
            continue;
        }
        DecodedFirmwareFacts facts;
        facts.device_id = entry.manifest.id;
        facts.device_name = entry.manifest.name;
        facts.summary = decoded.summary(*fw.grammar);
        facts.block_noun = fw.grammar->block_noun;
        facts.blocks = decoded.data_messages;
        facts.block_bytes = decoded.block_bytes;
        if (decoded.declared_image_bytes) {
            facts.image_bytes = decoded.declared_image_bytes;
        } else if (!decoded.image.empty()) {
            facts.image_bytes = decoded.image.size();
        }
        if (decoded.image_crc && fw.grammar->image_crc) {
            facts.image_crc = decoded.image_crc;
            facts.image_crc_width = fw.grammar->image_crc->width;
        }
        facts.declared_version = decoded.declared_version;
        if (const auto* release = fw.find_release(file.sha256)) {
            facts.release = release->version;
            facts.summary += "; known release " + release->version; // as validate says it
        }
        facts.carries_checksum = fw.grammar->carries_checksum();
        out.push_back(std::move(facts));
    }
    return out;
}

} // namespace syx::engine
