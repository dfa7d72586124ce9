//! The heron programs print floats as Python 3's `print` does.

use crate::support::{run, text};
use std::process::Command;

/// The tutorial's `heron` in Python 3, fed one number: what the Rust must print.
const HERON_PY: &str = r#"
import sys
def heron(a):
    eps = 0.0000001
    old = 1
    new = 1
    while True:
        old,new = new, (new + a/new) / 2.0
        print(old, new)
        if abs(new - old) < eps:
            break
    return new
heron(float(sys.argv[1]))
"#;

#[test]
fn heron_1e20_ties_like_python() {
    // 1525878906271845.25 is halfway between two shortest decimals; Python's
    // repr picks the even digit.
    let o = run("t3-pycourse-3-heron-fixed", &["1e20"], "", 60);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains(
            "3051757812510922.5 1525878906271845.2\n1525878906271845.2 762939453168690.6\n"
        ),
        "{out}"
    );
}

#[test]
fn heron_lines_equal_python3s() {
    let python = Command::new("python3").arg("--version").output();
    if python.is_err() {
        testkit::skip!("no python3 to compare with");
    }
    for a in [
        "99",
        "1e20",
        "2",
        "1e-3",
        "12345.678",
        "3e300",
        "7e-300",
        "1733",
    ] {
        let py = Command::new("python3")
            .args(["-c", HERON_PY, a])
            .output()
            .unwrap();
        assert!(py.status.success(), "{}", text(&py.stderr));
        let rust = run("t3-pycourse-3-heron-fixed", &[a], "", 60);
        assert_eq!(text(&rust.stdout), text(&py.stdout), "heron({a})");
    }
}
