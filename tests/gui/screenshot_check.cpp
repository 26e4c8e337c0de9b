// Checks the screenshots an autopilot run wrote: one PNG per expected page, each non-blank
// (pixel variance and several distinct colours) and each different from the page before it.
//   syxflash_screenshot_check DIR 01-device 02-connection ...
#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include <stb_image.h>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s DIR PAGE...\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    int failures = 0;
    std::vector<unsigned char> previous;
    for (int i = 2; i < argc; ++i) {
        const std::string path = dir + "/" + argv[i] + ".png";
        int width = 0;
        int height = 0;
        int channels = 0;
        unsigned char* pixels = stbi_load(path.c_str(), &width, &height, &channels, 3);
        if (pixels == nullptr) {
            std::fprintf(stderr, "FAIL %s: missing or unreadable (%s)\n", path.c_str(),
                         stbi_failure_reason());
            ++failures;
            continue;
        }
        const auto count = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
        double sum = 0.0;
        double sum_sq = 0.0;
        std::set<unsigned> colours;
        for (std::size_t p = 0; p < count; ++p) {
            const unsigned r = pixels[p * 3];
            const unsigned g = pixels[p * 3 + 1];
            const unsigned b = pixels[p * 3 + 2];
            const double luma = 0.299 * r + 0.587 * g + 0.114 * b;
            sum += luma;
            sum_sq += luma * luma;
            if (colours.size() < 1000) {
                colours.insert((r << 16U) | (g << 8U) | b);
            }
        }
        const double mean = sum / static_cast<double>(count);
        const double stddev =
            std::sqrt(std::max(0.0, sum_sq / static_cast<double>(count) - mean * mean));
        std::vector<unsigned char> current(pixels, pixels + count * 3);
        stbi_image_free(pixels);
        const bool blank = stddev < 4.0 || colours.size() < 16;
        const bool same_as_previous = current == previous;
        std::printf("%s %s: %dx%d, luma stddev %.1f, %zu%s colours%s\n",
                    blank || same_as_previous ? "FAIL" : "ok", path.c_str(), width, height, stddev,
                    colours.size(), colours.size() >= 1000 ? "+" : "",
                    same_as_previous ? ", identical to the previous page" : "");
        failures += blank || same_as_previous ? 1 : 0;
        previous = std::move(current);
    }
    return failures == 0 ? 0 : 1;
}
