//! Thread timelines: see which thread did what, when.
//!
//! The tutorials (Matloff, "Tutorial on Threads Programming with Python",
//! section 5 "The Effect of Timesharing", p. 16, above all) are about what
//! threads do at the same time. This crate records it cheaply and draws it:
//!
//! - [`record`]: the recorder. Spans ([`work()`], [`wait()`], [`sleep()`]) and
//!   [`instant()`]s go into per-thread buffers while a [`Session`] records;
//!   off (the default) each call costs one relaxed atomic load. Bounded: past
//!   a cap the recorder keeps per-thread, per-name counts and totals only.
//! - [`model`]: a trace in memory (threads, spans, kinds).
//! - [`json`]: Chrome Trace Event JSON, the format VizTracer writes and
//!   ui.perfetto.dev and chrome://tracing open: writing ours, reading ours
//!   and VizTracer's.
//! - [`chart`]: the `--timeline` text chart on stderr.
//! - [`page`]: the HTML/SVG page the `timeline` binary writes.
//!
//! # Instrumenting a program
//!
//! ```
//! // main.rs: `--trace FILE` and `--timeline`, then run, then finish.
//! let session = timeline::Session::from_args(None, false)?; // (cli.trace, cli.timeline)
//! std::thread::scope(|s| {
//!     for t in 0..2 {
//!         s.spawn(move || {
//!             timeline::thread_name(format_args!("thread {t}")); // the row's name
//!             for k in 2..5 {
//!                 let _k = timeline::work!("k", "k={k}"); // a span; ends at drop
//!             }
//!         });
//!     }
//!     let _join = timeline::wait!("join", "join {} threads", 2); // main waits
//! });
//! timeline::instant("set", "set()");
//! session.finish()?; // writes FILE, prints the chart
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Rules of thumb: one `work` span per unit the program counts (a value of
//! k, a partition, a port), named by a fixed `what` (`"k"`) so counts can be
//! checked, labelled with what it is; a `wait` span around each blocking
//! call (lock, `Event::wait`, `recv`, `join`); a `sleep` span around each
//! sleep; an `instant` at each `set()`, `clear()`, `notify`. Put
//! `thread_name` first in each thread. The macros ([`work!`], [`wait!`],
//! [`sleep!`], [`instant!`]) take `format!` arguments and format them only
//! when recording; off they cost the flag's load (about 1 ns in a tight
//! loop, against about 4 ns for `.with(format_args!(..))`, whose arguments
//! are built even when off). [`Span::label`] labels a span once its result
//! is known (`port 22: open`).
//! Call `finish` after the threads are joined: spans still open then are
//! not in the trace.

pub mod chart;
pub mod json;
pub mod model;
pub mod page;
pub mod record;

pub use model::{Kind, Trace};
pub use record::{
    DEFAULT_CAP, Options, Session, Span, enabled, instant, sleep, thread_name, wait, work,
};
