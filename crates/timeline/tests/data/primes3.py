# A Python 3 version of the threaded prime sieve described in Matloff,
# "Tutorial on Threads Programming with Python", section 5 "The Effect of
# Timesharing" (p. 16): threads take the next crosser-out k under a lock and
# cross out its multiples. Written for the timeline tests (a test input, not
# the tutorial's listing); usage: python3 primes3.py N NTHREADS
import sys
import math
import threading


def cross_out(k):
    for i in range(k * k, n + 1, k):
        prime[i] = 0


def dowork(tn):
    global nexti
    lim = math.isqrt(n)
    nk = 0
    while True:
        with nextilock:
            k = nexti
            nexti += 1
        if k > lim:
            break
        nk += 1
        if prime[k]:
            cross_out(k)
    print('thread', tn, 'exiting; processed', nk, 'values of k')


n = int(sys.argv[1])
nthreads = int(sys.argv[2])
prime = (n + 1) * [1]
nexti = 2
nextilock = threading.Lock()
threads = [threading.Thread(target=dowork, args=(i,), name='thread %d' % i)
           for i in range(nthreads)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print('there are', sum(prime) - 2, 'primes')
