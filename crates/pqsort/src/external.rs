//! Sorting more than the memory budget holds, as GNU `sort` does: the input
//! is read in chunks that fit the budget once parsed, each chunk is sorted
//! by the pool and written to a temporary file as a sorted run, and the
//! runs are merged (at most [`FAN_IN`] at a time) to the output.
//!
//! Temporary files are unlinked as soon as they are created and live on as
//! open descriptors only, so nothing is left behind however the program
//! ends (Ctrl-C, a kill, a crash).

use crate::lines::{self, Numbers, Watch};
use crate::pool::{self, Options, Visits};
use crate::{Error, Stage};
use common::Shutdown;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Bytes a line costs once parsed, on top of its text: its `i64`, and the
/// copy made while the pieces parsed by several threads are joined.
pub const LINE_COST: u64 = 16;
/// The same for a chunk that needs big integers (24 bytes each, and the
/// vector's growth).
pub const BIG_LINE_COST: u64 = 48;
/// Runs merged at once (GNU sort's default batch size).
pub const FAN_IN: usize = 16;
/// Read buffer of each run being merged.
const RUN_BUFFER: usize = 1 << 16;

/// Reads `input` in chunks of whole lines whose text plus [`LINE_COST`] per
/// line fits `budget` bytes.
pub struct Chunks<R> {
    input: R,
    carry: Vec<u8>,
    eof: bool,
    budget: u64,
    stop: Option<Shutdown>,
    /// Lines in the chunks returned so far (for line numbers in errors).
    pub lines_before: usize,
}

impl<R: Read> Chunks<R> {
    pub fn new(input: R, budget: u64) -> Self {
        Chunks {
            input,
            carry: Vec::new(),
            eof: false,
            budget,
            stop: None,
            lines_before: 0,
        }
    }

    /// Makes reading stop between reads once `shutdown` is triggered, with
    /// an error of kind `Interrupted` (`EINTR` itself is retried).
    pub fn stop_on(mut self, shutdown: &Shutdown) -> Self {
        self.stop = Some(shutdown.clone());
        self
    }

    /// Whether the whole input has been read.
    pub fn at_end(&self) -> bool {
        self.eof && self.carry.is_empty()
    }

    /// The next chunk, or `None` at the end. `read` counts the bytes read.
    /// A line too long for the budget on its own is an error.
    pub fn next_chunk(&mut self, read: &common::progress::Counter) -> io::Result<Option<Vec<u8>>> {
        if self.at_end() {
            return Ok(None);
        }
        let mut buf = std::mem::take(&mut self.carry);
        let mut newlines = count_newlines(&buf) as u64;
        while !self.eof {
            if self.stop.as_ref().is_some_and(Shutdown::is_triggered) {
                self.carry = buf;
                return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
            }
            let cost = buf.len() as u64 + LINE_COST * newlines;
            // Each byte read can cost at most LINE_COST + 1: never overshoot.
            let room = self.budget.saturating_sub(cost) / (LINE_COST + 1);
            if room == 0 {
                break;
            }
            let want = room.min(1 << 20) as usize;
            let start = buf.len();
            buf.resize(start + want, 0);
            let got = loop {
                match self.input.read(&mut buf[start..]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other,
                }
            };
            let got = match got {
                Ok(n) => n,
                Err(e) => {
                    buf.truncate(start);
                    return Err(e);
                }
            };
            buf.truncate(start + got);
            read.add(got as u64);
            if got == 0 {
                self.eof = true;
            }
            newlines += count_newlines(&buf[start..]) as u64;
        }
        if !self.eof {
            // Full: cut after the last newline, keep the rest for next time.
            let Some(last) = buf.iter().rposition(|&b| b == b'\n') else {
                return Err(io::Error::other(format!(
                    "line {} is longer than the memory budget (-S)",
                    self.lines_before + 1
                )));
            };
            self.carry = buf.split_off(last + 1);
            newlines = count_newlines(&buf) as u64;
        }
        self.lines_before += newlines as usize;
        Ok(Some(buf))
    }
}

fn count_newlines(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

/// Where runs go: a directory, and a count for unique names.
pub struct TempDir {
    dir: PathBuf,
    next: usize,
}

impl TempDir {
    pub fn new(dir: PathBuf) -> Self {
        TempDir { dir, next: 0 }
    }

    /// The directory `sort` would use: `$TMPDIR`, else `/tmp`.
    pub fn default_dir() -> PathBuf {
        std::env::var_os("TMPDIR")
            .filter(|d| !d.is_empty())
            .map_or_else(|| PathBuf::from("/tmp"), PathBuf::from)
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// A new, already unlinked, read-write file.
    fn create(&mut self) -> io::Result<File> {
        loop {
            self.next += 1;
            let name = self
                .dir
                .join(format!("pqsort-{}-{}", std::process::id(), self.next));
            match File::options()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&name)
            {
                Ok(f) => {
                    std::fs::remove_file(&name)?;
                    return Ok(f);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

/// A temporary-file failure, naming the directory.
fn temp_error(dir: &Path, e: io::Error) -> Error {
    Error::Temp(format!(
        "cannot use a temporary file in {}: {}",
        dir.display(),
        crate::reason(&e)
    ))
}

/// Sorts `first` and the rest of `chunks` (`first` did not hold the whole
/// input) to `out`: one sorted run per chunk, then merges. Returns the
/// lines written, the partitions per thread and the number of runs.
#[allow(clippy::too_many_arguments)]
pub fn sort_in_runs<R: Read>(
    first: Vec<u8>,
    total_bytes: u64,
    chunks: &mut Chunks<R>,
    out: &mut impl Write,
    threads: usize,
    cutoff: Option<usize>,
    tmp: &mut TempDir,
    stage: &Stage,
    shutdown: &Shutdown,
) -> Result<(usize, Visits, usize), Error> {
    let mut runs = Vec::new();
    let mut visits = Visits(vec![0; threads.max(1)]);
    let mut total_lines = 0;
    let (bar, read) = stage.begin("reading and sorting", "bytes read", total_bytes, shutdown);
    read.add(first.len() as u64);
    let mut chunk = Some(first);
    let mut lines_before = 0;
    let mut next_lines_before = chunks.lines_before;
    let budget = chunks.budget;
    while let Some(data) = chunk {
        if shutdown.is_triggered() {
            return Err(Error::Interrupted(stage.report()));
        }
        let part = Part {
            data: &data,
            lines_before,
        };
        total_lines += part.sort(
            threads,
            cutoff,
            budget,
            tmp,
            &mut runs,
            &mut visits,
            shutdown,
        )?;
        lines_before = next_lines_before;
        chunk = chunks.next_chunk(&read).map_err(|e| {
            if e.kind() == io::ErrorKind::Interrupted {
                Error::Interrupted(stage.report())
            } else {
                Error::Read(e)
            }
        })?;
        next_lines_before = chunks.lines_before;
    }
    drop(bar);
    let run_count = runs.len();
    // Merge passes until one batch is left, then the last one to `out`.
    while runs.len() > FAN_IN {
        let mut merged = Vec::new();
        for batch in runs.chunks_mut(FAN_IN) {
            if shutdown.is_triggered() {
                return Err(Error::Interrupted(stage.report()));
            }
            let mut file = tmp.create().map_err(|e| temp_error(tmp.path(), e))?;
            merge(batch, &mut file, Watch::default())
                .and_then(|_| file.rewind())
                .map_err(|e| temp_error(tmp.path(), e))?;
            merged.push(file);
        }
        runs = merged;
    }
    let (_bar, done) = stage.begin("writing", "lines written", total_lines as u64, shutdown);
    let watch = Watch {
        done: Some(&done),
        stop: Some(shutdown),
    };
    let written = merge(&mut runs, out, watch).map_err(Error::Io)?;
    if written < total_lines {
        return Err(Error::Interrupted(format!(
            "interrupted while writing: {written} of {total_lines} lines written (the output ends at a line end)"
        )));
    }
    Ok((written, visits, run_count))
}

/// A chunk of whole lines and the lines of the input before it.
struct Part<'a> {
    data: &'a [u8],
    lines_before: usize,
}

impl Part<'_> {
    /// Parses, sorts and writes this chunk as one run (two or more if its
    /// big integers would not fit the budget). Returns the integers in it.
    #[allow(clippy::too_many_arguments)]
    fn sort(
        &self,
        threads: usize,
        cutoff: Option<usize>,
        budget: u64,
        tmp: &mut TempDir,
        runs: &mut Vec<File>,
        visits: &mut Visits,
        shutdown: &Shutdown,
    ) -> Result<usize, Error> {
        let (data, lines_before) = (self.data, self.lines_before);
        let renumber = |e: lines::BadLine| {
            Error::BadLine(lines::BadLine {
                line: e.line + lines_before,
                ..e
            })
        };
        // A byte-order mark belongs only at the very start of the input.
        if lines_before > 0 && data.starts_with(b"\xEF\xBB\xBF") {
            return Err(renumber(lines::parse(b"\xEF\xBB\xBFx").unwrap_err()));
        }
        let mut numbers = lines::parse_any(data, threads).map_err(renumber)?;
        let len = numbers.len();
        if matches!(numbers, Numbers::Big(_))
            && data.len() as u64 + BIG_LINE_COST * len as u64 > budget
        {
            // Too many big integers for the budget: halve the chunk.
            let half = &data[..data.len() / 2];
            if let Some(nl) = half.iter().rposition(|&b| b == b'\n') {
                drop(numbers);
                let (a, b) = data.split_at(nl + 1);
                let mut n = 0;
                for (data, lines_before) in
                    [(a, lines_before), (b, lines_before + count_newlines(a))]
                {
                    let part = Part { data, lines_before };
                    n += part.sort(threads, cutoff, budget, tmp, runs, visits, shutdown)?;
                }
                return Ok(n);
            }
        }
        let mut opts = Options::for_len(len, threads);
        if let Some(c) = cutoff {
            opts.cutoff = c;
        }
        let done = match &mut numbers {
            Numbers::Small(v) => pool::sort(v, opts, shutdown),
            Numbers::Big(v) => pool::sort(v, opts, shutdown),
        }
        .map_err(|pool::Interrupted(v)| {
            Error::Interrupted(format!(
                "interrupted while sorting a run, after {} partitions",
                v.total()
            ))
        })?;
        for (sum, n) in visits.0.iter_mut().zip(done.0) {
            *sum += n;
        }
        let mut file = tmp.create().map_err(|e| temp_error(tmp.path(), e))?;
        let mut w = BufWriter::with_capacity(RUN_BUFFER, &mut file);
        match &numbers {
            Numbers::Small(v) => lines::write(v, &mut w, Watch::default()),
            Numbers::Big(v) => lines::write_big(v, &mut w, Watch::default()),
        }
        .and_then(|_| w.flush())
        .map_err(|e| temp_error(tmp.path(), e))?;
        drop(w);
        file.rewind().map_err(|e| temp_error(tmp.path(), e))?;
        runs.push(file);
        Ok(len)
    }
}

/// Orders two integers written canonically (what [`lines::write`](fn@lines::write) and
/// [`lines::write_big`] print: a `-` only before a non-zero number, no
/// leading zeros), as numbers.
pub fn cmp_canonical(a: &[u8], b: &[u8]) -> Ordering {
    let (an, bn) = (a.first() == Some(&b'-'), b.first() == Some(&b'-'));
    let (ad, bd) = (&a[usize::from(an)..], &b[usize::from(bn)..]);
    let magnitude = || (ad.len(), ad).cmp(&(bd.len(), bd));
    match (an, bn) {
        (false, false) => magnitude(),
        (true, true) => magnitude().reverse(),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
    }
}

/// The smallest line of one run, for the merge's heap.
struct Head {
    /// Without its newline.
    line: Vec<u8>,
    run: usize,
}

impl Ord for Head {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the smallest; ties
    /// go to the earlier run.
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_canonical(&other.line, &self.line).then(other.run.cmp(&self.run))
    }
}
impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Head {}

/// Merges sorted runs (read from their start) to `out`, whole lines at a
/// time, stopping at a line end if `watch` says so. Returns lines written.
fn merge(runs: &mut [File], out: &mut impl Write, watch: Watch<'_>) -> io::Result<usize> {
    let mut readers: Vec<_> = runs
        .iter_mut()
        .map(|f| BufReader::with_capacity(RUN_BUFFER, f))
        .collect();
    let mut heap = BinaryHeap::with_capacity(readers.len());
    for (run, r) in readers.iter_mut().enumerate() {
        let mut line = Vec::new();
        if read_line(r, &mut line)? {
            heap.push(Head { line, run });
        }
    }
    let mut out = BufWriter::with_capacity(RUN_BUFFER, out);
    let (mut written, mut since) = (0, 0);
    while let Some(mut head) = heap.pop() {
        out.write_all(&head.line)?;
        out.write_all(b"\n")?;
        written += 1;
        since += 1;
        if since == 1 << 14 {
            if let Some(c) = watch.done {
                c.add(since);
            }
            since = 0;
            if watch.stop.is_some_and(Shutdown::is_triggered) {
                break;
            }
        }
        if read_line(&mut readers[head.run], &mut head.line)? {
            heap.push(head);
        }
    }
    if let Some(c) = watch.done {
        c.add(since);
    }
    out.flush()?;
    Ok(written)
}

/// Reads one line into `line` (cleared first, newline dropped); `false` at
/// the end of the run.
fn read_line(r: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<bool> {
    line.clear();
    if r.read_until(b'\n', line)? == 0 {
        return Ok(false);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::progress::Counter;

    #[test]
    fn canonical_order_is_numeric_order() {
        let mut v: Vec<i128> = vec![
            0,
            -1,
            1,
            9,
            10,
            -10,
            -9,
            123,
            -123,
            i128::MAX,
            i128::MIN + 1,
        ];
        let mut text: Vec<Vec<u8>> = v.iter().map(|x| x.to_string().into_bytes()).collect();
        v.sort();
        text.sort_by(|a, b| cmp_canonical(a, b));
        let want: Vec<Vec<u8>> = v.iter().map(|x| x.to_string().into_bytes()).collect();
        assert_eq!(text, want);
    }

    #[test]
    fn chunks_fit_the_budget_and_end_at_lines() {
        let text: Vec<u8> = (0..5000)
            .flat_map(|i| format!("{}\n", i * 37).into_bytes())
            .collect();
        let budget = 4096;
        let mut chunks = Chunks::new(&text[..], budget);
        let (mut all, read) = (Vec::new(), Counter::default());
        while let Some(c) = chunks.next_chunk(&read).unwrap() {
            let cost = c.len() as u64 + LINE_COST * count_newlines(&c) as u64;
            assert!(cost <= budget && c.ends_with(b"\n"), "{cost}");
            all.extend_from_slice(&c);
        }
        assert_eq!(all, text);
        assert_eq!(read.get(), text.len() as u64);
        assert_eq!(chunks.lines_before, 5000);
        // A single line longer than the budget.
        let long = vec![b'7'; 10_000];
        let e = Chunks::new(&long[..], 1000).next_chunk(&read).unwrap_err();
        assert!(e.to_string().contains("line 1 is longer"), "{e}");
    }
}
