# Written for the side-by-side tests: not the tutorial's listing, but a
# server that speaks srvr.py's protocol (Matloff 3.1) and prints its last
# line: NCLNT (default 2) clients, each letter appended to v and v sent back.
import socket
import sys
import threading

port = int(sys.argv[1])
nclnt = int(sys.argv[2]) if len(sys.argv) > 2 else 2
v = b""
guard = threading.Lock()


def serve(c):
    global v
    while True:
        k = c.recv(1)
        if not k:
            break
        with guard:
            v += k
            reply = v
        c.sendall(reply)
    c.close()


lstn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
lstn.bind(("127.0.0.1", port))
lstn.listen(5)
threads = []
for i in range(nclnt):
    clnt, _ = lstn.accept()
    t = threading.Thread(target=serve, args=(clnt,))
    t.start()
    threads.append(t)
lstn.close()
for t in threads:
    t.join()
print("the final value of v is", v.decode())
