#include "engine/inspect.hpp"

#include <cstddef>
#include <exception>
#include <new>
#include <span>
#include <thread>
#include <utility>

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

} // namespace syx::engine
