//! How much memory tool mode may use: `-S SIZE` as `sort` takes it, or by
//! default a share of what this process can really get (free memory, its
//! memory cgroup's limit, its address-space and data limits), so that a
//! large input is sorted in runs on disk instead of being killed by the
//! OOM killer.

use std::path::Path;

/// Default share of the available memory tool mode plans to use: the
/// rest is for estimates that are off, the allocator and other processes.
const DEFAULT_SHARE_PERCENT: u64 = 50;
/// Budget when nothing can be read about memory (not Linux, say).
const FALLBACK: u64 = 1 << 30;
/// The smallest budget `-S` takes.
pub const MIN_BUDGET: u64 = 1 << 10;

/// Parses `-S SIZE` the way GNU `sort` does: a number with an optional
/// suffix `b` (bytes), `K` (the default), `M`, `G`, `T` (powers of 1024),
/// or `%` (of physical memory).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let bad = || format!("invalid -S size '{s}' (like sort: 500M, 2G, 10%, 64K)");
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, suffix) = t.split_at(split);
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let bytes = match suffix {
        "b" => Some(n),
        "" | "k" | "K" => n.checked_mul(1 << 10),
        "m" | "M" => n.checked_mul(1 << 20),
        "g" | "G" => n.checked_mul(1 << 30),
        "t" | "T" => n.checked_mul(1 << 40),
        "%" if n <= 100 => Some(physical_memory().unwrap_or(FALLBACK) / 100 * n),
        _ => return Err(bad()),
    }
    .ok_or_else(bad)?;
    if bytes < MIN_BUDGET {
        return Err(format!("-S {s} is too small: at least 1K"));
    }
    Ok(bytes)
}

/// The default budget: `DEFAULT_SHARE_PERCENT` (50%) of [`available`].
pub fn default_budget() -> u64 {
    (available().unwrap_or(FALLBACK) / 100 * DEFAULT_SHARE_PERCENT).max(MIN_BUDGET)
}

/// Bytes this process could still allocate and touch: the least of the
/// kernel's `MemAvailable`, the room left under its memory cgroup's limit
/// (v1 or v2, the tightest ancestor), and the room left under
/// `RLIMIT_AS` and `RLIMIT_DATA`. `None` if none of them can be read.
pub fn available() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok();
    let status = std::fs::read_to_string("/proc/self/status").ok();
    let mut least: Option<u64> = meminfo
        .as_deref()
        .and_then(|m| meminfo_kib(m, "MemAvailable:"));
    let mut take = |x: Option<u64>| {
        if let Some(x) = x {
            least = Some(least.map_or(x, |l| l.min(x)));
        }
    };
    take(cgroup_room());
    for (res, field) in [
        (rlimit::Resource::AS, "VmSize:"),
        (rlimit::Resource::DATA, "VmData:"),
    ] {
        if let Ok((soft, _)) = res.get() {
            if soft != rlimit::INFINITY {
                let used = status.as_deref().and_then(|s| meminfo_kib(s, field));
                take(Some(soft.saturating_sub(used.unwrap_or(0))));
            }
        }
    }
    least
}

fn physical_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    meminfo_kib(&meminfo, "MemTotal:")
}

/// A `/proc/meminfo` or `/proc/self/status` field given in kB, in bytes.
pub fn meminfo_kib(text: &str, field: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line[field.len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    kib.checked_mul(1024)
}

/// The room left under the tightest memory cgroup limit of this process.
fn cgroup_room() -> Option<u64> {
    let cgroups = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let mut least: Option<u64> = None;
    for line in cgroups.lines() {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        let (root, limit, usage) = match controllers {
            "" => ("/sys/fs/cgroup", "memory.max", "memory.current"),
            c if c.split(',').any(|c| c == "memory") => (
                "/sys/fs/cgroup/memory",
                "memory.limit_in_bytes",
                "memory.usage_in_bytes",
            ),
            _ => continue,
        };
        // The limit of every ancestor applies too.
        let mut dir = Path::new(root).join(path.trim_start_matches('/'));
        loop {
            let read = |f: &str| std::fs::read_to_string(dir.join(f)).ok();
            if let (Some(max), Some(cur)) = (read(limit), read(usage)) {
                if let Some(room) = room_under(&max, &cur) {
                    least = Some(least.map_or(room, |l| l.min(room)));
                }
            }
            if dir.as_os_str().len() <= root.len() || !dir.pop() {
                break;
            }
        }
    }
    least
}

/// `max - current` for a cgroup's limit and usage files; `None` for no
/// limit (`max` in v2, a huge number in v1).
pub fn room_under(max: &str, current: &str) -> Option<u64> {
    let max: u64 = max.trim().parse().ok()?;
    if max >= 1 << 62 {
        return None;
    }
    let current: u64 = current.trim().parse().unwrap_or(0);
    Some(max.saturating_sub(current))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_like_sort() {
        assert_eq!(parse_size("100"), Ok(100 << 10));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("500M"), Ok(500 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("4096b"), Ok(4096));
        assert!(parse_size("10%").unwrap() > 0);
        for bad in [
            "",
            "M",
            "1.5G",
            "-1",
            "10X",
            "200%",
            "100b",
            "99999999999999999999T",
        ] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn memory_files_are_read() {
        let meminfo = "MemTotal:       24684000 kB\nMemAvailable:   23000000 kB\n";
        assert_eq!(
            meminfo_kib(meminfo, "MemAvailable:"),
            Some(23_000_000 * 1024)
        );
        assert_eq!(meminfo_kib(meminfo, "Nope:"), None);
        assert_eq!(room_under("max\n", "123\n"), None);
        assert_eq!(room_under("9223372036854771712\n", "5\n"), None);
        assert_eq!(
            room_under("1073741824\n", "73741824\n"),
            Some(1_000_000_000)
        );
        assert_eq!(room_under("100\n", "200\n"), Some(0));
        // This machine: something can be read, and the default is a share.
        let avail = available().expect("Linux has /proc/meminfo");
        assert!(default_budget() <= avail);
    }
}
