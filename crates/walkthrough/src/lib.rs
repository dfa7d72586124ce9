//! Side-by-side walkthroughs that cannot rot: `docs/side-by-side/<program>.md`
//! is generated from the anchor comments next to each Rust twin of a
//! tutorial line, and `check` fails when a walkthrough is stale, when an
//! anchor names a listing line that does not exist or quotes it otherwise
//! than the listing prints it, or when a listing line that does something
//! has no anchor (issue 14).
//!
//! # The anchor form
//!
//! One line comment next to the Rust twin, `// ` then the listing's file
//! name as the tutorial prints it, `:` and the printed line number or an
//! `A-B` range, **two spaces**, and the Python quoted as printed:
//!
//! ```text
//! // srvr.py:72  while nclnt > 0: pass
//! // portscanner.py:34-35  set(); clear()
//! // mtsleep3.py  print 'all DONE at:', ctime()
//! ```
//!
//! - A range quotes its first line's text or a summary: pieces split at `;`
//!   or `...` must each occur, in order, in the range's lines.
//! - A listing that prints no numbers (Chun's and most of Ojo's slides,
//!   python-course) is anchored without `:N`; the quote names the line.
//! - Quotes are compared ignoring indentation, and a space the converted
//!   text has may be missing from the quote (`range(1,100)` names the
//!   converted `range (1, 100)`), but a quote may not add one: the
//!   listing's `get(True,1)` is not `get(True, 1)`, which `grep` would miss.
//! - **What Rust changes** there, the walkthrough's last column: an
//!   optional suffix after ` — ` (space, em dash, space) on the anchor line,
//!   then the plain `//` comment lines right above the anchor and right below
//!   it (up to the first line that is code, an empty `//`, or another
//!   anchor). Consecutive anchors are one run: they share the comments above
//!   and below the run.
//!
//!   ```text
//!   // Sleeps on a condvar (WaitCount::wait_zero_or) instead of spinning.
//!   // srvr.py:72  while nclnt > 0: pass — no busy wait
//!   ```
//! - `///` and `//!` comments work too, and an anchor may trail code
//!   (`v.push(k); // srvr.py:29  v += k`). `//` inside a string is not a
//!   comment. This crate's own files are not scanned.
//! - The program of an anchor is its crate, except that each of
//!   `crates/C/src/bin/NAME.rs` and `crates/C/examples/NAME.rs` is a
//!   program of its own.
//!
//! Listing names (and aliases) are those of [`manifest::LISTINGS`]: the
//! name the tutorial prints, else ours (`walkthrough listings` prints them):
//! `thsvr.py` for Matloff 3.2's server (7.4.1 runs it by that name),
//! `bar.py` for Chun's "Example" slide; `-` and `_` are the same.
//!
//! # Commands
//!
//! ```text
//! walkthrough write                      regenerate docs/side-by-side/
//! walkthrough check [--tutorials DIR]    exit 1 with one problem a line
//! walkthrough check --root WT --no-docs --tutorials DIR   another worktree's anchors
//! walkthrough listing NAME --tutorials DIR   a listing as the check numbers it
//! walkthrough listings                   the listing names and citations
//! ```
//!
//! # Modules
//! - [`anchor`]: reading anchors out of `crates/**/*.rs`.
//! - [`manifest`]: the listings: name, citation, first and last lines.
//! - [`listing`]: finding a listing in the converted texts and numbering it.
//! - [`render`]: the walkthrough pages.
//! - [`flat`]: statements of a listing that lost its line breaks.
//! - [`check`]: what `check` reports.

pub mod anchor;
pub mod check;
pub mod flat;
pub mod listing;
pub mod manifest;
pub mod render;

/// Where the walkthroughs live, relative to the workspace root.
pub const DOCS_DIR: &str = "docs/side-by-side";

/// Reads every `.md` and `.txt` file of `dir` (the tutorial texts).
pub fn read_texts(dir: &std::path::Path) -> std::io::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if path.is_file() && matches!(ext, "md" | "txt" | "markdown") {
            let text = std::fs::read_to_string(&path)?;
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            out.push((name.unwrap_or_default(), text));
        }
    }
    out.sort();
    Ok(out)
}
