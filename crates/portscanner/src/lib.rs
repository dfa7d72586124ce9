//! Port of portscanner (work in progress).
