//! Port of pinger (work in progress).
