# Written for the side-by-side tests: not the tutorial's listing, but the
# same output lines as its portscanner.py (Matloff 4.2): ports 1-99 of HOST,
# at most MAXTHREADS scanner threads alive, main waiting when at the limit.
import socket
import sys
import threading

host, maxthreads = sys.argv[1], int(sys.argv[2])
alive = []
cond = threading.Condition()


def scan(port, me):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect((host, port))
        print("%d: successfully connected" % port)
    except OSError:
        print("%d: connection failed" % port)
    finally:
        s.close()
    with cond:
        alive.remove(me)
        print("%d: now active --" % port, alive)
        cond.notify()


for port in range(1, 100):
    with cond:
        print("%d: attempting check" % port)
        if len(alive) >= maxthreads:
            print("%d: need to wait" % port)
            while len(alive) >= maxthreads:
                cond.wait()
        t = threading.Thread(target=scan)
        t._args = (port, t)
        alive.append(t)
        t.start()
        print("%d: starting check" % port)
        print("%d: now active --" % port, alive)
for t in list(alive):
    t.join()
