//! A thread per input, with more inputs than the system has threads to
//! keep: the programs join as they go and finish, as the Python does
//! (issue 13 item 3).

use crate::support::{run, text};

/// `count` numbers, one a line, ending with the tutorial's `0`.
fn numbers(count: usize) -> String {
    let mut s: String = (0..count).map(|i| format!("{}\n", 2 + i % 1000)).collect();
    s.push_str("0\n");
    s
}

#[test]
fn prime_number_with_40000_numbers() {
    let o = run("t3-pycourse-4-prime-number", &[], &numbers(40_000), 120);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(out.matches("prime number").count(), 40_000);
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
}

#[test]
fn prime_number_lock_with_40000_numbers() {
    let o = run(
        "t3-pycourse-5-prime-number-lock",
        &[],
        &numbers(40_000),
        120,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    // Repeated numbers are one key of the dict: 2..=1001.
    let dict = out.lines().last().unwrap();
    assert!(
        dict.starts_with("{2: True, 3: True, 4: False"),
        "{dict:.80}"
    );
    assert_eq!(dict.matches(": ").count(), 1000);
}

fn args(count: usize) -> Vec<String> {
    (0..count).map(|i| (2 + i % 500).to_string()).collect()
}

#[test]
fn heron_fixed_with_33000_arguments() {
    let a = args(33_000);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let o = run("t3-pycourse-3-heron-fixed", &a, "", 120);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // Every root's iteration starts from `1 ...`.
    assert_eq!(
        text(&o.stdout)
            .lines()
            .filter(|l| l.starts_with("1 "))
            .count(),
        33_000
    );
}

#[test]
fn fibonacci_with_33000_arguments() {
    let a = args(33_000)
        .into_iter()
        .map(|n| (n.parse::<u32>().unwrap() % 186 + 1).to_string())
        .collect::<Vec<_>>();
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let o = run("t4-ojo-2-fibonacci", &a, "", 120);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout).lines().count(), 33_000);
}
