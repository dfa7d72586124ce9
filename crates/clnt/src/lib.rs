//! Port of clnt (work in progress).
