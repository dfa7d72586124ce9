//! Statements of a listing whose text lost its line breaks (python-course's
//! page is one line), so that coverage can still be checked: a statement is
//! covered when an anchor's quote matches any of its characters.
//!
//! The text is cut before each token that can only start a statement, at
//! bracket depth 0: a statement keyword (`def`, `while`, `print`, ...) after
//! the end of an expression, a name that is assigned (`x =`, `a, b =`,
//! `n += 1`), and a name that is called as a statement (`lock.acquire()`
//! after the end of the previous statement). A `#` comment runs to the next
//! such start. Cuts can be finer than the listing's lines (`if c: break` is
//! two); coverage does not mind.

use crate::listing::Kind;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Num,
    Str,
    Op(String),
    Open(char),
    Close,
    Hash,
}

const STATEMENT_KEYWORDS: &[&str] = &[
    "def", "class", "for", "while", "if", "elif", "else", "return", "print", "import", "from",
    "global", "try", "except", "finally", "break", "continue", "pass", "with", "raise",
];

/// Keywords after which a name is an operand, not a new statement.
const OPERAND_KEYWORDS: &[&str] = &[
    "return", "print", "in", "not", "and", "or", "is", "if", "elif", "while", "for", "global",
    "import", "from", "lambda", "raise", "class", "def", "with", "as", "del",
];

fn tokens(t: &[char]) -> Vec<(usize, Tok)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let c = t[i];
        let start = i;
        if c == ' ' {
            i += 1;
            continue;
        }
        // Strings, with r/u/b prefixes and triple quotes.
        let prefixed = (c == 'r' || c == 'u' || c == 'b')
            && i + 1 < t.len()
            && (t[i + 1] == '"' || t[i + 1] == '\'');
        if c == '"' || c == '\'' || prefixed {
            if prefixed {
                i += 1;
            }
            let q = t[i];
            let triple = i + 2 < t.len() && t[i + 1] == q && t[i + 2] == q;
            i += if triple { 3 } else { 1 };
            while i < t.len() {
                if t[i] == '\\' {
                    i += 2;
                    continue;
                }
                if t[i] == q && (!triple || (i + 2 < t.len() && t[i + 1] == q && t[i + 2] == q)) {
                    i += if triple { 3 } else { 1 };
                    break;
                }
                i += 1;
            }
            out.push((start, Tok::Str));
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            while i < t.len() && (t[i].is_alphanumeric() || t[i] == '_') {
                i += 1;
            }
            out.push((start, Tok::Name(t[start..i].iter().collect())));
            continue;
        }
        if c.is_ascii_digit() {
            while i < t.len() && (t[i].is_ascii_alphanumeric() || t[i] == '.') {
                i += 1;
            }
            out.push((start, Tok::Num));
            continue;
        }
        i += 1;
        let tok = match c {
            '(' | '[' | '{' => Tok::Open(c),
            ')' | ']' | '}' => Tok::Close,
            '#' => Tok::Hash,
            _ => {
                // Two-character operators that matter: += -= == != <= >= ...
                let mut op = c.to_string();
                if i < t.len() && t[i] == '=' && "+-*/%=!<>".contains(c) {
                    op.push('=');
                    i += 1;
                } else if c == '.' && i + 1 < t.len() && t[i] == '.' && t[i + 1] == '.' {
                    op = "...".into();
                    i += 2;
                }
                Tok::Op(op)
            }
        };
        out.push((start, tok));
    }
    out
}

fn ends_expression(t: &Tok) -> bool {
    match t {
        Tok::Name(n) => !OPERAND_KEYWORDS.contains(&n.as_str()),
        Tok::Num | Tok::Str | Tok::Close => true,
        Tok::Op(o) => o == ":" || o == "...",
        _ => false,
    }
}

/// From a name at `k`: skips `.name`, `[...]`, `(...)` and returns what
/// follows the chain (index), and whether the chain ended in a call.
fn after_chain(toks: &[(usize, Tok)], mut k: usize) -> (usize, bool) {
    let mut called = false;
    k += 1;
    loop {
        match toks.get(k).map(|t| &t.1) {
            Some(Tok::Op(o)) if o == "." => {
                if matches!(toks.get(k + 1).map(|t| &t.1), Some(Tok::Name(_))) {
                    k += 2;
                    called = false;
                } else {
                    return (k, called);
                }
            }
            Some(Tok::Open(c)) => {
                let paren = *c == '(';
                let mut depth = 0;
                while let Some((_, t)) = toks.get(k) {
                    match t {
                        Tok::Open(_) => depth += 1,
                        Tok::Close => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    k += 1;
                }
                k += 1;
                called = paren;
            }
            _ => return (k, called),
        }
    }
}

fn is_assignment_op(t: Option<&Tok>) -> bool {
    matches!(t, Some(Tok::Op(o)) if matches!(o.as_str(), "=" | "+=" | "-=" | "*=" | "/=" | "%="))
}

/// Whether the name at `k` starts an assignment: `x =`, `x.y[i] +=`, `a, b =`.
fn assigned(toks: &[(usize, Tok)], k: usize) -> bool {
    let (mut j, called) = after_chain(toks, k);
    if called {
        return false;
    }
    // a, b, c = ...
    while matches!(toks.get(j).map(|t| &t.1), Some(Tok::Op(o)) if o == ",")
        && matches!(toks.get(j + 1).map(|t| &t.1), Some(Tok::Name(_)))
    {
        j = after_chain(toks, j + 1).0;
    }
    is_assignment_op(toks.get(j).map(|t| &t.1))
}

/// The statements of a flat listing (char spans of `text`) and their kinds.
pub fn statements(text: &str) -> Vec<(usize, usize, Kind)> {
    let t: Vec<char> = text.chars().collect();
    let toks = tokens(&t);
    let mut cuts: Vec<usize> = Vec::new();
    let mut depth: i32 = 0;
    let mut opened_by = String::new();
    for k in 0..toks.len() {
        let (pos, tok) = &toks[k];
        let prev = k.checked_sub(1).map(|p| &toks[p].1);
        let after_dot = matches!(prev, Some(Tok::Op(o)) if o == ".");
        let after_comma = matches!(prev, Some(Tok::Op(o)) if o == ",");
        let after_colon = matches!(prev, Some(Tok::Op(o)) if o == ":");
        let start = depth == 0
            && !after_dot
            && match tok {
                _ if k == 0 => true,
                Tok::Hash => true,
                // A docstring.
                Tok::Str => after_colon,
                // `from X import Y` is one statement.
                Tok::Name(n) if n == "import" && opened_by == "from" => false,
                Tok::Op(o) if o == "..." => prev.is_some_and(ends_expression),
                Tok::Name(n) if STATEMENT_KEYWORDS.contains(&n.as_str()) => {
                    // `else` of a ternary, `if` of a comprehension: rare here.
                    prev.is_some_and(ends_expression)
                        || matches!(prev, Some(Tok::Op(o)) if o == ":")
                }
                Tok::Name(_) if after_comma => false,
                Tok::Name(_) => {
                    assigned(&toks, k)
                        || (prev.is_some_and(ends_expression)
                            && {
                                let (j, called) = after_chain(&toks, k);
                                called
                                    && !matches!(toks.get(j).map(|t| &t.1), Some(Tok::Op(o)) if o != ":" && o != "...")
                            })
                }
                _ => false,
            };
        if start {
            cuts.push(*pos);
            opened_by = match tok {
                Tok::Name(n) => n.clone(),
                _ => String::new(),
            };
        }
        match tok {
            Tok::Open(_) => depth += 1,
            Tok::Close => depth = (depth - 1).max(0),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (i, &a) in cuts.iter().enumerate() {
        let b = cuts.get(i + 1).copied().unwrap_or(t.len());
        let s: String = t[a..b].iter().collect();
        let s = s.trim();
        if s.is_empty() {
            continue;
        }
        let kind = if s.starts_with('#')
            || s.starts_with("\"\"\"")
            || s.starts_with("'''")
            || s.starts_with("...")
        {
            Kind::Comment
        } else if s.starts_with("import ") || (s.starts_with("from ") && s.contains(" import ")) {
            Kind::Import
        } else {
            Kind::Code
        };
        let end = a + t[a..b]
            .iter()
            .collect::<String>()
            .trim_end()
            .chars()
            .count();
        out.push((a, end, kind));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<String> {
        let t: Vec<char> = text.chars().collect();
        statements(text)
            .into_iter()
            .map(|(a, b, k)| {
                let s: String = t[a..b].iter().collect();
                match k {
                    Kind::Code => s,
                    Kind::Comment => format!("#: {s}"),
                    _ => format!("i: {s}"),
                }
            })
            .collect()
    }

    #[test]
    fn cuts_a_flat_listing_into_statements() {
        let flat = "from thread import start_new_thread def heron(a): \"\"\"Square root of a\"\"\" \
                    eps = 0.0000001 old = 1 while True: old,new = new, (new + a/new) / 2.0 \
                    print old, new if abs(new - old) < eps: break return new \
                    start_new_thread(heron,(99,)) start_new_thread(heron,(999,)) c = raw_input(\"Type.\")";
        assert_eq!(
            split(flat),
            [
                "i: from thread import start_new_thread",
                "def heron(a):",
                "#: \"\"\"Square root of a\"\"\"",
                "eps = 0.0000001",
                "old = 1",
                "while True:",
                "old,new = new, (new + a/new) / 2.0",
                "print old, new",
                "if abs(new - old) < eps:",
                "break",
                "return new",
                "start_new_thread(heron,(99,))",
                "start_new_thread(heron,(999,))",
                "c = raw_input(\"Type.\")",
            ]
        );
    }

    #[test]
    fn comments_end_at_the_next_statement_and_calls_follow_calls() {
        let flat = "global num_threads num_threads += 1 # code has been left out, see above \
                    num_threads -= 1 lock.acquire() x.y[3] = \"None\" lock.release() ... \
                    for x in threads: x.join() return counter += 1";
        assert_eq!(
            split(flat),
            [
                "global num_threads",
                "num_threads += 1",
                "#: # code has been left out, see above",
                "num_threads -= 1",
                "lock.acquire()",
                "x.y[3] = \"None\"",
                "lock.release()",
                "#: ...",
                "for x in threads:",
                "x.join()",
                "return",
                "counter += 1",
            ]
        );
    }
}
