//! `timeline a.json [b.json ...] -o out.html`: one page, each trace a band.

use clap::Parser;
use std::io::Write;
use std::path::PathBuf;

/// Draws Chrome trace files (ours from `--trace`, or VizTracer's) as one
/// self-contained HTML/SVG page: each trace a band, threads as rows on one
/// time axis, hover text with each span's name and duration.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// Trace files (Chrome Trace Event JSON).
    #[arg(required = true)]
    traces: Vec<PathBuf>,
    /// Where to write the page.
    #[arg(short, long, default_value = "timeline.html")]
    output: PathBuf,
    /// Band titles, one per trace in order [default: the file names].
    #[arg(short, long = "title", value_name = "TITLE")]
    titles: Vec<String>,
    /// Also print each trace's text chart on stderr.
    #[arg(long)]
    chart: bool,
}

/// The largest trace file read (1 GiB; a VizTracer trace of a million
/// entries is a few hundred MB).
const MAX_TRACE_BYTES: u64 = 1 << 30;

/// One line on stderr (nowhere left to tell if that fails), then exit.
fn fail(code: i32, msg: std::fmt::Arguments) -> ! {
    let _ = writeln!(std::io::stderr(), "timeline: {msg}");
    std::process::exit(code)
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            std::process::exit(0)
        }
        Err(e) => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("bad arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            fail(2, format_args!("{first} (try --help)"))
        }
    };
    if cli.titles.len() > cli.traces.len() {
        fail(
            2,
            format_args!("more --title than trace files (try --help)"),
        );
    }
    let mut traces = Vec::new();
    for (i, path) in cli.traces.iter().enumerate() {
        // A trace is read whole: bound what one file may cost.
        if let Ok(m) = std::fs::metadata(path)
            && m.len() > MAX_TRACE_BYTES
        {
            fail(
                1,
                format_args!(
                    "{}: {} bytes is too large (at most {MAX_TRACE_BYTES}; VizTracer's --tracer_entries makes smaller traces)",
                    path.display(),
                    m.len()
                ),
            );
        }
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| fail(1, format_args!("cannot read {}: {e}", path.display())));
        let file = path.file_name().map_or_else(
            || path.display().to_string(),
            |f| f.to_string_lossy().into(),
        );
        let title = cli.titles.get(i).cloned().unwrap_or_else(|| file.clone());
        let trace = timeline::json::read(&text, &file)
            .unwrap_or_else(|e| fail(1, format_args!("{}: {e}", path.display())));
        if cli.chart {
            let chart = timeline::chart::render(&trace, timeline::chart::width());
            let _ = std::io::stderr().write_all(chart.as_bytes());
        }
        traces.push((title, trace));
    }
    let html = timeline::page::render(&traces);
    if let Err(e) = std::fs::write(&cli.output, html) {
        fail(
            1,
            format_args!("cannot write {}: {e}", cli.output.display()),
        );
    }
    // A closed stdout (`| head -0`) is the reader's choice; any other
    // write error is a failure, as elsewhere in the workspace.
    let mut stdout = std::io::stdout();
    if let Err(e) = writeln!(stdout, "wrote {}", cli.output.display()).and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        fail(1, format_args!("cannot write to stdout: {e}"));
    }
}
