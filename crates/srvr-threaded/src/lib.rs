//! Port of srvr-threaded (work in progress).
