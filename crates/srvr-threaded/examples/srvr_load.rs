//! Load generator for `scripts/bench-srvr.sh`: `srvr_load ADDR CLIENTS LETTERS`.
//!
//! CLIENTS threads connect at once, each sends LETTERS single letters, one at
//! a time, waiting for the whole reply (all of `v`) before the next, then
//! half-closes and reads to the end. Prints letters per second (from the
//! moment all start to the last reply) and the p50/p99 time from sending a
//! letter to the end of its reply.
//!
//! A reply carries no length. Client i sends only the byte `i % 256`; with
//! at most one letter of each byte value in flight (a lock per byte value,
//! shared only when there are more than 256 clients), the reply to a letter
//! ends at the first point where it holds every earlier letter of that value
//! plus this one.

use common::cli::{fail, usage_error};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        usage_error("usage: srvr_load ADDR CLIENTS LETTERS");
    }
    let addr: SocketAddr = args[1]
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .unwrap_or_else(|| usage_error(format_args!("'{}' is not an address HOST:PORT", args[1])));
    let count = |i: usize, what: &str| match args[i].parse::<usize>() {
        Ok(n) if (1..=100_000).contains(&n) => n,
        _ => usage_error(format_args!(
            "{what} '{}' is not a count from 1 to 100000",
            args[i]
        )),
    };
    let clients = count(2, "CLIENTS");
    let letters = count(3, "LETTERS");
    let groups = clients.clamp(1, 256);
    // Letters of each byte value completed so far, and the right to send one.
    let done: Arc<Vec<Mutex<usize>>> = Arc::new((0..groups).map(|_| Mutex::new(0)).collect());
    let go = Arc::new(Barrier::new(clients + 1));
    let handles: Vec<_> = (0..clients)
        .map(|i| {
            let (done, go) = (Arc::clone(&done), Arc::clone(&go));
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || client(addr, (i % groups) as u8, letters, &done[i % groups], &go))
                .unwrap_or_else(|e| die(&format!("thread: {e}")))
        })
        .collect();
    go.wait();
    let t0 = Instant::now();
    let mut lat = Vec::with_capacity(clients * letters);
    let mut slowest_connect = Duration::ZERO;
    let mut end = t0;
    for h in handles {
        let (l, c, finished) = h.join().unwrap_or_else(|_| die("a client failed"));
        lat.extend(l);
        slowest_connect = slowest_connect.max(c);
        end = end.max(finished);
    }
    let secs = (end - t0).as_secs_f64();
    lat.sort_unstable();
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e6;
    let line = format!(
        "clients={clients} letters={} secs={secs:.3} letters_per_s={:.0} p50_us={:.0} p99_us={:.0} max_connect_ms={:.1}",
        lat.len(),
        lat.len() as f64 / secs,
        pct(0.50),
        pct(0.99),
        slowest_connect.as_secs_f64() * 1e3
    );
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{line}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            fail(format_args!("cannot write the result: {e}"))
        }
        _ => {}
    }
}

fn client(
    addr: SocketAddr,
    letter: u8,
    letters: usize,
    done: &Mutex<usize>,
    go: &Barrier,
) -> (Vec<Duration>, Duration, Instant) {
    go.wait();
    let t0 = Instant::now();
    let mut s = TcpStream::connect(addr).unwrap_or_else(|e| die(&format!("connect: {e}")));
    let connect = t0.elapsed();
    s.set_nodelay(true).ok();
    s.set_read_timeout(Some(Duration::from_secs(60))).ok();
    let mut buf = vec![0u8; 256 * 1024];
    let mut lat = Vec::with_capacity(letters);
    for _ in 0..letters {
        let mut before = done.lock().unwrap_or_else(|e| e.into_inner());
        let want = *before + 1;
        let sent = Instant::now();
        s.write_all(&[letter])
            .unwrap_or_else(|e| die(&format!("send: {e}")));
        let mut seen = 0;
        loop {
            let n = s
                .read(&mut buf)
                .unwrap_or_else(|e| die(&format!("read: {e}")));
            if n == 0 {
                die("server closed early");
            }
            seen += buf[..n].iter().filter(|&&b| b == letter).count();
            if seen >= want {
                if seen > want || buf[n - 1] != letter {
                    die("reply framing lost");
                }
                break;
            }
        }
        lat.push(sent.elapsed());
        *before = want;
    }
    let finished = Instant::now();
    s.shutdown(Shutdown::Write).ok();
    while matches!(s.read(&mut buf), Ok(n) if n > 0) {}
    (lat, connect, finished)
}

fn die(msg: &str) -> ! {
    fail(msg)
}
