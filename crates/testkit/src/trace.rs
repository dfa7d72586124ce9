//! A trace file of a test's own, for the `--trace FILE` tests.

use std::path::PathBuf;

/// A path under the temp dir, unique to this test process and `name`,
/// removed on drop; [`read`](Self::read) parses what the program wrote.
pub struct TraceFile(PathBuf);

impl TraceFile {
    /// `PROG-trace-PID/NAME.json` under the temp dir (the folder is made).
    pub fn new(prog: &str, name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("{prog}-trace-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TraceFile(dir.join(format!("{name}.json")))
    }

    /// The path, as the program's argument.
    pub fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }

    /// The trace the program wrote; panics if it is missing or not valid.
    pub fn read(&self) -> timeline::Trace {
        let text = std::fs::read_to_string(&self.0).expect("the trace was written");
        timeline::json::read(&text, "t.json").expect("a valid trace")
    }
}

impl Drop for TraceFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
