//! Finding a listing in the converted tutorial texts and numbering its lines
//! as the tutorial prints them.
//!
//! The converted texts are not the PDF: a printed line number may sit on the
//! code's line (`72 while nclnt > 0: pass`), on a line of its own before or
//! after the code it numbers, or be lost; blank lines survive only as a lone
//! number; a listing is cut into several code fences by page breaks; some
//! characters are lost (`AF INET`). So a listing is found by content (its
//! first and last lines, quoted in the manifest), and its numbering is the
//! most consistent one: a small dynamic program gives every code line a
//! number, strictly increasing, so that as many lone numbers as possible sit
//! next to the line they number or fall in a gap (a blank line). Where the
//! text leaves it ambiguous, the manifest pins a line to its number (the
//! tutorial's own prose often says which line is which: "Line 32", "Line 45"),
//! supplies a line the conversion dropped, and repairs characters.

use crate::manifest::{Listing, Numbering};

/// What a listing line is, for the "every line that does something has an
/// anchor" rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Blank,
    Comment,
    Import,
    Code,
}

/// One line of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Printed number; `None` in a listing that prints none.
    pub num: Option<u32>,
    /// The text, trimmed, with the manifest's repairs applied.
    pub text: String,
    pub kind: Kind,
}

/// A listing as found in the texts.
#[derive(Debug, Clone)]
pub struct Extracted {
    pub lines: Vec<Line>,
    /// For a listing whose text kept no line breaks: its normalised text.
    pub flat: Option<String>,
}

impl Extracted {
    /// The line printed as `n`.
    pub fn line(&self, n: u32) -> Option<&Line> {
        self.lines.iter().find(|l| l.num == Some(n))
    }
    /// The highest printed number.
    pub fn last_number(&self) -> Option<u32> {
        self.lines.iter().filter_map(|l| l.num).max()
    }
}

/// The text with whitespace and markdown escapes removed, which is how
/// quotes are compared: the conversion's spacing is not the PDF's
/// (`range (1, 100)`, `threading. Thread`), its characters mostly are.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if c == '\\' && chars.peek().is_some_and(|n| "#_*[]`".contains(*n)) {
            continue;
        }
        out.push(c);
    }
    out
}

/// The text with markdown escapes removed and each run of whitespace made
/// one space, trimmed.
pub fn canon(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            continue;
        }
        if c == '\\' && chars.peek().is_some_and(|n| "#_*[]`".contains(*n)) {
            continue;
        }
        out.push(c);
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Where `q` matches `t` anchored at `t[0]`: the end of the match. A space
/// of the text may be missing from the quote but not the other way round:
/// the conversion adds spaces (`range (1, 100)`, `threading. Thread`), so
/// `range(1,100)` matches; a quote that adds one (`get(True, 1)` for the
/// printed `get(True,1)`) would not be found by `grep` and does not match.
fn match_at(q: &[char], t: &[char]) -> Option<usize> {
    let (mut i, mut j) = (0, 0);
    while i < q.len() {
        if j < t.len() && q[i] == t[j] {
            i += 1;
            j += 1;
        } else if j < t.len() && t[j] == ' ' {
            j += 1;
        } else {
            return None;
        }
    }
    Some(j)
}

/// Every place `quote` names in `text` (char indices into `canon(text)`):
/// the whole quote, or else a summary quote's pieces (split at `;` or
/// `...`), each found in order after the one before.
pub fn match_spans(quote: &str, text: &str) -> Vec<(usize, usize)> {
    let text: Vec<char> = canon(text).chars().collect();
    let whole: Vec<char> = canon(quote).chars().collect();
    if whole.is_empty() {
        return Vec::new();
    }
    let starts = |from: usize| (from..text.len()).filter(|&s| text[s] != ' ');
    let spans: Vec<(usize, usize)> = starts(0)
        .filter_map(|s| match_at(&whole, &text[s..]).map(|len| (s, s + len)))
        .collect();
    if !spans.is_empty() {
        return spans;
    }
    let pieces: Vec<Vec<char>> = quote
        .split(';')
        .flat_map(|p| p.split("..."))
        .flat_map(|p| p.split('\u{2026}'))
        .map(|p| canon(p).chars().collect::<Vec<char>>())
        .filter(|p| !p.is_empty())
        .collect();
    if pieces.len() < 2 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut from = 0;
    for p in pieces {
        match starts(from).find_map(|s| match_at(&p, &text[s..]).map(|len| (s, s + len))) {
            Some(span) => {
                from = span.1;
                out.push(span);
            }
            None => return Vec::new(),
        }
    }
    out
}

/// Whether `quote` names `text` (see [`match_spans`]).
pub fn quote_matches(quote: &str, text: &str) -> bool {
    !match_spans(quote, text).is_empty()
}

/// A line's code without its trailing `# comment` (a `#` inside a string
/// literal stays).
pub fn without_comment(text: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' => return text[..i].trim_end(),
            None => {}
        }
    }
    text.trim_end()
}

/// A line the manifest says is a comment that lost its `#`.
fn is_lost_comment(l: &Listing, text: &str) -> bool {
    !text.is_empty() && l.comments.iter().any(|q| quote_matches(q, text))
}

fn kind_of(text: &str) -> Kind {
    let t = text.trim_start_matches('\\').trim();
    if t.is_empty() {
        Kind::Blank
    } else if t.starts_with('#')
        || t.starts_with("'''")
        || t.starts_with("\"\"")
        || t.starts_with("^{\\prime")
    {
        Kind::Comment
    } else if t.starts_with("import ") || (t.starts_with("from ") && t.contains(" import ")) {
        Kind::Import
    } else {
        Kind::Code
    }
}

/// The lines inside code fences, with the file they came from.
fn fenced(text: &str) -> Vec<String> {
    let mut inside = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            inside = !inside;
            continue;
        }
        if inside {
            out.push(line.to_string());
        }
    }
    out
}

fn repair(l: &Listing, s: &str) -> String {
    let mut s = s.to_string();
    for (from, to) in l.fixes {
        s = s.replace(from, to);
    }
    s
}

/// The shortest run of `lines` from one matching `first` to one ending in
/// `last` (the same opening line can start several listings; the shortest
/// run is the listing itself).
fn shortest_run(lines: &[String], first: &str, last: &str) -> Option<(usize, usize)> {
    let (first, last) = (normalize(first), normalize(last));
    let norm: Vec<String> = lines.iter().map(|l| normalize(l)).collect();
    let mut best: Option<(usize, usize)> = None;
    for (i, n) in norm.iter().enumerate() {
        if !n.contains(&first) {
            continue;
        }
        if let Some(j) = (i..norm.len()).find(|&j| norm[j].ends_with(&last)) {
            if best.is_none_or(|(a, b)| j - i < b - a) {
                best = Some((i, j));
            }
        }
    }
    best
}

/// Finds listing `l` in the tutorial texts (`(name, text)` pairs).
pub fn find(l: &Listing, texts: &[(String, String)]) -> Option<Extracted> {
    match l.numbering {
        Numbering::Absent => None,
        Numbering::Flat => {
            let mut best: Option<String> = None;
            for (_, t) in texts {
                let t = canon(&repair(l, t));
                let (first, last) = (canon(l.first), canon(l.last));
                let mut from = 0;
                while let Some(i) = t[from..].find(&first) {
                    let start = from + i;
                    if let Some(j) = t[start..].find(&last) {
                        let run = &t[start..start + j + last.len()];
                        if best.as_ref().is_none_or(|b| run.len() < b.len()) {
                            best = Some(run.to_string());
                        }
                    }
                    from = start + first.len();
                }
            }
            best.map(|flat| Extracted {
                lines: Vec::new(),
                flat: Some(flat),
            })
        }
        Numbering::Fragments => {
            for (_, t) in texts {
                let lines: Vec<&str> = t.lines().collect();
                let mut inside = false;
                let mut from = None;
                let mut got = Vec::new();
                for line in lines {
                    if line.trim_start().starts_with("```") {
                        inside = !inside;
                        continue;
                    }
                    let tl = line.trim();
                    if !inside && from.is_none() && tl == l.first {
                        from = Some(());
                        continue;
                    }
                    if from.is_some() {
                        if !inside && tl == l.last {
                            return Some(Extracted {
                                lines: got,
                                flat: None,
                            });
                        }
                        if inside && !tl.is_empty() {
                            got.push(Line {
                                num: None,
                                text: canon(&repair(l, tl)),
                                kind: kind_of(tl),
                            });
                        }
                    }
                }
            }
            None
        }
        Numbering::Unnumbered | Numbering::Printed | Numbering::Colon => {
            let mut best: Option<Vec<String>> = None;
            for (_, t) in texts {
                let lines: Vec<String> = fenced(t).iter().map(|s| repair(l, s)).collect();
                if let Some((a, b)) = shortest_run(&lines, l.first, l.last) {
                    if best.as_ref().is_none_or(|r| b - a + 1 < r.len()) {
                        best = Some(lines[a..=b].to_vec());
                    }
                }
            }
            let raw = best?;
            Some(Extracted {
                lines: match l.numbering {
                    Numbering::Printed => number_printed(l, &raw),
                    Numbering::Colon => number_colon(l, &raw),
                    _ => raw
                        .iter()
                        .map(|s| s.trim())
                        .filter(|s| !s.is_empty())
                        .map(|s| Line {
                            num: None,
                            text: s.to_string(),
                            kind: kind_of(s),
                        })
                        .collect(),
                },
                flat: None,
            })
        }
    }
}

/// `12: print fib[self.num]` lines (Ojo's slides).
fn number_colon(l: &Listing, raw: &[String]) -> Vec<Line> {
    let mut by_num = std::collections::BTreeMap::new();
    for s in raw {
        let t = s.trim();
        if let Some((n, rest)) = t.split_once(':') {
            if let Ok(n) = n.trim().parse::<u32>() {
                by_num.entry(n).or_insert_with(|| rest.trim().to_string());
            }
        }
    }
    let last = by_num.keys().next_back().copied().unwrap_or(0).max(l.lines);
    (1..=last)
        .map(|n| {
            let text = by_num.get(&n).cloned().unwrap_or_default();
            let kind = if is_lost_comment(l, &text) {
                Kind::Comment
            } else {
                kind_of(&text)
            };
            Line {
                num: Some(n),
                text,
                kind,
            }
        })
        .collect()
}

#[derive(Debug)]
enum Item {
    Num(u32),
    Code { text: String, inline: Option<u32> },
}

/// A comment indented this deep is the PDF's right-aligned trailing comment,
/// which the conversion moved to a line of its own.
const TRAILING_COMMENT_INDENT: usize = 20;

fn items(raw: &[String]) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    for s in raw {
        let t = s.trim();
        if t.is_empty() {
            continue;
        }
        let indent = s.len() - s.trim_start().len();
        if t.starts_with('#') && indent >= TRAILING_COMMENT_INDENT {
            // Back to the last code line, over lone numbers.
            if let Some(Item::Code { text, .. }) = out
                .iter_mut()
                .rev()
                .find(|i| matches!(i, Item::Code { .. }))
            {
                if !text.contains('#') {
                    text.push_str("  ");
                    text.push_str(t);
                    continue;
                }
            }
        }
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if digits == t.len() {
            if let Ok(n) = t.parse() {
                out.push(Item::Num(n));
            }
            continue;
        }
        let rest = &t[digits..];
        if digits > 0 && rest.starts_with(char::is_whitespace) {
            if let Ok(n) = t[..digits].parse() {
                out.push(Item::Code {
                    text: rest.trim().to_string(),
                    inline: Some(n),
                });
                continue;
            }
        }
        out.push(Item::Code {
            text: t.to_string(),
            inline: None,
        });
    }
    out
}

// Costs of the numbering: a lone number neither next to its line nor in a
// gap; a number never seen at all; a code line whose number is nowhere next
// to it; a code line against the number printed on it; against a pin.
const STRAY_NUMBER: f64 = 1.0;
const UNSEEN_NUMBER: f64 = 0.6;
const UNLABELLED_LINE: f64 = 0.3;
const AGAINST_INLINE: f64 = 5.0;
const AGAINST_PIN: f64 = 1000.0;
// A blank line right after a line ending in `:`.
const BLANK_AFTER_OPENER: f64 = 1.5;

/// Numbers the code lines of a Matloff-style listing (see the module docs).
fn number_printed(l: &Listing, raw: &[String]) -> Vec<Line> {
    let items = items(raw);
    let total = l.lines;
    let missing: Vec<u32> = l.missing.iter().map(|(n, _)| *n).collect();
    // Code lines, and the lone numbers in the gap before each (gap m: after
    // the last).
    let mut code: Vec<(String, Option<u32>)> = Vec::new();
    let mut gaps: Vec<Vec<u32>> = vec![Vec::new()];
    for it in items {
        match it {
            Item::Num(n) => {
                if (1..=total).contains(&n) {
                    gaps.last_mut().expect("one gap at least").push(n);
                }
            }
            Item::Code { text, inline } => {
                code.push((text, inline.filter(|n| (1..=total).contains(n))));
                gaps.push(Vec::new());
            }
        }
    }
    let m = code.len();
    let pinned: Vec<Option<u32>> = code
        .iter()
        .enumerate()
        .map(|(i, (text, _))| {
            l.pins.iter().find_map(|(n, q)| {
                let hit =
                    quote_matches(q, text) && code[..i].iter().all(|(t, _)| !quote_matches(q, t));
                hit.then_some(*n)
            })
        })
        .collect();
    let n = total as usize;
    let unary = |i: usize, v: u32| -> f64 {
        let mut c = 0.0;
        if missing.contains(&v) {
            c += AGAINST_PIN;
        }
        if let Some(p) = pinned[i] {
            if p != v {
                c += AGAINST_PIN;
            }
        }
        match code[i].1 {
            Some(x) if x != v => c += AGAINST_INLINE,
            Some(_) => {}
            None => {
                if !gaps[i].contains(&v) && !gaps[i + 1].contains(&v) {
                    c += UNLABELLED_LINE;
                }
            }
        }
        c
    };
    // A block opener (`for ...:`) is not followed by a blank line.
    let opens_block: Vec<bool> = code
        .iter()
        .map(|(t, _)| {
            let code_part = t.split('#').next().unwrap_or("").trim_end();
            code_part.ends_with(':') && !t.starts_with('#')
        })
        .collect();
    let gap_cost = |g: usize, a: u32, b: u32| -> f64 {
        let mut c = 0.0;
        if g > 0 && b > a + 1 && opens_block[g - 1] {
            c += BLANK_AFTER_OPENER;
        }
        for &t in &gaps[g] {
            if !(t == a || t == b || (a < t && t < b)) {
                c += STRAY_NUMBER;
            }
        }
        for k in a + 1..b {
            if !gaps[g].contains(&k) && !missing.contains(&k) {
                c += UNSEEN_NUMBER;
            }
        }
        c
    };
    // dp[i][v]: least cost of numbering code[..=i] with code[i] at v.
    let inf = f64::INFINITY;
    let mut dp = vec![vec![inf; n + 2]; m];
    let mut from = vec![vec![0u32; n + 2]; m];
    for i in 0..m {
        for v in 1..=total {
            let u = unary(i, v);
            if i == 0 {
                dp[0][v as usize] = gap_cost(0, 0, v) + u;
                continue;
            }
            let mut best = (inf, 0);
            for a in 1..v {
                let prev = dp[i - 1][a as usize];
                if prev == inf {
                    continue;
                }
                let c = prev + gap_cost(i, a, v);
                if c < best.0 {
                    best = (c, a);
                }
            }
            dp[i][v as usize] = best.0 + u;
            from[i][v as usize] = best.1;
        }
    }
    let mut nums = vec![0u32; m];
    if m > 0 {
        let mut best = (inf, 0);
        for v in 1..=total {
            let c = dp[m - 1][v as usize] + gap_cost(m, v, total + 1);
            if c < best.0 {
                best = (c, v);
            }
        }
        nums[m - 1] = best.1;
        for i in (1..m).rev() {
            nums[i - 1] = from[i][nums[i] as usize];
        }
    }
    let mut text: Vec<String> = vec![String::new(); n + 1];
    for (i, (t, _)) in code.iter().enumerate() {
        if nums[i] >= 1 {
            text[nums[i] as usize] = t.clone();
        }
    }
    for (k, t) in l.missing {
        text[*k as usize] = t.to_string();
    }
    (1..=total)
        .map(|k| {
            let t = std::mem::take(&mut text[k as usize]);
            let kind = if is_lost_comment(l, &t) {
                Kind::Comment
            } else {
                kind_of(&t)
            };
            Line {
                num: Some(k),
                text: t,
                kind,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Listing;

    fn listing(lines: u32) -> Listing {
        Listing {
            name: "demo.py",
            lines,
            numbering: Numbering::Printed,
            first: "# demo",
            last: "main()",
            ..Listing::EMPTY
        }
    }

    fn texts(body: &str) -> Vec<(String, String)> {
        vec![("t".into(), body.into())]
    }

    fn numbered(e: &Extracted) -> Vec<(u32, &str)> {
        e.lines
            .iter()
            .filter(|l| !l.text.is_empty())
            .map(|l| (l.num.unwrap(), l.text.as_str()))
            .collect()
    }

    #[test]
    fn numbers_before_after_and_on_the_line() {
        // 1 # demo, 2 blank, 3 x = 1 (numbers before), 4 y = 2 (number after),
        // 5 blank, 6 z (on the line), a page break, 7 main() (number after).
        let body = "prose\n```\n# demo\n2\n3\n   x = 1\n   y = 2\n4\n5\n6 z = x + y\n```\n\
                    a footnote 11 between pages\n```\n   main()\n7\n```\n";
        let e = find(&listing(7), &texts(body)).unwrap();
        assert_eq!(
            numbered(&e),
            [
                (1, "# demo"),
                (3, "x = 1"),
                (4, "y = 2"),
                (6, "z = x + y"),
                (7, "main()")
            ]
        );
        assert_eq!(e.line(2).unwrap().kind, Kind::Blank);
        assert_eq!(e.line(1).unwrap().kind, Kind::Comment);
        assert_eq!(e.line(6).unwrap().kind, Kind::Code);
    }

    #[test]
    fn pins_missing_lines_and_repairs_settle_what_the_text_cannot() {
        // The text lost line 3 ("try:") and has no number near line 2.
        let body = "```\n# demo\n   s = socket(AF INET)\n4\n      main()\n```\n";
        let mut l = listing(4);
        let e = find(&l, &texts(body)).unwrap();
        assert!(e.lines.iter().all(|l| l.text != "try:"));
        l.pins = &[(2, "s = socket")];
        l.missing = &[(3, "try:")];
        l.fixes = &[("AF INET", "AF_INET")];
        let e = find(&l, &texts(body)).unwrap();
        assert_eq!(
            numbered(&e),
            [
                (1, "# demo"),
                (2, "s = socket(AF_INET)"),
                (3, "try:"),
                (4, "main()")
            ]
        );
    }

    #[test]
    fn the_shortest_run_is_the_listing() {
        // Two listings open with the same line; the second ends first.
        let body = "```\n# demo one\n2 a()\n```\n```\n# demo two\n2 main()\n```\n";
        let e = find(&listing(2), &texts(body)).unwrap();
        assert_eq!(numbered(&e), [(1, "# demo two"), (2, "main()")]);
    }

    #[test]
    fn colon_numbered_and_unnumbered_and_flat_listings() {
        let l = Listing {
            numbering: Numbering::Colon,
            first: "import threading",
            last: "t.join()",
            ..listing(0)
        };
        let body = "```\n1: import threading\n\n2: def f():\n3:     return\n4: t.join()\n```\n\
                    ```\n1: import threading\n2: t.join()\n```\n";
        let e = find(&l, &texts(body)).unwrap();
        assert_eq!(e.line(1).unwrap().kind, Kind::Import);
        assert_eq!(
            e.line(2).unwrap().text,
            "t.join()",
            "the second, shorter copy"
        );
        assert_eq!(e.last_number(), Some(2));
        let body = "```\n1: import threading\n\n2: def f():\n3:     return\n4: t.join()\n```\n";
        let e = find(&l, &texts(body)).unwrap();
        assert_eq!(e.line(2).unwrap().text, "def f():");
        assert_eq!(e.line(3).unwrap().kind, Kind::Code);
        let l = Listing {
            numbering: Numbering::Unnumbered,
            first: "loops = ",
            last: "print 'all DONE at:', ctime()",
            ..listing(0)
        };
        let body =
            "```\nloops = ( 4, 2 )\nfor i in nloops:\n\nprint 'all DONE at:', ctime()\n```\n";
        let e = find(&l, &texts(body)).unwrap();
        assert_eq!(e.lines.len(), 3);
        assert!(e.lines.iter().all(|l| l.num.is_none()));
        let l = Listing {
            numbering: Numbering::Flat,
            first: "def heron(a):",
            last: "return new",
            ..listing(0)
        };
        let e = find(&l, &texts("words def heron(a): x = 1 return new more")).unwrap();
        assert_eq!(e.flat.as_deref(), Some("def heron(a): x = 1 return new"));
    }

    #[test]
    fn comments_come_off_but_not_out_of_strings() {
        assert_eq!(
            without_comment("k = c.recv(1) # one letter"),
            "k = c.recv(1)"
        );
        assert_eq!(without_comment("print '#', x  # why"), "print '#', x");
        assert_eq!(without_comment("# all comment"), "");
    }

    #[test]
    fn fragments_run_from_one_slide_title_to_the_next() {
        let l = Listing {
            numbering: Numbering::Fragments,
            first: "threading.Lock",
            last: "threading.RLock",
            ..listing(0)
        };
        let body = "threading.Lock\n\n```\nlock = threading.Lock()\n```\nprose\n```\nwith lock:\n```\n\
                    threading.RLock\n```\nlock = threading.RLock()\n```\n";
        let e = find(&l, &texts(body)).unwrap();
        let got: Vec<&str> = e.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(got, ["lock = threading.Lock()", "with lock:"]);
    }

    #[test]
    fn quotes_match_whole_or_as_a_summary() {
        assert!(quote_matches(
            "while nclnt > 0: pass",
            "while nclnt > 0: pass"
        ));
        assert!(quote_matches("range(1, 100)", "for i in range (1, 100):"));
        assert!(quote_matches(
            "set(); clear()",
            "scanner.evnt.set() scanner.evnt.clear()"
        ));
        assert!(!quote_matches(
            "clear(); set()",
            "scanner.evnt.set() scanner.evnt.clear()"
        ));
        assert!(!quote_matches(
            "get(True, 1)",
            "job = self.jobs.get(True,1) # get job"
        ));
        assert!(quote_matches(
            "get(True,1)",
            "job = self.jobs.get(True,1) # get job"
        ));
        assert!(quote_matches(
            "threading.Thread.__init__(self)",
            "threading. Thread. __init__(self)"
        ));
        assert!(!quote_matches("v -= k", "v += k"));
        assert!(quote_matches("\\# to the client", "# to the client"));
    }
}
