//! Port of pqsort (work in progress).
