//! Sorting more lines than memory should hold, so that an export comes out in one order
//! whatever the store's size: lines are gathered up to a budget of bytes, sorted and written to
//! a temporary file (a run); the runs are then merged, a few dozen at a time when there are
//! many. Lines that fit the budget never touch the disk.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Bytes of lines (with their bookkeeping) gathered before they are sorted and written out.
pub(super) const RUN_BYTES: usize = 64 << 20;
/// Runs merged at once: each holds an open file and a read buffer.
const FAN_IN: usize = 64;
/// Read buffer per run while merging.
const READ_BUFFER: usize = 64 << 10;
/// What a `String` costs beyond its bytes: the pointer, length and capacity in the vector.
const LINE_OVERHEAD: usize = std::mem::size_of::<String>();

/// Sorts lines (without line breaks) and drops duplicates, in bounded memory.
pub(super) struct LineSorter {
    scratch: PathBuf,
    budget: usize,
    bytes: usize,
    lines: Vec<String>,
    /// Created with the first run, removed (with what is left in it) when dropped.
    dir: Option<tempfile::TempDir>,
    runs: Vec<PathBuf>,
    files_made: usize,
}

impl LineSorter {
    /// A sorter that keeps up to `budget` bytes of lines in memory and writes its runs in a
    /// temporary directory made in `scratch`.
    pub(super) fn new(scratch: &Path, budget: usize) -> LineSorter {
        LineSorter {
            scratch: scratch.to_owned(),
            budget,
            bytes: 0,
            lines: Vec::new(),
            dir: None,
            runs: Vec::new(),
            files_made: 0,
        }
    }

    /// Adds a line; `line` must not hold a line break.
    pub(super) fn push(&mut self, line: String) -> io::Result<()> {
        debug_assert!(!line.contains('\n'), "a line to sort holds a line break");
        self.bytes += line.capacity() + LINE_OVERHEAD;
        self.lines.push(line);
        if self.bytes >= self.budget {
            self.spill()?;
        }
        Ok(())
    }

    /// The lines, sorted, each once.
    pub(super) fn finish(mut self) -> io::Result<SortedLines> {
        if self.runs.is_empty() {
            self.lines.sort_unstable();
            self.lines.dedup();
            return Ok(SortedLines::Memory(std::mem::take(&mut self.lines).into_iter()));
        }
        if !self.lines.is_empty() {
            self.spill()?;
        }
        while self.runs.len() > FAN_IN {
            let first: Vec<PathBuf> = self.runs.drain(..FAN_IN).collect();
            self.write_run(Merge::open(&first)?)?;
            for run in &first {
                std::fs::remove_file(run)?;
            }
        }
        let merge = Merge::open(&self.runs)?;
        Ok(SortedLines::Files {
            merge,
            _dir: self.dir.take().expect("runs live in the sorter's directory"),
        })
    }

    /// Sorts the lines gathered and writes them to a new run.
    fn spill(&mut self) -> io::Result<()> {
        let mut lines = std::mem::take(&mut self.lines);
        lines.sort_unstable();
        lines.dedup();
        self.write_run(lines.drain(..).map(Ok))?;
        // the vector's room is kept for the next run
        self.lines = lines;
        self.bytes = 0;
        Ok(())
    }

    /// Writes sorted `lines` to a new run, a line each.
    fn write_run(&mut self, lines: impl Iterator<Item = io::Result<String>>) -> io::Result<()> {
        let path = self.new_file()?;
        let mut out = BufWriter::new(File::create(&path)?);
        for line in lines {
            out.write_all(line?.as_bytes())?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        self.runs.push(path);
        Ok(())
    }

    fn new_file(&mut self) -> io::Result<PathBuf> {
        if self.dir.is_none() {
            let dir = tempfile::Builder::new()
                .prefix("claimgraph-sort-")
                .tempdir_in(&self.scratch)
                .map_err(|e| {
                    io::Error::new(
                        e.kind(),
                        format!("cannot make a temporary directory in {}: {e}", self.scratch.display()),
                    )
                })?;
            self.dir = Some(dir);
        }
        self.files_made += 1;
        Ok(self
            .dir
            .as_ref()
            .expect("made above")
            .path()
            .join(format!("run-{}", self.files_made)))
    }
}

/// The sorted lines of a [`LineSorter`].
pub(super) enum SortedLines {
    /// Everything fitted the budget.
    Memory(std::vec::IntoIter<String>),
    /// Merged from runs on disk, removed when this is dropped.
    Files { merge: Merge, _dir: tempfile::TempDir },
    /// Merged from the lines of several sorters.
    Union(Merge),
}

impl SortedLines {
    /// The lines of every one of `parts`, sorted, each once.
    pub(super) fn union(mut parts: Vec<SortedLines>) -> io::Result<SortedLines> {
        if parts.len() == 1 {
            // nothing to merge: no heap between the lines and the output
            return Ok(parts.pop().expect("one part"));
        }
        let sources = parts.into_iter().map(|part| Box::new(part) as Source).collect();
        Ok(SortedLines::Union(Merge::new(sources)?))
    }

    /// Bytes the lines not yet handed out hold in memory (as [`LineSorter`] counts them; the
    /// read buffers of runs on disk are not counted).
    pub(super) fn bytes_in_memory(&self) -> usize {
        match self {
            SortedLines::Memory(lines) => lines.as_slice().iter().map(|l| l.capacity() + LINE_OVERHEAD).sum(),
            SortedLines::Files { .. } | SortedLines::Union(_) => 0,
        }
    }
}

impl Iterator for SortedLines {
    type Item = io::Result<String>;

    fn next(&mut self) -> Option<io::Result<String>> {
        match self {
            SortedLines::Memory(lines) => lines.next().map(Ok),
            SortedLines::Files { merge, .. } | SortedLines::Union(merge) => merge.next(),
        }
    }
}

/// Sorted lines from anywhere: a run on disk, or the lines of another sorter.
type Source = Box<dyn Iterator<Item = io::Result<String>> + Send>;

/// A k-way merge of sorted sources without duplicates, itself without duplicates.
pub(super) struct Merge {
    sources: Vec<Source>,
    /// The first line not yet handed out of each source that has one.
    heads: BinaryHeap<Reverse<(String, usize)>>,
}

impl Merge {
    fn open(runs: &[PathBuf]) -> io::Result<Merge> {
        let mut sources = Vec::with_capacity(runs.len());
        for run in runs {
            let reader = BufReader::with_capacity(READ_BUFFER, File::open(run)?);
            sources.push(Box::new(reader.lines()) as Source);
        }
        Merge::new(sources)
    }

    fn new(sources: Vec<Source>) -> io::Result<Merge> {
        let mut merge = Merge {
            heads: BinaryHeap::with_capacity(sources.len()),
            sources,
        };
        for i in 0..merge.sources.len() {
            merge.refill(i)?;
        }
        Ok(merge)
    }

    /// Reads source `i`'s next line into the heads.
    fn refill(&mut self, i: usize) -> io::Result<()> {
        if let Some(line) = self.sources[i].next() {
            self.heads.push(Reverse((line?, i)));
        }
        Ok(())
    }

    fn step(&mut self) -> io::Result<Option<String>> {
        let Some(Reverse((line, i))) = self.heads.pop() else {
            return Ok(None);
        };
        self.refill(i)?;
        // every source is sorted and holds a line once, so any other source holding `line` has
        // it first now
        while let Some(Reverse((next, j))) = self.heads.peek()
            && *next == line
        {
            let j = *j;
            self.heads.pop();
            self.refill(j)?;
        }
        Ok(Some(line))
    }
}

impl Iterator for Merge {
    type Item = io::Result<String>;

    fn next(&mut self) -> Option<io::Result<String>> {
        self.step().transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines from a fixed pseudo-random sequence, with repeats.
    fn lines(n: usize) -> Vec<String> {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                format!("<urn:x:{}> \"{}\"", state % 5_000, "é".repeat((state % 7) as usize))
            })
            .collect()
    }

    fn sorter_of(lines: &[String], budget: usize, scratch: &Path) -> LineSorter {
        let mut sorter = LineSorter::new(scratch, budget);
        for line in lines {
            sorter.push(line.clone()).unwrap();
        }
        sorter
    }

    fn sorted(lines: &[String], budget: usize, scratch: &Path) -> (Vec<String>, usize) {
        let sorter = sorter_of(lines, budget, scratch);
        let runs = sorter.runs.len();
        let out = sorter.finish().unwrap().collect::<io::Result<Vec<_>>>().unwrap();
        (out, runs)
    }

    #[test]
    fn sorts_and_drops_duplicates_through_runs_on_disk_as_in_memory() {
        let input = lines(20_000);
        let mut expected = input.clone();
        expected.sort();
        expected.dedup();
        let scratch = tempfile::tempdir().unwrap();

        let (in_memory, runs) = sorted(&input, usize::MAX, scratch.path());
        assert_eq!(runs, 0);
        assert_eq!(in_memory, expected);

        // small runs: more than FAN_IN of them, so runs are merged into runs first
        let (on_disk, runs) = sorted(&input, 4_000, scratch.path());
        assert!(runs > FAN_IN, "{runs} runs");
        assert_eq!(on_disk, expected);

        // the temporary directory went with the sorted lines
        assert_eq!(std::fs::read_dir(scratch.path()).unwrap().count(), 0);
    }

    #[test]
    fn the_union_of_sorters_is_every_line_sorted_once() {
        let input = lines(10_000);
        let mut expected = input.clone();
        expected.sort();
        expected.dedup();
        let scratch = tempfile::tempdir().unwrap();
        // overlapping halves, one sorted on disk, one in memory
        let parts = [(&input[..6_000], 4_000), (&input[4_000..], usize::MAX)]
            .map(|(lines, budget)| sorter_of(lines, budget, scratch.path()).finish().unwrap());
        let union = SortedLines::union(parts.into()).unwrap();
        assert_eq!(union.collect::<io::Result<Vec<_>>>().unwrap(), expected);
        assert_eq!(std::fs::read_dir(scratch.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_scratch_directory_that_cannot_be_written_is_named() {
        let mut sorter = LineSorter::new(Path::new("/nonexistent/scratch"), 1);
        let error = sorter.push("<urn:x:1>".into()).unwrap_err();
        assert!(error.to_string().contains("/nonexistent/scratch"), "{error}");
    }
}
