//! Port of srvr (work in progress).
