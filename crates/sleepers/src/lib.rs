//! Port of sleepers (work in progress).
