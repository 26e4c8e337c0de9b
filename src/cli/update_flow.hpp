#pragma once
// `upload` and `recover` as presenters of the one engine update job (engine/update_flow_job.hpp,
// issue 12): this file turns the command line into a job request, opens the device's ports,
// prints the start line and the result (text, or JSON Lines with --json); the job decides.
//   upload:                      validate → backup gate → identify → transfer → verify → restore
//   recover, nothing journaled:  exactly upload (the device is not known to be half-written)
//   recover, half-written device per the journal: the recovery plan, then the transfer again,
//                                slower; the backup gate is skipped and the run says why; a file
//                                that is not the journaled one is named and must be confirmed
//                                (--not-the-journaled-file).
#include <string>

#include "cli/flow_support.hpp"

namespace syx::cli {

struct UpdateRequest {
    const char* command = "upload"; // "upload" | "recover"
    FlowArgs flow;
    std::string file;
    std::string backup;
    bool skip_backup = false;
    bool allow_unknown_release = false;
    std::string link;
    std::string gap_override; // the typed phrase for going below a documented gap
    // recover only
    bool recovery = false;
    std::string plan;
    unsigned attempts = 3;
    bool not_the_journaled_file = false;
};

int run_update_flow(const UpdateRequest& request);

} // namespace syx::cli
