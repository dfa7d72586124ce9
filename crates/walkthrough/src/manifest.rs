//! Every listing the workspace ports: its name as anchors write it, where
//! the reader finds it, and how to find it in the converted texts (its
//! first and last lines as short quotes; never the listing itself).

/// How a listing numbers its lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    /// Matloff's listings: a printed number on every line, scattered by the
    /// conversion (see [`crate::listing`]).
    Printed,
    /// Ojo's slides: `12: print fib[self.num]`.
    Colon,
    /// No numbers (Chun's slides, Ojo's other slides): anchors quote the
    /// line, `// mtsleep3.py  print 'all DONE at:', ctime()`.
    Unnumbered,
    /// No numbers and no line breaks either (python-course's page, converted
    /// to one line): quotes are checked, and coverage by statements as
    /// [`crate::flat`] cuts them.
    Flat,
    /// Code fragments on the slides from one title (`first`, a line of its
    /// own outside code) to the next (`last`), repeated as slides build up
    /// (Ojo's `threading.Lock` ... slides): anchors quote a line, unnumbered;
    /// coverage is not checked.
    Fragments,
    /// Not in the texts (ghl3's code is a linked gist; Chun's slides on
    /// thread objects are prose): the name is known, nothing else is checked.
    Absent,
}

/// One listing.
#[derive(Debug, Clone, Copy)]
pub struct Listing {
    /// The file name the tutorial prints, else ours (`-` and `_` are the
    /// same to the check).
    pub name: &'static str,
    /// Other names anchors may use for it.
    pub aliases: &'static [&'static str],
    /// Where the reader finds it: author, section, title, PDF page; or the
    /// slide title or heading.
    pub cite: &'static str,
    pub numbering: Numbering,
    /// A short quote of its first line (a quote that starts its run).
    pub first: &'static str,
    /// A short quote its last line ends with.
    pub last: &'static str,
    /// The last printed line number (`Printed`, `Colon`).
    pub lines: u32,
    /// Lines the converted text leaves ambiguous: number, short quote.
    pub pins: &'static [(u32, &'static str)],
    /// Lines the conversion dropped: number, text as printed.
    pub missing: &'static [(u32, &'static str)],
    /// Comment lines whose `#` the conversion dropped, as quotes.
    pub comments: &'static [&'static str],
    /// Characters the conversion got wrong: as converted, as printed.
    pub fixes: &'static [(&'static str, &'static str)],
    /// Whether every line that does something must have an anchor.
    pub coverage: bool,
    /// Lines another printing of the listing adds, unnumbered (Ojo's "How
    /// Threads Work" slides end `do_some_work` with `print("done")`): an
    /// anchor without a number may quote them.
    pub extra: &'static [&'static str],
}

impl Listing {
    /// A blank entry to fill with `..Listing::EMPTY`.
    pub const EMPTY: Listing = Listing {
        name: "",
        aliases: &[],
        cite: "",
        numbering: Numbering::Absent,
        first: "",
        last: "",
        lines: 0,
        pins: &[],
        missing: &[],
        comments: &[],
        fixes: &[],
        coverage: true,
        extra: &[],
    };

    /// Whether an anchor's name means this listing.
    pub fn is_named(&self, name: &str) -> bool {
        let key = |s: &str| s.to_ascii_lowercase().replace('_', "-");
        let k = key(name);
        key(self.name) == k || self.aliases.iter().any(|a| key(a) == k)
    }
}

/// The listing an anchor's name means.
pub fn lookup(name: &str) -> Option<&'static Listing> {
    LISTINGS.iter().find(|l| l.is_named(name))
}

const MATLOFF_31: &str =
    "Matloff, *Tutorial on Threads Programming with Python*, 3.1 \"The thread Module\", PDF p. 5";

/// In tutorial order.
pub static LISTINGS: &[Listing] = &[
    Listing {
        name: "clnt.py",
        cite: MATLOFF_31,
        numbering: Numbering::Printed,
        first: "# simple illustration of thread module",
        last: "s.close() # close socket",
        lines: 33,
        // A blank line 32 before the last (the lone 32 sits before it).
        pins: &[
            (16, "s = socket.socket"),
            (18, "host = sys.argv[1]"),
            (33, "s.close()"),
        ],
        comments: &["python clnt.py server_address port_number"],
        ..Listing::EMPTY
    },
    Listing {
        name: "srvr.py",
        cite: MATLOFF_31,
        numbering: Numbering::Printed,
        first: "# simple illustration of thread module",
        last: "print 'the final value of v is', v",
        lines: 74,
        comments: &[
            "also global; the standard method",
            "via globals",
            "by locks",
            "and get the client's address/port tuple",
            "function, with parameter clnt;",
            "a tuple; in this case, the tuple",
            "needed",
        ],
        ..Listing::EMPTY
    },
    Listing {
        name: "thsvr.py",
        // Matloff 7.4.1 runs it as thsvr.py; 3.2 prints no name.
        aliases: &["srvr-threaded.py", "srvr2.py", "srvr-threading.py"],
        cite: "Matloff, *Tutorial on Threads Programming with Python*, 3.2 \"The threading Module\", PDF p. 10 (\"the new server code\"; 7.4.1 runs it as thsvr.py)",
        numbering: Numbering::Printed,
        first: "# simple illustration of threading module",
        last: "print 'the final value of v is', srvr.v",
        lines: 74,
        // Judgement calls where the text's numbers fit two ways: blank lines
        // after the imports, before `nclnt` and before each comment of the
        // main program, as in srvr.py.
        pins: &[
            (15, "class srvr(threading.Thread):"),
            (51, "nclnt = int(sys.argv[2])"),
            (68, "lstn.close()"),
        ],
        comments: &[
            "is run(); threading. Thread. start()",
            "which is always overridden",
            "and get the client's address/port tuple",
        ],
        ..Listing::EMPTY
    },
    Listing {
        name: "enumerate.py",
        cite: "Matloff, *Tutorial on Threads Programming with Python*, 3.2 \"The threading Module\", PDF p. 10, after the server: `print threading.enumerate()` (one line, no file name)",
        numbering: Numbering::Unnumbered,
        first: "print threading.enumerate()",
        last: "print threading.enumerate()",
        ..Listing::EMPTY
    },
    Listing {
        name: "portscanner.py",
        cite: "Matloff, *Tutorial on Threads Programming with Python*, 4.2 \"Event Example\", PDF p. 13",
        numbering: Numbering::Printed,
        first: "# portscanner.py: checks for active ports",
        last: "main()",
        lines: 65,
        // 34-35 as issue 14 cites them; blank lines after the imports and
        // before `def main():`.
        pins: &[
            (11, "class scanner(threading.Thread):"),
            (20, "def run(self):"),
            (34, "scanner.evnt.set()"),
            (47, "def main():"),
        ],
        missing: &[(22, "try:"), (26, "except:")],
        fixes: &[("AF INET.socket.SOCK STREAM", "AF_INET,socket.SOCK_STREAM")],
        ..Listing::EMPTY
    },
    Listing {
        name: "primes.py",
        cite: "Matloff, *Tutorial on Threads Programming with Python*, 5 \"The Effect of Timesharing\", PDF p. 16",
        numbering: Numbering::Printed,
        first: "#!/usr/bin/env python",
        last: "main()",
        lines: 49,
        // Its prose names lines 9, 13, 20-22, 26-27, 32-37, 39-46: all agree.
        pins: &[(48, "if __name__ == '__main__':")],
        missing: &[(29, "def main():")],
        fixes: &[("</pre>", "")],
        ..Listing::EMPTY
    },
    Listing {
        name: "pqsort.py",
        cite: "Matloff, *Tutorial on Threads Programming with Python*, 6 \"The Queue Module\", PDF p. 18",
        numbering: Numbering::Printed,
        first: "# pqsort.py: threaded quicksort",
        last: "main()",
        lines: 107,
        fixes: &[
            ("pgsort", "pqsort"),
            ("Oueue", "Queue"),
            ("</pre>", ""),
            ("_{\\rm init}", "def __init__"),
            ("^{\\prime\\prime\\prime}", "'''"),
            ("\"\" thread loops", "''' thread loops"),
            ("left \"\"", "left '''"),
        ],
        // Where the text's numbers fit two ways: no blank line inside a
        // `for` body (so a blank one after the docstring), as the port reads it.
        pins: &[
            (18, "def __init__ (self, a, numthreads"),
            (21, "jobs = Queue.Queue()"),
            (28, "jobs.put((0,len(a)))"),
            (30, "t = pqsort.pqsorter(a, jobs)"),
        ],
        missing: &[(57, "try:")],
        ..Listing::EMPTY
    },
    Listing {
        name: "bar.py",
        aliases: &["chun-bar.py"],
        cite: "Chun, *Multithreaded Programming in Python*, slide \"Example\"",
        numbering: Numbering::Unnumbered,
        first: "def bar(text):",
        last: "t.join()",
        ..Listing::EMPTY
    },
    Listing {
        name: "mtsleep3.py",
        aliases: &["mtsleap3.py"],
        cite: "Chun, *Multithreaded Programming in Python*, slide \"Longer Threading Example (mtsleap3.py)\" (its output slide runs it as mtsleep3.py)",
        numbering: Numbering::Unnumbered,
        first: "loops = ( 4, 2 )",
        last: "print 'all DONE at:', ctime()",
        ..Listing::EMPTY
    },
    Listing {
        name: "mtsleep4.py",
        aliases: &["mtsleap4.py"],
        cite: "Chun, *Multithreaded Programming in Python*, slide \"Thread Class Example (mtsleap4.py)\"",
        numbering: Numbering::Unnumbered,
        first: "class ThreadFunc:",
        last: "print 'all DONE at:', ctime()",
        ..Listing::EMPTY
    },
    Listing {
        name: "mtsleep5.py",
        aliases: &["mtsleap5.py"],
        cite: "Chun, *Multithreaded Programming in Python*, slide \"Thread Subclass Example (mtsleap5.py)\"",
        numbering: Numbering::Unnumbered,
        first: "class MyThread(threading.Thread):",
        last: "print 'all DONE at:', ctime()",
        ..Listing::EMPTY
    },
    Listing {
        name: "chun-slides.py",
        aliases: &["chun-thread-objects.py", "chun-daemon.py", "chun-timer.py"],
        cite: "Chun, *Multithreaded Programming in Python*, slides \"Thread Naming\", \"Are you alive?\", \"Daemon Threads\", \"Other threading Module Objects\" (prose, no listing)",
        ..Listing::EMPTY
    },
    Listing {
        name: "heron.py",
        cite: "python-course.eu, \"Threads in Python\", heading \"The thread Module\", \"Example for a Thread in Python\"",
        numbering: Numbering::Flat,
        first: "from thread import start_new_thread def heron(a):",
        last: "c = raw_input(\"Type something to quit.\")",
        ..Listing::EMPTY
    },
    Listing {
        name: "heron-counters.py",
        aliases: &["heron-count.py", "heron-racy.py"],
        cite: "python-course.eu, \"Threads in Python\", heading \"The thread Module\", \"We expand the previous example with counters\"",
        numbering: Numbering::Flat,
        first: "from thread import start_new_thread num_threads = 0",
        last: "while num_threads > 0: pass",
        ..Listing::EMPTY
    },
    Listing {
        name: "heron-locks.py",
        aliases: &["heron-lock.py", "heron-fixed.py"],
        cite: "python-course.eu, \"Threads in Python\", heading \"Solution\", \"The solution with locks\"",
        numbering: Numbering::Flat,
        first: "from thread import start_new_thread, allocate_lock",
        last: "while not thread_started: pass while num_threads > 0: pass",
        ..Listing::EMPTY
    },
    Listing {
        name: "sleeper.py",
        cite: "python-course.eu, \"Threads in Python\", heading \"threading Module\"",
        numbering: Numbering::Flat,
        first: "import time from threading import Thread def sleeper(i):",
        last: "t.start()",
        ..Listing::EMPTY
    },
    Listing {
        name: "prime-number.py",
        aliases: &["primenumber.py"],
        cite: "python-course.eu, \"Threads in Python\", heading \"threading Module\", the `PrimeNumber` thread class",
        numbering: Numbering::Flat,
        first: "import threading class PrimeNumber(threading.Thread):",
        last: "for x in threads: x.join()",
        ..Listing::EMPTY
    },
    Listing {
        name: "prime-number-lock.py",
        aliases: &["primenumber-lock.py"],
        cite: "python-course.eu, \"Threads in Python\", heading \"threading Module\", \"With locks it should look like this\"",
        numbering: Numbering::Flat,
        first: "class PrimeNumber(threading.Thread): prime_numbers = {}",
        last: "for x in threads: x.join()",
        ..Listing::EMPTY
    },
    Listing {
        name: "pinger-sequential.py",
        aliases: &[
            "pinger_seq.py",
            "ping_loop.py",
            "pinger-nothreads.py",
            "ping.py",
        ],
        cite: "python-course.eu, \"Threads in Python\", heading \"Pinging with Threads\", the solution without threads",
        numbering: Numbering::Flat,
        first: "import os, re received_packages = re.compile",
        last: "print ip + \": \" + status[int(n_received[0])]",
        ..Listing::EMPTY
    },
    Listing {
        name: "pinger.py",
        aliases: &["ip-check.py", "ip_check.py"],
        cite: "python-course.eu, \"Threads in Python\", heading \"Pinging with Threads\", \"the fast solution with threads\"",
        numbering: Numbering::Flat,
        first: "import os, re, threading class ip_check(threading.Thread):",
        last: "print \"Status from \", el.ip,\"is\",el.status()",
        ..Listing::EMPTY
    },
    Listing {
        name: "do-some-work.py",
        cite: "Ojo, *Threading* slides, \"Creating Threads in Python\"",
        numbering: Numbering::Colon,
        first: "1: import threading",
        last: "9: t.join()",
        lines: 9,
        extra: &["print(\"done\")"],
        ..Listing::EMPTY
    },
    Listing {
        name: "fibonacci.py",
        aliases: &["fibonacci-thread.py", "fibonaccithread.py"],
        cite: "Ojo, *Threading* slides, \"Creating Threads in Python\", `FibonacciThread`",
        numbering: Numbering::Colon,
        first: "1: import threading",
        last: "18: myFibTask2.join()",
        lines: 18,
        ..Listing::EMPTY
    },
    Listing {
        name: "bank-account.py",
        aliases: &["bankaccount.py"],
        cite: "Ojo, *Threading* slides, \"Thread Interference\"",
        numbering: Numbering::Unnumbered,
        first: "class BankAccount:",
        last: "t2.start()",
        ..Listing::EMPTY
    },
    Listing {
        name: "queue.py",
        cite: "Ojo, *Threading* slides, \"Inter-thread Communication Using Queues\"",
        numbering: Numbering::Unnumbered,
        first: "from threading import Thread",
        last: "t2.start()",
        ..Listing::EMPTY
    },
    Listing {
        name: "locks.py",
        aliases: &["lock.py"],
        cite: "Ojo, *Threading* slides, \"threading.Lock\" (fragments over several slides)",
        numbering: Numbering::Fragments,
        first: "threading.Lock",
        last: "threading.RLock",
        coverage: false,
        ..Listing::EMPTY
    },
    Listing {
        name: "rlock.py",
        cite: "Ojo, *Threading* slides, \"threading.RLock\" (fragments over several slides)",
        numbering: Numbering::Fragments,
        first: "threading.RLock",
        last: "threading.Semaphore",
        coverage: false,
        ..Listing::EMPTY
    },
    Listing {
        name: "semaphore.py",
        aliases: &["bounded-semaphore.py"],
        cite: "Ojo, *Threading* slides, \"threading.Semaphore\" (fragments over several slides)",
        numbering: Numbering::Fragments,
        first: "threading.Semaphore",
        last: "threading.Event",
        coverage: false,
        ..Listing::EMPTY
    },
    Listing {
        name: "event.py",
        cite: "Ojo, *Threading* slides, \"threading.Event\" (fragments over several slides)",
        numbering: Numbering::Fragments,
        first: "threading.Event",
        last: "threading.Condition",
        coverage: false,
        ..Listing::EMPTY
    },
    Listing {
        name: "condition.py",
        cite: "Ojo, *Threading* slides, \"threading.Condition\" (fragments over several slides)",
        numbering: Numbering::Fragments,
        first: "threading.Condition",
        last: "Inter-thread Communication Using Queues",
        coverage: false,
        ..Listing::EMPTY
    },
    Listing {
        name: "pool.py",
        aliases: &["ghl3.py", "ghl3-pool.py", "threaded-script.py"],
        cite: "ghl3, \"Python Threads\" (the code is in the gist the post links)",
        ..Listing::EMPTY
    },
];
