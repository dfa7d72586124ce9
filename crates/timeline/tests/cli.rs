//! The `timeline` binary: files in, one page out, exit codes.

use assert_cmd::Command;
use std::time::Duration;

fn timeline() -> Command {
    let mut c = Command::cargo_bin("timeline").unwrap();
    c.timeout(Duration::from_secs(60));
    c
}

#[test]
fn two_traces_one_page() {
    let dir = std::env::temp_dir().join(format!("timeline-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/viztracer-primes3-20000-2.json"
    );
    let copy = dir.join("rust.json");
    std::fs::copy(data, &copy).unwrap();
    let page = dir.join("out.html");
    let out = timeline()
        .arg(data)
        .arg(&copy)
        .arg("-o")
        .arg(&page)
        .arg("--chart")
        .env("COLUMNS", "90")
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(stdout.trim(), format!("wrote {}", page.display()));
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.matches("MainThread |").count(), 2, "{stderr}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(html.matches("<g class=\"band\"").count(), 2);
    assert_eq!(html.matches("<g class=\"row\"").count(), 6);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_one_line() {
    let out = timeline().arg("/nonexistent/t.json").assert().code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("timeline: cannot read /nonexistent/t.json"),
        "{stderr}"
    );
    let not_json = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/primes3.py");
    let out = timeline().arg(not_json).assert().code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let out = timeline().assert().code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
