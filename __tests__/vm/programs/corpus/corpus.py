# Debian's amd64 python3.11 in the arm64 VM under the action's QEMU, its standard library from the
# sysroot (QEMU_LD_PREFIX): hashlib (OpenSSL's and the built-in digests), json, threads passing
# work through a queue, and a child process of the same interpreter. Every line is deterministic;
# the VM's output must equal the host's native run, byte for byte.
import hashlib
import json
import os
import queue
import struct
import subprocess
import sys
import threading

# (uname is QEMU's answer in the VM: the emulated machine, not the arm64 kernel's)
print('machine', os.uname().machine, struct.calcsize('P') * 8, sys.byteorder, sys.version_info[:3])

# hashlib: one input, every family (OpenSSL's sha2/sha3/md5, CPython's own blake2)
data = bytes((i * 7919 + (i >> 5)) & 0xFF for i in range(1 << 12)) * 64
for name in ('md5', 'sha1', 'sha256', 'sha512', 'sha3_256', 'blake2b', 'blake2s'):
    print('hash', name, hashlib.new(name, data).hexdigest())
print('pbkdf2', hashlib.pbkdf2_hmac('sha256', b'password', b'salt', 2000).hex())

# json: a nested document out and back, with floats and unicode
doc = {
    'n': list(range(50)),
    'f': [i / 7 for i in range(20)],
    's': ['\u00e9t\u00e9', '\u65e5\u672c', 'x' * 30],
    'nested': {'a': {'b': [True, None, 1e-300]}},
}
text = json.dumps(doc, sort_keys=True, ensure_ascii=False)
back = json.loads(text)
print('json', len(text), back == doc, hashlib.sha256(text.encode()).hexdigest()[:16])

# threads: four workers hash chunks taken from a queue; results gathered by chunk number
chunks = queue.Queue()
results = {}
lock = threading.Lock()
for index in range(64):
    chunks.put(index)


def work():
    while True:
        try:
            index = chunks.get_nowait()
        except queue.Empty:
            return
        digest = hashlib.sha256(data[index * 4096:(index + 1) * 4096] * 4).hexdigest()
        with lock:
            results[index] = digest


workers = [threading.Thread(target=work) for _ in range(4)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
print('threads', len(results), hashlib.sha256(''.join(results[i] for i in range(64)).encode()).hexdigest()[:16])

# subprocess: the same interpreter as a child (through binfmt_misc again in the VM), fed on stdin
# (-S and built-in modules only: the child's start is most of its time)
CHILD = 'import sys, zlib; d = sys.stdin.buffer.read(); print(len(d), zlib.crc32(d), zlib.adler32(d)); sys.exit(3)'
child = subprocess.run(
    [sys.executable, '-S', '-c', CHILD],
    input=data[:10000],
    capture_output=True,
)
print('child', child.returncode, child.stdout.decode().strip(), repr(child.stderr.decode()))
