//! What `check` reports, one problem a line.

use crate::anchor::{Anchor, Malformed};
use crate::listing::{self, Extracted, Kind};
use crate::manifest::{self, LISTINGS, Listing, Numbering};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The problems of anchors that need no tutorial text: form, names, and
/// numbers past the listing's end.
pub fn anchors(anchors: &[Anchor], malformed: &[Malformed]) -> Vec<String> {
    let mut out: Vec<String> = malformed.iter().map(ToString::to_string).collect();
    for a in anchors {
        let at = format!("{}:{}: {}", a.file, a.line, a.target());
        let Some(l) = manifest::lookup(&a.listing) else {
            out.push(format!(
                "{at}: no listing is named {} (the names: `walkthrough listings`)",
                a.listing
            ));
            continue;
        };
        match (l.numbering, a.lines) {
            (Numbering::Printed | Numbering::Colon, None)
                if l.extra.iter().any(|x| listing::quote_matches(&a.quote, x)) => {}
            (Numbering::Printed | Numbering::Colon, None) => out.push(format!(
                "{at}: {} prints line numbers: write {}:N",
                l.name, a.listing
            )),
            (Numbering::Unnumbered | Numbering::Flat | Numbering::Fragments, Some(_)) => {
                out.push(format!(
                    "{at}: {} prints no line numbers: drop the :N and quote the line",
                    l.name
                ))
            }
            (Numbering::Printed | Numbering::Colon, Some((_, b))) if b > l.lines => {
                out.push(format!(
                    "{at}: line {b} does not exist ({} has {} lines)",
                    l.name, l.lines
                ))
            }
            _ => {}
        }
    }
    out
}

/// Each listing the manifest can find, found in `texts`; one that anchors
/// name but that cannot be found is a problem.
pub fn find_all(
    texts: &[(String, String)],
    anchors: &[Anchor],
) -> (BTreeMap<&'static str, Extracted>, Vec<String>) {
    let mut found = BTreeMap::new();
    let mut problems = Vec::new();
    for l in LISTINGS {
        if l.numbering == Numbering::Absent {
            continue;
        }
        match listing::find(l, texts) {
            Some(e) => {
                // A pin whose quote no longer names its line means the texts
                // changed under the manifest.
                for (n, q) in l.pins {
                    if !e.line(*n).is_some_and(|line| listing::quote_matches(q, &line.text)) {
                        problems.push(format!(
                            "{}:{n}: the manifest pins {q:?} here, but no line of the text says so",
                            l.name
                        ));
                    }
                }
                found.insert(l.name, e);
            }
            None if !anchors.iter().any(|a| l.is_named(&a.listing)) => {}
            None => problems.push(format!(
                "{}: not found in the tutorial texts (no code running from a line with {:?} to one ending {:?})",
                l.name, l.first, l.last
            )),
        }
    }
    (found, problems)
}

fn range_text(e: &Extracted, a: u32, b: u32) -> String {
    e.lines
        .iter()
        .filter(|l| l.num.is_some_and(|n| (a..=b).contains(&n)))
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The code of lines `a..=b` without comments, so a range's quote may join
/// its statements over the comments between them.
fn range_code(e: &Extracted, a: u32, b: u32) -> String {
    e.lines
        .iter()
        .filter(|l| l.num.is_some_and(|n| (a..=b).contains(&n)))
        .filter(|l| l.kind != Kind::Comment)
        .map(|l| listing::without_comment(&l.text))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The problems of anchors against the listings, and the listing lines that
/// do something but have no anchor.
pub fn against_listings(
    anchors: &[Anchor],
    found: &BTreeMap<&'static str, Extracted>,
) -> Vec<String> {
    let mut out = Vec::new();
    // Covered printed numbers, or covered line indices for unnumbered ones.
    let mut covered: BTreeMap<&'static str, BTreeSet<usize>> = BTreeMap::new();
    for a in anchors {
        let Some(l) = manifest::lookup(&a.listing) else {
            continue;
        };
        let Some(e) = found.get(l.name) else { continue };
        let at = format!("{}:{}: {}", a.file, a.line, a.target());
        match (l.numbering, a.lines) {
            (Numbering::Printed | Numbering::Colon, Some((x, y))) => {
                if y > e.last_number().unwrap_or(0) {
                    continue; // reported by `anchors`
                }
                let text = range_text(e, x, y);
                if text.trim().is_empty() {
                    out.push(format!(
                        "{at}: line {} is blank in the listing",
                        if x == y {
                            x.to_string()
                        } else {
                            format!("{x}-{y}")
                        }
                    ));
                } else if !listing::quote_matches(&a.quote, &text)
                    && !listing::quote_matches(&a.quote, &range_code(e, x, y))
                {
                    out.push(format!(
                        "{at}: quotes {:?}, the listing prints {:?}",
                        a.quote, text
                    ));
                }
                let set = covered.entry(l.name).or_default();
                set.extend((x..=y).map(|n| n as usize));
            }
            (Numbering::Unnumbered | Numbering::Fragments, None) => {
                let hits: Vec<usize> = e
                    .lines
                    .iter()
                    .enumerate()
                    .filter(|(_, line)| listing::quote_matches(&a.quote, &line.text))
                    .map(|(i, _)| i)
                    .collect();
                if hits.is_empty() {
                    out.push(format!(
                        "{at}: quotes {:?}, which no line of {} prints",
                        a.quote, l.name
                    ));
                }
                covered.entry(l.name).or_default().extend(hits);
            }
            (Numbering::Flat, None) => {
                let flat = e.flat.as_deref().unwrap_or("");
                let spans = listing::match_spans(&a.quote, flat);
                if spans.is_empty() {
                    out.push(format!(
                        "{at}: quotes {:?}, which {} does not print",
                        a.quote, l.name
                    ));
                }
                let set = covered.entry(l.name).or_default();
                for (x, y) in spans {
                    set.extend(x..y);
                }
            }
            _ => {}
        }
    }
    for l in LISTINGS {
        let Some(e) = found.get(l.name) else { continue };
        if !l.coverage {
            continue;
        }
        let set = covered.get(l.name);
        if let Some(flat) = &e.flat {
            let chars: Vec<char> = flat.chars().collect();
            for (x, y, kind) in crate::flat::statements(flat) {
                if kind == Kind::Code && !(x..y).any(|c| set.is_some_and(|s| s.contains(&c))) {
                    let text: String = chars[x..y].iter().collect();
                    out.push(format!("{}  {text}  has no anchor", l.name));
                }
            }
            continue;
        }
        let mut lacking = Vec::new();
        for (i, line) in e.lines.iter().enumerate() {
            if line.kind != Kind::Code {
                continue;
            }
            let key = line.num.map_or(i, |n| n as usize);
            if !set.is_some_and(|s| s.contains(&key)) {
                lacking.push(line);
            }
        }
        for line in &lacking {
            out.push(match line.num {
                Some(n) => format!("{}:{n}  {}  has no anchor", l.name, line.text),
                None => format!("{}  {}  has no anchor", l.name, line.text),
            });
        }
    }
    out
}

/// Pages on disk that differ from what the anchors generate, are missing,
/// or are generated pages no program needs any more.
pub fn stale(root: &Path, pages: &BTreeMap<String, String>) -> Vec<String> {
    let dir = root.join(crate::DOCS_DIR);
    let mut out = Vec::new();
    for (name, want) in pages {
        let rel = format!("{}/{name}", crate::DOCS_DIR);
        match std::fs::read_to_string(dir.join(name)) {
            Ok(have) if &have == want => {}
            Ok(_) => out.push(format!(
                "{rel}: stale (regenerate: cargo run -q -p walkthrough -- write)"
            )),
            Err(_) => out.push(format!(
                "{rel}: missing (generate: cargo run -q -p walkthrough -- write)"
            )),
        }
    }
    for name in generated_on_disk(root) {
        if !pages.contains_key(&name) {
            out.push(format!(
                "{}/{name}: no program has anchors for it any more (remove it: cargo run -q -p walkthrough -- write)",
                crate::DOCS_DIR
            ));
        }
    }
    out
}

/// The generated pages in the docs directory (those starting with the
/// generated-by line).
pub fn generated_on_disk(root: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(root.join(crate::DOCS_DIR)) else {
        return Vec::new();
    };
    let mut v: Vec<String> = rd
        .filter_map(Result::ok)
        .filter(|e| {
            std::fs::read_to_string(e.path()).is_ok_and(|t| t.starts_with(crate::render::GENERATED))
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A listing as the check numbers it, for `walkthrough listing NAME`.
pub fn show(l: &Listing, e: &Extracted) -> String {
    let mut s = String::new();
    if let Some(flat) = &e.flat {
        // One statement a line, as coverage cuts them.
        let chars: Vec<char> = flat.chars().collect();
        for (x, y, kind) in crate::flat::statements(flat) {
            let tag = match kind {
                Kind::Comment => '#',
                Kind::Import => 'i',
                _ => '*',
            };
            let text: String = chars[x..y].iter().collect();
            s.push_str(&format!("{}  {tag} {text}\n", l.name));
        }
        return s;
    }
    for line in &e.lines {
        let tag = match line.kind {
            Kind::Blank => ' ',
            Kind::Comment => '#',
            Kind::Import => 'i',
            Kind::Code => '*',
        };
        match line.num {
            Some(n) => s.push_str(&format!("{}:{n:<4}{tag} {}\n", l.name, line.text)),
            None => s.push_str(&format!("{}  {tag} {}\n", l.name, line.text)),
        }
    }
    s
}
