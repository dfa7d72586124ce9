//! The lessons of Matloff's tutorial that have no program of their own
//! elsewhere: 3.2's `threading.enumerate()`, 4.3's `notify` versus
//! `notifyAll`, 7.4's GIL and Appendix B's non-pre-emptive threads.

use crate::support::{run, text};

fn lines(name: &str, args: &[&str]) -> Vec<String> {
    let o = run(name, args, "", 120);
    assert_eq!(o.status.code(), Some(0), "{name}: {}", text(&o.stderr));
    text(&o.stdout).lines().map(String::from).collect()
}

#[test]
fn enumerate_lists_the_live_threads_as_python_does() {
    assert_eq!(
        lines("t1-matloff-3-2-enumerate", &[]),
        [
            "[<_MainThread(MainThread, started)>, <srvr(Thread-1, started)>, <srvr(Thread-2, started)>]",
            "[<_MainThread(MainThread, started)>]",
        ]
    );
}

#[test]
fn notify_wakes_one_and_notify_all_the_rest() {
    for _ in 0..5 {
        let l = lines("t1-matloff-4-3-notify", &[]);
        assert_eq!(l.len(), 4, "{l:?}");
        assert_eq!(l[0], "3 threads wait on the condition");
        assert!(
            l[1].starts_with("notify(): 1 thread woke (thread "),
            "{l:?}"
        );
        assert!(l[1].ends_with("); 2 still waiting"), "{l:?}");
        assert!(
            l[2].starts_with("notifyAll(): 2 threads woke (thread "),
            "{l:?}"
        );
        assert!(l[2].ends_with("); 0 still waiting"), "{l:?}");
        // Three different threads woke.
        let mut ids: Vec<char> = l[1..3]
            .iter()
            .flat_map(|s| {
                s.split("thread ")
                    .skip(1)
                    .map(|t| t.chars().next().unwrap())
            })
            .filter(char::is_ascii_digit)
            .collect();
        ids.sort();
        assert_eq!(ids, ['1', '2', '3'], "{l:?}");
    }
}

#[test]
fn gil_run_hands_the_lock_over_and_computes_what_free_threads_do() {
    let l = lines(
        "t1-matloff-7-4-gil",
        &["--threads", "2", "--steps", "200000"],
    );
    assert_eq!(l.len(), 5, "{l:?}");
    let gil = &l[2];
    assert!(
        gil.starts_with("one lock, given up every 100 steps (the GIL): "),
        "{gil}"
    );
    let handovers: usize = gil
        .rsplit("changed hands ")
        .next()
        .and_then(|s| s.strip_suffix(" times"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{gil}"));
    assert!(handovers >= 2, "{gil}");
    assert!(l[3].starts_with("free threads (no GIL): "), "{l:?}");
    testkit::assert_usage_error(
        &crate::support::bin("t1-matloff-7-4-gil"),
        &["--threads", "0"],
    );
    testkit::assert_usage_error(
        &crate::support::bin("t1-matloff-7-4-gil"),
        &["--check-interval", "0"],
    );
}

#[test]
fn generators_switch_only_at_their_yields() {
    let l = lines("t1-matloff-b-generators", &[]);
    assert_eq!(l.len(), 19, "{l:?}");
    assert_eq!(l[0], "deposit 100: read balance 0");
    assert_eq!(l[1], "deposit 100: wrote balance 100");
    assert_eq!(l[2], "withdraw 50: read balance 100");
    assert_eq!(
        l[18],
        "final balance 150, expected 150 (3 x 100 - 3 x 50); 9 switches, all at a yield"
    );
    // The same on every run, and with a yield between read and write the
    // same updates are lost every time.
    assert_eq!(lines("t1-matloff-b-generators", &[]), l);
    let lost = lines("t1-matloff-b-generators", &["--yield-between"]);
    assert_eq!(
        lost.last().unwrap(),
        "final balance -150, expected 150 (3 x 100 - 3 x 50); 15 switches, all at a yield"
    );
    assert_eq!(lines("t1-matloff-b-generators", &["--yield-between"]), lost);
}
