//! `--trace FILE` and `--timeline` for every snippet: one helper, thin mains.
//!
//! A program that parses its arguments with clap flattens [`Flags`] into its
//! `Cli` (so `--help` lists the two flags); one that takes no arguments,
//! like the Python it ports, calls [`Flags::from_env`], which looks for the
//! two flags only and ignores everything else, as before. Then:
//!
//! ```no_run
//! let trace = snippets::trace::Flags::from_env().start();
//! // ... the program, its threads joined ...
//! trace.exit(0) // writes FILE, prints the chart, then common::out::exit
//! ```
//!
//! Off (neither flag) nothing is started and the spans cost a load each.
//! On, a session records from [`Flags::start`] to [`Recording::exit`]; the
//! trace file is created at the start, so a bad path fails before the run
//! (one line, exit 1). Ctrl-C still writes the trace: most snippets have no
//! Ctrl-C handling of their own (the Python's dies of the signal), so with a
//! flag given, [`Flags::start`] installs one that writes the trace, prints
//! `interrupted; ...` and exits 130. A program that stops by itself on
//! Ctrl-C and reports (the ghl3 pool) uses [`Flags::start_for_own_shutdown`]
//! instead and writes the trace at its normal end.
//!
//! Why a thread of its own keeps the session: `timeline::Session` may not
//! leave the thread that started it, and the Ctrl-C handler runs on
//! another. So a keeper thread (`timeline`) starts the session and waits;
//! whoever comes first, `exit` or Ctrl-C, asks it to write. The keeper
//! records nothing and its empty row is left out of the trace.

use common::cli;
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc;

/// The keeper thread's name, and so its (empty) row's.
const KEEPER: &str = "timeline";

/// The two flags. Flatten into a clap `Cli` with `#[command(flatten)]`.
#[derive(clap::Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    /// Write a Chrome trace of the run to FILE, one row per thread (open it
    /// with `timeline FILE -o page.html` or ui.perfetto.dev)
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// At the end, chart on stderr what each thread did when
    #[arg(long)]
    pub timeline: bool,
}

impl Flags {
    /// The flags among the program's arguments, for a program that takes
    /// no others: `--trace FILE`, `--trace=FILE`, `--timeline`, before any
    /// `--`. Other arguments are ignored, as the program always did. A
    /// `--trace` without its FILE is one line and exit 2.
    pub fn from_env() -> Flags {
        Flags::from_args(std::env::args_os().skip(1)).unwrap_or_else(|e| cli::usage_error(e))
    }

    /// [`from_env`](Self::from_env) over explicit arguments (without the
    /// program name).
    ///
    /// ```
    /// use snippets::trace::Flags;
    /// let f = Flags::from_args(["x", "--timeline", "--trace", "t.json"]).unwrap();
    /// assert!(f.timeline);
    /// assert_eq!(f.trace.as_deref(), Some(std::path::Path::new("t.json")));
    /// assert_eq!(Flags::from_args(["--", "--timeline"]).unwrap(), Flags::default());
    /// assert!(Flags::from_args(["--trace"]).is_err());
    /// ```
    pub fn from_args<I, T>(args: I) -> Result<Flags, String>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString>,
    {
        let mut flags = Flags::default();
        let mut args = args.into_iter().map(Into::into);
        while let Some(a) = args.next() {
            if a == "--" {
                break;
            } else if a == "--timeline" {
                flags.timeline = true;
            } else if a == "--trace" {
                match args.next() {
                    Some(file) if file != "--" => flags.trace = Some(file.into()),
                    _ => return Err("--trace needs a FILE to write the trace to".into()),
                }
            } else if let Some(file) = a.to_str().and_then(|s| s.strip_prefix("--trace=")) {
                if file.is_empty() {
                    return Err("--trace needs a FILE to write the trace to".into());
                }
                flags.trace = Some(file.into());
            }
        }
        Ok(flags)
    }

    /// Whether a trace or a chart was asked for.
    pub fn is_on(&self) -> bool {
        self.trace.is_some() || self.timeline
    }

    /// Starts recording if asked, for a program that does not handle
    /// Ctrl-C itself: while recording, Ctrl-C (or SIGTERM, SIGHUP) writes
    /// the trace, prints `PROG: interrupted; ...` and exits 130.
    pub fn start(&self) -> Recording {
        let rec = self.start_for_own_shutdown();
        if let Some(keeper) = &rec.0 {
            let shutdown = common::Shutdown::install()
                .unwrap_or_else(|e| cli::fail(format!("cannot install the Ctrl-C handler: {e}")));
            let ask = keeper.ask.clone();
            let what = match &self.trace {
                Some(p) => format!("the trace so far is in {}", p.display()),
                None => "the chart shows the run so far".into(),
            };
            shutdown.on_trigger(move || {
                // Lost the race to `exit`: the program is ending by itself.
                if let Some(written) = request(&ask) {
                    let line = match written {
                        Ok(()) => format!("interrupted; {what}"),
                        Err(e) => format!("interrupted; cannot write the trace: {e}"),
                    };
                    cli::warn(line);
                    std::process::exit(common::out::finish(cli::EXIT_INTERRUPTED));
                }
            });
        }
        rec
    }

    /// Starts recording if asked, for a program that stops by itself on
    /// Ctrl-C and returns to `main`, which then calls [`Recording::exit`]
    /// or [`Recording::finish`].
    pub fn start_for_own_shutdown(&self) -> Recording {
        if !self.is_on() {
            return Recording(None);
        }
        // Created now: a bad path fails before the run, not after it.
        let file = self.trace.as_ref().map(|path| {
            File::create(path).unwrap_or_else(|e| {
                cli::fail(format!("cannot write the trace: {}: {e}", path.display()))
            })
        });
        let (ask, requests) = mpsc::channel::<mpsc::Sender<io::Result<()>>>();
        let (ready, started) = mpsc::channel();
        let (path, chart) = (self.trace.clone(), self.timeline);
        let spawned = std::thread::Builder::new()
            .name(KEEPER.into())
            .spawn(move || keep(path.zip(file), chart, &ready, &requests));
        if let Err(e) = spawned {
            cli::fail(format!("cannot start the trace's thread: {e}"));
        }
        match started.recv() {
            Ok(Ok(())) => Recording(Some(Keeper { ask })),
            Ok(Err(e)) => cli::fail(format!("cannot start the trace: {e}")),
            Err(_) => cli::fail("cannot start the trace: its thread ended"),
        }
    }
}

/// The keeper: starts the session, waits for the first request to write,
/// writes, answers, and ends (so later requests find no one).
fn keep(
    file: Option<(PathBuf, File)>,
    chart: bool,
    ready: &mpsc::Sender<io::Result<()>>,
    requests: &mpsc::Receiver<mpsc::Sender<io::Result<()>>>,
) {
    // Chart on, so that the session records even without a file; this
    // module writes both itself (without the keeper's empty row).
    let opts = timeline::Options {
        chart: true,
        ..timeline::Options::default()
    };
    let mut session = match timeline::Session::start(opts) {
        Ok(s) => s,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let _ = ready.send(Ok(()));
    let Ok(reply) = requests.recv() else {
        return; // the program ended without asking: nothing to write
    };
    let mut trace = session.collect().expect("the session records");
    drop(session);
    trace
        .threads
        .retain(|t| !(t.name == KEEPER && t.events.is_empty() && t.aggregates.is_empty()));
    let mut written = Ok(());
    if let Some((path, file)) = file {
        let mut w = io::BufWriter::new(file);
        written = timeline::json::write(&trace, &mut w)
            .and_then(|()| w.flush())
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())));
    }
    if chart {
        let text = timeline::chart::render(&trace, timeline::chart::width());
        common::err!("{text}");
    }
    let _ = reply.send(written);
}

/// Asks the keeper to write; `None` if someone else asked first.
fn request(ask: &mpsc::Sender<mpsc::Sender<io::Result<()>>>) -> Option<io::Result<()>> {
    let (reply, answer) = mpsc::channel();
    ask.send(reply).ok()?;
    answer.recv().ok()
}

struct Keeper {
    ask: mpsc::Sender<mpsc::Sender<io::Result<()>>>,
}

/// A recording started by [`Flags::start`]; empty when no flag was given.
#[must_use = "call exit or finish at the end, or nothing is written"]
pub struct Recording(Option<Keeper>);

impl Recording {
    /// Whether this run records.
    pub fn is_on(&self) -> bool {
        self.0.is_some()
    }

    /// Stops recording, writes the trace file and prints the chart as
    /// asked, and returns `code`. A trace that cannot be written is one
    /// line and exit 1. Call it after joining the threads: spans still open
    /// are not in the trace.
    pub fn finish(self, code: i32) -> i32 {
        let Some(keeper) = self.0 else {
            return code;
        };
        match request(&keeper.ask) {
            Some(Ok(())) => code,
            Some(Err(e)) => cli::fail(format!("cannot write the trace: {e}")),
            // Ctrl-C came first: its handler writes, reports and exits.
            None => loop {
                std::thread::park();
            },
        }
    }

    /// [`finish`](Self::finish), then [`common::out::exit`].
    pub fn exit(self, code: i32) -> ! {
        let code = self.finish(code);
        common::out::exit(code)
    }
}
