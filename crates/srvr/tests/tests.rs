//! srvr's integration tests, one binary: [`binary`] drives the real `srvr`
//! over loopback, [`lib_api`] calls the library with an injected shutdown,
//! [`trace`] checks `--trace` and `--timeline` against what the clients sent.
//! Their shared support is `testkit::server`.

mod binary;
mod lib_api;
mod trace;
