// Pacing at the receiver: our paced sender vs a plain send-then-sleep loop, measured by the same
// separate JACK client in one run (DESIGN.md §6). Prints figures; asserts nothing.
//
// usage: pacing_bench [messages=40] [gap_ms=150] [bytes=64]
// Uses the JACK server named by JACK_DEFAULT_SERVER (or the default one); when none answers it
// starts its own (`jackd --no-realtime -d dummy -r 48000 -p 256`) and stops it at the end.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <RtMidi.h>
#include <dirent.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/pacer.hpp"
#include "engine/transfer.hpp"
#include "transport/rtmidi/jack_quiesce.hpp"
#include "transport/rtmidi/rtmidi_transport.hpp"

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Ms = std::chrono::duration<double, std::milli>;

namespace {

bool jack_answers() {
    return std::system("jack_lsp >/dev/null 2>&1") == 0;
}

pid_t start_private_jack() {
    const std::string name = "syxflash-bench-" + std::to_string(::getpid());
    ::setenv("JACK_DEFAULT_SERVER", name.c_str(), 1);
    const pid_t pid = ::fork();
    if (pid == 0) {
        std::freopen("/dev/null", "w", stdout);
        std::freopen("/dev/null", "w", stderr);
        ::execlp("jackd", "jackd", "--no-realtime", "-n", name.c_str(), "-d", "dummy", "-r",
                 "48000", "-p", "256", static_cast<char*>(nullptr));
        std::_Exit(127);
    }
    for (int i = 0; i < 100 && !jack_answers(); ++i) {
        std::this_thread::sleep_for(100ms);
    }
    // As the test fixture does: realtime priority for the server's threads where permitted.
    const std::string chrt = "chrt -a -f -p 40 " + std::to_string(pid) + " >/dev/null 2>&1";
    std::printf("private jackd started%s\n",
                std::system(chrt.c_str()) == 0 ? " (threads at SCHED_FIFO 40)" : "");
    return pid;
}

// Same treatment for both senders: every thread of this process (JACK process threads included)
// at a realtime priority where permitted, as in a realtime JACK setup.
bool raise_thread_priorities() {
    DIR* tasks = opendir("/proc/self/task");
    if (tasks == nullptr) {
        return false;
    }
    sched_param param{};
    param.sched_priority = 30;
    bool all = true;
    while (dirent* entry = readdir(tasks)) {
        const int tid = std::atoi(entry->d_name);
        if (tid > 0 && sched_setscheduler(tid, SCHED_FIFO, &param) != 0) {
            all = false;
        }
    }
    closedir(tasks);
    return all;
}

struct Receiver {
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<Clock::time_point> arrivals;
    static void on_message(double, std::vector<unsigned char>*, void* user) {
        const auto now = Clock::now();
        auto* self = static_cast<Receiver*>(user);
        {
            std::lock_guard lock(self->mutex);
            self->arrivals.push_back(now);
        }
        self->cv.notify_all();
    }
    std::vector<Clock::time_point> wait_take(std::size_t count) {
        std::unique_lock lock(mutex);
        cv.wait_for(lock, 10s, [&] { return arrivals.size() >= count; });
        auto out = std::move(arrivals);
        arrivals.clear();
        return out;
    }
};

void report(const char* label, const std::vector<Clock::time_point>& arrivals,
            std::chrono::milliseconds gap, std::size_t expected) {
    if (arrivals.size() < 2) {
        std::printf("%-22s only %zu of %zu messages arrived\n", label, arrivals.size(), expected);
        return;
    }
    double lo = 1e9;
    double hi = -1e9;
    double sum = 0;
    std::size_t under = 0;
    for (std::size_t i = 1; i < arrivals.size(); ++i) {
        const double error = Ms(arrivals[i] - arrivals[i - 1]).count() - Ms(gap).count();
        lo = std::min(lo, error);
        hi = std::max(hi, error);
        sum += error;
        under += error < 0 ? 1 : 0;
    }
    const std::size_t gaps = arrivals.size() - 1;
    const double total = Ms(arrivals.back() - arrivals.front()).count();
    const double floor = static_cast<double>(gaps) * Ms(gap).count();
    std::printf("%-22s gap error min %+8.3f  mean %+7.3f  max %+8.3f ms | under minimum %2zu/%zu "
                "(%5.1f %%) | total %8.1f ms, floor %8.1f ms, ratio %.4f%s\n",
                label, lo, sum / static_cast<double>(gaps), hi, under, gaps,
                100.0 * static_cast<double>(under) / static_cast<double>(gaps), total, floor,
                total / floor, arrivals.size() == expected ? "" : "  (messages lost!)");
}

} // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const bool number =
            !arg.empty() && arg.find_first_not_of("0123456789") == std::string_view::npos;
        if (!number || std::strtoul(argv[i], nullptr, 10) == 0) {
            std::fprintf(stderr,
                         "usage: pacing_bench [COUNT [GAP_MS [BYTES]]]  (default 40 150 64)\n"
                         "Starts a private jackd, sends COUNT messages of BYTES bytes with a "
                         "minimum gap of GAP_MS at a separate receiving client, first with a "
                         "plain send-then-sleep loop, then with syxflash's pacer, and prints the "
                         "gap errors and total-vs-floor ratio of both.\n");
            return arg == "--help" || arg == "-h" ? 0 : 2;
        }
    }
    const std::size_t count = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 40;
    const auto gap = std::chrono::milliseconds(argc > 2 ? std::atoi(argv[2]) : 150);
    const std::size_t bytes = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 64;

    pid_t jack_pid = -1;
    if (!jack_answers()) {
        jack_pid = start_private_jack();
        if (!jack_answers()) {
            std::fprintf(stderr, "pacing_bench: no JACK server and could not start one\n");
            return 1;
        }
    }
    int exit_code = 0;
    {
        Receiver receiver;
        RtMidiIn in(RtMidi::UNIX_JACK, "pacing-bench-rx", 4096);
        in.ignoreTypes(false, true, true);
        in.setCallback(&Receiver::on_message, &receiver);
        in.openVirtualPort("in");

        auto made = syx::transport::make_rtmidi_transport(syx::transport::MidiApi::jack);
        if (!made) {
            std::fprintf(stderr, "pacing_bench: %s\n", made.error().message.c_str());
            return 1;
        }
        auto& sender = **made;
        syx::transport::OpenOptions options;
        options.output_port = "pacing-bench-rx:in";
        if (auto opened = sender.open(options); !opened) {
            std::fprintf(stderr, "pacing_bench: %s\n", opened.error().message.c_str());
            return 1;
        }
        const bool rt = raise_thread_priorities();
        std::vector<std::vector<std::uint8_t>> messages(count,
                                                        std::vector<std::uint8_t>(bytes, 0x11));
        std::vector<std::span<const std::uint8_t>> views;
        for (auto& m : messages) {
            m.front() = 0xF0;
            m.back() = 0xF7;
            views.emplace_back(m);
        }
        std::printf("pacing_bench: %zu messages x %zu bytes, minimum gap %lld ms at the receiver; "
                    "JACK period %.3f ms; realtime priority for this process: %s\n",
                    count, bytes, static_cast<long long>(gap.count()),
                    Ms(sender.delivery_jitter()).count(), rt ? "yes" : "no");

        // 1. A plain loop: send, sleep the gap, repeat (what `amidi -i` and most tools do).
        for (const auto& v : views) {
            (void)sender.send(v);
            std::this_thread::sleep_for(gap);
        }
        const auto plain = receiver.wait_take(count);

        // 2. Our paced sender (absolute deadlines + one JACK period + 1 ms margin).
        syx::engine::TransferOptions transfer;
        transfer.pacer.rules.gap_after_message = gap;
        auto result = syx::engine::send_messages(sender, views, transfer);
        const auto paced = receiver.wait_take(count);
        if (!result || !result->ok()) {
            std::fprintf(stderr, "pacing_bench: paced transfer failed\n");
            exit_code = 1;
        } else {
            std::printf("planned: duration %.1f ms, floor %.1f ms, ratio %.4f\n",
                        Ms(result->plan.duration).count(), Ms(result->plan.floor).count(),
                        Ms(result->plan.duration).count() / Ms(result->plan.floor).count());
        }
        report("send-then-sleep", plain, gap, count);
        report("syxflash paced", paced, gap, count);
        sender.close();
        syx::transport::detail::deactivate_jack_client(in);
        in.closePort();
    }
    if (jack_pid > 0) {
        ::kill(jack_pid, SIGTERM);
        ::waitpid(jack_pid, nullptr, 0);
    }
    return exit_code;
}
