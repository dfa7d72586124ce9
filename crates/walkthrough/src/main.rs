use clap::{Parser, Subcommand};
use common::cli;
use std::io::Write;
use std::path::{Path, PathBuf};
use walkthrough::{anchor, check, listing, manifest, render};

/// The side-by-side walkthroughs (docs/side-by-side/), generated from the
/// anchor comments in crates/, and their check against the tutorials.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate docs/side-by-side/ from the anchors.
    Write {
        /// The workspace root (default: the one around the current directory).
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Fail (exit 1, one problem a line) on stale pages and bad or missing anchors.
    Check {
        #[arg(long)]
        root: Option<PathBuf>,
        /// Directory of the converted tutorial texts: also check anchors
        /// against the listings and that every line that does something has one.
        #[arg(long)]
        tutorials: Option<PathBuf>,
        /// Do not check the pages (for reading another worktree's anchors).
        #[arg(long)]
        no_docs: bool,
    },
    /// Print every listing's name, other names and citation.
    Listings,
    /// Print a listing as the check numbers it (`*` code, `#` comment, `i` import).
    Listing {
        /// Its name (srvr.py, portscanner.py, ...).
        name: String,
        #[arg(long)]
        tutorials: PathBuf,
    },
}

fn workspace_root() -> PathBuf {
    let start = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    for dir in start.ancestors() {
        let toml = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
        if toml.contains("[workspace]") && dir.join("crates").is_dir() {
            return dir.to_path_buf();
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Writes `text` to stdout; a closed pipe ends quietly, another error fails.
fn out(text: &str) {
    let mut o = std::io::stdout().lock();
    match o.write_all(text.as_bytes()).and_then(|()| o.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => cli::fail(format_args!("cannot write to stdout: {e}")),
    }
}

fn scan(root: &Path) -> (Vec<anchor::Anchor>, Vec<anchor::Malformed>) {
    anchor::scan(root)
        .unwrap_or_else(|e| cli::fail(format_args!("cannot read {}/crates: {e}", root.display())))
}

fn texts(dir: &Path) -> Vec<(String, String)> {
    let t = walkthrough::read_texts(dir).unwrap_or_else(|e| {
        cli::fail(format_args!(
            "cannot read the tutorials in {}: {e}",
            dir.display()
        ))
    });
    if t.is_empty() {
        cli::fail(format_args!(
            "no .md or .txt tutorial texts in {}",
            dir.display()
        ));
    }
    t
}

fn write(root: &Path) {
    let (anchors, _) = scan(root);
    let pages = render::pages(&anchors);
    let dir = root.join(walkthrough::DOCS_DIR);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        cli::fail(format_args!("cannot create {}: {e}", dir.display()));
    }
    for old in check::generated_on_disk(root) {
        if !pages.contains_key(&old) {
            let _ = std::fs::remove_file(dir.join(&old));
        }
    }
    let mut changed = 0;
    for (name, text) in &pages {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).is_ok_and(|t| &t == text) {
            continue;
        }
        if let Err(e) = std::fs::write(&path, text) {
            cli::fail(format_args!("cannot write {}: {e}", path.display()));
        }
        changed += 1;
    }
    out(&format!(
        "{} anchors, {} pages in {}, {changed} rewritten\n",
        anchors.len(),
        pages.len(),
        walkthrough::DOCS_DIR
    ));
}

fn run_check(root: &Path, tutorials: Option<&Path>, docs: bool) -> i32 {
    let (anchors, malformed) = scan(root);
    let mut problems = check::anchors(&anchors, &malformed);
    if let Some(dir) = tutorials {
        let (found, missing) = check::find_all(&texts(dir), &anchors);
        problems.extend(missing);
        problems.extend(check::against_listings(&anchors, &found));
    }
    if docs {
        problems.extend(check::stale(root, &render::pages(&anchors)));
    }
    if problems.is_empty() {
        out(&format!(
            "walkthrough check: ok ({} anchors{}{})\n",
            anchors.len(),
            if tutorials.is_some() {
                ", listings covered"
            } else {
                ""
            },
            if docs { ", pages up to date" } else { "" }
        ));
        return 0;
    }
    let mut s = String::new();
    for p in &problems {
        s.push_str(p);
        s.push('\n');
    }
    out(&s);
    // Which listings still lack anchors, in one line.
    let mut lacking: Vec<(String, usize)> = Vec::new();
    for p in problems.iter().filter(|p| p.ends_with("has no anchor")) {
        let name = p.split([':', ' ']).next().unwrap_or("").to_string();
        match lacking.iter_mut().find(|(n, _)| *n == name) {
            Some((_, c)) => *c += 1,
            None => lacking.push((name, 1)),
        }
    }
    let lacking: Vec<String> = lacking.iter().map(|(n, c)| format!("{n} {c}")).collect();
    if lacking.is_empty() {
        cli::warn(format_args!("{} problems", problems.len()));
    } else {
        cli::warn(format_args!(
            "{} problems; lines without an anchor: {}",
            problems.len(),
            lacking.join(", ")
        ));
    }
    cli::EXIT_FAILURE
}

fn main() {
    let cli: Cli = cli::parse();
    let code = match cli.command {
        Command::Write { root } => {
            write(&root.unwrap_or_else(workspace_root));
            0
        }
        Command::Check {
            root,
            tutorials,
            no_docs,
        } => run_check(
            &root.unwrap_or_else(workspace_root),
            tutorials.as_deref(),
            !no_docs,
        ),
        Command::Listings => {
            let mut s = String::new();
            for l in manifest::LISTINGS {
                let aka = if l.aliases.is_empty() {
                    String::new()
                } else {
                    format!(" (also {})", l.aliases.join(", "))
                };
                s.push_str(&format!("{}{aka}: {}\n", l.name, l.cite));
            }
            out(&s);
            0
        }
        Command::Listing { name, tutorials } => {
            let Some(l) = manifest::lookup(&name) else {
                cli::usage_error(format_args!("no listing is named {name}"));
            };
            match listing::find(l, &texts(&tutorials)) {
                Some(e) => {
                    out(&check::show(l, &e));
                    0
                }
                None => cli::fail(format_args!("{name}: not found in {}", tutorials.display())),
            }
        }
    };
    std::process::exit(code);
}
