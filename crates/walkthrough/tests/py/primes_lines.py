# Written for the side-by-side tests: not the tutorial's listing, but the
# same output lines as its primes.py (Matloff 5): a sieve whose threads take
# crosser-outers k from a shared counter, then report how many each took.
import math
import sys
import threading

n, nthreads = int(sys.argv[1]), int(sys.argv[2])
composite = bytearray(n + 1)
counter = [2]
guard = threading.Lock()


def work(tn):
    taken = 0
    while True:
        with guard:
            k = counter[0]
            counter[0] += 1
        if k * k > n:
            break
        taken += 1
        if not composite[k]:
            composite[k * k :: k] = b"\x01" * len(range(k * k, n + 1, k))
    # One write a line: print(a, b, ...) writes each item on its own, and two
    # threads' items can interleave (the tear the script forgives, tested with
    # portscanner); this test compares the lines themselves.
    sys.stdout.write("thread %d exiting; processed %d values of k\n" % (tn, taken))


threads = [threading.Thread(target=work, args=(t,)) for t in range(nthreads)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("there are", sum(1 for i in range(2, n + 1) if not composite[i]), "primes")
