//! srvr's integration tests, one binary: [`binary`] drives the real `srvr`
//! over loopback, [`lib_api`] calls the library with an injected shutdown.
//! Their shared support is `testkit::server`.

mod binary;
mod lib_api;
