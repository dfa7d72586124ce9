//! Reading the anchor comments out of the workspace's Rust files.

use std::fmt;
use std::path::{Path, PathBuf};

/// One anchor: a Rust line that is the twin of a listing line (or range).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The listing, as the tutorial prints its name (`srvr.py`).
    pub listing: String,
    /// Printed line numbers, first and last (equal for one line); `None`
    /// for a listing that prints no numbers.
    pub lines: Option<(u32, u32)>,
    /// The Python, quoted as printed.
    pub quote: String,
    /// What Rust changes there: the ` — note` suffix and the comment lines
    /// that follow the anchor, joined by spaces.
    pub note: String,
    /// The Rust file, relative to the workspace root, with `/`.
    pub file: String,
    /// 1-based line of the anchor comment.
    pub line: usize,
    /// The program whose walkthrough lists it: the crate, or the binary or
    /// example the file is.
    pub program: String,
}

impl Anchor {
    /// `srvr.py:72`, `portscanner.py:34-35` or `mtsleep3.py`.
    pub fn target(&self) -> String {
        match self.lines {
            Some((a, b)) if a == b => format!("{}:{a}", self.listing),
            Some((a, b)) => format!("{}:{a}-{b}", self.listing),
            None => self.listing.clone(),
        }
    }
}

/// Something that looks like an anchor but is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub file: String,
    pub line: usize,
    pub why: String,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: malformed anchor: {}",
            self.file, self.line, self.why
        )
    }
}

/// What one line's comment is: an anchor, a broken anchor, a plain comment
/// (its text), or no comment at all.
#[derive(Debug, PartialEq, Eq)]
enum Comment {
    Anchor {
        listing: String,
        lines: Option<(u32, u32)>,
        quote: String,
        note: String,
    },
    Malformed(String),
    Plain(String),
    None,
}

/// The separator of the optional note suffix: space, em dash, space.
pub const NOTE_SEPARATOR: &str = " — ";

/// The first `//` of a line that opens a comment: at the start of the line
/// or after whitespace (so `"//"` inside a string is not one).
fn comment_start(line: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = line[from..].find("//") {
        let at = from + i;
        if at == 0 || line[..at].ends_with(char::is_whitespace) {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

fn classify(line: &str) -> Comment {
    let Some(at) = comment_start(line) else {
        return Comment::None;
    };
    let own_line = line[..at].trim().is_empty();
    let mut body = &line[at + 2..];
    if let Some(rest) = body.strip_prefix('/').or_else(|| body.strip_prefix('!')) {
        body = rest;
    }
    let plain = || {
        if own_line {
            Comment::Plain(body.trim().to_string())
        } else {
            Comment::None
        }
    };
    let Some(body) = body.strip_prefix(' ') else {
        return plain();
    };
    // NAME.py, then optionally :N or :A-B.
    let name_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || "_.+-".contains(c)))
        .unwrap_or(body.len());
    let name = &body[..name_len];
    if !name.ends_with(".py") || name.len() < 4 {
        return plain();
    }
    let mut rest = &body[name_len..];
    let mut lines = None;
    if let Some(r) = rest.strip_prefix(':') {
        let end = r
            .find(|c: char| !(c.is_ascii_digit() || c == '-'))
            .unwrap_or(r.len());
        let spec = &r[..end];
        rest = &r[end..];
        let parsed = match spec.split_once('-') {
            Some((a, b)) => a.parse::<u32>().ok().zip(b.parse::<u32>().ok()),
            None => spec.parse::<u32>().ok().map(|a| (a, a)),
        };
        match parsed {
            Some((a, b)) if a >= 1 && a <= b => lines = Some((a, b)),
            Some((a, b)) if a > b => {
                return Comment::Malformed(format!(
                    "{name}:{spec}: range runs backwards ({a} > {b})"
                ));
            }
            _ => {
                return Comment::Malformed(format!(
                    "{name}:{spec}: not a line number or A-B range"
                ));
            }
        }
    }
    if rest.is_empty() || rest.trim().is_empty() {
        if lines.is_some() {
            return Comment::Malformed(format!("{name}: no quoted Python after the line number"));
        }
        return plain();
    }
    let Some(quoted) = rest.strip_prefix("  ") else {
        if lines.is_some() || rest.starts_with(' ') && own_line {
            // `// srvr.py:72 while ...`: one space is a typo of the form;
            // `// srvr.py is ...` (no number) is just prose.
            if lines.is_some() {
                return Comment::Malformed(format!(
                    "{name}: two spaces must separate the line number from the quoted Python"
                ));
            }
        }
        return plain();
    };
    let quoted = quoted.trim_end();
    let (quote, note) = match quoted.split_once(NOTE_SEPARATOR) {
        Some((q, n)) => (q.trim(), n.trim()),
        None => (quoted.trim(), ""),
    };
    if quote.is_empty() {
        return Comment::Malformed(format!("{name}: empty quote"));
    }
    Comment::Anchor {
        listing: name.to_string(),
        lines,
        quote: quote.to_string(),
        note: note.to_string(),
    }
}

/// The program a Rust file belongs to: `crates/C/src/bin/NAME.rs`,
/// `crates/C/src/bin/NAME/main.rs` and `crates/C/examples/NAME.rs` are
/// programs of their own; any other file belongs to crate `C`.
pub fn program_of(rel: &str) -> Option<String> {
    let parts: Vec<&str> = rel.split('/').collect();
    if parts.len() < 3 || parts[0] != "crates" {
        return None;
    }
    let krate = parts[1];
    let stem = |s: &str| s.strip_suffix(".rs").map(str::to_string);
    match &parts[2..] {
        ["src", "bin", f] | ["examples", f] => stem(f),
        ["src", "bin", d, "main.rs"] | ["examples", d, "main.rs"] => Some(d.to_string()),
        _ => Some(krate.to_string()),
    }
}

/// Every anchor of one file's text, in line order, and the malformed ones.
pub fn parse_file(rel: &str, text: &str) -> (Vec<Anchor>, Vec<Malformed>) {
    let program = program_of(rel).unwrap_or_else(|| rel.to_string());
    let kinds: Vec<Comment> = text.lines().map(classify).collect();
    let is_anchor = |i: usize| matches!(kinds[i], Comment::Anchor { .. });
    let plain = |i: usize| match &kinds[i] {
        Comment::Plain(t) if !t.is_empty() => Some(t.clone()),
        _ => None,
    };
    let mut anchors = Vec::new();
    let mut bad = Vec::new();
    for (i, kind) in kinds.iter().enumerate() {
        match kind {
            Comment::Anchor {
                listing,
                lines: nums,
                quote,
                note,
            } => {
                // The run of anchors this one is in shares the comment block
                // right above it and the one right below it: they go to the
                // run's first anchor of each listing.
                let mut first = i;
                while first > 0 && is_anchor(first - 1) {
                    first -= 1;
                }
                let mut last = i;
                while last + 1 < kinds.len() && is_anchor(last + 1) {
                    last += 1;
                }
                let mut above = Vec::new();
                let mut j = first;
                while j > 0 {
                    match plain(j - 1) {
                        Some(t) => above.push(t),
                        None => break,
                    }
                    j -= 1;
                }
                above.reverse();
                let mut notes: Vec<String> = Vec::new();
                if !note.is_empty() {
                    notes.push(note.clone());
                }
                // Once per listing in the run, not on every row.
                let first_of_listing = (first..i).all(|k| match &kinds[k] {
                    Comment::Anchor { listing: other, .. } => other != listing,
                    _ => true,
                });
                if first_of_listing {
                    notes.extend(above);
                    notes.extend((last + 1..kinds.len()).map_while(plain));
                }
                anchors.push(Anchor {
                    listing: listing.clone(),
                    lines: *nums,
                    quote: quote.clone(),
                    note: notes.join(" "),
                    file: rel.to_string(),
                    line: i + 1,
                    program: program.clone(),
                });
            }
            Comment::Malformed(why) => bad.push(Malformed {
                file: rel.to_string(),
                line: i + 1,
                why: why.clone(),
            }),
            Comment::Plain(_) | Comment::None => {}
        }
    }
    (anchors, bad)
}

/// The crates whose files are not scanned: this one (its docs and tests
/// show the anchor form without being twins of anything).
pub const SKIPPED_CRATES: &[&str] = &["walkthrough"];

/// Every `.rs` file under `root/crates`, relative to `root`, sorted.
pub fn rust_files(root: &Path) -> std::io::Result<Vec<String>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            let name = entry.file_name();
            let ty = entry.file_type()?;
            if ty.is_dir() {
                if name != "target" && !name.to_string_lossy().starts_with('.') {
                    walk(&path, out)?;
                }
            } else if ty.is_file() && path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        Ok(())
    }
    let crates = root.join("crates");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&crates)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_dir() && !SKIPPED_CRATES.contains(&name.as_str()) {
            walk(&entry.path(), &mut found)?;
        }
    }
    let mut rel: Vec<String> = found
        .iter()
        .filter_map(|p| p.strip_prefix(root).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    rel.sort();
    Ok(rel)
}

/// All anchors of the workspace at `root`.
pub fn scan(root: &Path) -> std::io::Result<(Vec<Anchor>, Vec<Malformed>)> {
    let mut anchors = Vec::new();
    let mut bad = Vec::new();
    for rel in rust_files(root)? {
        let text = std::fs::read_to_string(root.join(&rel))?;
        let (a, b) = parse_file(&rel, &text);
        anchors.extend(a);
        bad.extend(b);
    }
    Ok((anchors, bad))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(src: &str) -> Anchor {
        let (a, b) = parse_file("crates/srvr/src/lib.rs", src);
        assert!(b.is_empty(), "{b:?}");
        assert_eq!(a.len(), 1, "{a:?}");
        a.into_iter().next().unwrap()
    }

    #[test]
    fn reads_line_range_and_unnumbered_anchors() {
        let a = one("    // srvr.py:72  while nclnt > 0: pass\n    x();\n");
        assert_eq!(a.listing, "srvr.py");
        assert_eq!(a.lines, Some((72, 72)));
        assert_eq!(a.quote, "while nclnt > 0: pass");
        assert_eq!((a.line, a.note.as_str()), (1, ""));
        let a = one("// portscanner.py:34-35  set(); clear()\n");
        assert_eq!(a.lines, Some((34, 35)));
        assert_eq!(a.target(), "portscanner.py:34-35");
        let a = one("// mtsleep3.py  print 'all DONE at:', ctime()\n");
        assert_eq!((a.lines, a.target().as_str()), (None, "mtsleep3.py"));
    }

    #[test]
    fn notes_come_from_the_suffix_and_the_comment_lines_below() {
        let src = "// srvr.py:72  while nclnt > 0: pass — sleeps on a condvar\n\
                   // instead of spinning.\n\
                   //\n\
                   count.wait_zero();\n\
                   // unrelated comment\n";
        let a = one(src);
        assert_eq!(a.quote, "while nclnt > 0: pass");
        assert_eq!(a.note, "sleeps on a condvar instead of spinning.");
    }

    #[test]
    fn a_run_of_anchors_shares_the_comments_around_it() {
        let src = "x();\n// Why: no GIL.\n// srvr.py:28  vlock.acquire()\n// srvr.py:29  v += k\n\
                   // thsvr.py:36  srvr.vlock.acquire()\n// the Mutex.\nlet g = v.lock();\n// unrelated\n";
        let (a, _) = parse_file("crates/srvr/src/lib.rs", src);
        assert_eq!(a.len(), 3);
        assert_eq!(a[0].note, "Why: no GIL. the Mutex.");
        assert_eq!(a[1].note, "", "once per listing");
        assert_eq!(a[2].note, "Why: no GIL. the Mutex.");
        // A comment separated by code is not a note.
        let (a, _) = parse_file(
            "crates/x/src/lib.rs",
            "// far\nx();\n// srvr.py:29  v += k\ny();\n",
        );
        assert_eq!(a[0].note, "");
    }

    #[test]
    fn trailing_and_doc_comments_count_strings_do_not() {
        let a = one("    v.push(k); // srvr.py:29  v += k\n");
        assert_eq!(a.lines, Some((29, 29)));
        let a = one("/// srvr.py:29  v += k\n");
        assert_eq!(a.quote, "v += k");
        let (a, b) = parse_file(
            "crates/x/src/lib.rs",
            "let s = \"// srvr.py:29  v += k\";\n",
        );
        assert!(a.is_empty() && b.is_empty());
        let (a, b) = parse_file("crates/x/src/lib.rs", "//! // srvr.py:29  v += k\n");
        assert!(a.is_empty() && b.is_empty(), "{a:?}");
    }

    #[test]
    fn prose_is_not_an_anchor_but_broken_anchors_are_reported() {
        let (a, b) = parse_file("crates/x/src/lib.rs", "// srvr.py is the 3.1 server\n");
        assert!(a.is_empty() && b.is_empty());
        for bad in [
            "// srvr.py:72 while nclnt > 0: pass",
            "// srvr.py:7x  while",
            "// srvr.py:40-30  x",
            "// srvr.py:72",
        ] {
            let (a, b) = parse_file("crates/x/src/lib.rs", bad);
            assert!(a.is_empty(), "{bad}");
            assert_eq!(b.len(), 1, "{bad}");
        }
    }

    #[test]
    fn programs_are_crates_or_their_binaries() {
        assert_eq!(program_of("crates/srvr/src/lib.rs").unwrap(), "srvr");
        assert_eq!(program_of("crates/srvr/tests/a.rs").unwrap(), "srvr");
        assert_eq!(
            program_of("crates/snippets/src/bin/t2-chun-1-bar.rs").unwrap(),
            "t2-chun-1-bar"
        );
        assert_eq!(
            program_of("crates/common/examples/heron.rs").unwrap(),
            "heron"
        );
        assert_eq!(program_of("crates/x/src/bin/y/main.rs").unwrap(), "y");
    }
}
