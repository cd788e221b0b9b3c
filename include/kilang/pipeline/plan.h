// Planning a run: from `--input` paths to the ordered list of tasks `kilang run` executes.
//
// Each input is a file or a folder. Folders are listed recursively (ListInputFolder) and sorted
// by path; a file's kind is judged by content (io/reader.h SniffInputKind). One task per
// WARC/WET/JSONL file (several for a big per-record-gzip WARC, cut at gzip members), one per
// `pages_per_task` page files, and one per input that cannot be read at all (a missing file, a
// folder that cannot be listed), which the runner reports as one unreadable item.
//
// IMPORTANT: nothing under an input folder is dropped silently. A sub-folder that cannot be
// listed is an unreadable item; symbolic links to folders are followed (each folder once: a link
// back to a folder already listed is a warning); files that are not inputs are listed as
// ignored. The run's own output folder, when it lies inside an input folder, is not listed.
//
// The plan depends only on the inputs' paths, sizes and bytes (never on time or worker count),
// so a rerun of the same command plans the same tasks. Thread-safety: plain functions.
#ifndef KILANG_PIPELINE_PLAN_H_
#define KILANG_PIPELINE_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "kilang/io/reader.h"

namespace kilang {

// A problem with one input: file, byte offset, reason (stats.json's unreadable_inputs and
// warnings entries).
struct UnreadableItem {
  std::string file;
  uint64_t offset = 0;
  std::string reason;
};

struct Task {
  InputKind kind = InputKind::kUnknown;
  std::vector<std::string> files;
  uint64_t bytes = 0;                    // stored size of its files (or of its piece)
  uint64_t begin = 0, end = UINT64_MAX;  // a piece of a split WARC file: file offsets
  // kind == kUnknown: why the input cannot be read ("" = judged when the task runs).
  std::string problem;
};

struct RunPlan {
  std::vector<Task> tasks;
  std::vector<std::string> ignored;      // files in input folders that are not inputs
  std::vector<UnreadableItem> warnings;  // e.g. a link to a folder already listed
  uint64_t total_bytes = 0;              // sum of the tasks' bytes
};

// A folder listing: the files under `root` (regular files and dangling links, sorted by path),
// the sub-folders that could not be listed (as unreadable items), and warnings.
struct FolderListing {
  std::vector<std::string> files;
  std::vector<UnreadableItem> unreadable;
  std::vector<UnreadableItem> warnings;
};

// Lists `root` recursively, following links to folders (each folder, by device and inode,
// once). `exclude` (may be empty): a folder not to enter, compared by device and inode (the
// run's output folder).
FolderListing ListInputFolder(const std::string& root, const std::string& exclude = "");

// Whether `input` names a remote location ("s3://...", "hf://...", "https://...": any
// "scheme://"). kilang reads local paths only; the runner refuses these before touching the
// output folder.
bool IsRemoteInput(const std::string& input);

// Expands glob patterns among `inputs` ('*', '?', '[...]'; "**" matches any run of folders),
// each into the matching paths in sorted order. An input that exists as it is named, "-", or a
// pattern that matches nothing is kept as it is (a missing input is reported unreadable).
std::vector<std::string> ExpandInputPatterns(const std::vector<std::string>& inputs);

// The tasks for `inputs`, in input order. `output_dir` is excluded from folder listings.
RunPlan PlanRun(const std::vector<std::string>& inputs, uint64_t pages_per_task,
                uint64_t split_bytes, const std::string& output_dir);

// What a run records of its inputs (in DIR/.kilang/run.json) to notice, when it is resumed, an
// input that changed in the meantime (appended to, replaced, edited).
struct InputState {
  std::string path;  // a WARC/JSONL file; for a task of page files "FIRST (+N page files)"
  uint64_t size = 0;
  int64_t mtime_ns = 0;  // modification time
  uint64_t digest = 0;   // XXH3 of the first and last 64 KiB (page tasks: of every file's state)
};

// The state of one file: size, modification time, digest. A file that cannot be read has size
// 0, mtime 0 and digest 0 (it is reported unreadable when its task runs).
InputState StatInput(const std::string& path);

// The states to record for a plan: one per WARC/WET/JSONL file (once, however many pieces it is
// cut into) and one per task of page files, in task order. Reads 128 KiB per file at most.
std::vector<InputState> PlanInputStates(const RunPlan& plan);

// What differs between the states recorded by a run and the current ones, for a message:
// "a.jsonl: size 1200 -> 1350; b.warc.gz: modified (same size, new time)" (at most `max_listed`
// entries, then "and N more"); "" when nothing changed. States are matched by path.
std::string DescribeInputChanges(const std::vector<InputState>& before,
                                 const std::vector<InputState>& now, size_t max_listed = 5);

}  // namespace kilang

#endif  // KILANG_PIPELINE_PLAN_H_
