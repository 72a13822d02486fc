export const id = 728;
export const ids = [728];
export const modules = {

/***/ 728:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  download: () => (/* binding */ download_download),
  hostArchOf: () => (/* reexport */ hostArchOf)
});

// UNUSED EXPORTS: DownloadError, InterpreterStore, MAX_REDIRECTS, METADATA_FILE, TOOL_NAME, binaryProblem, classifyError, classifyStatus, customCacheVersion, entryDir, fetchToFile, findEntry, hostElf, planDownload, planRelease, redirectTarget, targetProblem, verifyDigest

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/kernel/binfmt.ts
var binfmt = __webpack_require__(4281);
// EXTERNAL MODULE: ./src/kernel/platforms.ts
var platforms = __webpack_require__(5621);
// EXTERNAL MODULE: ./src/kernel/root-files.ts
var root_files = __webpack_require__(4659);
// EXTERNAL MODULE: ./src/install/manifest.ts + 1 modules
var install_manifest = __webpack_require__(3098);
// EXTERNAL MODULE: ./src/kernel/process.ts + 1 modules
var kernel_process = __webpack_require__(3694);
// EXTERNAL MODULE: ./src/install/archive/archive-error.ts
var archive_error = __webpack_require__(8783);
// EXTERNAL MODULE: ./src/install/archive/format.ts
var archive_format = __webpack_require__(9715);
;// CONCATENATED MODULE: ./src/install/archive/members.ts
/**
 * Which archive members serve which target: names are compared after normalizing the path (no
 * ./ or / prefixes, . and .. resolved), so an archive's own layout and link targets cannot steer
 * what is picked or where it is written.
 */


/** Archive paths compare without ./ or / prefixes and with . and .. resolved. */
function normalizeMemberPath(path) {
    const normal = external_node_path_.posix.normalize(`/${path}`);
    return normal.replace(/^\/+/, '').replace(/\/+$/, '');
}
/** The target a member's base name says it serves: qemu-<t> or qemu-<t>-static. */
function targetOfMember(path, targets) {
    const base = external_node_path_.posix.basename(normalizeMemberPath(path));
    return targets.find(t => base === `qemu-${t}` || base === `qemu-${t}-static`);
}
/**
 * The target a single downloaded binary's file name says it is: qemu-<t>, qemu-<t>-static, or
 * the per-host asset name qemu-<t>-linux-<hostarch>, each optionally .gz/.xz/.zst/.br.
 */
function targetOfBinaryName(urlOrName, targets) {
    const name = (0,archive_format/* fileNameOf */.bV)(urlOrName).replace(/\.(gz|xz|zst|br)$/i, '');
    return targets.find(t => name === `qemu-${t}` || name === `qemu-${t}-static` || new RegExp(`^qemu-${t}(-static)?-linux-[a-z0-9_-]+$`).test(name));
}
/** Where a symbolic or hard link inside an archive points, as a normalized archive path. */
function resolveLink(memberPath, linkname, kind) {
    if (kind === 'hardlink' || linkname.startsWith('/'))
        return normalizeMemberPath(linkname);
    return normalizeMemberPath(external_node_path_.posix.join(external_node_path_.posix.dirname(normalizeMemberPath(memberPath)), linkname));
}

// EXTERNAL MODULE: ./src/install/archive/tar.ts
var tar = __webpack_require__(4293);
;// CONCATENATED MODULE: ./src/install/archive/ar.ts
/**
 * The ar archive a .deb is: member headers parsed from the file on disk, and the data.tar member
 * located (offset, size, compression) so it can be streamed without copying it out first.
 */



/** Parses one 60-byte ar member header; undefined when it is not one. */
function parseArHeader(header) {
    if (header.length < 60 || header[58] !== 0x60 || header[59] !== 0x0a)
        return undefined;
    const name = header.subarray(0, 16).toString('latin1').trim().replace(/\/$/, '');
    const sizeText = header.subarray(48, 58).toString('latin1').trim();
    if (!/^\d+$/.test(sizeText))
        return undefined;
    return { name, size: Number(sizeText) };
}
/** Lists the members of an ar archive on disk. */
async function listAr(file) {
    const handle = await (0,promises_.open)(file, 'r');
    try {
        const { size: total } = await handle.stat();
        const magic = Buffer.alloc(8);
        await handle.read(magic, 0, 8, 0);
        if (magic.toString('latin1') !== archive_format/* AR_MAGIC */.M8)
            throw new archive_error/* ArchiveError */.d('not a .deb (no ar archive header)');
        const members = [];
        let at = 8;
        const header = Buffer.alloc(60);
        while (at < total) {
            const { bytesRead } = await handle.read(header, 0, 60, at);
            if (bytesRead === 0)
                break;
            const parsed = bytesRead === 60 ? parseArHeader(header) : undefined;
            if (!parsed)
                throw new archive_error/* ArchiveError */.d(`the .deb is corrupt or truncated (bad ar member header at byte ${at})`);
            const offset = at + 60;
            if (offset + parsed.size > total)
                throw new archive_error/* ArchiveError */.d(`the .deb is truncated (${parsed.name} needs ${parsed.size} bytes, ${total - offset} remain)`);
            members.push({ name: parsed.name, offset, size: parsed.size });
            at = offset + parsed.size + (parsed.size % 2);
        }
        return members;
    }
    finally {
        await handle.close();
    }
}
/** The data.tar member of a .deb and its compression (from its name, checked by its magic). */
async function debData(file) {
    const members = await listAr(file);
    if (members[0]?.name !== 'debian-binary')
        throw new archive_error/* ArchiveError */.d('not a .deb (its first member is not debian-binary)');
    const member = members.find(m => m.name.startsWith('data.tar'));
    if (!member)
        throw new archive_error/* ArchiveError */.d(`the .deb holds no data.tar member (it has: ${members.map(m => m.name).join(', ')})`);
    const byName = { 'data.tar': 'none', 'data.tar.gz': 'gzip', 'data.tar.xz': 'xz', 'data.tar.zst': 'zstd' };
    const compression = byName[member.name];
    if (!compression)
        throw new archive_error/* ArchiveError */.d(`the .deb's ${member.name} uses a compression this action does not read (gzip, xz and zstd are read)`);
    const handle = await (0,promises_.open)(file, 'r');
    try {
        const head = Buffer.alloc(Math.min(8, member.size));
        await handle.read(head, 0, head.length, member.offset);
        const seen = (0,archive_format/* compressionOf */.MB)(head);
        if (seen !== compression)
            throw new archive_error/* ArchiveError */.d(`the .deb's ${member.name} does not start like ${compression} data`);
    }
    finally {
        await handle.close();
    }
    return { member, compression };
}

// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
;// CONCATENATED MODULE: ./src/install/archive/decompress.ts



function zstdFromZlib() {
    const create = external_node_zlib_.createZstdDecompress;
    return typeof create === 'function' ? () => create() : undefined;
}
/** The Debian/Ubuntu package that has a program. */
const PACKAGE_OF = { xz: 'xz-utils', zstd: 'zstd' };
/** A decompressing program (argument array, no shell) from stdin to stdout, its failures explained. */
async function* throughProgram(source, program, args, label) {
    try {
        yield* (0,kernel_process/* streamProgram */.zm)(program, args, source);
    }
    catch (err) {
        if (!(err instanceof kernel_process/* ProgramError */.Zj))
            throw err;
        const pkg = PACKAGE_OF[program] ?? program;
        if (err.failure === 'missing') {
            throw new archive_error/* ArchiveError */.d(`reading ${label} data needs the ${program} program, which is not on this machine (Debian/Ubuntu: apt-get install ${pkg}), or use a .tar.gz`);
        }
        if (err.failure === 'failed')
            throw new archive_error/* ArchiveError */.d(`${program}: ${err.detail}`);
        if (/unrecognized option|invalid option|Usage:/i.test(err.stderr)) {
            throw new archive_error/* ArchiveError */.d(`this machine's ${program} does not take the usual options (a busybox build?): install ${pkg}`);
        }
        const said = err.stderr
            .trim()
            .split('\n')
            .pop()
            ?.replace(/^[^:]+: \(stdin\): /, '') ?? '';
        throw new archive_error/* ArchiveError */.d(`the ${label} data is corrupt or truncated (${program} exit ${err.exitCode}${said ? `: ${said}` : ''})`);
    }
}
async function* throughStream(source, transform, label) {
    const t = transform;
    source.on('error', err => t.destroy(err));
    source.pipe(t);
    let finished = false;
    try {
        for await (const chunk of t)
            yield chunk;
        finished = true;
    }
    catch (err) {
        finished = true;
        if (err instanceof archive_error/* ArchiveError */.d)
            throw err;
        const code = err.code;
        if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR')
            throw err;
        throw new archive_error/* ArchiveError */.d(`the ${label} data is corrupt or truncated (${err.message})`);
    }
    finally {
        if (!finished) {
            source.unpipe(t);
            source.destroy();
            t.destroy();
        }
    }
}
async function* raw(source) {
    let finished = false;
    try {
        for await (const chunk of source)
            yield chunk;
        finished = true;
    }
    finally {
        if (!finished)
            source.destroy();
    }
}
/**
 * Output chunks of 1 MiB instead of zlib's 16 KiB: a 13 MB interpreter comes out in 13 turns of
 * the event loop instead of 800 (brotli decoding of the default asset: about 140 -> 70 ms here).
 */
const CHUNK = { chunkSize: 1 << 20 };
/** The decompressed bytes of a stream; decompressors are closed when the consumer stops early. */
function decompress(source, compression) {
    switch (compression) {
        case 'none':
            return raw(source);
        case 'gzip':
            return throughStream(source, external_node_zlib_.createGunzip(CHUNK), 'gzip');
        case 'brotli':
            // Window up to 24 bits (quality 11, lgwin 24) is the decoder's default range; no large-window mode.
            return throughStream(source, external_node_zlib_.createBrotliDecompress(CHUNK), 'brotli');
        case 'xz':
            // Short options: busybox's xz takes -dcq but not the long forms.
            return throughProgram(source, 'xz', ['-dcq'], 'xz');
        case 'zstd': {
            const native = zstdFromZlib();
            return native
                ? throughStream(source, native(), 'zstd')
                : throughProgram(source, 'zstd', ['--decompress', '--stdout', '--quiet'], 'zstd');
        }
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/install/archive/chunk-reader.ts
/**
 * Exact byte counts out of a stream of chunks: the tar walker asks for 512-byte headers and
 * member bodies of known size, while decompressors hand out pieces of any size. peek() lets the
 * format be told from the first bytes without losing them.
 */
/** Pulls exact byte counts out of a stream of chunks. */
class ChunkReader {
    chunks = [];
    buffered = 0;
    ended = false;
    iterator;
    constructor(source) {
        const inner = source[Symbol.asyncIterator]();
        this.iterator = {
            next: async () => {
                const r = await inner.next();
                if (r.done)
                    return { done: true, value: undefined };
                const v = r.value;
                return {
                    done: false,
                    value: typeof v === 'string' ? Buffer.from(v) : Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)
                };
            },
            return: async () => {
                await inner.return?.();
                return { done: true, value: undefined };
            }
        };
    }
    async fill(n) {
        while (this.buffered < n && !this.ended) {
            const next = await this.iterator.next();
            if (next.done) {
                this.ended = true;
            }
            else if (next.value.length) {
                this.chunks.push(next.value);
                this.buffered += next.value.length;
            }
        }
    }
    /** Up to n bytes without consuming them (fewer only at the end of the stream). */
    async peek(n) {
        await this.fill(n);
        const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
        this.chunks = all.length ? [all] : [];
        return all.subarray(0, n);
    }
    /** Exactly n bytes, or fewer when the stream ends first. */
    async read(n) {
        const head = await this.peek(n);
        this.consume(head.length);
        return Buffer.from(head);
    }
    consume(n) {
        let left = n;
        while (left > 0 && this.chunks.length) {
            const first = this.chunks[0];
            const take = Math.min(first.length, left);
            if (take === first.length)
                this.chunks.shift();
            else
                this.chunks[0] = first.subarray(take);
            this.buffered -= take;
            left -= take;
        }
    }
    /** Passes the next n bytes to fn piece by piece; returns how many there were (< n at the end). */
    async forward(n, fn) {
        let done = 0;
        while (done < n) {
            if (this.chunks.length === 0) {
                await this.fill(1);
                if (this.chunks.length === 0)
                    break;
            }
            const first = this.chunks[0];
            const take = Math.min(first.length, n - done);
            const piece = first.subarray(0, take);
            if (take === first.length)
                this.chunks.shift();
            else
                this.chunks[0] = first.subarray(take);
            this.buffered -= take;
            done += take;
            if (fn)
                await fn(piece);
        }
        return done;
    }
    /** Stops the source early (closing decompressors and files behind it). */
    async close() {
        this.ended = true;
        this.chunks = [];
        await this.iterator.return?.();
    }
}

;// CONCATENATED MODULE: ./src/install/archive/extract.ts
/**
 * Reading the wanted interpreters out of a verified download without unpacking it: one streamed
 * pass over the (decompressed) archive writes only the members named like the targets, each to a
 * file name chosen here (never a path taken from the archive), and asks the caller to judge each
 * candidate. Links named like a target are followed inside the archive.
 */











/** Largest member written out: a static qemu is 10-30 MB; nothing legitimate comes near this. */
const MAX_MEMBER_BYTES = 512 * 1024 * 1024;
/**
 * Reads the wanted interpreters out of an archive, writing each candidate member to
 * destDir/qemu-<target>.<n> and asking accept() about it. One pass over the stream picks regular
 * files named qemu-<t> or qemu-<t>-static, and files that a matching link points to when the
 * link comes first; reading stops as soon as every target has an accepted file. A matching link
 * whose destination came earlier in the stream (always so for tar hard links) costs one more pass
 * that reads just those paths.
 */
async function extractBinaries(req) {
    const result = { found: new Map(), rejected: new Map(), format: req.format };
    let serial = 0;
    const pending = () => req.targets.filter(t => !result.found.has(t));
    const reject = (target, why) => {
        const list = result.rejected.get(target) ?? [];
        list.push(why);
        result.rejected.set(target, list);
    };
    const openFiles = new Set();
    /** A sink writing one candidate; on end it is judged, and reading stops once nothing is pending. */
    const candidate = async (target, member) => {
        const path = external_node_path_.posix.join(req.destDir, `qemu-${target}.${serial++}`);
        const handle = await (0,promises_.open)(path, 'wx', 0o700);
        openFiles.add(handle);
        // Hashed as it is written: the digest the interpreter store keeps it under, without reading it again.
        const hash = (0,external_node_crypto_.createHash)('sha256');
        let written = 0;
        return {
            async write(chunk) {
                written += chunk.length;
                if (written > MAX_MEMBER_BYTES)
                    throw new archive_error/* ArchiveError */.d(`${member} is larger than ${MAX_MEMBER_BYTES} bytes: not a QEMU binary`);
                hash.update(chunk);
                await handle.write(chunk);
            },
            async end() {
                openFiles.delete(handle);
                await handle.close();
                const sha256 = hash.digest('hex');
                const why = await req.accept(target, path, member, sha256);
                if (why)
                    reject(target, `${member}: ${why}`);
                else
                    result.found.set(target, { path, member, sha256, size: written });
                return pending().length === 0 ? 'stop' : 'continue';
            }
        };
    };
    const start = async () => {
        let source;
        let compression = req.format.compression;
        if (req.format.container === 'deb') {
            const data = await debData(req.file);
            if (data.member.size === 0)
                throw new archive_error/* ArchiveError */.d("the .deb's data member is empty");
            source = (0,external_node_fs_.createReadStream)(req.file, { start: data.member.offset, end: data.member.offset + data.member.size - 1 });
            compression = data.compression;
        }
        else {
            source = (0,external_node_fs_.createReadStream)(req.file);
        }
        const reader = new ChunkReader(decompress(source, compression));
        let head;
        try {
            head = await reader.peek(512);
        }
        catch (err) {
            await reader.close();
            throw err;
        }
        const seen = (0,archive_format/* containerOf */.t8)(head);
        const declared = req.format.container === 'deb' ? 'tar' : req.format.container;
        const what = req.format.container === 'deb' ? "the .deb's data member" : `the ${(0,archive_format/* formatName */.nD)(req.format)} file`;
        let problem;
        if (head.length === 0)
            problem = `${what} is empty${compression === 'none' ? '' : ' once decompressed'}`;
        else if (declared && seen !== declared)
            problem = `expected ${(0,archive_format/* describeContainer */.rc)(declared)} in ${what}, found ${seen ? (0,archive_format/* describeContainer */.rc)(seen) : 'neither ELF nor tar data'}`;
        else if (!declared && seen !== 'tar' && seen !== 'binary')
            problem = `the ${compression} data holds neither a tar archive nor an ELF program`;
        if (problem) {
            await reader.close();
            throw new archive_error/* ArchiveError */.d(problem);
        }
        const container = declared ?? seen;
        result.format = { container: req.format.container === 'deb' ? 'deb' : container, compression: req.format.compression };
        return { reader, container };
    };
    const closeAll = async () => {
        for (const handle of openFiles)
            await handle.close().catch(() => undefined);
        openFiles.clear();
    };
    const first = await start();
    const container = first.container;
    let reader = first.reader;
    if (container === 'binary') {
        const target = targetOfBinaryName(req.name, req.targets);
        try {
            if (!target) {
                const wanted = req.targets.map(t => `qemu-${t}`).join(', ');
                throw new archive_error/* ArchiveError */.d(`the file is a single program whose name ${JSON.stringify(req.name)} does not say which target it serves (expected ${wanted}, optionally with -static or -linux-<host>, and .gz/.xz/.zst/.br)`);
            }
            const sink = await candidate(target, req.name);
            await reader.forward(Number.MAX_SAFE_INTEGER, chunk => sink.write(chunk));
            await sink.end();
        }
        finally {
            await closeAll();
            await reader.close();
        }
        return result;
    }
    // A tar stream (or a .deb's data.tar).
    let wanted = new Map(); // archive path -> target, from links seen in an earlier pass
    const captured = new Set();
    for (let pass = 0;; pass++) {
        const links = new Map(); // link path -> where it points, for every link this pass
        const files = new Set(); // regular files passed this pass
        const later = new Map(); // destinations that went by before their link did
        try {
            await (0,tar/* walkTar */.Nb)(reader, async (entry) => {
                const path = normalizeMemberPath(entry.path);
                if (entry.type === 'file')
                    files.add(path);
                if (entry.type === 'symlink' || entry.type === 'hardlink')
                    links.set(path, resolveLink(path, entry.linkname, entry.type));
                const viaLink = wanted.get(path);
                const target = viaLink && !result.found.has(viaLink) ? viaLink : targetOfMember(path, pending());
                if (!target)
                    return 'skip';
                if (entry.type === 'file') {
                    if (captured.has(path))
                        return 'skip';
                    captured.add(path);
                    return candidate(target, path);
                }
                if (entry.type === 'symlink' || entry.type === 'hardlink') {
                    // Follow the link through links already seen; its end point is read when it comes by,
                    // or in another pass when it went by already.
                    let to = links.get(path);
                    for (let hops = 0; links.has(to) && hops < 16; hops++)
                        to = links.get(to);
                    if (captured.has(to))
                        return 'skip';
                    if (files.has(to) || links.has(to))
                        later.set(to, target);
                    else
                        wanted.set(to, target);
                }
                return 'skip';
            });
        }
        finally {
            await closeAll();
            await reader.close();
        }
        // Destinations named by links but never seen in the archive are reported, not chased.
        for (const [to, target] of wanted) {
            if (!result.found.has(target) && !files.has(to) && !links.has(to) && !captured.has(to)) {
                reject(target, `a link named like qemu-${target} points to ${to}, which the archive does not hold`);
            }
        }
        const next = new Map([...later].filter(([to, target]) => !result.found.has(target) && !captured.has(to)));
        if (pending().length === 0 || next.size === 0 || pass >= 3)
            break;
        wanted = next;
        ({ reader } = await start());
    }
    return result;
}

;// CONCATENATED MODULE: ./src/install/archive/index.ts
/**
 * Reading QEMU binaries out of downloaded archives without unpacking them. Accepted:
 * .tar(.gz|.xz|.zst|.br), .deb (an ar archive whose data.tar is compressed or not), and a single
 * binary (optionally .gz/.xz/.zst/.br).
 *
 * Our own readers, not @actions/tool-cache's extractors, for every one of these:
 * - a single binary, compressed or not (the project's own .br assets): tool-cache extracts
 *   archives only (tar, zip, 7z, xar), not a compressed file;
 * - a .deb: tool-cache has no ar reader (its extractXar is macOS's xar, and only on macOS);
 * - a tar (tonistiigi/binfmt's .tar.gz, a qemu-url's .tar.xz/.zst): extractTar runs `tar x` into a
 *   folder (printing the command on stdout). It writes out the whole archive (all of tonistiigi's
 *   interpreters, when one or two are wanted), with the links, device files and, as root, owners
 *   the archive names; our reader writes only the members named like a target, each to a name
 *   chosen here, hashes each as it is written (the digest the interpreter store keeps it under),
 *   follows a link only inside the archive, and stops once every target is found.
 *
 *   format.ts       what a file is, from its name and its first bytes
 *   decompress.ts   gzip, brotli and zstd through node:zlib, xz (and zstd on older Node) through a program
 *   tar.ts, ar.ts   the two containers; chunk-reader.ts feeds them exact byte counts
 *   members.ts      which member serves which target
 *   extract.ts      one streamed pass that writes out just the wanted members
 */









// EXTERNAL MODULE: ./src/install/interpreter.ts
var interpreter = __webpack_require__(2237);
;// CONCATENATED MODULE: ./src/install/download/download-error.ts
class DownloadError extends Error {
    /** What went wrong, for callers that fall back (a 'not-found' asset may exist elsewhere). */
    reason;
    url;
    constructor(message, reason = 'config', url) {
        super(message);
        this.name = 'DownloadError';
        this.reason = reason;
        this.url = url;
    }
}

// EXTERNAL MODULE: ./src/kernel/elf.ts
var kernel_elf = __webpack_require__(6240);
;// CONCATENATED MODULE: ./src/install/download/host-binary.ts
/**
 * The host a download must serve: its Docker-style architecture name (from uname -m), the ELF
 * identity its programs have, and whether an extracted file can be its static interpreter.
 */

/** Docker-style architecture name of a host from `uname -m`. */
function hostArchOf(unameMachine) {
    const m = unameMachine.trim().toLowerCase();
    if (m === 'x86_64' || m === 'amd64' || m === 'x64')
        return 'amd64';
    if (m === 'aarch64' || m === 'arm64' || m === 'armv8')
        return 'arm64';
    if (/^arm(v\d+[a-z]*)?$/.test(m))
        return 'arm';
    if (/^i[3-6]86$/.test(m) || m === 'x86')
        return '386';
    if (m === 'loongarch64')
        return 'loong64';
    if (m === 'mips64' || m === 'mips64el')
        return 'mips64le';
    if (m === 'ppc64le' || m === 'riscv64' || m === 's390x')
        return m;
    return m;
}
const HOST_ELF = {
    amd64: { machine: 62, bits: 64, littleEndian: true },
    arm64: { machine: 183, bits: 64, littleEndian: true },
    arm: { machine: 40, bits: 32, littleEndian: true },
    '386': { machine: 3, bits: 32, littleEndian: true },
    riscv64: { machine: 243, bits: 64, littleEndian: true },
    ppc64le: { machine: 21, bits: 64, littleEndian: true },
    s390x: { machine: 22, bits: 64, littleEndian: false },
    loong64: { machine: 258, bits: 64, littleEndian: true },
    mips64le: { machine: 8, bits: 64, littleEndian: true }
};
/** The ELF identity of programs that run on a host: e_machine, class, byte order. */
function hostElf(hostArch) {
    return HOST_ELF[hostArch];
}
/** Why an extracted file cannot be this host's static interpreter; undefined when it can. */
async function binaryProblem(path, hostArch) {
    const elf = await (0,kernel_elf/* readElf */.o)(path);
    if (!elf)
        return 'not an ELF program';
    const want = hostElf(hostArch);
    if (want && (elf.machine !== want.machine || elf.bits !== want.bits || elf.littleEndian !== want.littleEndian)) {
        return `built for another machine (ELF e_machine ${elf.machine}, ${elf.bits}-bit), not this ${hostArch} host`;
    }
    if (!elf.isStatic)
        return 'dynamically linked: the F flag needs a static interpreter, which works inside containers';
    return undefined;
}

// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/index.js
var lib = __webpack_require__(2779);
// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/proxy.js
var lib_proxy = __webpack_require__(9783);
// EXTERNAL MODULE: external "node:events"
var external_node_events_ = __webpack_require__(8474);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(6466);
;// CONCATENATED MODULE: ./src/install/download/fetch.ts
/**
 * Downloading one URL to a file, hashing it on the way. The requests are @actions/http-client's,
 * which reaches the network as every action does: https_proxy, http_proxy and no_proxy read from
 * the process's environment (the job's, for the action and the command line; loopback addresses
 * always direct), a CONNECT tunnel through the proxy, credentials from the proxy's address.
 * What the project promises on top is here, because the client does not do it:
 * - Redirects are followed here, one request per hop (allowRedirects: false): the client's own
 *   following sends an ftp: Location as plain HTTP to port 80 (file: to localhost), cannot resolve
 *   a relative Location, and reuses its http agent for an https hop, which Node refuses. Here:
 *   http and https only, never from https down to http, at most 5.
 * - An attempt ends when no data comes for the idle timeout or when it outlasts its deadline (the
 *   client's socketTimeout ends a request that has no answer yet, not a body that stalls).
 * - 408, 429, 5xx and transient network errors are retried after growing delays; 404, refused
 *   connections, unknown hosts, TLS failures and a proxy that wants credentials are not.
 * - A proxy variable that is not an http(s) address is refused with its fix (the client goes
 *   direct for a bare host:port, and asks CONNECT of a socks5:// one).
 * - The body is counted against a maximum and hashed as it is written: the callers check the
 *   sha256 before anything is read, run or cached.
 */









const DEFAULT_RETRY_DELAYS_MS = [1000, 3000, 9000];
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
const DEFAULT_DEADLINE_MS = 300_000;
const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;
/** Redirects followed per attempt: GitHub's release downloads take one. */
const MAX_REDIRECTS = 5;
const USER_AGENT = 'setup-x86-on-arm';
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);
const CREDENTIALS_HINT = 'give them in the proxy address: http://user:password@host:port';
/** A failed attempt, said in a few words, and whether another attempt may do better. */
class FetchFailure extends Error {
    transient;
    reason;
    constructor(message, transient, reason) {
        super(message);
        this.transient = transient;
        this.reason = reason;
    }
}
const PERMANENT_CODES = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    ERR_INVALID_URL: 'invalid URL'
};
/** Is a failed request worth repeating? Refused connections, unknown hosts, TLS failures are not. */
function classifyError(err) {
    if (err instanceof FetchFailure)
        return { transient: err.transient, message: err.message, reason: err.reason };
    const e = err;
    const code = e?.code ?? '';
    if (PERMANENT_CODES[code])
        return { transient: false, message: `${PERMANENT_CODES[code]} (${code})`, reason: code === 'ECONNREFUSED' ? 'refused' : 'http' };
    if (/^(CERT_|ERR_TLS_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/.test(code))
        return { transient: false, message: e.message, reason: 'http' };
    if (code === 'ENOSPC' || code === 'EACCES' || code === 'EROFS')
        return { transient: false, message: e.message, reason: 'config' };
    const message = e?.message || String(err);
    return { transient: true, message: code && !message.includes(code) ? `${message} (${code})` : message, reason: 'http' };
}
/** What an HTTP status means for a download: 200 reads on; 408, 429 and 5xx are retried. */
function classifyStatus(status) {
    if (status === 200)
        return 'ok';
    if (status === 404 || status === 410)
        return 'not-found';
    if (status === 408 || status === 429 || status >= 500)
        return 'retry';
    return 'fail';
}
/**
 * Where a redirect leads: Location resolved against the current URL. Throws a (permanent)
 * FetchFailure for anything but http(s), for https -> http, and for the redirect past the limit.
 */
function redirectTarget(from, location, redirects, max = MAX_REDIRECTS) {
    if (redirects > max)
        throw new FetchFailure(`too many redirects (${redirects}; at most ${max} are followed)`, false, 'http');
    if (!location)
        throw new FetchFailure('a redirect without a Location header', false, 'http');
    let to;
    try {
        to = new URL(location, from);
    }
    catch {
        throw new FetchFailure(`a redirect to an invalid address (${JSON.stringify(location)})`, false, 'http');
    }
    if (to.protocol !== 'http:' && to.protocol !== 'https:') {
        throw new FetchFailure(`refused a redirect to ${to.href}: only http and https addresses are followed`, false, 'http');
    }
    if (from.protocol === 'https:' && to.protocol === 'http:') {
        throw new FetchFailure(`refused a redirect from https to http (${to.href}): a download that starts on https stays on it`, false, 'http');
    }
    return to;
}
/** A proxy as messages show it: no credentials, no path. */
const proxyLabel = (proxy) => `${proxy.protocol}//${proxy.host}`;
/**
 * The proxy the client will take for an address (its own getProxyUrl and checkBypass), or
 * undefined for none; a FetchFailure when the variable it would read is not an http(s) address.
 */
function proxyFor(url) {
    if ((0,lib_proxy/* checkBypass */.H)(url))
        return undefined;
    const names = url.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
    const name = names.find(n => process.env[n]);
    if (!name)
        return undefined;
    let proxy;
    try {
        proxy = (0,lib_proxy/* getProxyUrl */.s)(url);
    }
    catch {
        proxy = undefined;
    }
    if (!proxy?.hostname)
        throw new FetchFailure(`${name} is not a proxy address: write it as http://host:port`, false, 'config');
    if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
        throw new FetchFailure(`the proxy ${proxyLabel(proxy)} (${name}) is not an http or https proxy: set ${name} to http://host:port`, false, 'config');
    }
    return proxy;
}
/** How the client's tunnel (the tunnel package) says a CONNECT failed: the proxy's status, or why it could not be reached. */
const TUNNEL_FAILURE = /^tunneling socket could not be established, (?:statusCode=(\d+)|cause=([\s\S]*))$/;
/** What went wrong on the way through a proxy, said with the proxy's name. */
function proxyFailure(err, url, proxy) {
    const tunnel = TUNNEL_FAILURE.exec(err?.message ?? '');
    if (tunnel?.[1]) {
        const status = Number(tunnel[1]);
        const port = url.port || (url.protocol === 'https:' ? '443' : '80');
        const said = `the proxy ${proxyLabel(proxy)} answered CONNECT ${url.hostname}:${port} with HTTP ${status} ${external_node_http_.STATUS_CODES[status] ?? ''}`.trim();
        if (status === 407)
            return new FetchFailure(`${said}: it wants credentials (${CREDENTIALS_HINT})`, false, 'http');
        return new FetchFailure(said, classifyStatus(status) === 'retry', 'http');
    }
    // The tunnel reports every failure to reach the proxy as ECONNRESET; the real code is in its text.
    const cause = tunnel?.[2] ? Object.assign(new Error(tunnel[2]), { code: /\b(E[A-Z]+)\b/.exec(tunnel[2])?.[1] }) : err;
    const { transient, message, reason } = classifyError(cause);
    return new FetchFailure(`${message} (through the proxy ${proxyLabel(proxy)})`, transient, reason);
}
/** What each request of an attempt carries: the attempt's abort signal, and a certificate authority where one is given. */
function attemptHandler(signal, ca) {
    return {
        prepareRequest(options) {
            options.signal = signal;
            // TLS options reach a connection through the agent's options (the tunnel agent reads no
            // other), as the client's own ignoreSslError sets them.
            const agent = options.agent;
            if (ca && agent)
                Object.assign((agent.options ??= {}), { ca });
        },
        canHandleAuthentication: () => false,
        handleAuthentication: () => Promise.reject(new Error('no authentication handler'))
    };
}
/** One GET through the client, its response once the headers are in; the signal aborts it at any point. */
async function get(url, signal, ca, socketTimeout) {
    const proxy = proxyFor(url);
    // A client per request: its agent is made for the first address's protocol and kept.
    const client = new lib/* HttpClient */.Qq(USER_AGENT, [attemptHandler(signal, ca)], { allowRedirects: false, allowRetries: false, socketTimeout });
    try {
        return (await client.get(url.href)).message;
    }
    catch (err) {
        // After a timeout the timer's reason is the story (fetchOnce tells it), not the abort.
        throw proxy && !signal.aborted ? proxyFailure(err, url, proxy) : err;
    }
}
/** The 200 response for a URL after its redirects; other statuses are FetchFailures. */
async function respond(url, signal, onAnswer, ca, socketTimeout) {
    let current = new URL(url); // an invalid URL throws ERR_INVALID_URL, which classifyError names
    if (current.protocol !== 'http:' && current.protocol !== 'https:') {
        throw new FetchFailure(`${current.protocol} addresses are not downloaded (only http and https)`, false, 'http');
    }
    for (let redirects = 0;;) {
        const response = await get(current, signal, ca, socketTimeout);
        onAnswer();
        const status = response.statusCode ?? 0;
        if (REDIRECT_CODES.has(status)) {
            response.resume();
            current = redirectTarget(current, response.headers.location, ++redirects);
            continue;
        }
        const kind = classifyStatus(status);
        if (kind === 'ok')
            return response;
        response.resume();
        const hint = status === 407 ? `: the proxy wants credentials (${CREDENTIALS_HINT})` : '';
        const text = `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}${hint}`;
        throw new FetchFailure(text, kind === 'retry', kind === 'not-found' ? 'not-found' : 'http');
    }
}
/** The body of a response written to dest, hashed; bytes counted against maxBytes and Content-Length. */
async function save(response, dest, maxBytes, onData) {
    const lengthHeader = response.headers['content-length'];
    const expected = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    if (expected !== undefined && expected > maxBytes)
        throw new FetchFailure(`the file is ${expected} bytes, more than the ${maxBytes} accepted`, false, 'http');
    const hash = (0,external_node_crypto_.createHash)('sha256');
    const out = (0,external_node_fs_.createWriteStream)(dest, { flags: 'wx', mode: 0o600 });
    let bytes = 0;
    let writeError;
    out.on('error', err => {
        writeError ??= err;
        response.destroy(err);
    });
    try {
        for await (const chunk of response) {
            onData();
            bytes += chunk.length;
            if (bytes > maxBytes)
                throw new FetchFailure(`the file is larger than the ${maxBytes} bytes accepted`, false, 'http');
            hash.update(chunk);
            if (!out.write(chunk)) {
                // Wait for whichever comes first; the other listener is removed, not left to pile up.
                const done = new AbortController();
                const wait = (event) => (0,external_node_events_.once)(out, event, { signal: done.signal }).catch(() => undefined);
                await Promise.race([wait('drain'), wait('close')]);
                done.abort();
            }
        }
        out.end();
        await (0,external_node_stream_promises_.finished)(out);
    }
    catch (err) {
        if (writeError)
            throw writeError;
        if (err instanceof FetchFailure)
            throw err;
        const e = err;
        if (e?.code === 'ECONNRESET' || e?.message === 'aborted') {
            throw new FetchFailure(`the connection closed after ${bytes}${expected !== undefined ? ` of ${expected}` : ''} bytes`, true, 'http');
        }
        throw err;
    }
    finally {
        if (!out.writableFinished) {
            out.destroy();
            await (0,external_node_stream_promises_.finished)(out).catch(() => undefined);
        }
    }
    if (expected !== undefined && bytes !== expected)
        throw new FetchFailure(`the download ended after ${bytes} of ${expected} bytes`, true, 'http');
    return { sha256: hash.digest('hex'), bytes };
}
/** One attempt, cut off by the idle timeout or the deadline, whichever comes first. */
async function fetchOnce(url, dest, o) {
    const stop = new AbortController();
    const seconds = (ms) => ms / 1000;
    let idle;
    const stillAlive = () => {
        clearTimeout(idle);
        idle = setTimeout(() => stop.abort(new FetchFailure(`no data for ${seconds(o.idleTimeoutMs)} s (timeout)`, true, 'http')), o.idleTimeoutMs);
    };
    const late = () => stop.abort(new FetchFailure(`the download took longer than ${seconds(o.deadlineMs)} s (deadline)`, true, 'http'));
    const deadline = setTimeout(late, o.deadlineMs);
    // The client's own cut (3 minutes unless told) comes after ours, which also cover the body.
    const socketTimeout = Math.max(o.idleTimeoutMs, o.deadlineMs) + 1000;
    try {
        stillAlive();
        const response = await respond(url, stop.signal, stillAlive, o.ca, socketTimeout);
        if (stop.signal.aborted)
            throw stop.signal.reason;
        stop.signal.addEventListener('abort', () => response.destroy(), { once: true });
        return await save(response, dest, o.maxBytes, stillAlive);
    }
    catch (err) {
        // Whatever broke after a timer fired (an AbortError, a reset), the timer's reason is the story.
        if (stop.signal.aborted)
            throw stop.signal.reason;
        throw err;
    }
    finally {
        clearTimeout(idle);
        clearTimeout(deadline);
    }
}
const realSleep = (ms) => new Promise(resolve => setTimeout(resolve, ms));
/** Downloads a URL to a file, hashing it on the way; retries what classifyError calls transient. */
async function fetchToFile(url, dest, log, options = {}) {
    const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    const sleep = options.sleep ?? realSleep;
    const o = {
        idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS,
        maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
        ca: options.ca
    };
    for (let attempt = 0;; attempt++) {
        try {
            const result = await fetchOnce(url, dest, o);
            return { ...result, attempts: attempt + 1 };
        }
        catch (err) {
            await (0,promises_.rm)(dest, { force: true });
            const failure = classifyError(err);
            const tries = attempt + 1;
            if (!failure.transient || attempt >= delays.length) {
                const after = tries > 1 ? ` (after ${tries} attempts)` : '';
                throw new DownloadError(`download of ${url} failed: ${failure.message}${after}`, failure.reason, url);
            }
            const wait = Math.round(delays[attempt] * (1 + Math.random() * 0.25));
            log(`download of ${url} failed (${failure.message}); attempt ${tries + 1} of ${delays.length + 1} in ${(wait / 1000).toFixed(1)} s`);
            await sleep(wait);
        }
    }
}

;// CONCATENATED MODULE: ./src/install/download/assets.ts
/**
 * Getting a plan's assets: each distinct asset is downloaded once (an archive may serve several
 * targets), its size and sha256 checked before anything is read out of it, and only the wanted
 * members extracted. Each candidate must have the manifest's digest where it pins one, be a static
 * ELF program for this host, and say `qemu-<target> version` for the wanted target when run with
 * `--version`; the ones that pass are returned, still in the scratch folder, for the caches.
 */









/** Throws a DownloadError unless the digest of a download is the expected one. */
function verifyDigest(actual, expected, url) {
    const want = (0,install_manifest/* normalizeSha256 */.be)(expected);
    if (!want)
        throw new DownloadError(`no valid sha256 is known for ${url}, so it cannot be verified; refusing it`, 'checksum', url);
    if (actual.toLowerCase() !== want) {
        throw new DownloadError(`sha256 mismatch for ${url}: expected ${want}, got ${actual.toLowerCase()}; refusing it (nothing was extracted, run or cached)`, 'checksum', url);
    }
}
const seconds = (since, digits) => ((Date.now() - since) / 1000).toFixed(digits);
/** The targets' binaries from the plan's assets, verified; throws DownloadError naming the URL. */
async function fetchAssets(plan, targets, ctx) {
    const byAsset = new Map();
    for (const target of targets) {
        const asset = plan.assets.get(target);
        byAsset.set(asset, [...(byAsset.get(asset) ?? []), target]);
    }
    const verified = [];
    let n = 0;
    for (const [asset, wanted] of byAsset) {
        const file = (0,external_node_path_.join)(ctx.work, `download-${n}`);
        const extractDir = (0,external_node_path_.join)(ctx.work, `extract-${n++}`);
        await download(asset, file, ctx);
        const versions = new Map();
        let result;
        try {
            result = await extract(asset, file, extractDir, wanted, ctx, versions);
        }
        finally {
            await (0,promises_.rm)(file, { force: true });
        }
        for (const target of wanted) {
            const found = result.found.get(target);
            if (!found)
                throw missing(asset.url, target, result.rejected.get(target));
            // A binary the manifest pins by its sha256 is not run: its version is the manifest's.
            const version = versions.get(found.path) ?? (asset.binarySha256 ? plan.qemu : undefined);
            if (plan.qemu && version && version !== plan.qemu)
                ctx.log(`note: qemu-${target} reports version ${version}, the manifest says ${plan.qemu}`);
            ctx.log(`qemu-${target}${version ? ` ${version}` : ''} from ${found.member}`);
            verified.push({
                target,
                path: found.path,
                member: found.member,
                url: asset.url,
                sha256: asset.sha256,
                binarySha256: found.sha256,
                size: found.size,
                version
            });
        }
    }
    return verified;
}
/** The asset to a file, its size and digest checked. */
async function download(asset, file, ctx) {
    if (asset.digestNote)
        ctx.log(`note: the manifest's sha256 for ${asset.url} is ${asset.digestNote}`);
    const started = Date.now();
    ctx.log(`downloading ${asset.url}`);
    const maxBytes = asset.size !== undefined ? Math.min(asset.size, ctx.http.maxBytes ?? DEFAULT_MAX_BYTES) : ctx.http.maxBytes;
    const { sha256, bytes, attempts } = await fetchToFile(asset.url, file, ctx.log, { ...ctx.http, maxBytes });
    if (asset.size !== undefined && bytes !== asset.size) {
        throw new DownloadError(`${asset.url} is ${bytes} bytes, the manifest says ${asset.size}; refusing it (nothing was extracted, run or cached)`, 'checksum', asset.url);
    }
    verifyDigest(sha256, asset.sha256, asset.url);
    ctx.log(`downloaded ${(bytes / 1048576).toFixed(1)} MB in ${seconds(started, 1)} s${attempts > 1 ? ` (${attempts} attempts)` : ''}; sha256 ${sha256} verified`);
}
async function firstBytes(file) {
    const head = Buffer.alloc(512);
    const handle = await (0,promises_.open)(file, 'r');
    try {
        return head.subarray(0, (await handle.read(head, 0, 512, 0)).bytesRead);
    }
    finally {
        await handle.close();
    }
}
/** The wanted members of a verified file, each judged; versions gets what each one reported. */
async function extract(asset, file, destDir, targets, ctx, versions) {
    const name = (0,archive_format/* fileNameOf */.bV)(asset.url);
    await (0,promises_.mkdir)(destDir, { recursive: true });
    try {
        const format = (0,archive_format/* confirmFormat */.Sc)(asset.format, await firstBytes(file));
        const started = Date.now();
        const result = await extractBinaries({
            file,
            format,
            targets,
            name,
            destDir,
            accept: async (target, path, _member, sha256) => {
                // The manifest's digest of the interpreter itself, where it pins one, before the file is run at all.
                if (asset.binarySha256 && sha256 !== asset.binarySha256)
                    return `its sha256 is ${sha256}, the manifest says ${asset.binarySha256}`;
                const problem = await binaryProblem(path, ctx.hostArch);
                if (problem)
                    return problem;
                await (0,promises_.chmod)(path, 0o755);
                // Byte for byte the file the manifest pins: package-qemu took it from Debian's signed
                // package (its /usr/bin/qemu-<target>-static, the package's QEMU version), so what it is
                // and its version are known without running it here (a process less on every cold run).
                if (asset.binarySha256)
                    return undefined;
                const run = await (0,kernel_process/* runProgram */.mB)(path, ['--version'], { timeoutMs: 10_000 });
                if (run.code !== 0)
                    return `does not run on this host (--version: exit ${run.code}${run.stderr.trim() ? `, ${run.stderr.trim().split('\n')[0]}` : ''})`;
                const wrong = targetProblem(run.stdout, target);
                if (wrong)
                    return wrong;
                versions.set(path, (0,interpreter/* parseQemuVersion */.OS)(run.stdout));
                return undefined;
            }
        });
        ctx.log(`read ${(0,archive_format/* formatName */.nD)(result.format)} ${name} in ${seconds(started, 2)} s`);
        return result;
    }
    catch (err) {
        if (err instanceof archive_error/* ArchiveError */.d)
            throw new DownloadError(`${asset.url}: ${err.message}`, 'archive', asset.url);
        throw err;
    }
}
/**
 * Why a binary's `--version` shows it is not the target's interpreter: QEMU prints
 * "qemu-<target> version X" with the target it was built for, whatever the file is called, so a
 * right digest on the wrong build (qemu-riscv64 named qemu-aarch64) is caught before it is cached.
 */
function targetProblem(versionOutput, target) {
    const said = /^qemu-(\S+) version /m.exec(versionOutput);
    if (!said)
        return `is not a QEMU user-mode interpreter (--version printed ${JSON.stringify(versionOutput.trim().split('\n')[0]?.slice(0, 80) ?? '')})`;
    if (said[1] !== target)
        return `is qemu-${said[1]}, not qemu-${target} (its --version says so)`;
    return undefined;
}
function missing(url, target, rejected) {
    if (rejected?.length)
        return new DownloadError(`${url} holds no usable qemu-${target}: ${rejected.join('; ')}`, 'unusable-binary', url);
    return new DownloadError(`${url} does not hold qemu-${target} (looked for qemu-${target} and qemu-${target}-static anywhere in it)`, 'missing-binary', url);
}

;// CONCATENATED MODULE: ./src/install/download/plan.ts



/**
 * Whether a copy of the plan's asset fetched from `url` serves the plan. The manifest's assets are
 * pinned in our code, so a fork's or a mirror's copy is the same file. A qemu-url's digest is the
 * workflow's own pin: a copy from another address does not serve it, so a qemu-url changed while
 * qemu-sha256 was not is downloaded and refused, here as on a machine that never had the old file.
 */
function servesFrom(plan, asset, url) {
    return plan.qemu !== undefined || url === asset.url;
}
/** The tool-cache version of a qemu-url download: semver-shaped, derived from its sha256. */
function customCacheVersion(sha256) {
    return `0.0.0-sha256-${sha256.slice(0, 12)}`;
}
/**
 * The plans that can serve a request, in the order to try them, and why others could not.
 * assetBase is where the action's own release assets are (undefined: not known, so such a
 * release is passed over). Throws DownloadError for a qemu-url without a digest or an unknown
 * qemu-version.
 */
function planDownload(req, manifest, assetBase) {
    if (req.url) {
        const sha256 = (0,install_manifest/* normalizeSha256 */.be)(req.sha256);
        if (!sha256)
            throw new DownloadError(`qemu-url ${req.url} needs qemu-sha256 (64 hex digits) so the download can be verified before it runs`, 'config', req.url);
        const asset = { url: req.url, sha256, format: (0,archive_format/* formatFromName */.RE)(req.url) };
        const assets = new Map(req.targets.map(t => [t, asset]));
        return { plans: [{ label: `qemu-url ${req.url}`, cacheVersion: customCacheVersion(sha256), assets }], problems: [] };
    }
    const releases = (0,install_manifest/* findReleases */.Oi)(manifest, req.version);
    if (releases.length === 0) {
        throw new DownloadError(`qemu-version ${req.version} is not in this action's manifest (known: ${(0,install_manifest/* knownVersions */.J0)(manifest)}); give qemu-url and qemu-sha256 to use another build`, 'no-build');
    }
    const plans = [];
    const problems = [];
    for (const release of releases) {
        const planned = planRelease(release, req, assetBase);
        if (planned.ok)
            plans.push(planned.plan);
        else
            problems.push(`${release.id}: ${planned.problem}`);
    }
    return { plans, problems };
}
/** One release's plan: every target needs an asset for this host with a known digest. */
function planRelease(release, req, assetBase) {
    const assets = new Map();
    // One planned asset per manifest asset: an archive serving several targets is downloaded once.
    const planned = new Map();
    for (const target of req.targets) {
        const asset = (0,install_manifest/* assetFor */.Wh)(release, req.hostArch, target);
        if (!asset)
            return {
                ok: false,
                problem: `no build for a ${req.hostArch} host${release.assets.some(a => a.host === req.hostArch) ? ` serving ${target}` : ''}`
            };
        const known = planned.get(asset);
        if (known) {
            assets.set(target, known);
            continue;
        }
        let url;
        try {
            url = (0,install_manifest/* assetUrl */.uq)(release, asset, assetBase);
        }
        catch (err) {
            return { ok: false, problem: err.message };
        }
        if (!asset.sha256)
            return {
                ok: false,
                problem: `no known sha256 for ${url}, so it cannot be verified (run npm run manifest -- ${release.id} where GitHub is reachable)`
            };
        const trusted = !asset.digestSource || /^(github-api|computed|debian)\b/.test(asset.digestSource);
        const plannedAsset = {
            url,
            sha256: asset.sha256,
            format: (0,archive_format/* parseFormat */.Xc)(asset.format),
            digestNote: trusted ? undefined : asset.digestSource,
            size: asset.size,
            ...(asset.binarySha256 ? { binarySha256: asset.binarySha256 } : {})
        };
        planned.set(asset, plannedAsset);
        assets.set(target, plannedAsset);
    }
    const from = release.source === 'action' ? "the action's releases" : release.source;
    const label = `QEMU ${release.qemu} (${release.id} from ${from})`;
    return { ok: true, plan: { label, cacheVersion: release.id, qemu: release.qemu, assets } };
}

;// CONCATENATED MODULE: ./src/install/download/cache.ts
/**
 * The tool cache: verified interpreters kept so a machine downloads each version once, in the
 * layout of @actions/tool-cache (find, cacheDir), so entries either wrote are found by both:
 *
 *   <toolCache>/qemu-user-static/<version>/<hostArch>/qemu-<target>   (mode 0755)
 *   <toolCache>/qemu-user-static/<version>/<hostArch>/download.json   (per binary: url, sha256, member, version)
 *   <toolCache>/qemu-user-static/<version>/<hostArch>.complete        (empty; written last)
 *
 * An entry counts only with its .complete marker. A new entry is staged next to its final folder
 * and renamed into place; binaries added to an entry in use appear whole, each by rename. What is
 * found here is a download cache only: reuse.ts checks each binary's sha256 against one only root
 * wrote down before the interpreter store takes it in.
 *
 * Not tool-cache's own functions, because:
 * - every one of them logs through @actions/core's debug, which prints `::debug::` workflow
 *   commands on stdout: the command line's output (its --json too) would carry them;
 * - they take the folder from RUNNER_TOOL_CACHE only, and the command line keeps its own;
 * - cacheDir and cacheFile first delete the entry, then copy into it in place: adding a target
 *   would copy the entry again, and a failure (a full disk) would lose the entry there was and
 *   leave a folder without its marker, where ours leaves it as it was (cache-full.test.ts).
 */




const TOOL_NAME = 'qemu-user-static';
const METADATA_FILE = 'download.json';
/** The folder of an entry (as @actions/tool-cache named it; our versions are already clean semver). */
function entryDir(toolCache, version, hostArch) {
    return (0,external_node_path_.join)(toolCache, TOOL_NAME, version, hostArch);
}
const markerOf = (dir) => `${dir}.complete`;
async function exists(path, kind) {
    try {
        const s = await (0,promises_.stat)(path);
        return kind === 'file' ? s.isFile() : s.isDirectory();
    }
    catch {
        return false;
    }
}
/** The folder of a complete entry, or undefined (no folder, or no .complete marker). */
async function findEntry(toolCache, version, hostArch) {
    const dir = entryDir(toolCache, version, hostArch);
    return (await exists(dir, 'directory')) && (await exists(markerOf(dir), 'file')) ? dir : undefined;
}
async function readMetadata(dir) {
    try {
        const parsed = JSON.parse(await (0,promises_.readFile)((0,external_node_path_.join)(dir, METADATA_FILE), 'utf8'));
        return parsed && typeof parsed === 'object' && parsed.binaries && typeof parsed.binaries === 'object' ? parsed : undefined;
    }
    catch {
        return undefined;
    }
}
async function isProgram(path) {
    try {
        const s = await (0,promises_.stat)(path);
        return s.isFile() && s.size > 0 && (s.mode & 0o111) !== 0;
    }
    catch {
        return false;
    }
}
/** Which of the targets a plan's entry already serves: present only when from the plan's asset (and a qemu-url's, from that URL). */
async function cacheState(plan, targets, hostArch, toolCache) {
    const dir = await findEntry(toolCache, plan.cacheVersion, hostArch);
    if (!dir)
        return { present: [], missing: [...targets] };
    const metadata = await readMetadata(dir);
    const present = [];
    const missing = [];
    for (const target of targets) {
        const record = metadata?.binaries[target];
        const asset = plan.assets.get(target);
        const sameSource = !!asset && record?.sha256 === asset.sha256 && servesFrom(plan, asset, record.url);
        const ok = sameSource && (await isProgram((0,external_node_path_.join)(dir, `qemu-${target}`)));
        (ok ? present : missing).push(target);
    }
    return { dir, metadata, present, missing };
}
const temporaryName = (path) => `${path}.${process.pid}.${(0,external_node_crypto_.randomUUID)().slice(0, 8)}.tmp`;
/** Runs a step that writes `temp`; when it fails (a full disk), the half-written file goes with it. */
async function orRemove(temp, step) {
    try {
        return await step();
    }
    catch (err) {
        await (0,promises_.rm)(temp, { recursive: true, force: true });
        throw err;
    }
}
async function writeAtomically(path, data) {
    const temp = temporaryName(path);
    await orRemove(temp, async () => {
        await (0,promises_.writeFile)(temp, data, { mode: 0o644 });
        await (0,promises_.rename)(temp, path);
    });
}
/** Puts verified binaries in the plan's entry (a new one, or the one state found); returns its folder. */
async function store(plan, state, verified, hostArch, toolCache) {
    const metadata = state.metadata ?? { id: plan.cacheVersion, qemu: plan.qemu, binaries: {} };
    for (const v of verified)
        metadata.binaries[v.target] = { url: v.url, sha256: v.sha256, member: v.member, version: v.version };
    const json = `${JSON.stringify(metadata, null, 2)}\n`;
    if (state.dir) {
        await addToEntry(state.dir, verified, json);
        return state.dir;
    }
    return createEntry(entryDir(toolCache, plan.cacheVersion, hostArch), verified, json);
}
/**
 * Adding to an entry others may be using: each binary appears whole, by rename, and download.json
 * (rewritten last) names only binaries that are there.
 */
async function addToEntry(dir, verified, json) {
    for (const v of verified) {
        const temp = temporaryName((0,external_node_path_.join)(dir, `.qemu-${v.target}`));
        await orRemove(temp, async () => {
            await (0,promises_.copyFile)(v.path, temp);
            await (0,promises_.chmod)(temp, 0o755);
            await (0,promises_.rename)(temp, (0,external_node_path_.join)(dir, `qemu-${v.target}`));
        });
    }
    await writeAtomically((0,external_node_path_.join)(dir, METADATA_FILE), json);
}
/** A new entry, staged beside its folder (the same file system) and renamed in; the marker last. */
async function createEntry(dir, verified, json) {
    await (0,promises_.mkdir)((0,external_node_path_.dirname)(dir), { recursive: true });
    const stage = temporaryName((0,external_node_path_.join)((0,external_node_path_.dirname)(dir), `.stage-${TOOL_NAME}`));
    await (0,promises_.mkdir)(stage, { mode: 0o755 });
    try {
        for (const v of verified) {
            await (0,promises_.copyFile)(v.path, (0,external_node_path_.join)(stage, `qemu-${v.target}`));
            await (0,promises_.chmod)((0,external_node_path_.join)(stage, `qemu-${v.target}`), 0o755);
        }
        await (0,promises_.writeFile)((0,external_node_path_.join)(stage, METADATA_FILE), json, { mode: 0o644 });
        // What an interrupted run left (a folder without its marker) is replaced, as tool-cache did.
        await (0,promises_.rm)(markerOf(dir), { force: true });
        await (0,promises_.rm)(dir, { recursive: true, force: true });
        await (0,promises_.rename)(stage, dir);
    }
    catch (err) {
        await (0,promises_.rm)(stage, { recursive: true, force: true });
        throw err;
    }
    // Without its marker the folder is no entry; one that cannot be marked is not left behind. Made
    // new (wx: O_CREAT|O_EXCL), so a link put where it goes is never followed.
    await orRemove(dir, () => (0,promises_.writeFile)(markerOf(dir), '', { flag: 'wx' }));
    return dir;
}

// EXTERNAL MODULE: ./src/kernel/scratch.ts
var scratch = __webpack_require__(7471);
;// CONCATENATED MODULE: ./src/install/download/interpreter-store.ts
/**
 * The interpreter store: a folder only root can change, where every downloaded interpreter is
 * kept before it is registered, so that the file the kernel runs (often for root) is not the tool
 * cache's, which the runner's user can rewrite. Content-addressed:
 *
 *   <store>/<sha256 of the binary>/qemu-<target>        (root, 0755)
 *   <store>/assets/<sha256 of the asset>/qemu-<target>.json
 *       what that asset's qemu-<target> is: its sha256 and size, the URL, the member, the version
 *
 * The records are the digests a tool-cache copy is checked against before it is taken in; they are
 * written when a download was verified, and only root can change them. Everything is written as
 * root (this process, or commands through sudo: StoreOps): staged in <store>/.incoming (root's
 * alone), its sha256 checked there, then renamed into place.
 */








/** sha256 of a file, read as a stream. */
async function fileSha256(path) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of (0,external_node_fs_.createReadStream)(path))
        hash.update(chunk);
    return hash.digest('hex');
}
/** The one line said when the store is not root's alone. */
function unsafe(root, problem) {
    return new DownloadError(`the interpreter store ${root} is not safe to register interpreters from: ${problem}; it and every folder above it must be root's and writable by root only`, 'config');
}
/** Is the process with this id alive (or not ours to tell: another user's)? */
function alive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (err) {
        return err.code === 'EPERM';
    }
}
const SCRATCH_PREFIX = 'qemu-download-';
const temporary = (dir, name) => (0,external_node_path_.join)(dir, `.${name}.${process.pid}.${(0,external_node_crypto_.randomUUID)().slice(0, 8)}.tmp`);
const IN_PROCESS = {
    mkdirp: dir => (0,promises_.mkdir)(dir, { recursive: true }),
    chmod: promises_.chmod,
    copy: promises_.copyFile,
    sha256: fileSha256,
    remove: path => (0,promises_.rm)(path, { force: true }),
    move: promises_.rename
};
function throughCommands(sys) {
    const run = (command, ...args) => sys.run(command, args, { timeoutMs: 60_000 });
    return {
        mkdirp: dir => run('mkdir', '-p', dir),
        chmod: (path, mode) => run('chmod', mode.toString(8), path),
        copy: (source, dest) => run('cp', source, dest),
        sha256: async (path) => /^[0-9a-f]{64}/.exec(await run('sha256sum', path))?.[0],
        remove: path => run('rm', '-f', path),
        move: (source, dest) => run('mv', '-f', source, dest)
    };
}
class InterpreterStore {
    root;
    /** Folders already judged this run: each is walked once. */
    seen = new Map();
    /** Folders this run made or set already. */
    made = new Set();
    ensured = false;
    ops;
    /** Download folders this run made in .incoming (scratch()). */
    scratches = new Set();
    constructor(root, sys) {
        this.root = root;
        this.ops = sys.inProcess ? IN_PROCESS : throughCommands(sys);
    }
    /** Where an interpreter with this digest lives (the path registered with the kernel). */
    pathOf(sha256, target) {
        return (0,external_node_path_.join)(this.root, sha256, `qemu-${target}`);
    }
    get incoming() {
        return (0,external_node_path_.join)(this.root, '.incoming');
    }
    /**
     * A folder in the store's incoming folder (root's alone) for a download, when this process is
     * root; undefined through sudo (the caller downloads into its own scratch folder, and put() copies
     * and reads back). Held for a signal's way out until release(). Download folders of runs whose
     * process is gone are removed first.
     */
    async scratch() {
        if (this.ops !== IN_PROCESS)
            return undefined;
        await this.ensure();
        await this.folder(this.incoming, 0o700);
        for (const name of await (0,promises_.readdir)(this.incoming)) {
            // download folders and staged copies (temporary()) name the process that made them
            const pid = Number((new RegExp(`^${SCRATCH_PREFIX}(\\d+)-`).exec(name) ?? /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name))?.[1]);
            if (pid > 0 && pid !== process.pid && !alive(pid))
                await (0,promises_.rm)((0,external_node_path_.join)(this.incoming, name), { recursive: true, force: true });
        }
        const dir = await this.step('make a download folder', () => (0,promises_.mkdtemp)((0,external_node_path_.join)(this.incoming, `${SCRATCH_PREFIX}${process.pid}-`)));
        this.scratches.add(dir);
        (0,scratch/* holdScratch */.ES)(dir);
        return dir;
    }
    /** Removes a folder scratch() made. */
    async release(dir) {
        await (0,promises_.rm)(dir, { recursive: true, force: true });
        this.scratches.delete(dir);
        (0,scratch/* dropScratch */.Wl)(dir);
    }
    /** Is this file in one of this run's download folders (root's alone since its first byte)? */
    inScratch(path) {
        return [...this.scratches].some(dir => path.startsWith(`${dir}/`));
    }
    recordPath(assetSha256, target) {
        return (0,external_node_path_.join)(this.root, 'assets', assetSha256, `qemu-${target}.json`);
    }
    /** Why the store cannot be used (it exists and someone other than root could change it); undefined when fine or not made yet. */
    async problem() {
        const exists = await (0,promises_.stat)(this.root).then(() => true, () => false);
        return exists ? (0,root_files/* rootOnlyProblem */.k)(this.root, 'directory', this.seen) : undefined;
    }
    /** Makes the store if it is missing (once a run); throws unless only root can change it. */
    async ensure() {
        if (this.ensured)
            return;
        await this.folder(this.root);
        this.seen.clear();
        const problem = await (0,root_files/* rootOnlyProblem */.k)(this.root, 'directory', this.seen);
        if (problem)
            throw unsafe(this.root, problem);
        this.ensured = true;
    }
    /** The record of an asset's interpreter, when there is one only root could have written. */
    async record(assetSha256, target) {
        const path = this.recordPath(assetSha256, target);
        if (await (0,root_files/* rootOnlyProblem */.k)(path, 'file', this.seen))
            return undefined;
        try {
            const parsed = JSON.parse(await (0,promises_.readFile)(path, 'utf8'));
            return parsed.target === target && parsed.asset === assetSha256 && (0,install_manifest/* normalizeSha256 */.be)(parsed.sha256) === parsed.sha256
                ? parsed
                : undefined;
        }
        catch {
            return undefined;
        }
    }
    /** The stored interpreter with this digest, when it is there and only root could have put it there. */
    async find(sha256, target) {
        const path = this.pathOf(sha256, target);
        return (await (0,root_files/* rootOnlyProblem */.k)(path, 'file', this.seen)) ? undefined : path;
    }
    /** One step of writing the store, its failure said in one line naming the store. */
    async step(what, work) {
        try {
            return await work();
        }
        catch (err) {
            throw new DownloadError(`could not ${what} in the interpreter store ${this.root}: ${err.message}`, 'config');
        }
    }
    /** A folder in the store made (with any missing above it) and set to 0755; root makes it, so root owns it. */
    async folder(dir, mode = 0o755) {
        if (this.made.has(dir))
            return;
        await this.step(`make ${dir}`, () => this.ops.mkdirp(dir));
        await this.step(`set the mode of ${dir}`, () => this.ops.chmod(dir, mode));
        this.made.add(dir);
    }
    /**
     * Copies a file into the store as root: first into a folder only root can enter (so nobody can
     * open the copy, whatever the umask made of it), where its sha256 is taken as root and compared;
     * then renamed into place. A file of this run's download folder is renamed in without a copy.
     */
    async admit(source, dest, mode, sha256) {
        await this.ensure();
        const incoming = this.incoming;
        await this.folder(incoming, 0o700);
        // A file of this run's download folder was written and hashed where only root can go: nobody
        // else could have changed it since, so it is renamed in as it is.
        const staged = this.inScratch(source) ? source : temporary(incoming, (0,external_node_path_.basename)(dest));
        if (staged !== source)
            await this.step(`copy ${source}`, () => this.ops.copy(source, staged));
        await this.step(`set the mode of ${staged}`, () => this.ops.chmod(staged, mode));
        const got = staged === source ? sha256 : await this.step(`read back ${staged}`, () => this.ops.sha256(staged));
        if (got !== sha256) {
            await this.step(`remove ${staged}`, () => this.ops.remove(staged));
            return `its sha256 is ${got ?? 'unknown'}, not ${sha256}`;
        }
        await this.folder((0,external_node_path_.dirname)(dest));
        await this.step(`put ${dest} in place`, () => this.ops.move(staged, dest));
        this.seen.delete((0,external_node_path_.dirname)(dest));
        return undefined;
    }
    /**
     * Takes a file in as the interpreter with this digest: renamed in from this run's download folder
     * (scratch()), else copied and read back. Returns its path in the store, or says why not (its
     * copy's digest was another: it changed on the way).
     */
    async put(source, sha256, target) {
        const dest = this.pathOf(sha256, target);
        const problem = await this.admit(source, dest, 0o755, sha256);
        return problem ? { problem } : { path: dest };
    }
    /** Writes the record of an asset's interpreter (after the interpreter itself is in the store), by way of a scratch folder. */
    async remember(record, scratch) {
        const text = `${JSON.stringify(record, null, 2)}\n`;
        const source = (0,external_node_path_.join)(scratch, `record-${record.target}-${(0,external_node_crypto_.randomUUID)().slice(0, 8)}.json`);
        await (0,promises_.writeFile)(source, text, { mode: 0o600 });
        const problem = await this.admit(source, this.recordPath(record.asset, record.target), 0o644, (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex'));
        if (problem)
            throw new DownloadError(`could not record qemu-${record.target} in the interpreter store ${this.root}: ${problem}`, 'config');
    }
}

;// CONCATENATED MODULE: ./src/install/download/reuse.ts
/**
 * What a plan can reuse before anything is downloaded: interpreters already in the root-only
 * store (found by the digest the manifest pins, or the store's record of the asset; a qemu-url's
 * record only when made from that URL; the tool cache is not read for them), then the tool
 * cache's binaries. With a store, a tool-cache binary is taken in only when its sha256 is one
 * that only root could have written down (the manifest's pin, or the store's record of the asset);
 * a changed one is said in one line and downloaded again, never run. Without a store the tool
 * cache's files are used as they are (by stat), as before.
 */





/** The store's record of an asset's interpreter, when the plan may use it (servesFrom: a qemu-url's only from that URL). */
async function recordFor(store, plan, target) {
    const asset = plan.assets.get(target);
    const record = await store.record(asset.sha256, target);
    return record && servesFrom(plan, asset, record.url) ? record : undefined;
}
/** The plan's targets whose interpreter is in the store already. */
async function fromStore(store, plan, targets) {
    const ready = new Map();
    for (const target of targets) {
        const asset = plan.assets.get(target);
        if (!asset)
            continue;
        const record = await recordFor(store, plan, target);
        const sha256 = asset.binarySha256 ?? record?.sha256;
        const path = sha256 ? await store.find(sha256, target) : undefined;
        if (path)
            ready.set(target, { path, version: record?.version ?? plan.qemu, url: record?.url ?? asset.url });
    }
    return ready;
}
/** A tool-cache binary checked against a digest only root could have written, then taken into the store. */
async function adopt(store, plan, target, state, log) {
    const asset = plan.assets.get(target);
    const cached = state.metadata?.binaries[target];
    const path = (0,external_node_path_.join)(state.dir, `qemu-${target}`);
    const record = await recordFor(store, plan, target);
    const expected = asset.binarySha256 ?? record?.sha256;
    if (!expected) {
        const why = `no sha256 of it is kept where only root can write (the interpreter store ${store.root} has no record of it)`;
        log(`the tool cache's qemu-${target} (${path}) is not used: ${why}; downloading it again`);
        return undefined;
    }
    const size = (await (0,promises_.stat)(path)).size;
    // Another size is another file: no need to read it through.
    const actual = record && record.size !== size ? `of a file of ${size} bytes, not ${record.size}` : await fileSha256(path);
    const put = actual === expected ? await store.put(path, expected, target) : { problem: `its sha256 is ${actual}, not ${expected}` };
    if ('problem' in put) {
        log(`the tool cache's qemu-${target} (${path}) was changed after it was cached (${put.problem}): it is not run or registered; downloading it again`);
        return undefined;
    }
    return { path: put.path, version: record?.version ?? cached?.version ?? plan.qemu, url: record?.url ?? cached?.url };
}
/** What a plan can serve from the store and the tool cache, and what it must download. */
async function survey(plan, targets, where) {
    const ready = where.store ? await fromStore(where.store, plan, targets) : new Map();
    const state = await cacheState(plan, targets, where.hostArch, where.toolCache);
    const missing = [];
    for (const target of targets) {
        if (ready.has(target))
            continue;
        if (!state.present.includes(target)) {
            missing.push(target);
            continue;
        }
        const cached = state.metadata?.binaries[target];
        const taken = where.store
            ? await adopt(where.store, plan, target, state, where.log)
            : { path: (0,external_node_path_.join)(state.dir, `qemu-${target}`), version: cached?.version ?? plan.qemu, url: cached?.url };
        if (taken)
            ready.set(target, taken);
        else
            missing.push(target);
    }
    return { plan, state, ready, missing };
}

;// CONCATENATED MODULE: ./src/install/download/write-problem.ts
/**
 * A file-system error while writing a cache, said so that the fix is plain: which folder, what
 * chose it (RUNNER_TOOL_CACHE, the command line's cache folder), and what ran out or was refused.
 */
const MEANINGS = {
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is used up',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'the operation is not permitted',
    EIO: 'an input/output error'
};
/**
 * One line for an error of writing under a folder: what went wrong, the folder and its label;
 * undefined when the error is not a file-system one (the caller rethrows it).
 */
function fileSystemProblem(err, folder, label) {
    const code = err?.code;
    if (!code || !/^E[A-Z]+$/.test(code))
        return undefined;
    const meaning = MEANINGS[code] ?? err.message;
    const fix = code === 'ENOSPC' || code === 'EDQUOT' ? 'free space there or choose another folder' : 'make it writable or choose another folder';
    return `${meaning} (${code}) writing to ${folder}, which is ${label}: ${fix}`;
}

;// CONCATENATED MODULE: ./src/install/download/index.ts
/**
 * install: download — static QEMU interpreters from a verified download. The story: plan (which
 * release and asset serves each target, plan.ts) -> what is already here (reuse.ts: the root-only
 * interpreter store, then the tool cache, checked) -> fetch, verify and extract what is missing
 * (assets.ts over fetch.ts, through the proxy the job's variables name) -> into the interpreter store
 * and the tool cache -> the interpreters' paths.
 *
 * Warm path: the store's record and file for each target, each checked to be root's alone;
 * nothing is downloaded, read from the tool cache, or run. The versions, folders and addresses
 * come from the caller (InstallPlaces); the proxy variables are read by the HTTP client, as in
 * every action.
 */






















/** The store the places name, checked to be root's alone and shallow enough for binfmt_misc; undefined when none. */
async function openStore(places, sys) {
    if (!places.interpreterStore)
        return undefined;
    if (!sys)
        throw new DownloadError(`the interpreter store ${places.interpreterStore} needs root or sudo to be written`, 'config');
    const store = new InterpreterStore(places.interpreterStore, sys);
    const longest = Math.max(...platforms/* PLATFORMS */.P4.map(p => store.pathOf('0'.repeat(64), p.target).length));
    if (longest > binfmt/* MAX_INTERPRETER_PATH */.qn) {
        throw new DownloadError(`the interpreter store ${store.root} is too deep: paths in it reach ${longest} characters, and binfmt_misc takes at most ${binfmt/* MAX_INTERPRETER_PATH */.qn}`, 'config');
    }
    const problem = await store.problem();
    if (problem)
        throw unsafe(store.root, problem);
    return store;
}
/** Static QEMU interpreters for the targets: from the interpreter store, the tool cache, or a download. */
async function download_download(req, places, options = {}) {
    const targets = [...new Set(req.targets)];
    if (targets.length === 0)
        throw new DownloadError('no targets to download QEMU for', 'config');
    if (!places.toolCache)
        throw new DownloadError('no tool cache folder was given, so there is nowhere to keep QEMU', 'config');
    if (!hostElf(req.hostArch))
        req.log(`note: host architecture ${req.hostArch} is not one this action knows; binaries are checked to be static only`);
    const { plans, problems } = planDownload({ ...req, targets }, options.manifest ?? install_manifest/* MANIFEST */.e0, places.assetBase);
    if (plans.length === 0) {
        throw new DownloadError(`no verifiable QEMU download for a ${req.hostArch} host serving ${targets.join(', ')}: ${problems.join('; ')}`, 'no-build');
    }
    const store = await openStore(places, req.sys);
    // Warm: a plan whose every target is in the store; the tool cache is not read at all.
    if (store) {
        for (const plan of plans) {
            const ready = await fromStore(store, plan, targets);
            if (ready.size === targets.length) {
                req.log(`${plan.label}: cache hit in the interpreter store ${store.root} (root's alone; the tool cache is not read)`);
                return result(plan, ready, targets, true, req);
            }
        }
    }
    // What each plan finds in the tool cache (taken into the store once its digests check out).
    const surveys = [];
    for (const plan of plans) {
        const found = await survey(plan, targets, { store, toolCache: places.toolCache, hostArch: req.hostArch, log: req.log });
        if (found.missing.length === 0) {
            req.log(`${plan.label}: tool cache hit (${found.state.dir})${store ? `, each binary checked by sha256 and kept in ${store.root}` : ''}`);
            return result(plan, found.ready, targets, true, req);
        }
        surveys.push(found);
    }
    // Cold: download what the first plan lacks; on a missing asset (HTTP 404), the next plan. As
    // root, in the store's own folder (the file and what comes out of it are root's alone, and are
    // taken in by a rename); else in the caller's scratch folder.
    const rootScratch = await store?.scratch();
    const work = rootScratch ?? (await scratchIn(places.tempDir));
    try {
        for (const [i, found] of surveys.entries()) {
            const { plan, ready, missing } = found;
            const has = targets.filter(t => !missing.includes(t));
            if (found.state.dir || has.length) {
                req.log(`${plan.label}: the tool cache has ${has.join(', ') || 'none'} of ${targets.join(', ')}; downloading ${missing.join(', ')}`);
            }
            else
                req.log(`${plan.label}: not in the tool cache`);
            let verified;
            try {
                verified = await fetchAssets(plan, missing, { hostArch: req.hostArch, work, log: req.log, http: options });
            }
            catch (err) {
                if (err instanceof DownloadError && err.reason === 'not-found' && i + 1 < surveys.length) {
                    req.log(`${err.message}; falling back to ${surveys[i + 1].plan.label}`);
                    continue;
                }
                // Say why no fallback was tried (a release set aside while planning: no digest for this host).
                if (err instanceof DownloadError && err.reason === 'not-found' && problems.length) {
                    throw new DownloadError(`${err.message}; no fallback download: ${problems.join('; ')}`, err.reason, err.url);
                }
                throw err;
            }
            if (store)
                verified = await keepInStore(store, plan, verified, ready, work);
            const dir = await keepInCache(found, verified, req, places, !!store);
            if (!store && dir) {
                for (const v of verified)
                    ready.set(v.target, { path: (0,external_node_path_.join)(dir, `qemu-${v.target}`), version: v.version ?? plan.qemu, url: v.url });
            }
            return result(plan, ready, targets, false, req);
        }
        throw new DownloadError('no download source succeeded', 'no-build');
    }
    finally {
        if (rootScratch)
            await store?.release(rootScratch);
        else
            await (0,promises_.rm)(work, { recursive: true, force: true });
    }
}
/** A new download folder in the caller's scratch folder. */
async function scratchIn(tempDir) {
    await (0,promises_.mkdir)(tempDir, { recursive: true });
    return (0,promises_.mkdtemp)((0,external_node_path_.join)(tempDir, 'qemu-download-'));
}
/**
 * Verified downloads into the store, each with its record, before anything registers them; the
 * same downloads at their places in the store (where the tool cache copies them from).
 */
async function keepInStore(store, plan, verified, ready, work) {
    await store.ensure();
    const kept = [];
    for (const v of verified) {
        const put = await store.put(v.path, v.binarySha256, v.target);
        if ('problem' in put) {
            throw new DownloadError(`qemu-${v.target} from ${v.url} changed between its checks and the interpreter store (${put.problem}); refusing it`, 'checksum', v.url);
        }
        const record = {
            target: v.target,
            sha256: v.binarySha256,
            size: v.size,
            asset: v.sha256,
            url: v.url,
            member: v.member,
            version: v.version
        };
        await store.remember(record, work);
        ready.set(v.target, { path: put.path, version: v.version ?? plan.qemu, url: v.url });
        kept.push({ ...v, path: put.path });
    }
    return kept;
}
/**
 * Verified downloads into the tool cache; its folder, or undefined when it could not be written and
 * the store serves (then a warning says why, in one line). Without a store that is an error.
 */
async function keepInCache(found, verified, req, places, stored) {
    if (stored) {
        // Root writes the tool cache only where no other user could have put a link in its way; the store serves either way.
        const problem = await othersCanChange(places.toolCache);
        if (problem) {
            req.log(`not kept in the tool cache, which another user could change (${problem}); this run uses the copies in the interpreter store`);
            return undefined;
        }
    }
    try {
        const dir = await store(found.plan, found.state, verified, req.hostArch, places.toolCache);
        req.log(`cached in ${dir}`);
        return dir;
    }
    catch (err) {
        const problem = fileSystemProblem(err, places.toolCache, places.toolCacheLabel ?? 'the tool cache');
        if (!problem)
            throw err;
        if (!stored)
            throw new DownloadError(`could not keep QEMU in the tool cache: ${problem}`, 'config');
        req.log(`warning: could not keep QEMU in the tool cache (${problem}); this run uses the copies in the interpreter store`);
        return undefined;
    }
}
/** Why users other than the trusted ones could change `dir`, or the nearest folder above it that exists; undefined when they cannot. */
async function othersCanChange(dir) {
    let at = (0,external_node_path_.resolve)(dir);
    while (!(0,external_node_fs_.existsSync)(at) && (0,external_node_path_.dirname)(at) !== at)
        at = (0,external_node_path_.dirname)(at);
    return (0,root_files/* untrustedProblem */.Ib)(at, at === (0,external_node_path_.resolve)(dir) ? 'folder' : 'parent', (0,root_files/* trustedUids */.dF)());
}
/** The interpreters for the targets, with the version and address they came with. */
function result(plan, ready, targets, cacheHit, req) {
    const interpreters = new Map();
    for (const target of targets) {
        const { path, version } = ready.get(target);
        if (path.length > binfmt/* MAX_INTERPRETER_PATH */.qn)
            req.log(`warning: ${path} is longer than the ${binfmt/* MAX_INTERPRETER_PATH */.qn} characters binfmt_misc accepts for an interpreter`);
        interpreters.set(target, { path, version: version ?? plan.qemu });
    }
    const version = plan.qemu ?? (targets.map(t => ready.get(t)?.version).find(Boolean) || req.version || 'unknown');
    const url = targets.map(t => ready.get(t)?.url).find(Boolean) ?? plan.assets.get(targets[0])?.url;
    return { interpreters, cacheHit, version, url };
}


/***/ })

};
