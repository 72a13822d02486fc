import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 61:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _post_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(414);

await (0,_post_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 414:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  e: () => (/* binding */ run)
});

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./src/faces/actions/commands.ts
/**
 * The two ways a step talks to the Actions runner, as pure text: a workflow command line on
 * stdout (`::name key=value,key=value::message`) and a key-value entry of a file command
 * (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV). Escaping and formats are those of @actions/core
 * (lib/command.js, lib/file-command.js), which the runner parses; the toolkit itself is not loaded
 * because its module graph (an HTTP client for OIDC tokens) cost the action most of its start-up.
 *
 * What the runner parses (actions/runner: ProcessInvoker, ActionCommandManager, ActionCommand): it
 * reads stdout and stderr a line at a time, ending a line at \n, \r or \r\n (.NET ReadLine), and
 * takes as a command any line that after its leading white space starts `::name ...::` (TryParseV2)
 * or that holds `##[name ...]` anywhere (TryParse, the v1 syntax); names match ignoring case.
 * `::stop-commands::token` makes it act on nothing until a line `::token::`. A command line of ours
 * is safe whatever its message: escaping keeps it one line, which parses as our command before any
 * `##[` in it is looked at. Free text, which may quote another program's output, is not: it is
 * written as it is only when no line of it could parse.
 */

/** The runner's unescaping of a command's message undoes exactly these. */
function escapeData(text) {
    return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
/** A property value also must not end the property list (`,`) or the properties (`:`). */
function escapeProperty(text) {
    return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
/** One workflow command, without its line end; properties with an empty value are left out. */
function commandLine(name, properties, message) {
    const props = Object.entries(properties)
        .filter(([, value]) => value)
        .map(([key, value]) => `${key}=${escapeProperty(value)}`);
    return `::${name}${props.length > 0 ? ` ${props.join(',')}` : ''}::${escapeData(message)}`;
}
/**
 * A heredoc entry of a file command: `name<<delimiter`, the value, the delimiter. The delimiter is
 * random so no value can end the entry early and smuggle in another output or variable.
 */
function commands_keyValueEntry(name, value, delimiter, eol) {
    if (name.includes(delimiter))
        throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    if (value.includes(delimiter))
        throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    return `${name}<<${delimiter}${eol}${value}${eol}${delimiter}`;
}
/**
 * Whether a line of `text` could be read by the runner as a command: `::` first after white space
 * (.NET's TrimStart also trims U+0085, which \s lacks), or `##[` anywhere.
 */
function holdsCommand(text) {
    return /(?:^|[\r\n])[\s\u0085]*::|##\[/.test(text);
}
/**
 * `text` between `::stop-commands::token` and `::token::`: the runner shows it but acts on none of
 * its lines. The token is drawn until the text does not hold it, since a line `::token::` (in any
 * case) inside would resume commands early.
 */
function commandsStopped(text, newToken, eol) {
    const lower = text.toLowerCase();
    let token = newToken();
    while (lower.includes(token.toLowerCase()))
        token = newToken();
    return `${commandLine('stop-commands', {}, token)}${eol}${text}${eol}${commandLine(token, {}, '')}`;
}
/**
 * Text for a stream the runner reads (a `run:` step that calls the command line): inside a job,
 * text holding something the runner would take as a command is put between stop-commands lines;
 * elsewhere, as it is.
 */
function runnerSafe(text, env = process.env) {
    if (env.GITHUB_ACTIONS !== 'true' || !holdsCommand(text))
        return text;
    const ends = text.endsWith('\n');
    return commandsStopped(ends ? text.slice(0, -1) : text, randomUUID, '\n') + (ends ? '\n' : '');
}

;// CONCATENATED MODULE: ./src/faces/actions/summary.ts
/**
 * The job summary (GITHUB_STEP_SUMMARY): a buffer of HTML that `write` appends to the runner's
 * summary file. The HTML is byte for byte what @actions/core's summary (lib/summary.js) writes for
 * the same calls, quirks included: an element with empty content is written as its start tag alone
 * (`<td>`, which browsers close themselves), and cell text is not HTML-escaped.
 */



/** `<tag>content</tag>`, or the start tag alone for empty content (as the toolkit writes it). */
const wrap = (tag, content) => (content ? `<${tag}>${content}</${tag}>` : `<${tag}>`);
function headingHtml(text, level) {
    return wrap(level >= 1 && level <= 6 && Number.isInteger(level) ? `h${level}` : 'h1', text);
}
function tableHtml(rows) {
    const cell = (c) => (typeof c === 'string' ? wrap('td', c) : wrap(c.header ? 'th' : 'td', c.data));
    return wrap('table', rows.map(row => wrap('tr', row.map(cell).join(''))).join(''));
}
class Summary {
    buffer = '';
    addHeading(text, level = 1) {
        return this.addLine(headingHtml(text, level));
    }
    addTable(rows) {
        return this.addLine(tableHtml(rows));
    }
    stringify() {
        return this.buffer;
    }
    /** Appends the buffer to the summary file and empties it; fails when the runner gave no writable file. */
    async write() {
        const file = process.env.GITHUB_STEP_SUMMARY;
        if (!file) {
            throw new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.');
        }
        try {
            await (0,promises_namespaceObject.access)(file, external_node_fs_namespaceObject.constants.R_OK | external_node_fs_namespaceObject.constants.W_OK);
        }
        catch {
            throw new Error(`Unable to access summary file: '${file}'. Check if the file has correct read/write permissions.`);
        }
        await (0,promises_namespaceObject.appendFile)(file, this.buffer, { encoding: 'utf8' });
        this.buffer = '';
        return this;
    }
    addLine(html) {
        this.buffer += html + external_node_os_namespaceObject.EOL;
        return this;
    }
}

;// CONCATENATED MODULE: ./src/faces/actions/index.ts
/**
 * The action's side of the Actions runner: inputs, outputs, saved state, exported variables, the
 * log (annotations and groups), the step's failure and the job summary. It behaves as the parts of
 * @actions/core the action used did, byte for byte on stdout and in the runner's files, so the
 * runner sees no difference, but for one thing: a log message the runner could take for a command
 * (a container's or another program's output quoted in it) is written with commands stopped around
 * it, where the toolkit let the runner act on it. It is ours because the toolkit's module graph
 * took most of the action's start-up. Everything here reads process.env and writes process.stdout
 * or the files the runner names, and nothing else: unit tests mock this module
 * (__tests__/__fixtures__/core.ts).
 */






function issue(name, message = '', properties = {}) {
    process.stdout.write(commandLine(name, properties, message) + external_node_os_namespaceObject.EOL);
}
/**
 * `name=value` for the rest of the job through the runner's file command (GITHUB_<kind>), or
 * through the legacy workflow command when the runner names no file.
 */
function fileCommand(kind, name, value, legacy) {
    const file = process.env[`GITHUB_${kind}`];
    if (!file)
        return legacy();
    if (!existsSync(file))
        throw new Error(`Missing file at path: ${file}`);
    appendFileSync(file, keyValueEntry(name, value, `ghadelimiter_${randomUUID()}`, EOL) + EOL, { encoding: 'utf8' });
}
/** The input as the runner passes it (INPUT_<NAME>, spaces as _), trimmed; '' when not given. */
function getInput(name) {
    return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '').trim();
}
function setOutput(name, value) {
    fileCommand('OUTPUT', name, value, () => {
        process.stdout.write(EOL);
        issue('set-output', value, { name });
    });
}
/** Saved for this action's post step, which reads it with getState. */
function saveState(name, value) {
    fileCommand('STATE', name, value, () => issue('save-state', value, { name }));
}
function getState(name) {
    return process.env[`STATE_${name}`] || '';
}
/** A variable for this step (process.env) and the job's later steps. */
function exportVariable(name, value) {
    process.env[name] = value;
    fileCommand('ENV', name, value, () => issue('set-env', value, { name }));
}
/** The message as it is, or with commands stopped around it when a line of it could parse as one. */
function info(message) {
    process.stdout.write((holdsCommand(message) ? commandsStopped(message, external_node_crypto_namespaceObject.randomUUID, external_node_os_namespaceObject.EOL) : message) + external_node_os_namespaceObject.EOL);
}
/** Shown only when the run has step debug logging on (the runner filters it). */
function debug(message) {
    issue('debug', message);
}
/** A notice annotation: worth seeing, not a problem with the job. */
function notice(message) {
    issue('notice', message);
}
function warning(message) {
    issue('warning', message);
}
function error(message) {
    issue('error', message);
}
/** Fails the step: an error annotation, and exit code 1 when the process ends. */
function setFailed(message) {
    process.exitCode = 1;
    error(message);
}
/** The log lines of `fn` folded under `name`; the group is closed even when fn throws. */
async function group(name, fn) {
    issue('group', name);
    try {
        return await fn();
    }
    finally {
        issue('endgroup');
    }
}
const summary = new Summary();

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: external "node:stream"
const external_node_stream_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");
;// CONCATENATED MODULE: ./src/kernel/process.ts
/**
 * The one way this project runs a program: an argument array, never a shell string. runProgram
 * collects bounded output under a timeout (privileged root or sudo runs build on it);
 * streamProgram runs a filter (a decompressor) with data piped through it as it comes.
 */


/** Programs running now, so a signal's way out can end them (faces/signals.ts). */
const running = new Set();
function track(child) {
    running.add(child);
    child.on('exit', () => running.delete(child));
    child.on('error', () => running.delete(child));
}
/** Ends every program this process started and still runs (SIGTERM), and waits up to `waitMs` for them to go. */
async function endPrograms(waitMs = 2000) {
    const left = [...running].filter(child => child.exitCode === null && child.signalCode === null);
    const gone = left.map(child => new Promise(resolve => child.once('exit', () => resolve())));
    for (const child of left)
        child.kill('SIGTERM');
    let timer;
    const waited = new Promise(resolve => {
        timer = setTimeout(resolve, waitMs);
        timer.unref();
    });
    await Promise.race([Promise.all(gone), waited]);
    clearTimeout(timer);
}
/** Runs a program and collects its output; never throws for a non-zero exit. */
function process_runProgram(command, args, options = {}) {
    return new Promise(resolve => {
        const child = (0,external_node_child_process_namespaceObject.execFile)(command, args, { env: options.env, timeout: options.timeoutMs ?? 120_000, cwd: options.cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
            const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
            const reason = error && typeof error.code !== 'number' ? `${error.message}\n` : '';
            resolve({ code, stdout: String(stdout), stderr: reason + String(stderr) });
        });
        track(child);
        if (options.input !== undefined)
            child.stdin?.end(options.input);
    });
}
/**
 * Why a streamed program failed: 'missing' (not on this machine), 'failed' (it could not be
 * started, or its input broke: detail says what), or 'exit' (a non-zero exit or a signal; stderr
 * holds the first 4 KiB it wrote).
 */
class ProgramError extends Error {
    program;
    failure;
    detail;
    exitCode;
    stderr;
    constructor(program, failure, detail, exitCode = null, stderr = '') {
        const said = { missing: `${program} is not on this machine`, failed: `${program}: ${detail}`, exit: `${program} ${detail}` };
        super(said[failure]);
        this.program = program;
        this.failure = failure;
        this.detail = detail;
        this.exitCode = exitCode;
        this.stderr = stderr;
        this.name = 'ProgramError';
    }
}
/** Largest share of a program's stderr kept for its error. */
const STDERR_BYTES = 4096;
/** Pipes deliver 8-64 KiB at a time; handing on larger pieces saves most of the per-chunk overhead. */
const BATCH_BYTES = (/* unused pure expression or super */ null && (256 * 1024));
/**
 * Runs a program as a filter: input goes to its stdin, its stdout comes out as it is written.
 * Throws ProgramError when the program cannot start, the input fails, or it exits non-zero; a
 * consumer that stops early ends it (SIGTERM) and waits for it to go.
 */
async function* streamProgram(command, args, input, options = {}) {
    const source = input instanceof Readable ? input : Readable.from(input);
    // The environment is passed explicitly, so a changed process.env (PATH) is what the child sees even
    // where a test runner gives the code its own process.env object.
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    track(child);
    let stderr = '';
    let failure;
    child.stderr.on('data', (d) => {
        if (stderr.length < STDERR_BYTES)
            stderr += d.toString();
    });
    const exited = new Promise(resolve => {
        child.on('error', error => {
            failure ??= { error, from: 'spawn' };
            resolve({ code: null, signal: null });
        });
        child.on('close', (code, signal) => resolve({ code, signal }));
    });
    // A program that stops reading (or a consumer that stops early) closes the pipe: EPIPE is expected.
    child.stdin.on('error', () => { });
    source.on('error', error => {
        failure ??= { error, from: 'input' };
        child.stdin.destroy();
    });
    source.pipe(child.stdin);
    let finished = false;
    try {
        let batch = [];
        let batched = 0;
        for await (const chunk of child.stdout) {
            batch.push(chunk);
            batched += chunk.length;
            if (batched >= BATCH_BYTES) {
                yield batch.length === 1 ? batch[0] : Buffer.concat(batch, batched);
                batch = [];
                batched = 0;
            }
        }
        if (batched)
            yield Buffer.concat(batch, batched);
        const { code, signal } = await exited;
        finished = true;
        if (failure) {
            const missing = failure.from === 'spawn' && failure.error.code === 'ENOENT';
            throw new ProgramError(command, missing ? 'missing' : 'failed', failure.error.message);
        }
        if (code !== 0)
            throw new ProgramError(command, 'exit', signal ? `was killed by ${signal}` : `exited with ${code}`, code, stderr);
    }
    finally {
        if (!finished) {
            source.unpipe(child.stdin);
            source.destroy();
            child.stdin.destroy();
            child.stdout.destroy();
            if (child.exitCode === null && child.signalCode === null)
                child.kill('SIGTERM');
            await exited;
        }
    }
}

;// CONCATENATED MODULE: ./src/kernel/find-on-path.ts
/** Finding a program the way a shell would: the first executable file of that name on PATH. */


/** The absolute path of `name` in the first PATH folder that holds it as an executable file. */
function findOnPath(name, path = process.env.PATH ?? '') {
    for (const dir of path.split(external_node_path_namespaceObject.delimiter)) {
        // Relative PATH entries would depend on the working folder: not ours to follow.
        if (!dir.startsWith('/'))
            continue;
        const candidate = (0,external_node_path_namespaceObject.join)(dir, name);
        try {
            if (!(0,external_node_fs_namespaceObject.statSync)(candidate).isFile())
                continue;
            (0,external_node_fs_namespaceObject.accessSync)(candidate, external_node_fs_namespaceObject.constants.X_OK);
            return candidate;
        }
        catch {
            // not here
        }
    }
    return undefined;
}
/**
 * Where root's own tools (chroot, mount, modprobe) are looked for: by absolute path, never through
 * a PATH without /usr/sbin (su, a bare service), where they would seem missing and the kernel or
 * the F flag would take the blame.
 */
const find_on_path_SYSTEM_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
/** The absolute path of one of the system's own programs; undefined when the machine has none. */
function find_on_path_systemProgram(name) {
    return findOnPath(name, find_on_path_SYSTEM_PATH);
}

;// CONCATENATED MODULE: ./src/checks/engine.ts
/**
 * Container engines as the check sees them: which of docker and podman is on PATH and answers,
 * and one way to run an engine command (through kernel/process.ts's runProgram, with the engine's
 * extra environment and a time limit). docker answers `version` only when its daemon does; podman
 * has no daemon, and `info` proves its storage and runtime can be set up.
 */







const ENGINE_NAMES = ['docker', 'podman'];
/** The variables docker and podman read their configuration from. */
const ENGINE_VARIABLES = [
    'DOCKER_HOST',
    'DOCKER_CONFIG',
    'DOCKER_CONTEXT',
    'CONTAINER_HOST',
    'CONTAINER_CONNECTION',
    'CONTAINERS_CONF',
    'CONTAINERS_STORAGE_CONF',
    'CONTAINERS_REGISTRIES_CONF',
    'XDG_RUNTIME_DIR',
    'XDG_CONFIG_HOME',
    'XDG_DATA_HOME',
    'HOME'
];
function configOf(env) {
    const set = ENGINE_VARIABLES.filter(name => env[name] !== undefined).map(name => `${name}=${env[name]}`);
    return (0,external_node_crypto_namespaceObject.createHash)('sha256')
        .update(JSON.stringify([process.getuid?.() ?? -1, set]))
        .digest('hex')
        .slice(0, 16);
}
const ENGINE_ANSWER_TIMEOUT_MS = 10_000;
/** Milliseconds as seconds for messages: 500 -> "0.5", 120000 -> "120". */
function engine_secondsText(ms) {
    return String(Math.round(ms / 100) / 10);
}
/** The lines of an engine's output worth quoting: without blanks and `docker run --help` hints. */
function engine_engineMessage(stderr, maxLines = 6) {
    const lines = stderr
        .split('\n')
        .map(l => l.trim())
        .filter(l => l && !/^Run '.* --help' for more information$/.test(l) && !/^See '.* --help'\.?$/.test(l));
    return lines.slice(-maxLines).join('\n');
}
/**
 * Runs an engine command. runProgram reports a command stopped at its limit like any failure, so a
 * failure that took the whole limit counts as timed out.
 */
async function engine_runEngine(engine, args, timeoutMs) {
    const started = performance.now();
    const env = engine.env ? { ...process.env, ...engine.env } : undefined;
    const ran = await process_runProgram(engine.path, args, { env, timeoutMs });
    return { ...ran, timedOut: ran.code !== 0 && performance.now() - started >= timeoutMs };
}
/** Where the docker CLI talks to its daemon when nothing (DOCKER_HOST, a context) says otherwise. */
const DOCKER_DEFAULT_SOCKET = '/var/run/docker.sock';
/**
 * The unix socket docker would talk to, when it can be told without running the CLI: DOCKER_HOST
 * as unix://PATH, or the default socket when no DOCKER_HOST, DOCKER_CONTEXT or current context in
 * the CLI's config names another daemon; undefined when the CLI must be asked (tcp, ssh, contexts).
 */
function dockerSocket(env = process.env, defaultSocket = DOCKER_DEFAULT_SOCKET) {
    if (env.DOCKER_HOST)
        return /^unix:\/\/(\/.+)$/.exec(env.DOCKER_HOST)?.[1];
    if (env.DOCKER_CONTEXT)
        return undefined;
    const config = (0,external_node_path_namespaceObject.join)(env.DOCKER_CONFIG || (0,external_node_path_namespaceObject.join)(env.HOME || (0,external_node_os_namespaceObject.homedir)(), '.docker'), 'config.json');
    try {
        const current = JSON.parse((0,external_node_fs_namespaceObject.readFileSync)(config, 'utf8')).currentContext;
        if (current && current !== 'default')
            return undefined;
    }
    catch (err) {
        // no config (the usual case) is the default daemon; one the CLI may read otherwise, it decides
        if (err.code !== 'ENOENT')
            return undefined;
    }
    return defaultSocket;
}
/**
 * The stamp of the engine whose CLI is at `path`; undefined when it cannot be told without starting
 * it (docker talking to its daemon through tcp, ssh or a context).
 */
async function engineStamp(name, path, env) {
    try {
        const cli = await (0,promises_namespaceObject.stat)(path);
        const stamp = { path, size: cli.size, mtimeMs: cli.mtimeMs, config: configOf({ ...process.env, ...env }) };
        if (name !== 'docker')
            return stamp;
        const socket = dockerSocket({ ...process.env, ...env });
        if (!socket)
            return undefined;
        const made = await (0,promises_namespaceObject.stat)(socket);
        return { ...stamp, daemon: `${socket} ${made.ino} ${made.ctimeMs}` };
    }
    catch {
        return undefined;
    }
}
/**
 * Is `name` on PATH, and does it answer (`docker version`, `podman info`) within timeoutMs? One
 * that `passOver` gives a reason for is not started at all.
 */
async function probeEngine(name, timeoutMs = ENGINE_ANSWER_TIMEOUT_MS, env, passOver) {
    const path = findOnPath(name);
    if (!path)
        return { name, ok: false, error: `${name} is not on PATH` };
    // No socket, no daemon: said without starting the CLI (a second or more on a slow ARM board).
    const socket = name === 'docker' ? dockerSocket({ ...process.env, ...env }) : undefined;
    if (socket && !(0,external_node_fs_namespaceObject.existsSync)(socket))
        return { name, path, ok: false, error: `docker's daemon socket ${socket} is not there (no docker daemon runs)` };
    const stamp = passOver && (await engineStamp(name, path, env));
    const passedOver = stamp && (await passOver(name, stamp));
    if (passedOver)
        return { name, path, ok: false, passedOver };
    const args = name === 'docker' ? ['version', '--format', '{{.Server.Version}}'] : ['info', '--format', '{{.Version.Version}}'];
    const ran = await engine_runEngine({ path, env }, args, timeoutMs);
    if (ran.timedOut)
        return { name, path, ok: false, error: `${name} ${args[0]} did not answer within ${engine_secondsText(timeoutMs)} s` };
    if (ran.code !== 0) {
        return { name, path, ok: false, error: `${name} ${args[0]} failed: ${engine_engineMessage(ran.stderr, 3) || `exit code ${ran.code}`}` };
    }
    return { name, path, ok: true, version: ran.stdout.trim().split('\n')[0] ?? '' };
}
/**
 * Every engine looked for, in order (docker, then podman) up to the first that answers, with why the
 * others cannot be used. One passed over ends the search too: it stands where it would have been
 * used, so the engines after it are not tried, as they would not be when it answers.
 */
async function probeEngines(timeoutMs = ENGINE_ANSWER_TIMEOUT_MS, passOver) {
    const probes = [];
    for (const name of ENGINE_NAMES) {
        const probe = await probeEngine(name, timeoutMs, undefined, passOver);
        probes.push(probe);
        if (probe.ok || probe.passedOver)
            break;
    }
    return probes;
}
/** The engine a probe found answering; undefined when it did not. */
const engineOf = (probe) => probe.ok && probe.path ? { name: probe.name, path: probe.path, version: probe.version ?? '' } : undefined;
/** The first container engine on PATH that answers: docker, then podman. */
async function findEngine(timeoutMs = ENGINE_ANSWER_TIMEOUT_MS) {
    for (const probe of await probeEngines(timeoutMs)) {
        const engine = engineOf(probe);
        if (engine)
            return engine;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/checks/probe-programs.ts
/** Every probe program is smaller than this (they are 150-370 bytes). */
const PROBE_MAX_BYTES = 1024;
/** Where the programs are loaded: above mmap_min_addr, aligned for any page size up to 64 KiB. */
const LOAD_ADDRESS = 0x400000;
const ET_EXEC = 2;
const EV_CURRENT = 1;
const PT_LOAD = 1;
const PF_X = 1;
const PF_R = 4;
const SEGMENT_ALIGN = 0x10000;
/**
 * Builds an ELF executable: the ELF header, one program header and the code, all in one PT_LOAD
 * segment (R+X) that maps the whole file at LOAD_ADDRESS. e_entry is the first byte of the code.
 */
function buildElf(spec) {
    const is64 = spec.bits === 64;
    const ehsize = is64 ? 64 : 52;
    const phentsize = is64 ? 56 : 32;
    const shentsize = is64 ? 64 : 40;
    const codeOffset = ehsize + phentsize;
    const size = codeOffset + spec.code.length;
    const entry = LOAD_ADDRESS + codeOffset;
    const buf = Buffer.alloc(size);
    const le = spec.littleEndian;
    const u16 = (v, at) => {
        if (le)
            buf.writeUInt16LE(v, at);
        else
            buf.writeUInt16BE(v, at);
    };
    const u32 = (v, at) => {
        if (le)
            buf.writeUInt32LE(v >>> 0, at);
        else
            buf.writeUInt32BE(v >>> 0, at);
    };
    const u64 = (v, at) => {
        if (le)
            buf.writeBigUInt64LE(BigInt(v), at);
        else
            buf.writeBigUInt64BE(BigInt(v), at);
    };
    /** An address or offset: 8 bytes in ELF64, 4 in ELF32. */
    const addr = is64 ? u64 : u32;
    // e_ident: magic, class, data, version, OS ABI (0 = System V), ABI version 0, padding.
    buf.write('\x7fELF', 0, 'latin1');
    buf[4] = is64 ? 2 : 1;
    buf[5] = le ? 1 : 2;
    buf[6] = EV_CURRENT;
    u16(ET_EXEC, 16);
    u16(spec.machine, 18);
    u32(EV_CURRENT, 20);
    let at = 24;
    addr(entry, at); // e_entry
    at += is64 ? 8 : 4;
    addr(ehsize, at); // e_phoff: the program header follows the ELF header
    at += is64 ? 8 : 4;
    addr(0, at); // e_shoff: no section headers
    at += is64 ? 8 : 4;
    u32(spec.flags, at);
    u16(ehsize, at + 4);
    u16(phentsize, at + 6);
    u16(1, at + 8); // e_phnum
    u16(shentsize, at + 10);
    u16(0, at + 12); // e_shnum
    u16(0, at + 14); // e_shstrndx
    const ph = ehsize;
    u32(PT_LOAD, ph);
    if (is64) {
        u32(PF_R | PF_X, ph + 4); // p_flags
        u64(0, ph + 8); // p_offset
        u64(LOAD_ADDRESS, ph + 16); // p_vaddr
        u64(LOAD_ADDRESS, ph + 24); // p_paddr
        u64(size, ph + 32); // p_filesz
        u64(size, ph + 40); // p_memsz
        u64(SEGMENT_ALIGN, ph + 48); // p_align
    }
    else {
        u32(0, ph + 4); // p_offset
        u32(LOAD_ADDRESS, ph + 8); // p_vaddr
        u32(LOAD_ADDRESS, ph + 12); // p_paddr
        u32(size, ph + 16); // p_filesz
        u32(size, ph + 20); // p_memsz
        u32(PF_R | PF_X, ph + 24); // p_flags
        u32(SEGMENT_ALIGN, ph + 28); // p_align
    }
    Buffer.from(spec.code).copy(buf, codeOffset);
    return buf;
}
/** Joins instruction strings (hex, memory order) into code; rejects anything that is not hex. */
function code(instructions) {
    for (const insn of instructions) {
        if (!/^(?:[0-9a-f]{2})+$/.test(insn))
            throw new Error(`bad instruction bytes: ${insn}`);
    }
    return Buffer.from(instructions.join(''), 'hex');
}
const EM_386 = 3;
const EM_MIPS = 8;
const EM_PPC64 = 21;
const EM_S390 = 22;
const EM_ARM = 40;
const EM_X86_64 = 62;
const EM_AARCH64 = 183;
const EM_RISCV = 243;
const EM_LOONGARCH = 258;
/** ARM: EABI version 5 (what the Linux EABI loader and QEMU expect of armhf/armel programs). */
const EF_ARM_EABI_VER5 = 0x05000000;
/** RISC-V: double-float ABI (lp64d, as Debian's riscv64); no RVC flag, the code is plain RV64I. */
const EF_RISCV_FLOAT_ABI_DOUBLE = 0x4;
/** ppc64: ELFv2 ABI, so e_entry is the code itself, not a function descriptor (ELFv1). */
const EF_PPC64_ABI_V2 = 2;
/** MIPS: EF_MIPS_ARCH_64R2 | EF_MIPS_NOREORDER, as gas marks the source. EF_MIPS_ABI2 (n32) is
 * clear, which is what makes it n64 for qemu-mips64el (with the bit set: "Invalid ELF image for
 * this architecture"). QEMU picks its CPU model from the arch bits: 64R2 -> 5KEf; 64R6 would pick
 * I6400, which also needs EF_MIPS_NAN2008 ("ELF binary's NaN mode not supported by CPU"). */
const EF_MIPS_N64_64R2 = 0x80000001;
/** LoongArch: LP64D (double-float ABI, 0x3) | object ABI v1 (0x40), as current toolchains. */
const EF_LOONGARCH_LP64D_OBJ_V1 = 0x43;
/** The uname probe for each target: ELF parameters and code. */
const PROBES = {
    x86_64: {
        bits: 64,
        littleEndian: true,
        machine: EM_X86_64,
        flags: 0,
        code: code([
            '4881ec90010000', //         sub     $400, %rsp              # struct utsname (6 * 65 = 390 bytes) on the stack
            '4889e7', //         mov     %rsp, %rdi
            'b83f000000', //         mov     $63, %eax               # __NR_uname
            '0f05', //         syscall
            '85c0', //         test    %eax, %eax
            '752e', //         jnz     fail
            '488db42404010000', //         lea     260(%rsp), %rsi         # machine = buf + 4 * 65
            '4889f2', //         mov     %rsi, %rdx
            '803a00', // 1:      cmpb    $0, (%rdx)              # rdx = end of the machine string
            '7405', //         je      2f
            '48ffc2', //         inc     %rdx
            'ebf6', //         jmp     1b
            'c6020a', // 2:      movb    $10, (%rdx)             # replace the NUL with '\n'
            '48ffc2', //         inc     %rdx
            '4829f2', //         sub     %rsi, %rdx              # length including '\n'
            'bf01000000', //         mov     $1, %edi                # fd 1
            'b801000000', //         mov     $1, %eax                # __NR_write
            '0f05', //         syscall
            '31ff', //         xor     %edi, %edi              # status 0
            'eb05', //         jmp     exit
            'bf01000000', // fail:   mov     $1, %edi                # status 1
            'b83c000000', // exit:   mov     $60, %eax               # __NR_exit
            '0f05' //         syscall
        ])
    },
    i386: {
        bits: 32,
        littleEndian: true,
        machine: EM_386,
        flags: 0,
        code: code([
            '81ec90010000', //         sub     $400, %esp              # struct utsname (390 bytes) on the stack
            '89e3', //         mov     %esp, %ebx
            'b87a000000', //         mov     $122, %eax              # __NR_uname (new_utsname)
            'cd80', //         int     $0x80
            '85c0', //         test    %eax, %eax
            '7527', //         jnz     fail
            '8d8c2404010000', //         lea     260(%esp), %ecx         # machine = buf + 4 * 65
            '89ca', //         mov     %ecx, %edx
            '803a00', // 1:      cmpb    $0, (%edx)
            '7403', //         je      2f
            '42', //         inc     %edx
            'ebf8', //         jmp     1b
            'c6020a', // 2:      movb    $10, (%edx)             # '\n' over the NUL
            '42', //         inc     %edx
            '29ca', //         sub     %ecx, %edx              # length including '\n'
            'bb01000000', //         mov     $1, %ebx                # fd 1
            'b804000000', //         mov     $4, %eax                # __NR_write
            'cd80', //         int     $0x80
            '31db', //         xor     %ebx, %ebx              # status 0
            'eb05', //         jmp     exit
            'bb01000000', // fail:   mov     $1, %ebx                # status 1
            'b801000000', // exit:   mov     $1, %eax                # __NR_exit
            'cd80' //         int     $0x80
        ])
    },
    aarch64: {
        bits: 64,
        littleEndian: true,
        machine: EM_AARCH64,
        flags: 0,
        code: code([
            'ff4306d1', //         sub     sp, sp, #400            // struct utsname (390 bytes); sp stays 16-byte aligned
            'e0030091', //         mov     x0, sp
            '081480d2', //         mov     x8, #160                // __NR_uname
            '010000d4', //         svc     #0
            'e00100b5', //         cbnz    x0, fail
            'e1130491', //         add     x1, sp, #260            // machine = buf + 4 * 65
            'e20301aa', //         mov     x2, x1
            '43004039', // 1:      ldrb    w3, [x2]
            '63000034', //         cbz     w3, 2f
            '42040091', //         add     x2, x2, #1
            'fdffff17', //         b       1b
            '43018052', // 2:      mov     w3, #10                 // '\n' over the NUL
            '43140038', //         strb    w3, [x2], #1
            '420001cb', //         sub     x2, x2, x1              // length including '\n'
            '200080d2', //         mov     x0, #1                  // fd 1
            '080880d2', //         mov     x8, #64                 // __NR_write
            '010000d4', //         svc     #0
            '000080d2', //         mov     x0, #0                  // status 0
            '02000014', //         b       exit
            '200080d2', // fail:   mov     x0, #1                  // status 1
            'a80b80d2', // exit:   mov     x8, #93                 // __NR_exit
            '010000d4' //         svc     #0
        ])
    },
    arm: {
        bits: 32,
        littleEndian: true,
        machine: EM_ARM,
        flags: EF_ARM_EABI_VER5,
        code: code([
            '19de4de2', //         sub     sp, sp, #400            @ struct utsname (390 bytes) on the stack
            '0d00a0e1', //         mov     r0, sp
            '7a70a0e3', //         mov     r7, #122                @ __NR_uname
            '000000ef', //         svc     #0
            '000050e3', //         cmp     r0, #0
            '0d00001a', //         bne     fail
            '411f8de2', //         add     r1, sp, #260            @ machine = buf + 4 * 65
            '0120a0e1', //         mov     r2, r1
            '0030d2e5', // 1:      ldrb    r3, [r2]
            '000053e3', //         cmp     r3, #0
            '01208212', //         addne   r2, r2, #1
            'fbffff1a', //         bne     1b
            '0a30a0e3', //         mov     r3, #10                 @ '\n' over the NUL
            '0130c2e4', //         strb    r3, [r2], #1
            '012042e0', //         sub     r2, r2, r1              @ length including '\n'
            '0100a0e3', //         mov     r0, #1                  @ fd 1
            '0470a0e3', //         mov     r7, #4                  @ __NR_write
            '000000ef', //         svc     #0
            '0000a0e3', //         mov     r0, #0                  @ status 0
            '000000ea', //         b       exit
            '0100a0e3', // fail:   mov     r0, #1                  @ status 1
            '0170a0e3', // exit:   mov     r7, #1                  @ __NR_exit
            '000000ef' //         svc     #0
        ])
    },
    riscv64: {
        bits: 64,
        littleEndian: true,
        machine: EM_RISCV,
        flags: EF_RISCV_FLOAT_ABI_DOUBLE,
        code: code([
            '130101e7', //         addi    sp, sp, -400            # struct utsname (390 bytes); sp stays 16-byte aligned
            '13050100', //         mv      a0, sp
            '9308000a', //         li      a7, 160                 # __NR_uname
            '73000000', //         ecall
            '63100504', //         bnez    a0, fail
            '93054110', //         addi    a1, sp, 260             # machine = buf + 4 * 65
            '13860500', //         mv      a2, a1
            '83460600', // 1:      lbu     a3, 0(a2)
            '63860600', //         beqz    a3, 2f
            '13061600', //         addi    a2, a2, 1
            '6ff05fff', //         j       1b
            '9306a000', // 2:      li      a3, 10                  # '\n' over the NUL
            '2300d600', //         sb      a3, 0(a2)
            '13061600', //         addi    a2, a2, 1
            '3306b640', //         sub     a2, a2, a1              # length including '\n'
            '13051000', //         li      a0, 1                   # fd 1
            '93080004', //         li      a7, 64                  # __NR_write
            '73000000', //         ecall
            '13050000', //         li      a0, 0                   # status 0
            '6f008000', //         j       exit
            '13051000', // fail:   li      a0, 1                   # status 1
            '9308d005', // exit:   li      a7, 93                  # __NR_exit
            '73000000' //         ecall
        ])
    },
    ppc64le: {
        bits: 64,
        littleEndian: true,
        machine: EM_PPC64,
        flags: EF_PPC64_ABI_V2,
        code: code([
            '70fe2138', //         addi    1, 1, -400              # struct utsname (390 bytes); r1 stays 16-byte aligned
            '780b237c', //         mr      3, 1
            '7a000038', //         li      0, 122                  # __NR_uname
            '02000044', //         sc
            '44008341', //         bso     fail                    # CR0.SO set: error
            '04018138', //         addi    4, 1, 260               # machine = buf + 4 * 65
            '7823857c', //         mr      5, 4
            '0000c588', // 1:      lbz     6, 0(5)
            '0000262c', //         cmpdi   6, 0
            '0c008241', //         beq     2f
            '0100a538', //         addi    5, 5, 1
            'f0ffff4b', //         b       1b
            '0a00c038', // 2:      li      6, 10                   # '\n' over the NUL
            '0000c598', //         stb     6, 0(5)
            '0100a538', //         addi    5, 5, 1
            '5028a47c', //         subf    5, 4, 5                 # r5 = r5 - r4: length including '\n'
            '01006038', //         li      3, 1                    # fd 1
            '04000038', //         li      0, 4                    # __NR_write
            '02000044', //         sc
            '00006038', //         li      3, 0                    # status 0
            '08000048', //         b       exit
            '01006038', // fail:   li      3, 1                    # status 1
            '01000038', // exit:   li      0, 1                    # __NR_exit
            '02000044' //         sc
        ])
    },
    s390x: {
        bits: 64,
        littleEndian: false,
        machine: EM_S390,
        flags: 0,
        code: code([
            'a7fbfe70', //         aghi    %r15, -400              # struct utsname (390 bytes) on the stack
            'b904002f', //         lgr     %r2, %r15
            '0a7a', //         svc     122                     # __NR_uname
            'b9020022', //         ltgr    %r2, %r2
            'a774001b', //         jnz     fail
            '4130f104', //         la      %r3, 260(%r15)          # machine = buf + 4 * 65
            'b9040043', //         lgr     %r4, %r3
            '95004000', // 1:      cli     0(%r4), 0
            'a7840006', //         je      2f
            '41404001', //         la      %r4, 1(%r4)
            'a7f4fffa', //         j       1b
            '920a4000', // 2:      mvi     0(%r4), 10              # '\n' over the NUL
            '41404001', //         la      %r4, 1(%r4)
            'b9090043', //         sgr     %r4, %r3                # length including '\n'
            'a7290001', //         lghi    %r2, 1                  # fd 1
            '0a04', //         svc     4                       # __NR_write
            'a7290000', //         lghi    %r2, 0                  # status 0
            'a7f40004', //         j       exit
            'a7290001', // fail:   lghi    %r2, 1                  # status 1
            '0a01' // exit:   svc     1                       # __NR_exit
        ])
    },
    mips64el: {
        bits: 64,
        littleEndian: true,
        machine: EM_MIPS,
        flags: EF_MIPS_N64_64R2,
        code: code([
            '70febd67', //         daddiu  $sp, $sp, -400          # struct utsname (390 bytes); sp stays 16-byte aligned
            '2520a003', //         move    $a0, $sp
            'c5130224', //         li      $v0, 5061               # __NR_uname (n64)
            '0c000000', //         syscall
            '1100e014', //         bnez    $a3, fail
            '00000000', //         nop
            '0401a567', //         daddiu  $a1, $sp, 260           # machine = buf + 4 * 65
            '2530a000', //         move    $a2, $a1
            '0000cc90', // 1:      lbu     $t0, 0($a2)
            '03008011', //         beqz    $t0, 2f
            '00000000', //         nop
            'fcff0010', //         b       1b
            '0100c664', //         daddiu  $a2, $a2, 1             # (delay slot)
            '0a000c24', // 2:      li      $t0, 10                 # '\n' over the NUL
            '0000cca0', //         sb      $t0, 0($a2)
            '0100c664', //         daddiu  $a2, $a2, 1
            '2f30c500', //         dsubu   $a2, $a2, $a1           # length including '\n'
            '01000424', //         li      $a0, 1                  # fd 1
            '89130224', //         li      $v0, 5001               # __NR_write (n64)
            '0c000000', //         syscall
            '02000010', //         b       exit
            '00000424', //         li      $a0, 0                  # (delay slot) status 0
            '01000424', // fail:   li      $a0, 1                  # status 1
            'c2130224', // exit:   li      $v0, 5058               # __NR_exit (n64)
            '0c000000' //         syscall
        ])
    },
    loongarch64: {
        bits: 64,
        littleEndian: true,
        machine: EM_LOONGARCH,
        flags: EF_LOONGARCH_LP64D_OBJ_V1,
        code: code([
            '63c0f902', //         addi.d  $sp, $sp, -400  # 02f9c063 = addi.d | 0xe70 << 10 | 3 << 5 | 3   (struct utsname, 390 bytes)
            '64001500', //         move    $a0, $sp        # 00150064 = or | 0 << 10 | 3 << 5 | 4
            '0b808203', //         ori     $a7, $zero, 160 # 0382800b = ori | 160 << 10 | 0 << 5 | 11      (__NR_uname)
            '00002b00', //         syscall 0               # 002b0000 = syscall | 0
            '80400044', //         bnez    $a0, fail       # 44004080 = bnez | 16 << 10 | 4 << 5            (pc 0x10 -> 0x50)
            '6510c402', //         addi.d  $a1, $sp, 260   # 02c41065 = addi.d | 260 << 10 | 3 << 5 | 5     (machine = buf + 4 * 65)
            'a6001500', //         move    $a2, $a1        # 001500a6 = or | 0 << 10 | 5 << 5 | 6
            'c700002a', // 1:      ld.bu   $a3, $a2, 0     # 2a0000c7 = ld.bu | 0 << 10 | 6 << 5 | 7
            'e00c0040', //         beqz    $a3, 2f         # 40000ce0 = beqz | 3 << 10 | 7 << 5             (pc 0x20 -> 0x2c)
            'c604c002', //         addi.d  $a2, $a2, 1     # 02c004c6 = addi.d | 1 << 10 | 6 << 5 | 6
            'fff7ff53', //         b       1b              # 53fff7ff = b | 0xfffd << 10 | 0x3ff            (pc 0x28 -> 0x1c, offs -3)
            '07288003', // 2:      ori     $a3, $zero, 10  # 03802807 = ori | 10 << 10 | 0 << 5 | 7        ('\n' over the NUL)
            'c7000029', //         st.b    $a3, $a2, 0     # 290000c7 = st.b | 0 << 10 | 6 << 5 | 7
            'c604c002', //         addi.d  $a2, $a2, 1     # 02c004c6 = addi.d | 1 << 10 | 6 << 5 | 6
            'c6941100', //         sub.d   $a2, $a2, $a1   # 001194c6 = sub.d | 5 << 10 | 6 << 5 | 6        (length including '\n')
            '04048003', //         ori     $a0, $zero, 1   # 03800404 = ori | 1 << 10 | 0 << 5 | 4         (fd 1)
            '0b008103', //         ori     $a7, $zero, 64  # 0381000b = ori | 64 << 10 | 0 << 5 | 11       (__NR_write)
            '00002b00', //         syscall 0               # 002b0000 = syscall | 0
            '04008003', //         ori     $a0, $zero, 0   # 03800004 = ori | 0 << 10 | 0 << 5 | 4         (status 0)
            '00080050', //         b       exit            # 50000800 = b | 2 << 10                         (pc 0x4c -> 0x54)
            '04048003', // fail:   ori     $a0, $zero, 1   # 03800404 = ori | 1 << 10 | 0 << 5 | 4         (status 1)
            '0b748103', // exit:   ori     $a7, $zero, 93  # 0381740b = ori | 93 << 10 | 0 << 5 | 11       (__NR_exit)
            '00002b00' //         syscall 0               # 002b0000 = syscall | 0
        ])
    }
};
/** The uname probe program for a target: run it (under QEMU) and compare its output with
 * Platform.machine. */
function probe_programs_probeProgram(target) {
    const spec = PROBES[target];
    if (!spec)
        throw new Error(`no probe program for ${target}`);
    return buildElf(spec);
}
/** The x86-64 level probe (scripts/probes/x86-level.S): CPUID checks per the x86-64 psABI. */
const X86_LEVEL_PROBE = {
    bits: 64,
    littleEndian: true,
    machine: EM_X86_64,
    flags: 0,
    code: code([
        '41bc01000000', //         mov     $1, %r12d               # level
        '31c0', //         xor     %eax, %eax
        '0fa2', //         cpuid
        '4189c5', //         mov     %eax, %r13d             # highest basic leaf
        'b800000080', //         mov     $0x80000000, %eax
        '0fa2', //         cpuid
        '4189c6', //         mov     %eax, %r14d             # highest extended leaf
        'b801000000', //         mov     $1, %eax
        '0fa2', //         cpuid
        '4189c8', //         mov     %ecx, %r8d              # r8d = CPUID.1:ECX
        '4531c9', //         xor     %r9d, %r9d              # r9d = CPUID.80000001h:ECX (0 if absent)
        '4181fe01000080', //         cmp     $0x80000001, %r14d
        '720a', //         jb      1f
        'b801000080', //         mov     $0x80000001, %eax
        '0fa2', //         cpuid
        '4189c9', //         mov     %ecx, %r9d
        '4531d2', // 1:      xor     %r10d, %r10d            # r10d = CPUID.(7,0):EBX (0 if absent)
        '4183fd07', //         cmp     $7, %r13d
        '720c', //         jb      2f
        'b807000000', //         mov     $7, %eax
        '31c9', //         xor     %ecx, %ecx
        '0fa2', //         cpuid
        '4189da', //         mov     %ebx, %r10d
        '4489c0', //         mov     %r8d, %eax
        '2501229800', //         and     $0x00982201, %eax
        '3d01229800', //         cmp     $0x00982201, %eax
        '7561', //         jne     done
        '41f6c101', //         test    $0x01, %r9b             # LAHF/SAHF
        '745b', //         jz      done
        '41ffc4', //         inc     %r12d
        '4489c0', //         mov     %r8d, %eax
        '2500104038', //         and     $0x38401000, %eax
        '3d00104038', //         cmp     $0x38401000, %eax       # includes OSXSAVE, so XGETBV is allowed below
        '7549', //         jne     done
        '41f6c120', //         test    $0x20, %r9b             # LZCNT
        '7443', //         jz      done
        '4489d0', //         mov     %r10d, %eax
        '2528010000', //         and     $0x128, %eax
        '3d28010000', //         cmp     $0x128, %eax
        '7534', //         jne     done
        '31c9', //         xor     %ecx, %ecx
        '0f01d0', //         xgetbv                          # edx:eax = XCR0
        '4189c3', //         mov     %eax, %r11d
        '83e006', //         and     $0x06, %eax
        '83f806', //         cmp     $0x06, %eax
        '7524', //         jne     done
        '41ffc4', //         inc     %r12d
        '4489d0', //         mov     %r10d, %eax
        '25000003d0', //         and     $0xd0030000, %eax
        '3d000003d0', //         cmp     $0xd0030000, %eax
        '7512', //         jne     done
        '4489d8', //         mov     %r11d, %eax
        '25e6000000', //         and     $0xe6, %eax
        '3de6000000', //         cmp     $0xe6, %eax
        '7503', //         jne     done
        '41ffc4', //         inc     %r12d
        '4883ec10', // done:   sub     $16, %rsp
        '48b87838362d36342d76', //         movabs  $0x762d34362d363878, %rax       # "x86-64-v"
        '48890424', //         mov     %rax, (%rsp)
        '4183c430', //         add     $'0', %r12d
        '4488642408', //         mov     %r12b, 8(%rsp)
        'c64424090a', //         movb    $10, 9(%rsp)
        'bf01000000', //         mov     $1, %edi                # fd 1
        '4889e6', //         mov     %rsp, %rsi
        'ba0a000000', //         mov     $10, %edx               # "x86-64-vN\n"
        'b801000000', //         mov     $1, %eax                # __NR_write
        '0f05', //         syscall
        '31ff', //         xor     %edi, %edi              # status 0
        'b83c000000', //         mov     $60, %eax               # __NR_exit
        '0f05' //         syscall
    ])
};
/**
 * A static x86_64 program that prints the x86-64 micro-architecture level of the CPU it runs on
 * (`x86-64-v1` .. `x86-64-v4` and "\n"), as glibc and distributions define them: under QEMU, the
 * level of the emulated CPU model. Read its output with parseX86Level().
 */
function x86LevelProgram() {
    return buildElf(X86_LEVEL_PROBE);
}
/** The level printed by x86LevelProgram(), or undefined when the output is not exactly that. */
function parseX86Level(stdout) {
    const match = /^x86-64-v([1-4])$/.exec(stdout.trim());
    if (!match)
        return undefined;
    return Number(match[1]);
}

;// CONCATENATED MODULE: ./src/checks/probe-image.ts
/**
 * The container check's own image, made here instead of pulled: a `docker load` archive holding
 * the platform's embedded probe program (probe-programs.ts) as the image's only file and
 * entrypoint. No registry, no network, a few kilobytes; docker (both image stores) and podman load
 * the same archive. The archive is a tar of `manifest.json`, the image config (architecture, os and
 * variant from the platform table) and one layer tar whose sha256 is the config's diff_id.
 *
 * The content is the same for every run (fixed times and owners), so concurrent jobs load the same
 * image ID; each loads it under a tag of its own (`<target>-<runId>`) and removing that tag never
 * touches another job's.
 */



/** The repository every probe image is loaded under; `localhost/` so no engine ever looks for it in a registry. */
const PROBE_REPOSITORY = 'localhost/setup-x86-on-arm-probe';
/** Where the probe sits in the image, and so the path engines name when it cannot be executed. */
const PROBE_PATH = '/probe';
/** A run id: lower-case letters and digits, short enough for tags and container names. */
const RUN_ID = /^[a-z0-9]{4,32}$/;
/** A fresh id for this run's images and containers: the process id and random bits. */
function probe_image_newRunId() {
    return `${process.pid.toString(36)}${randomBytes(4).toString('hex')}`;
}
function validRunId(runId) {
    return RUN_ID.test(runId);
}
/** The tag this run loads a platform's probe image under. */
function probe_image_probeImageRef(platform, runId) {
    if (!validRunId(runId))
        throw new Error(`not a run id: ${JSON.stringify(runId)}`);
    return `${PROBE_REPOSITORY}:${platform.target}-${runId}`;
}
/** The name this run gives its check container for a platform (removed by --rm, or by name). */
function probe_image_checkContainerName(platform, runId) {
    return `setup-x86-on-arm-check-${platform.target}-${runId}`;
}
/**
 * The image config's platform fields for a docker platform: `linux/arm/v7` -> arm, v7. arm64 gets
 * variant v8, the name engines normalise `linux/arm64` to.
 */
function imagePlatform(platform) {
    const [os = '', architecture = '', variant] = platform.docker.split('/');
    if (variant)
        return { os, architecture, variant };
    return architecture === 'arm64' ? { os, architecture, variant: 'v8' } : { os, architecture };
}
const EPOCH = '1970-01-01T00:00:00Z';
const sha256 = (data) => createHash('sha256').update(data).digest('hex');
/** The layer: the probe program alone, executable, at PROBE_PATH. */
function probeLayer(platform) {
    return tarArchive([{ name: PROBE_PATH.slice(1), data: probeProgram(platform.target), mode: 0o755 }]);
}
/** The image config (OCI/docker image config JSON) for a layer with the given diff_id. */
function probeImageConfig(platform, diffId) {
    return {
        ...imagePlatform(platform),
        created: EPOCH,
        config: { Entrypoint: [PROBE_PATH], WorkingDir: '/' },
        rootfs: { type: 'layers', diff_ids: [diffId] },
        history: [{ created: EPOCH, created_by: `setup-x86-on-arm: probe program for ${platform.docker} (prints uname's machine)` }]
    };
}
/** The `docker load` / `podman load` archive of a platform's probe image, tagged `ref`. */
function probe_image_probeImageArchive(platform, ref) {
    const layer = probeLayer(platform);
    const layerId = sha256(layer);
    const config = Buffer.from(JSON.stringify(probeImageConfig(platform, `sha256:${layerId}`)));
    const configName = `${sha256(config)}.json`;
    const manifest = [{ Config: configName, RepoTags: [ref], Layers: [`${layerId}/layer.tar`] }];
    return tarArchive([
        { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
        { name: configName, data: config },
        { name: `${layerId}/` },
        { name: `${layerId}/layer.tar`, data: layer }
    ]);
}

;// CONCATENATED MODULE: ./src/kernel/platforms.ts
const ELF = '7f454c46';
const PAD = '0000000000000000';
const MASK_A = 'ffffffffff' + 'fefe00' + 'ffffffffffffffff' + 'feffffff';
const MASK_B = 'ffffffffffffff00' + 'ffffffffffffffff' + 'feffffff';
const MASK_C = 'ffffffffffffff00' + 'ffffffffffffffff' + 'feffff00';
const MASK_D = 'ffffffffffffff00' + 'ffffffffffffffff' + 'fffeffff';
const MASK_E = 'fffffffffffffffc' + '00ffffffffffffff' + 'feffffff';
const MASK_F = 'ffffffffffffff00' + '00ffffffffffffff' + 'feffffff';
/** ELF class/data/version for 64-bit little endian, 32-bit little endian, 64-bit big endian. */
const LE64 = '02010100';
const LE32 = '01010100';
const BE64 = '02020100';
const platforms_PLATFORMS = [
    {
        target: 'x86_64',
        docker: 'linux/amd64',
        aliases: ['amd64', 'x86_64', 'x86-64', 'x64', 'linux/amd64'],
        magic: ELF + LE64 + PAD + '0200' + '3e00',
        mask: MASK_A,
        machine: /^x86_64$/,
        bits: 64,
        loader: 'lib64/ld-linux-x86-64.so.2',
        debian: 'amd64'
    },
    {
        target: 'i386',
        docker: 'linux/386',
        aliases: ['386', 'i386', 'i486', 'i586', 'i686', 'x86', 'linux/386'],
        magic: ELF + LE32 + PAD + '0200' + '0300',
        mask: MASK_A,
        machine: /^i[3-6]86$/,
        bits: 32,
        loader: 'lib/ld-linux.so.2',
        debian: 'i386'
    },
    {
        target: 'aarch64',
        docker: 'linux/arm64',
        aliases: ['arm64', 'aarch64', 'linux/arm64', 'linux/arm64/v8'],
        magic: ELF + LE64 + PAD + '0200' + 'b700',
        mask: MASK_B,
        machine: /^aarch64$/,
        bits: 64,
        loader: 'lib/ld-linux-aarch64.so.1',
        debian: 'arm64'
    },
    {
        target: 'arm',
        docker: 'linux/arm/v7',
        aliases: ['arm', 'armhf', 'armel', 'armv6', 'armv7', 'armv7l', 'linux/arm', 'linux/arm/v6', 'linux/arm/v7'],
        magic: ELF + LE32 + PAD + '0200' + '2800',
        mask: MASK_B,
        machine: /^armv\d+[a-z]*$/,
        bits: 32,
        loader: 'lib/ld-linux-armhf.so.3',
        debian: 'armhf'
    },
    {
        target: 'riscv64',
        docker: 'linux/riscv64',
        aliases: ['riscv64', 'linux/riscv64'],
        magic: ELF + LE64 + PAD + '0200' + 'f300',
        mask: MASK_B,
        machine: /^riscv64$/,
        bits: 64,
        loader: 'lib/ld-linux-riscv64-lp64d.so.1',
        debian: 'riscv64'
    },
    {
        target: 'ppc64le',
        docker: 'linux/ppc64le',
        aliases: ['ppc64le', 'ppc64el', 'linux/ppc64le'],
        magic: ELF + LE64 + PAD + '0200' + '1500',
        mask: MASK_C,
        machine: /^ppc64le$/,
        bits: 64,
        loader: 'lib64/ld64.so.2',
        debian: 'ppc64el'
    },
    {
        target: 's390x',
        docker: 'linux/s390x',
        aliases: ['s390x', 'linux/s390x'],
        magic: ELF + BE64 + PAD + '0002' + '0016',
        mask: MASK_D,
        machine: /^s390x$/,
        bits: 64,
        loader: 'lib/ld64.so.1',
        debian: 's390x'
    },
    {
        target: 'mips64el',
        docker: 'linux/mips64le',
        aliases: ['mips64le', 'mips64el', 'linux/mips64le'],
        magic: ELF + LE64 + PAD + '0200' + '0800',
        mask: MASK_F,
        machine: /^mips64$/,
        bits: 64,
        loader: 'lib64/ld.so.1',
        debian: 'mips64el'
    },
    {
        target: 'loongarch64',
        docker: 'linux/loong64',
        aliases: ['loong64', 'loongarch64', 'linux/loong64'],
        magic: ELF + LE64 + PAD + '0200' + '0201',
        mask: MASK_E,
        machine: /^loongarch64$/,
        bits: 64,
        loader: 'lib64/ld-linux-loongarch-lp64d.so.1',
        debian: 'loong64'
    }
];
/** One fact of every platform, keyed by target: the tables the other layers read. */
function perTarget(fact) {
    return Object.fromEntries(platforms_PLATFORMS.map(p => [p.target, fact(p)]));
}
function platformOf(target) {
    const found = platforms_PLATFORMS.find(p => p.target === target);
    if (!found)
        throw new Error(`unknown QEMU target ${target}`);
    return found;
}
/** Finds a platform by any of its names, ignoring case; undefined when unknown. */
function platforms_lookupPlatform(name) {
    const key = name.trim().toLowerCase();
    return platforms_PLATFORMS.find(p => p.aliases.includes(key));
}
/**
 * The targets a host kernel runs itself (its own family, including compat modes): registering a
 * handler for them would send the host's own programs through QEMU.
 */
function hostFamily(machine) {
    if (machine === 'x86_64')
        return ['x86_64', 'i386'];
    if (/^i[3-6]86$/.test(machine))
        return ['i386'];
    if (machine === 'aarch64' || machine === 'arm64')
        return ['aarch64'];
    if (/^arm/.test(machine))
        return ['arm'];
    if (machine === 'riscv64')
        return ['riscv64'];
    if (machine === 'ppc64le')
        return ['ppc64le'];
    if (machine === 's390x')
        return ['s390x'];
    if (machine === 'mips64')
        return ['mips64el'];
    if (machine === 'loongarch64')
        return ['loongarch64'];
    return [];
}
/** Does a file header match a magic/mask pair at the given offset? The kernel's own test:
 * ((byte ^ magic) & mask) == 0 for every magic byte. */
function headerMatches(header, magicHex, maskHex, offset = 0) {
    const magic = Buffer.from(magicHex, 'hex');
    const mask = maskHex ? Buffer.from(maskHex, 'hex') : Buffer.alloc(magic.length, 0xff);
    if (header.length < offset + magic.length)
        return false;
    for (let i = 0; i < magic.length; i++) {
        if (((header[offset + i] ^ magic[i]) & mask[i]) !== 0)
            return false;
    }
    return true;
}
/** The platform whose magic/mask a header matches, if any. */
function platforms_platformOfHeader(header) {
    return platforms_PLATFORMS.find(p => headerMatches(header, p.magic, p.mask));
}
/** The binfmt_misc entry the action registers for a platform. */
function entryFor(platform, interpreter, flags) {
    return {
        name: `qemu-${platform.target}`,
        enabled: true,
        type: 'M',
        offset: 0,
        magic: platform.magic,
        mask: platform.mask,
        interpreter,
        flags
    };
}

;// CONCATENATED MODULE: ./src/checks/container-judge.ts

/** Words of a container runtime failing to start or exec the program: the image was there. */
const RUNTIME_FAILURE = (/* unused pure expression or super */ null && ([
    /exec format error/i,
    /exec user process caused/i,
    /OCI runtime/i,
    /(?:runc|crun)(?: create)? failed/i,
    /starting container process/i,
    /exec container process/i,
    /executable file not found/i,
    /no such file or directory/i,
    /cannot execute binary file/i
]));
/** Words of an image that could not be found locally or fetched from its registry. */
const PULL_FAILURE = (/* unused pure expression or super */ null && ([
    /unable to find image/i,
    /pull access denied/i,
    /manifest unknown/i,
    /manifest for \S+ not found/i,
    /no matching manifest/i,
    /no image found in (?:manifest list|image index)/i,
    /does not match the specified platform/i,
    /failed to resolve reference/i,
    /error pulling image/i,
    /initializing source/i,
    /reading manifest/i,
    /trying to pull/i,
    /short-name/i,
    /repository does not exist/i,
    /requested access to the resource is denied/i,
    /may require ['"]?(?:docker )?login/i,
    /toomanyrequests/i,
    /\bimage not known\b/i,
    /no such image/i,
    /pinging (?:container|docker) registry/i,
    /error response from daemon: (?:Get|Head) "?https?:/i
]));
/**
 * Which step a failed `run` belongs to, from the engine's exit code and words: the engine could not
 * get the image (`pull`), or the container was created but its program failed (`run`).
 */
function classifyFailure(stderr, exitCode) {
    if (RUNTIME_FAILURE.some(re => re.test(stderr)))
        return 'run';
    if (PULL_FAILURE.some(re => re.test(stderr)))
        return 'pull';
    // 125: the engine itself failed before the container ran (docker and podman alike).
    return exitCode === 125 && /\b(?:pull|registry|manifest|image)\b/i.test(stderr) ? 'pull' : 'run';
}
const quoted = (stderr) => {
    const said = engineMessage(stderr);
    return said ? `: ${said}` : ' (the engine gave no reason)';
};
/** A failure at the pull step: names the image and quotes the engine. */
function container_judge_pullFailureMessage(engine, image, platform, stderr) {
    return `${engine} could not get image ${image} for ${platform}${quoted(stderr)}`;
}
/** A failure at the load step of the check's own image. */
function container_judge_loadFailureMessage(engine, platform, stderr) {
    return `${engine} could not load the check's own image for ${platform}${quoted(stderr)}`;
}
/**
 * A named image held here, but not for the platform: the check does not pull over a local tag
 * (docker's classic store would re-point the tag to the pulled platform).
 */
function container_judge_localTagMessage(engine, image, platform, localPlatform, stderr) {
    const held = localPlatform ? ` only for ${localPlatform}` : '';
    return (`${engine} holds image ${image}${held}, not for ${platform}, and the check does not pull over a local tag ` +
        `(that would re-point it): name the image by digest, use a tag this engine does not hold, or leave verify-image empty${quoted(stderr)}`);
}
/** Judges the run step: the last line of standard output must be the expected machine. */
function container_judge_judgeRun(run, expectedMachine, timeoutMs) {
    const output = run.stdout.trim();
    const machine = output.split('\n').pop()?.trim() ?? '';
    if (run.timedOut)
        return { ok: false, output, step: 'run', error: `the container did not finish within ${secondsText(timeoutMs)} s` };
    if (run.code === 0 && expectedMachine.test(machine))
        return { ok: true, output, step: 'run' };
    if (run.code === 0) {
        return { ok: false, output, step: 'run', error: `it printed ${machine ? `'${machine}'` : 'nothing'}, expected ${expectedMachine}` };
    }
    const step = classifyFailure(run.stderr, run.code);
    const said = engineMessage(run.stderr) || `exit code ${run.code}`;
    return { ok: false, output, step, error: step === 'pull' ? said : `the container failed (exit code ${run.code}): ${said}` };
}

;// CONCATENATED MODULE: ./src/install/libraries/names.ts
/**
 * What the user asks for, checked before anything runs: package names of the distribution
 * (with the `base` shorthand for the C and C++ runtime), an optional mirror of its archive, and
 * the Debian architecture name of each QEMU target. A bad value fails with one line naming the
 * input and the fix, the same shape as every other input of the action.
 */

/** An error about one input: `input 'NAME': problem; fix`. */
class names_LibrariesError extends Error {
    input;
    constructor(input, problem, fix) {
        super(`input '${input}': ${problem}; ${fix}`);
        this.input = input;
        this.name = 'LibrariesError';
    }
}
/** `base`: what nearly every C or C++ program needs besides the loader (libc6 holds it). */
const BASE_PACKAGES = ['libc6', 'libgcc-s1', 'libstdc++6', 'zlib1g'];
/** Debian Policy 5.6.1: lower case letters, digits, + - . ; at least two characters, starting alphanumeric. */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
const MAX_LENGTH = 4096;
/** Far more than a program needs named (dependencies come along); bounds what apt is asked in one go. */
const MAX_NAMES = 200;
const FEWER = 'name the packages the programs need (their dependencies come along)';
function shown(value) {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
}
/** The `libraries` input: names separated by commas or white space, `base` expanded, each once, in order (at most 200). */
function names_parseLibraries(value) {
    if (value.length > MAX_LENGTH) {
        throw new names_LibrariesError('libraries', `the value is longer than ${MAX_LENGTH} characters`, FEWER);
    }
    const names = [];
    for (const word of value.split(/[\s,]+/).filter(Boolean)) {
        if (word === 'base') {
            names.push(...BASE_PACKAGES);
        }
        else if (PACKAGE_NAME.test(word)) {
            names.push(word);
        }
        else {
            throw new names_LibrariesError('libraries', `${shown(word)} is not a package name`, 'use package names of the distribution (lower case letters, digits, + - .), such as libssl3, or base for the C and C++ runtime');
        }
    }
    const unique = [...new Set(names)];
    if (unique.length > MAX_NAMES) {
        throw new names_LibrariesError('libraries', `${unique.length} packages named, more than ${MAX_NAMES}`, FEWER);
    }
    return unique;
}
/**
 * The `libraries-mirror` input: the address of a mirror of the distribution's archive, and
 * optionally a second one for the `-security` suites (Debian keeps them on another archive).
 * Empty: the machine's own sources.
 */
function names_parseMirror(value) {
    const words = value.split(/[\s,]+/).filter(Boolean);
    const fix = "use the http(s):// or file:// address of a mirror of the distribution's archive, " +
        'optionally followed by one for the -security suites';
    if (words.length > 2)
        throw new names_LibrariesError('libraries-mirror', `${words.length} addresses given`, fix);
    return words.map(word => {
        let url;
        try {
            url = new URL(word);
        }
        catch {
            url = undefined;
        }
        if (!url || !['http:', 'https:', 'file:'].includes(url.protocol)) {
            throw new names_LibrariesError('libraries-mirror', `${shown(word)} is not an address apt can fetch from`, fix);
        }
        if (url.username || url.password) {
            const login = "give apt the login in /etc/apt/auth.conf.d instead (apt's own place for it)";
            throw new names_LibrariesError('libraries-mirror', `${shown(url.origin)} carries credentials, which would show in logs`, login);
        }
        return word.replace(/\/+$/, '');
    });
}
/** Debian's architecture name of each QEMU target (what apt and the package file names say). */
const DEBIAN_ARCHES = perTarget(p => p.debian);
/** The Debian architectures for the targets, each once, in the targets' order. */
function names_debianArches(targets) {
    return [...new Set(targets.map(target => DEBIAN_ARCHES[target]))];
}

;// CONCATENATED MODULE: ./src/checks/diagnose.ts
/**
 * Turns the error messages users meet when running foreign programs into what to do about them.
 * diagnose() takes any text (a step's log, a container's standard error) and returns the first
 * failure it recognises: the line that shows it, the likely cause, and the input or step that fixes
 * it. The action's inputs named here: `platforms`, `install` (auto|apt|download|none), `flags`
 * (default F), `verify` (auto|probe|container|none), `verify-image`, `qemu-version`, `cleanup`,
 * `libraries` (packages for a sysroot, `base` for the C and C++ runtime) and `sysroot`.
 */


/** The highest x86-64 level any QEMU release emulates: TCG has AVX2 (since 7.2), no AVX-512. */
const MAX_EMULATED_LEVEL = 'x86-64-v3';
/** Why a program's CPU level is not there, and what to do: an old QEMU or CPU model, or v4, which no QEMU emulates. */
function levelAdvice(needed, context) {
    const offered = context.x86Level;
    const beyondQemu = needed === 'x86-64-v4' || offered === MAX_EMULATED_LEVEL;
    const offers = offered ? ` (the emulated CPU offers ${offered})` : '';
    if (beyondQemu) {
        return {
            cause: `the program needs ${needed ?? 'a higher x86-64 level than the emulated CPU has'}${offers}: ` +
                `no QEMU release emulates AVX-512 (x86-64-v4); ${MAX_EMULATED_LEVEL} (AVX2, QEMU 7.2 and later) is the most emulation gives`,
            fix: `build the program for ${MAX_EMULATED_LEVEL} or lower (e.g. -march=${MAX_EMULATED_LEVEL}, or a build that picks its code paths at run time), ` +
                "or run it on an x86 machine; the action's `x86-64-level` output shows the level the emulator provides"
        };
    }
    return {
        cause: `the program (its C library) needs ${needed ?? 'a newer x86-64 level'}${offers}: QEMU older than 7.2 ` +
            "(e.g. Ubuntu 22.04's 6.2) emulates an old CPU model by default, or QEMU_CPU selects an old model. Many current images need x86-64-v2; RHEL 10 / UBI 10 need v3.",
        fix: "use a newer QEMU: `qemu-version` 7.2 or later (with `install: download` when the distribution's QEMU is older), and leave QEMU_CPU unset " +
            "(or set it to max); the action's `x86-64-level` output shows the level the emulator provides"
    };
}
/** Where `.` stops matching: a line's parts between these are matched on their own, as `.*` would. */
const DOT_BREAKS = /[\r\u2028\u2029]/;
/**
 * What /a.*b/ finds (each part after the previous one's match, within one part of the line) in
 * linear time: the regular expression runs `.*` to the line's end again from every place `a`
 * matches, while the first place each part matches is the only one worth trying.
 */
function inOrder(...parts) {
    // global, to search from lastIndex with the text before it still in view (for \b)
    const searches = parts.map(part => new RegExp(part.source, `${part.flags.replace('g', '')}g`));
    return {
        exec: line => {
            for (const segment of line.split(DOT_BREAKS)) {
                let m = null;
                let from = 0;
                for (const search of searches) {
                    search.lastIndex = from;
                    m = search.exec(segment);
                    if (!m)
                        break;
                    from = m.index + m[0].length;
                }
                if (m)
                    return m;
            }
            return null;
        }
    };
}
/** The first of `matchers` that matches. */
function anyOf(...matchers) {
    return {
        exec: line => {
            for (const matcher of matchers) {
                const m = matcher.exec(line);
                if (m)
                    return m;
            }
            return null;
        }
    };
}
/** The first QEMU release whose user-mode mmap hands a 64-bit guest the host kernel's own addresses. */
const HIGH_ADDRESS_QEMU = '9.0';
/** The variable that moves a 48-bit host's addresses below 2^47 for QEMU (core/obtain.ts exports it). */
const GUEST_BASE = 'QEMU_GUEST_BASE=0x800000000000';
/** A version's numbers (major, minor, micro), missing ones 0; undefined when it starts with no number. */
function versionNumbers(version) {
    const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version);
    return m ? [m[1], m[2], m[3]].map(n => Number(n ?? 0)) : undefined;
}
/** Is this QEMU version one that gives x86_64 programs memory above 2^47 on an arm64 host (HIGH_ADDRESS_QEMU or later)? */
function givesHighAddresses(version) {
    const given = versionNumbers(version);
    const first = versionNumbers(HIGH_ADDRESS_QEMU);
    if (!given)
        return false;
    const differs = given.findIndex((n, i) => n !== first[i]);
    return differs === -1 || given[differs] > first[differs];
}
/**
 * The platform a dynamic loader's path belongs to. A loader whose file name carries its
 * architecture (ld-linux-x86-64.so.2) is known in any folder (a Nix store's lib, say); the
 * generic names (ld-linux.so.2, ld64.so.1, ld.so.1) only in their own folder (lib64/ld.so.1),
 * as other architectures' loaders share them.
 */
function loaderPlatform(path) {
    const file = path.slice(path.lastIndexOf('/') + 1);
    return (platforms_PLATFORMS.find(p => path.endsWith(`/${p.loader}`)) ?? platforms_PLATFORMS.find(p => file.startsWith('ld-linux-') && p.loader.endsWith(`/${file}`)));
}
/**
 * The Debian and Ubuntu package holding a library, for the libraries programs most often miss
 * (names that differ between releases, such as OpenSSL's libssl3 and libssl3t64, are left out).
 */
const LIBRARY_PACKAGES = {
    'libc.so.6': 'libc6',
    'libm.so.6': 'libc6',
    'libpthread.so.0': 'libc6',
    'libdl.so.2': 'libc6',
    'librt.so.1': 'libc6',
    'libresolv.so.2': 'libc6',
    'libgcc_s.so.1': 'libgcc-s1',
    'libstdc++.so.6': 'libstdc++6',
    'libz.so.1': 'zlib1g',
    'libselinux.so.1': 'libselinux1',
    'libpcre2-8.so.0': 'libpcre2-8-0',
    'libcrypt.so.1': 'libcrypt1',
    'libzstd.so.1': 'libzstd1',
    'liblzma.so.5': 'liblzma5',
    'libbz2.so.1.0': 'libbz2-1.0',
    'libffi.so.8': 'libffi8',
    'libexpat.so.1': 'libexpat1',
    'libuuid.so.1': 'libuuid1',
    'libtinfo.so.6': 'libtinfo6',
    'libacl.so.1': 'libacl1',
    'libattr.so.1': 'libattr1',
    'libcap.so.2': 'libcap2',
    'libgmp.so.10': 'libgmp10',
    'libatomic.so.1': 'libatomic1',
    'libgomp.so.1': 'libgomp1',
    'libsqlite3.so.0': 'libsqlite3-0'
};
/** What to add to `libraries` for a missing library file. */
function libraryFix(file) {
    const pkg = LIBRARY_PACKAGES[file];
    if (pkg && BASE_PACKAGES.includes(pkg))
        return `add \`libraries: base\` to the action's step (${pkg}, part of base, holds ${file})`;
    if (pkg)
        return `add ${pkg} to the action's \`libraries\` (it holds ${file}), e.g. \`libraries: base, ${pkg}\``;
    return (`add the package that holds ${file} to the action's \`libraries\` (\`dpkg -S ${file}\` on a machine of the program's platform, ` +
        'or apt-file search, names it)');
}
const STATIC_QEMU = 'a statically linked QEMU registered with the F flag: keep `flags: F` (the default) and let the action install QEMU ' +
    '(`install: download`, or `install: apt` where the distribution still has qemu-user-static)';
/** In order: the more specific messages first. */
const RULES = [
    {
        id: 'binfmt-not-permitted',
        match: anyOf(/cannot mount binfmt_misc/i, inOrder(/binfmt_misc\b/i, /\b(?:operation not permitted|permission denied|read-only file system)/i), inOrder(/(?:operation not permitted|permission denied|read-only file system)\b/i, /binfmt_misc/i)),
        explain: () => ({
            cause: "the job cannot change the kernel's binfmt_misc table: it runs in an unprivileged or rootless container (a job `container:`, " +
                'rootless Docker or Podman) or without root. The table belongs to the whole machine, so only root on the host or a privileged container may register handlers.',
            fix: 'run the action in a job on the runner itself (no `container:`), or give the job container `options: --privileged`; on a self-hosted runner, ' +
                'give the runner user passwordless sudo or register the handlers once on the host and use `install: none` with `verify: probe` in the job'
        })
    },
    {
        id: 'missing-loader',
        // the lookahead looks for /ld once per quoted path; [^']*\/ld[^']* retried the rest of the path from every /ld in it
        match: /Could not open '((?=[^']*\/ld)[^']*)'/i,
        explain: m => {
            const platform = loaderPlatform(m[1] ?? '');
            const of = platform ? ` ${platform.debian}` : '';
            const image = platform ? `a ${platform.docker} image` : "an image of the program's platform";
            const container = platform ? ` (\`docker run --platform ${platform.docker} ...\`)` : '';
            const multiarch = platform ? ` (libc6:${platform.debian})` : '';
            return {
                cause: `QEMU runs the program, but it is dynamically linked and its${of} dynamic loader ${m[1]} is not on this machine: outside a container there is no${of} C library to load.`,
                fix: `add \`libraries: base\` to the action's step (a sysroot of the distribution's${of} C runtime, exported as QEMU_LD_PREFIX for the later ` +
                    `steps), or give \`sysroot\` a${of} root filesystem (e.g. from docker export of ${image}); or run the program in a container ` +
                    `of its platform${container}, or install the${of} C library through multiarch${multiarch}; ` +
                    'statically linked programs need none of this'
            };
        }
    },
    {
        id: 'missing-library',
        match: /error while loading shared libraries: ([^\s:]+): cannot open shared object file/,
        explain: m => ({
            cause: `the program's dynamic loader started, but a library it needs, ${m[1]}, is not there: a foreign program run outside a container takes ` +
                'its libraries from the sysroot QEMU_LD_PREFIX points to, which does not hold this one',
            fix: `${libraryFix(m[1])}; with your own \`sysroot\`, put the library in it`
        })
    },
    {
        id: 'cpu-level',
        match: /CPU does not support (x86-64-v\d)|CPU ISA level is lower than required/i,
        explain: (m, context) => levelAdvice(m[1], context)
    },
    {
        id: 'illegal-instruction',
        match: /uncaught target signal 4\b|Illegal instruction/i,
        explain: (_m, context) => context.x86Level === MAX_EMULATED_LEVEL
            ? {
                cause: `the program used an instruction the emulated CPU does not have; it offers ${MAX_EMULATED_LEVEL}, the most any QEMU emulates, ` +
                    'so the program was most likely built for x86-64-v4 (AVX-512) or uses another extension QEMU lacks',
                fix: `build it for ${MAX_EMULATED_LEVEL} or lower, or run it on an x86 machine`
            }
            : {
                cause: 'the program used an instruction the emulated CPU does not have: QEMU is too old for it (AVX/AVX2 came to QEMU in 7.2), QEMU_CPU selects ' +
                    'an old CPU model, or it needs AVX-512 (x86-64-v4), which no QEMU emulates.',
                fix: "use a newer QEMU through `qemu-version` (with `install: download` when the distribution's is older) and leave QEMU_CPU unset; " +
                    `check the action's \`x86-64-level\` output against what the program was built for (${MAX_EMULATED_LEVEL} at most under emulation)`
            }
    },
    {
        id: 'qemu-crash',
        match: anyOf(/uncaught target signal 11\b/i, inOrder(/qemu/i, /:/, /Segmentation fault/i)),
        explain: () => ({
            cause: 'the program crashed under emulation (SIGSEGV). When it runs fine natively this is a QEMU bug: some releases crash in particular programs ' +
                '(QEMU 9.2.0 crashed in emulated ldconfig, fixed in 9.2.2).',
            fix: 'try another QEMU release with `qemu-version` (and `install: download`), e.g. the newest one or the one before the release you have'
        })
    },
    {
        id: 'go-high-address',
        match: /lfstack\.push invalid packing|fatal error: lfstack\.push/,
        explain: (_m, { qemuVersion }) => ({
            cause: `an amd64 Go program was handed memory above the 47-bit address space an x86_64 program can have: QEMU ${qemuVersion ?? `${HIGH_ADDRESS_QEMU} or later`} passes ` +
                `the program's memory requests to this arm64 host's kernel, which answers with 48-bit addresses (QEMU ${HIGH_ADDRESS_QEMU} changed this; 7.2 and 8.x pick ` +
                "addresses below 2^47 themselves), and Go's runtime before Go 1.25.4 packs pointers assuming they fit in 47 bits.",
            fix: `set ${GUEST_BASE} in the program's environment (QEMU reads it like -B: the kernel's addresses [2^47, 2^48) become the program's [0, 2^47)). ` +
                `The action exports it for its later steps when a QEMU of ${HIGH_ADDRESS_QEMU} or later serves amd64 on such a host; a container needs it passed in: ` +
                `\`docker run -e ${GUEST_BASE} ...\`, or \`ENV ${GUEST_BASE}\` in its Dockerfile. Or use the QEMU 7.2 the action downloads by default ` +
                `(\`install: download\`, \`qemu-version\` empty) instead of the QEMU ${qemuVersion ?? 'found on the machine'}, or build the program with Go 1.25.4 ` +
                "or later; QEMU_RESERVED_VA does not help (x86_64's vsyscall page then cannot be placed)"
        })
    },
    {
        id: 'exec-format',
        match: /exec format error|cannot execute binary file/i,
        explain: () => ({
            cause: "no binfmt_misc handler is registered for the program's architecture, so the kernel cannot run it: the action did not run in this job, " +
                'did not register this platform, or its post step (`cleanup`) already removed the handler; a reboot or another job on the same machine can remove it too.',
            fix: "run the action before this step with the program's platform in `platforms` (e.g. `platforms: amd64`), keep `verify` at auto so a missing handler fails " +
                'the action itself, and run the program before the job ends (the post step removes what the action registered when `cleanup` is true)'
        })
    },
    {
        id: 'interpreter-not-found',
        // the path stops at the next `exec container process `: a try from each of them would scan the same text again, and
        // the last one before the message matches when an earlier one would have
        match: /exec user process caused:? "?no such file or directory|exec \S+: no such file or directory|exec container process [`'"]?(?:(?!exec container process )[^`'"\n])*[`'"]?: No such file or directory|failed to exec \S+: No such file or directory/i,
        unless: /executable file not found in \$PATH/i,
        explain: () => ({
            cause: 'the kernel found a handler, but its interpreter is not there inside the container: the handler was registered without the F flag (so the path is looked up ' +
                "in the container, which has no QEMU), or with F but a dynamically linked QEMU whose libraries the container lacks (Ubuntu's qemu-user with qemu-user-binfmt). " +
                '(If the program itself is missing from the image, the image is at fault, not emulation.)',
            fix: `register ${STATIC_QEMU}, with the program's platform in \`platforms\``
        })
    }
];
/** Longest symptom kept: lines in logs can be huge. */
const MAX_SYMPTOM = 300;
/**
 * How much of a long line's start and of its end the rules read: messages sit at the start (JSON
 * logs) or the end (prefixed logs), and bounded text keeps a hostile line cheap to match.
 */
const MAX_READ = 4096;
/** The parts of a line the rules read. */
const readParts = (line) => (line.length <= 2 * MAX_READ ? [line] : [line.slice(0, MAX_READ), line.slice(-MAX_READ)]);
/** The match in the first of `parts` that has one. */
function execIn(matcher, parts) {
    for (const part of parts) {
        const m = matcher.exec(part);
        if (m)
            return m;
    }
    return null;
}
/** The first failure `text` shows that has a known cause, or undefined. */
function diagnose_diagnose(text, context = {}) {
    return diagnoseAll(text, context)[0];
}
/** Every known failure `text` shows, once each, in the order of the rules (the most specific first). */
function diagnoseAll(text, context = {}) {
    if (!text)
        return [];
    const lines = text.split(/\r?\n/).map(line => ({ line, parts: readParts(line) }));
    const found = [];
    for (const rule of RULES) {
        for (const { line, parts } of lines) {
            const m = execIn(rule.match, parts);
            if (!m || rule.unless?.test(line))
                continue;
            const symptom = line.trim();
            found.push({
                id: rule.id,
                symptom: symptom.length > MAX_SYMPTOM ? `${symptom.slice(0, MAX_SYMPTOM)}...` : symptom,
                ...rule.explain(m, context)
            });
            break;
        }
    }
    return found;
}
/** A diagnosis as log lines. */
function formatDiagnosis(d) {
    return `${d.symptom}\n  likely cause: ${d.cause}\n  what helps: ${d.fix}`;
}

;// CONCATENATED MODULE: ./src/checks/image-ref.ts
/**
 * What the container check accepts as an image reference and a platform before it hands either to
 * an engine: the reference grammar docker and podman use, so nothing that reads as an option, holds
 * whitespace or shell metacharacters, or is absurdly long ever reaches a command line.
 */
/** An empty `verify-image` (the default): the check's own probe image, made on the spot (probe-image.ts). */
const image_ref_BUILT_IN_IMAGE = '';
const MAX_IMAGE_REF = 512;
// The image reference grammar of the distribution/reference package (docker, podman), without
// IPv6 literal hosts: [host[:port]/]path[:tag][@algorithm:hex].
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const IMAGE_REF = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);
/**
 * Is `ref` an image reference the action may hand to an engine? Tags and digests are accepted
 * (`busybox:stable`, `ghcr.io/o/i@sha256:...`, `localhost:5000/i:t@sha256:...`); anything with
 * whitespace, newlines, shell metacharacters, a leading `-` (it would read as an option), upper
 * case in the repository path, or more than 512 characters is not.
 */
function image_ref_validImageRef(ref) {
    if (typeof ref !== 'string' || ref.length === 0 || ref.length > MAX_IMAGE_REF)
        return false;
    if (!IMAGE_REF.test(ref))
        return false;
    // The name part (before tag and digest) is limited to 255 characters by the reference grammar.
    const name = ref.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
    return name.length <= 255;
}
/** Is `platform` a docker platform string (`os/arch[/variant]`)? */
function image_ref_validPlatform(platform) {
    return /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(platform);
}

;// CONCATENATED MODULE: ./src/checks/container.ts
/**
 * The container check: a container of the target platform, run through a container engine with
 * `--platform`, must print the platform's machine name. This is what users run themselves
 * (`docker run --platform linux/amd64 ... uname -m`), so a pass means the registered handler works
 * inside containers too (F flag, static interpreter).
 *
 * By default the image is the check's own (probe-image.ts): loaded from an archive made here, run
 * with `--pull never --network none`, and removed afterwards, so no registry is involved. A named
 * image is used as the engine holds it; only when the engine does not hold it is it pulled (a tag
 * the engine holds is never re-pointed), and what was pulled is removed after the run. Either way
 * the engine is left with the images and containers it had, also when the check fails or times out.
 */









// Re-exported for the callers of the check's earlier single module.



const DEFAULT_TIMEOUT_MS = 120_000;
/** Extra time for the engine to end its client once the container is removed. */
const REMOVE_GRACE_MS = 30_000;
/** Arguments that print a local image's id and `os/arch`; they fail when the engine does not hold it. */
function inspectArgs(image) {
    return ['image', 'inspect', '--format', '{{.Id}} {{.Os}}/{{.Architecture}}', image];
}
/** Arguments that print a container's id; they fail when the engine holds no container of that name. */
function containerInspectArgs(name) {
    return ['container', 'inspect', '--format', '{{.Id}}', name];
}
/** Arguments that pull one platform of an image. */
function pullArgs(image, platform) {
    return ['pull', '--platform', platform, image];
}
/** Arguments that load a `docker load` archive. */
function loadArgs(archive) {
    return ['load', '--quiet', '--input', archive];
}
/** Arguments that remove one image reference (a tag held by other references too only loses this name). */
function removeImageArgs(ref) {
    return ['rmi', ref];
}
/** Arguments that kill and remove a container by name at once (podman otherwise waits 10 s for SIGTERM). */
function removeContainerArgs(engine, name) {
    return engine === 'podman' ? ['rm', '--force', '--time', '0', name] : ['rm', '-f', name];
}
/**
 * Arguments of the check itself: never a pull (the image is there by now), no network, removed on
 * exit. `command` is empty for the probe image, whose entrypoint is the probe.
 */
function runArgs(image, platform, name, command) {
    return ['run', '--rm', '--pull', 'never', '--network', 'none', '--platform', platform, '--name', name, image, ...command];
}
function elapsed(started) {
    return Math.round((performance.now() - started) / 100) / 10;
}
/**
 * Runs the check's container. A client stopped by a signal can leave the container running (docker
 * passes SIGTERM on to it, and a probe that hangs under emulation ignores it), so at the time limit
 * the container is removed by name, which ends the client.
 */
async function runContainer(engine, args, name, timeoutMs) {
    let removal;
    const watchdog = setTimeout(() => {
        removal = runEngine(engine, removeContainerArgs(engine.name, name), REMOVE_GRACE_MS);
    }, timeoutMs);
    try {
        const ran = await runEngine(engine, args, timeoutMs + REMOVE_GRACE_MS);
        return { ...ran, timedOut: ran.timedOut || removal !== undefined };
    }
    finally {
        clearTimeout(watchdog);
        await removal;
    }
}
/** Removes an image reference the check added; returns it when it is still there afterwards. */
async function removeAdded(engine, ref, timeoutMs) {
    const removed = await runEngine(engine, removeImageArgs(ref), timeoutMs);
    if (removed.code === 0)
        return undefined;
    return (await runEngine(engine, inspectArgs(ref), timeoutMs)).code === 0 ? ref : undefined;
}
/** Runs the container and judges it; the parts of a result every image shares. */
async function runAndJudge(attempt, image, command) {
    const { engine, platform, expectedMachine, timeoutMs, name } = attempt;
    const args = runArgs(image, platform, name, command);
    const ran = await runContainer(engine, args, name, timeoutMs);
    const judged = judgeRun(ran, expectedMachine, timeoutMs);
    const result = { ...judged, seconds: 0, command: [engine.path, ...args], pulled: false };
    if (ran.timedOut) {
        result.timedOut = true;
        // Stopped at the limit, the container was removed by name: if it is still there, the post step removes it.
        if ((await runEngine(engine, containerInspectArgs(name), timeoutMs)).code === 0)
            result.leftovers = [name];
    }
    if (!judged.ok) {
        result.stderr = ran.stderr;
        const diagnosis = diagnose(ran.stderr);
        if (diagnosis)
            result.diagnosis = diagnosis;
    }
    return result;
}
function failed(attempt, step, error, stderr) {
    return { ok: false, output: '', seconds: elapsed(attempt.started), step, error, stderr, command: [], pulled: false };
}
/** The check with its own image: load, run, remove (also on failure). */
async function withProbeImage(attempt, target, runId, dir) {
    const { engine, platform, timeoutMs } = attempt;
    const ref = probeImageRef(target, runId);
    const folder = dir ?? (await mkdtemp(join(tmpdir(), 'setup-x86-on-arm-image-')));
    await mkdir(folder, { recursive: true });
    const archive = join(folder, `probe-image-${target.target}-${runId}.tar`);
    await writeFile(archive, probeImageArchive(target, ref));
    let result;
    let leftover;
    try {
        const load = await runEngine(engine, loadArgs(archive), timeoutMs);
        result =
            load.code === 0
                ? await runAndJudge(attempt, ref, [])
                : failed(attempt, 'load', loadFailureMessage(engine.name, platform, load.stderr), load.stderr);
    }
    finally {
        await rm(dir ? archive : folder, { recursive: true, force: true });
        leftover = await removeAdded(engine, ref, timeoutMs);
    }
    if (leftover)
        result.leftovers = [...(result.leftovers ?? []), leftover];
    // The engine loaded the image but does not run it for the platform: a fault of the load step.
    if (!result.ok && result.step === 'pull') {
        Object.assign(result, { step: 'load', error: loadFailureMessage(engine.name, platform, result.stderr ?? '') });
    }
    return result;
}
/** The check with a named image: used as held, else pulled for the platform and removed afterwards. */
async function withNamedImage(attempt, image) {
    const { engine, platform, timeoutMs } = attempt;
    const inspected = await runEngine(engine, inspectArgs(image), timeoutMs);
    const held = inspected.code === 0;
    if (!held) {
        const pull = await runEngine(engine, pullArgs(image, platform), timeoutMs);
        if (pull.code !== 0) {
            const why = pull.timedOut ? `timed out after ${secondsText(timeoutMs)} s` : pull.stderr;
            return failed(attempt, 'pull', pullFailureMessage(engine.name, image, platform, why), pull.stderr);
        }
    }
    let result;
    let leftover;
    try {
        result = { ...(await runAndJudge(attempt, image, ['uname', '-m'])), pulled: !held };
    }
    finally {
        leftover = held ? undefined : await removeAdded(engine, image, timeoutMs);
    }
    if (leftover)
        result.leftovers = [...(result.leftovers ?? []), leftover];
    if (!result.ok && result.step === 'pull') {
        const localPlatform = inspected.stdout.trim().split(' ')[1] ?? '';
        result.error = held
            ? localTagMessage(engine.name, image, platform, localPlatform, result.stderr ?? '')
            : pullFailureMessage(engine.name, image, platform, result.stderr ?? '');
    }
    return result;
}
/** The platform of this host's own programs, for telling a broken engine from broken emulation. */
function hostPlatform() {
    return lookupPlatform(machine());
}
/**
 * A run that failed without any sign of emulation in the engine's words may be the engine's own
 * fault (e.g. podman unable to set the container's limits): a container of the host's own platform
 * tells. Returns that check's result when it fails too.
 */
async function engineFault(attempt, result, runId, dir) {
    const host = hostPlatform();
    // A diagnosis, output or a hang points at emulation; only a bare start failure may be the engine's.
    const emulationSaid = result.diagnosis || result.output || result.timedOut;
    if (result.ok || result.step !== 'run' || emulationSaid || !result.stderr || !host || host.docker === attempt.platform)
        return undefined;
    const control = { ...attempt, platform: host.docker, expectedMachine: host.machine, name: checkContainerName(host, runId) };
    const ran = await withProbeImage(control, host, runId, dir);
    if (ran.leftovers)
        result.leftovers = [...(result.leftovers ?? []), ...ran.leftovers];
    return ran.ok ? undefined : ran;
}
/**
 * Runs the check for `platform` through `engine`: the probe image when `image` is empty, else the
 * named image with `uname -m`. Never throws for an engine's failure; the result says which step
 * failed and why.
 */
async function containerCheck(options) {
    const { engine, image, platform, expectedMachine } = options;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const runId = options.runId ?? newRunId();
    const started = performance.now();
    const target = lookupPlatform(platform);
    const name = target ? checkContainerName(target, runId) : `setup-x86-on-arm-check-${runId}`;
    const attempt = { engine, platform, expectedMachine, timeoutMs, name, started };
    const builtIn = image === BUILT_IN_IMAGE;
    const shown = (text) => JSON.stringify(text.slice(0, 100));
    if (!builtIn && !validImageRef(image))
        return failed(attempt, 'pull', `not a valid image reference: ${shown(image)}`);
    if (!validPlatform(platform))
        return failed(attempt, builtIn ? 'load' : 'pull', `not a valid platform: ${shown(platform)}`);
    if (builtIn && !target)
        return failed(attempt, 'load', `no probe program for ${platform}`);
    const result = builtIn && target ? await withProbeImage(attempt, target, runId, options.dir) : await withNamedImage(attempt, image);
    const fault = await engineFault(attempt, result, runId, options.dir);
    if (fault) {
        result.hostFailure = engineMessage(fault.error ?? 'it failed', 2);
        result.engineFault = `${engine.name} cannot run containers here: a container of this host's own platform failed too (${result.hostFailure})`;
    }
    return { ...result, seconds: elapsed(started) };
}

;// CONCATENATED MODULE: ./src/checks/probe-leftovers.ts
/**
 * What a run's container check may leave in an engine when it is cut short (the step cancelled,
 * the process killed between loading the probe image and removing it): the probe image under this
 * run's tag and the check container under this run's name. Main records a ProbeRun (the run id and
 * the engine) before the check loads anything, and records it again with no engine once the check
 * has removed all it added; the post step calls removeProbeImages() with the engines and run id
 * recorded. Only names carrying that id are touched, never another job's or the user's.
 */



/** The ProbeRun saved as JSON; a malformed one fails naming `source` and what is wrong. */
function parseProbeRun(text, source) {
    if (!text)
        return undefined;
    let value;
    try {
        value = JSON.parse(text);
    }
    catch (error) {
        throw new Error(`${source} is not a probe run: not JSON (${error.message})`, { cause: error });
    }
    const { runId, engines } = (typeof value === 'object' && value !== null ? value : {});
    if (typeof runId !== 'string' || !validRunId(runId)) {
        throw new Error(`${source} is not a probe run: ${JSON.stringify(runId)} is not a run id`);
    }
    if (!Array.isArray(engines) || !engines.every(e => ENGINE_NAMES.includes(e))) {
        throw new Error(`${source} is not a probe run: its engines ${JSON.stringify(engines)} are not a list of ${ENGINE_NAMES.join(', ')}`);
    }
    return { runId, engines: [...new Set(engines)] };
}
const CONTAINER_PREFIX = 'setup-x86-on-arm-check-';
const TIMEOUT_MS = 30_000;
/** Arguments listing the probe images of a run, as `repository:tag` lines. */
function leftoverImagesArgs(runId) {
    return ['images', '--filter', `reference=${PROBE_REPOSITORY}:*-${runId}`, '--format', '{{.Repository}}:{{.Tag}}'];
}
/** Arguments listing the check containers (any run's: the engines' name filter is a pattern), by name. */
function leftoverContainersArgs() {
    return ['ps', '--all', '--filter', `name=${CONTAINER_PREFIX}`, '--format', '{{.Names}}'];
}
/** The listed names that belong to this run: the probe repository or container prefix, and the run id at the end. */
function ownedByRun(listing, runId, kind) {
    const ours = kind === 'image' ? (n) => n.startsWith(`${PROBE_REPOSITORY}:`) : (n) => n.startsWith(CONTAINER_PREFIX);
    return listing
        .split('\n')
        .map(line => line.trim())
        .filter(name => ours(name) && name.endsWith(`-${runId}`));
}
/**
 * Removes this run's check containers and probe images from each engine; returns what was removed.
 * An engine that cannot list or remove is reported as a warning and does not stop the others.
 */
async function removeProbeImages(engines, runId, log) {
    if (!validRunId(runId)) {
        log.warning(`not removing probe images: ${JSON.stringify(runId)} is not a run id`);
        return [];
    }
    const removed = [];
    for (const engine of engines) {
        const containers = await engine_runEngine(engine, leftoverContainersArgs(), TIMEOUT_MS);
        const images = await engine_runEngine(engine, leftoverImagesArgs(runId), TIMEOUT_MS);
        for (const [listed, kind] of [
            [containers, 'container'],
            [images, 'image']
        ]) {
            if (listed.code !== 0) {
                const said = engine_engineMessage(listed.stderr, 2) || `exit code ${listed.code}`;
                log.warning(`${engine.name} could not list this run's probe ${kind}s: ${said}`);
                continue;
            }
            for (const name of ownedByRun(listed.stdout, runId, kind)) {
                const args = kind === 'image' ? removeImageArgs(name) : removeContainerArgs(engine.name, name);
                const done = await engine_runEngine(engine, args, TIMEOUT_MS);
                if (done.code === 0)
                    removed.push(`${engine.name} ${kind} ${name}`);
                else
                    log.warning(`${engine.name} could not remove ${kind} ${name}: ${engine_engineMessage(done.stderr, 2) || `exit code ${done.code}`}`);
            }
        }
    }
    if (removed.length > 0)
        log.info(`removed what the container check left: ${removed.join(', ')}`);
    return removed;
}

;// CONCATENATED MODULE: ./src/core/report.ts
/** This host cannot serve the request, or a registration would break it: nothing was changed for it. */
class SetupError extends (/* unused pure expression or super */ null && (Error)) {
}
const unique = (values) => [...new Set(values.filter((v) => !!v))];
function report_outputsOf(report, sysroot = '') {
    const working = report.platforms.filter(p => p.status !== 'failed');
    return {
        platforms: working.map(p => p.platform.docker).join(','),
        native: working
            .filter(p => p.status === 'native')
            .map(p => p.platform.docker)
            .join(','),
        interpreter: unique(working.map(p => p.interpreter)).join(','),
        'qemu-version': unique(working.map(p => p.qemuVersion)).join(','),
        'install-method': unique(working.map(p => (p.status === 'existing' ? 'existing' : p.source))).join(','),
        'cache-hit': report.cacheHit === undefined ? 'false' : String(report.cacheHit),
        'x86-64-level': report.x86Level ? `x86-64-v${report.x86Level}` : '',
        sysroot
    };
}
function report_failuresOf(report) {
    return [
        ...report.platforms.filter(p => p.status === 'failed').map(p => `${p.platform.docker}: ${p.detail}`),
        ...report.platforms
            .filter(p => p.container?.result === 'failed')
            .map(p => `${p.platform.docker}: container check failed: ${p.container.detail}`)
    ];
}
const RESULT = {
    native: 'native',
    existing: 'already set up',
    registered: 'registered',
    failed: 'failed'
};
/** Rows for the summary table: platform, result, interpreter, QEMU version, flags, time. */
function summaryRows(report) {
    return report.platforms.map(p => [
        p.platform.docker,
        RESULT[p.status],
        p.interpreter ?? '',
        p.qemuVersion ?? '',
        p.flags ?? '',
        p.container ? `${p.container.result}${p.container.seconds !== undefined ? ` (${p.container.seconds.toFixed(1)} s)` : ''}` : '',
        `${p.seconds.toFixed(2)} s`
    ]);
}
const SUMMARY_HEADER = (/* unused pure expression or super */ null && (['Platform', 'Result', 'Interpreter', 'QEMU', 'Flags', 'Container', 'Time']));

;// CONCATENATED MODULE: ./src/core/other-os.ts
/**
 * The step on macOS and Windows runners, so one workflow serves a matrix across operating systems
 * without `if:`. Nothing is registered there: the platforms are taken as that system's own programs
 * (darwin/amd64, windows/386, ...), which the system runs natively or through its own emulation
 * (Rosetta 2, Windows' x86 and x64 emulation); Linux programs there need a Linux VM. The step says
 * which, sets every output to what is true of this host, and fails only where Rosetta 2 is missing.
 */



function isOtherOs(os) {
    return os === 'darwin' || os === 'win32';
}
function otherHost() {
    return { os: process.platform, arch: process.arch, release: release() };
}
/** System paths, never PATH: the step trusts only what the system itself ships. */
const ARCH = '/usr/bin/arch';
const SYSCTL = '/usr/sbin/sysctl';
const ROSETTA_CHECK = [ARCH, '-x86_64', '/usr/bin/true'];
const ROSETTA_FIX = 'softwareupdate --install-rosetta --agree-to-license';
/** Windows 11's first build: Windows 10 on Arm emulates 32-bit x86 programs only. */
const WINDOWS_11 = 22000;
const NATIVE = { runs: 'native' };
function macWay(target, appleSilicon) {
    if (target === (appleSilicon ? 'aarch64' : 'x86_64'))
        return NATIVE;
    if (target === 'x86_64')
        return { runs: 'rosetta' };
    if (target === 'aarch64')
        return { runs: 'no', why: 'an Intel Mac runs no arm64 programs' };
    if (target === 'i386' || target === 'arm')
        return { runs: 'no', why: 'macOS runs no 32-bit programs since 10.15' };
    return { runs: 'no', why: 'macOS runs arm64 and amd64 programs only' };
}
function windowsWay(target, cpu, build) {
    const own = { arm64: ['aarch64'], x64: ['x86_64', 'i386'], ia32: ['i386'] };
    if (own[cpu]?.includes(target))
        return NATIVE;
    if (cpu === 'arm64' && target === 'i386')
        return { runs: 'emulated', detail: "x86 Windows programs run through Windows' own emulation" };
    if (cpu === 'arm64' && target === 'x86_64') {
        if (build < WINDOWS_11)
            return { runs: 'no', why: `Windows 10 on Arm (build ${build}) emulates x86 programs only: x64 ones need Windows 11` };
        return { runs: 'emulated', detail: "x64 Windows programs run through Windows' own emulation" };
    }
    if (target === 'aarch64')
        return { runs: 'no', why: `Windows on ${cpu} runs no arm64 programs` };
    if (target === 'arm')
        return { runs: 'no', why: 'Windows 11 24H2 and later run no 32-bit Arm programs' };
    return { runs: 'no', why: 'Windows runs arm64, x64 and x86 programs only' };
}
/** Is this Mac's CPU Apple silicon? An x64 Node says so only through sysctl.proc_translated (1 under Rosetta 2). */
async function translated(host, run) {
    if (host.os !== 'darwin' || host.arch !== 'x64')
        return false;
    const said = await run(SYSCTL, ['-n', 'sysctl.proc_translated']);
    // Intel Macs say 0, or (before macOS 11) do not know the name.
    return said.code === 0 && said.stdout.trim() === '1';
}
/** The first line a failed program wrote, or its exit code. */
function firstLine(result) {
    const line = result.stderr.trim().split('\n')[0].trim().slice(0, 200);
    return line || `exit code ${result.code}`;
}
async function rosetta(underIt, run) {
    if (underIt)
        return { status: 'existing', detail: 'x86_64 macOS programs run through Rosetta 2 (this step itself runs under it)' };
    const check = ROSETTA_CHECK.join(' ');
    const result = await run(ROSETTA_CHECK[0], ROSETTA_CHECK.slice(1), { timeoutMs: 60_000 });
    if (result.code === 0)
        return { status: 'existing', detail: `x86_64 macOS programs run through Rosetta 2 (checked: ${check})` };
    const detail = `x86_64 macOS programs need Rosetta 2, and ${check} failed (${firstLine(result)}): install it with ${ROSETTA_FIX}`;
    return { status: 'failed', detail };
}
/**
 * What this macOS or Windows host runs of the requested platforms. Runs sysctl only for an x64
 * Node on a Mac, and the Rosetta check only when amd64 is requested on Apple silicon.
 */
async function otherOs(platforms, host = otherHost(), run = runProgram) {
    const mac = host.os === 'darwin';
    const underRosetta = await translated(host, run);
    const cpu = underRosetta ? 'arm64' : host.arch;
    const system = mac ? 'macOS' : 'Windows';
    const build = Number(host.release.split('.')[2]) || WINDOWS_11;
    const label = mac ? (cpu === 'arm64' ? 'Apple silicon' : 'Intel') : cpu;
    const vm = mac ? 'a Linux VM (Docker Desktop, Colima)' : 'WSL or a Linux VM';
    const lines = [
        `this is a ${system} runner (${label}): the platforms are taken as ${system} programs; Linux programs run only in ${vm}: nothing is registered here`
    ];
    const served = [];
    for (const platform of platforms) {
        const named = { ...platform, docker: `${mac ? 'darwin' : 'windows'}/${platform.docker.replace(/^linux\//, '')}` };
        const way = mac ? macWay(platform.target, cpu === 'arm64') : windowsWay(platform.target, cpu, build);
        if (way.runs === 'no') {
            lines.push(`${named.docker}: not served: ${way.why}`);
            continue;
        }
        const found = way.runs === 'native'
            ? { status: 'native', detail: 'runs natively' }
            : way.runs === 'rosetta'
                ? await rosetta(underRosetta, run)
                : { status: 'existing', detail: way.detail };
        served.push({ platform: named, ...found, seconds: 0 });
        lines.push(`${named.docker}: ${found.detail}`);
    }
    const report = { platforms: served };
    const failures = failuresOf(report);
    return { lines, outputs: outputsOf(report), failure: failures.length > 0 ? failures.join('\n') : undefined };
}

;// CONCATENATED MODULE: ./src/kernel/binfmt.ts
/**
 * The kernel's binfmt_misc interface: parse entries, build register lines, read the table.
 * Pure functions first; the few that touch /proc take a Privileged writer for the writes.
 */


const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';
/** The longest interpreter path the kernel takes in a register line. */
const MAX_INTERPRETER_PATH = 127;
/** Parses the text of /proc/sys/fs/binfmt_misc/<name>. */
function parseEntry(name, text) {
    const entry = { name, enabled: false, interpreter: '', flags: '', type: 'M', offset: 0, magic: '', mask: '' };
    for (const line of text.split('\n')) {
        const [key, ...rest] = line.trim().split(' ');
        const value = rest.join(' ');
        if (key === 'enabled')
            entry.enabled = true;
        else if (key === 'disabled')
            entry.enabled = false;
        else if (key === 'interpreter')
            entry.interpreter = value;
        else if (key === 'flags:')
            entry.flags = value;
        else if (key === 'offset')
            entry.offset = Number(value);
        else if (key === 'magic')
            entry.magic = value.toLowerCase();
        else if (key === 'mask')
            entry.mask = value.toLowerCase();
        else if (key === 'extension') {
            entry.type = 'E';
            entry.magic = value.replace(/^\./, '');
        }
    }
    return entry;
}
const FIELD_FORBIDDEN = /[:\n\0]/;
/** Escapes hex bytes as the \xHH form the kernel decodes in a register line. */
function escapeHex(hex) {
    return hex.replace(/(..)/g, '\\x$1');
}
/**
 * The line written to /proc/sys/fs/binfmt_misc/register for an entry. Throws on anything the
 * kernel would misread: a field holding ':' or a newline, a '/' in the name, lengths past its limits.
 */
function registerLine(entry) {
    const { name, type, offset, magic, mask, interpreter, flags } = entry;
    // 'register' and 'status' are the kernel's own control files in the same folder.
    if (!name || name.includes('/') || ['.', '..', 'register', 'status'].includes(name) || FIELD_FORBIDDEN.test(name)) {
        throw new Error(`invalid binfmt entry name: ${JSON.stringify(name)}`);
    }
    if (FIELD_FORBIDDEN.test(interpreter) || !interpreter.startsWith('/')) {
        throw new Error(`invalid interpreter path: ${JSON.stringify(interpreter)}`);
    }
    if (interpreter.length > MAX_INTERPRETER_PATH) {
        throw new Error(`interpreter path longer than ${MAX_INTERPRETER_PATH} characters: ${interpreter}`);
    }
    if (!/^[POCF]*$/.test(flags))
        throw new Error(`invalid binfmt flags: ${JSON.stringify(flags)}`);
    let line;
    if (type === 'E') {
        if (FIELD_FORBIDDEN.test(magic) || magic.includes('/'))
            throw new Error(`invalid extension: ${magic}`);
        line = `:${name}:E::${magic}::${interpreter}:${flags}`;
    }
    else {
        if (!/^([0-9a-f]{2})+$/.test(magic) || (mask !== '' && !/^([0-9a-f]{2})+$/.test(mask))) {
            throw new Error('magic and mask must be hex bytes');
        }
        if (mask !== '' && mask.length !== magic.length)
            throw new Error('mask and magic differ in length');
        if (offset + magic.length / 2 > 128)
            throw new Error('magic must lie within the first 128 bytes');
        line = `:${name}:M:${offset || ''}:${escapeHex(magic)}:${escapeHex(mask)}:${interpreter}:${flags}`;
    }
    if (line.length > 1920)
        throw new Error('register line longer than the kernel accepts');
    return line;
}
/** Is binfmt_misc mounted (its status file present)? */
async function isMounted(dir = BINFMT_DIR) {
    try {
        await (0,promises_namespaceObject.readFile)(`${dir}/status`, 'utf8');
        return true;
    }
    catch {
        return false;
    }
}
/** Reads every entry of the table (empty when binfmt_misc is not mounted). */
async function readTable(dir = BINFMT_DIR) {
    const table = new Map();
    let names;
    try {
        names = await (0,promises_namespaceObject.readdir)(dir);
    }
    catch {
        return table;
    }
    await Promise.all(names
        .filter(name => name !== 'register' && name !== 'status')
        .map(async (name) => {
        try {
            table.set(name, parseEntry(name, await (0,promises_namespaceObject.readFile)(`${dir}/${name}`, 'utf8')));
        }
        catch {
            // removed between readdir and read: not part of the table
        }
    }));
    return table;
}
/** Do two entries register the same handler (everything but the enabled state)? */
function sameHandler(a, b) {
    return (a.type === b.type &&
        a.offset === b.offset &&
        a.magic === b.magic &&
        a.mask === b.mask &&
        a.interpreter === b.interpreter &&
        [...a.flags].sort().join('') === [...b.flags].sort().join(''));
}
function diffTables(before, after) {
    const diff = { added: [], removed: [], changed: [] };
    for (const [name, entry] of after) {
        const old = before.get(name);
        if (!old)
            diff.added.push(entry);
        else if (!sameHandler(old, entry) || old.enabled !== entry.enabled)
            diff.changed.push({ before: old, after: entry });
    }
    for (const [name, entry] of before)
        if (!after.has(name))
            diff.removed.push(entry);
    return diff;
}
/** A change the kernel refused, explained in one line with what to do. */
class BinfmtError extends Error {
}
const UNPRIVILEGED = "this job may not change the kernel's binfmt_misc table (an unprivileged container job, or a user namespace): run the step on the host, or in a container started with --privileged";
/** Turns what the kernel or mount(8) said into the cause and the fix. */
function explainKernelError(doing, error) {
    const code = error.code ?? '';
    const text = `${code} ${error.message ?? error}`;
    let why;
    if (/EROFS|read-only/i.test(text)) {
        why =
            "binfmt_misc is read-only here (a container's /proc/sys, or a runner service with ProtectKernelTunables=yes): run the step on the host, or give the container --privileged";
    }
    else if (/EPERM|EACCES|not permitted|permission denied/i.test(text))
        why = `operation not permitted: ${UNPRIVILEGED}`;
    else if (/unknown filesystem type|mount point does not exist|ENOENT|No such file/i.test(text)) {
        why = 'this kernel has no binfmt_misc (CONFIG_BINFMT_MISC): use a kernel built with it, as every mainstream distribution is';
    }
    else if (/EEXIST|File exists/i.test(text))
        why = 'another process registered the same name at the same moment: run the step again';
    else
        why = text.trim();
    return new BinfmtError(`cannot ${doing}: ${why}`);
}
/** Registers an entry (and disables it again when it was recorded disabled). */
async function register(sys, entry, dir = BINFMT_DIR) {
    const line = registerLine(entry);
    await sys.write(`${dir}/register`, line).catch(error => {
        throw explainKernelError(`register ${entry.name} in binfmt_misc`, error);
    });
    if (!entry.enabled)
        await sys.write(`${dir}/${entry.name}`, '0');
}
/** Removes one entry by name. Never writes to `status` (that would remove every entry). */
async function remove(sys, name, dir = BINFMT_DIR) {
    if (!name || name.includes('/') || name === 'status' || name === 'register') {
        throw new Error(`refusing to remove binfmt entry ${JSON.stringify(name)}`);
    }
    await sys.write(`${dir}/${name}`, '-1');
}
/** Mounts binfmt_misc, loading the module first when the kernel needs it. */
async function mount(sys, dir = BINFMT_DIR) {
    if (await isMounted(dir))
        return;
    // Built in, or already loaded: then modprobe has nothing to do (or is not there).
    const modprobe = systemProgram('modprobe');
    if (modprobe)
        await sys.run(modprobe, ['binfmt_misc']).catch(() => undefined);
    const mounter = systemProgram('mount');
    if (!mounter)
        throw new BinfmtError(`cannot mount binfmt_misc: this machine has no mount program in ${SYSTEM_PATH} (util-linux's mount package)`);
    await sys.run(mounter, ['-t', 'binfmt_misc', 'binfmt_misc', dir]).catch(error => {
        throw explainKernelError('mount binfmt_misc', error);
    });
}
async function unmount(sys, dir = BINFMT_DIR) {
    await sys.run(find_on_path_systemProgram('umount') ?? 'umount', [dir]);
}

;// CONCATENATED MODULE: ./src/records/holder.ts
/**
 * Who holds an entry in the host's ledger: a job (its runner process, which outlives main and
 * post), or a holder that never goes stale (the command line, persist, a ledger rebuilt after
 * damage). A job's holder counts while its process lives in this boot; a reused pid or an earlier
 * boot makes it stale. A holder read back from a file is checked field by field (holderProblem).
 */

const procInfo = {
    async bootId() {
        return (await (0,promises_namespaceObject.readFile)('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => 'unknown')).trim();
    },
    async startTime(pid) {
        try {
            const stat = await (0,promises_namespaceObject.readFile)(`/proc/${pid}/stat`, 'utf8');
            // Field 22; the command name (field 2) may hold spaces and parentheses, so count from its end.
            return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
        }
        catch {
            return undefined;
        }
    },
    async bootTime() {
        const stat = await (0,promises_namespaceObject.readFile)('/proc/stat', 'utf8').catch(() => '');
        const seconds = Number(/^btime (\d+)$/m.exec(stat)?.[1]);
        return seconds > 0 ? seconds * 1000 : undefined;
    }
};
/** `persist: true` holds an entry for good: only `setup-x86-on-arm uninstall` lets it go. */
const PERSIST_HOLDER = { pid: 0, start: '', boot: '', label: 'persist' };
/** The command line's registrations stay until `uninstall`: a holder that never goes stale. */
const CLI_HOLDER = { pid: 0, start: '', boot: '', label: 'command line' };
/**
 * Holds every entry of the kernel's table when the ledger had to be rebuilt from it: who else held
 * them is lost, so none is removed until the kernel loses it (a reboot, or removal by hand).
 */
const REBUILT_HOLDER = { pid: 0, start: '', boot: '', label: 'unknown (the ledger was rebuilt after damage)' };
function sameHolder(a, b) {
    return a.pid === b.pid && a.start === b.start && a.boot === b.boot && a.label === b.label;
}
/** A holder that never goes stale (command line, persist, rebuilt): no job's post step lets it go. */
function neverStale(holder) {
    return holder.pid === 0;
}
/** What is wrong with a value read back as a holder; undefined when it is one. */
function holderProblem(value) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        return `${JSON.stringify(value)} is not an object`;
    const { pid, start, boot, label } = value;
    if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid < 0)
        return `pid ${JSON.stringify(pid)} is not a process id`;
    for (const [field, text] of Object.entries({ start, boot, label })) {
        if (typeof text !== 'string')
            return `${field} ${JSON.stringify(text)} is not a string`;
    }
    return undefined;
}
/**
 * A holder saved as JSON (the Actions state), checked; undefined when none was saved. `source`
 * names where it was read from (e.g. 'state "holder"'), so a damaged one says where to look.
 */
function parseHolder(text, source) {
    if (!text)
        return undefined;
    let value;
    try {
        value = JSON.parse(text);
    }
    catch (error) {
        throw new Error(`${source} is not a holder: not JSON (${error.message})`, { cause: error });
    }
    const problem = holderProblem(value);
    if (problem)
        throw new Error(`${source} is not a holder: ${problem}`);
    return value;
}
/** Whether a holder still counts: a never-stale holder, or a live process of this boot. */
async function isLive(holder, info = procInfo) {
    if (holder.pid === 0)
        return true;
    if (holder.boot !== (await info.bootId()))
        return false;
    return (await info.startTime(holder.pid)) === holder.start;
}
/** The holder for a process (a job's runner is the parent of its main and post steps). */
async function holderFor(pid, label, info = procInfo) {
    return { pid, start: (await info.startTime(pid)) ?? '', boot: await info.bootId(), label };
}

;// CONCATENATED MODULE: ./src/records/journal.ts
/**
 * What a run changed in the kernel's binfmt table, recorded before each change is made
 * (write-ahead), so a post step can undo a main that failed or was killed half-way. Once the run is
 * stopped (a signal), nothing more is recorded, so no new change starts. A saved list is read back
 * item by item: the file it lives in can be edited, so each change is checked (changeProblem)
 * before anything acts on it.
 */

/** A change refused because the run is stopping: the change it would have begun is never made. */
class Stopped extends Error {
}
class Journal {
    persist;
    changes = [];
    stopped;
    /** `persist` saves the whole list after every change (the Actions state, or a file). */
    constructor(persist = () => undefined) {
        this.persist = persist;
    }
    /** Refuses every later record(): the changes recorded so far stay, for the post step to undo. */
    stop(why) {
        this.stopped ??= why;
    }
    async record(change) {
        if (this.stopped)
            throw new Stopped(this.stopped);
        this.changes.push(change);
        await this.persist(this.changes);
    }
    /** Replaces a recorded change (a 'replaced' record completed), or drops it (undefined: undone). */
    async update(change, next) {
        const at = this.changes.indexOf(change);
        if (at < 0)
            return;
        if (next)
            this.changes[at] = next;
        else
            this.changes.splice(at, 1);
        await this.persist(this.changes);
    }
    /**
     * The saved list, unchecked item by item: whoever acts on a change checks it with changeProblem
     * first, so one damaged change is skipped and the others still count.
     */
    static parse(text) {
        if (!text)
            return [];
        let value;
        try {
            value = JSON.parse(text);
        }
        catch (error) {
            throw new Error(`the saved changes are not JSON (${error.message})`, { cause: error });
        }
        if (!Array.isArray(value))
            throw new Error('the saved changes are not a list');
        return value;
    }
}
/** What is wrong with a value read back as an entry; undefined when the kernel would take it. */
function entryProblem(value) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        return 'not an object';
    const entry = value;
    for (const field of ['name', 'interpreter', 'flags', 'magic', 'mask']) {
        if (typeof entry[field] !== 'string')
            return `its ${field} is not a string`;
    }
    if (typeof entry.enabled !== 'boolean')
        return 'its enabled is not true or false';
    if (entry.type !== 'M' && entry.type !== 'E')
        return `its type ${JSON.stringify(entry.type)} is not M or E`;
    if (typeof entry.offset !== 'number' || !Number.isSafeInteger(entry.offset) || entry.offset < 0)
        return 'its offset is not a number';
    try {
        registerLine(entry);
    }
    catch (error) {
        return error.message;
    }
    return undefined;
}
/** What is wrong with a value read back as a change; undefined when it is one this action records. */
function changeProblem(value) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        return `${JSON.stringify(value)} is not an object`;
    const change = value;
    const entry = (field, optional = false) => {
        if (optional && change[field] === undefined)
            return undefined;
        const problem = entryProblem(change[field]);
        return problem && `its ${field} is not a binfmt entry (${problem})`;
    };
    switch (change.kind) {
        case 'mounted':
            return undefined;
        case 'added':
            return entry('entry');
        case 'replaced': {
            const problem = entry('original') ?? entry('entry', true);
            if (problem)
                return problem;
            const { original, entry: replacement } = change;
            return replacement && replacement.name !== original.name ? `it replaces ${original.name} with ${replacement.name}` : undefined;
        }
        case 'shared':
            return typeof change.name === 'string' && change.name !== '' ? undefined : 'its name is not a string';
        default:
            return `its kind ${JSON.stringify(change.kind)} is not mounted, added, replaced or shared`;
    }
}

;// CONCATENATED MODULE: ./src/core/restore.ts
/**
 * Undoing a job's changes: remove what it added, re-register what it replaced exactly as it was,
 * unmount binfmt_misc when this job mounted it and the table is empty again. With the host's
 * ledger, an entry another live job still holds is kept, and the last holder restores what was
 * there before the first one. An entry someone else changed meanwhile is left alone, with a warning.
 *
 * The saved changes come from a file a job can write, so each is checked and applied on its own
 * (a damaged one is reported and skipped), and with a ledger only its records decide what is
 * removed or registered: a change counts only when the ledger says this job holds that entry.
 */



function undoOf(change) {
    if (change.kind === 'added')
        return { name: change.entry.name, ours: change.entry };
    if (change.kind === 'replaced')
        return { name: change.original.name, ours: change.entry, original: change.original };
    return undefined; // a shared entry: only its ledger record can say what to undo
}
/** The undo a ledger record asks for once its last holder is gone. */
function undoOfHeld(name, held) {
    if (held.removed)
        return { name, original: held.entry };
    return { name, ours: held.entry, original: held.original, persisted: held.persisted };
}
function nameOf(change) {
    return change.kind === 'shared' ? change.name : change.kind === 'added' ? change.entry.name : change.original.name;
}
/** Whether the table already shows what undoing would leave: nothing to do then. */
function settled(step, current) {
    if (!step.original)
        return !current;
    return !!current && sameHandler(current, step.original) && current.enabled === step.original.enabled;
}
async function undo(step, sys, warn, dir, report) {
    const current = (await readTable(dir)).get(step.name);
    if (settled(step, current)) {
        if (step.persisted)
            await sys.run('rm', ['-f', step.persisted]);
        return; // never made, or already back
    }
    if (current && (!step.ours || !sameHandler(current, step.ours))) {
        warn(`binfmt entry ${step.name} changed since this job registered it; leaving it as it is`);
        report.skipped.push(step.name);
        return;
    }
    if (current) {
        await remove(sys, step.name, dir);
        if (!step.original)
            report.removed.push(step.name);
    }
    if (step.original) {
        await register(sys, step.original, dir);
        report.restored.push(step.name);
    }
    if (step.persisted)
        await sys.run('rm', ['-f', step.persisted]);
}
/** A job's holder, or one uninstall lets go of: anything else may not undo entries held in the ledger. */
function checkHolder(holder, releaseAll = [], runnerPid) {
    if (holder === undefined)
        return;
    const problem = holderProblem(holder);
    if (problem)
        throw new Error(`holder is not valid: ${problem}`);
    if (neverStale(holder) && !releaseAll.some(h => sameHolder(h, holder))) {
        const why = "only setup-x86-on-arm uninstall lets go of what it holds, never a job's post step";
        throw new Error(`holder "${holder.label}" is not a job's: ${why}`);
    }
    if (runnerPid !== undefined && holder.pid !== runnerPid) {
        throw new Error(`holder "${holder.label}" is process ${holder.pid}, not this job's runner (process ${runnerPid})`);
    }
}
async function restore(changes, sys, warn, options = {}) {
    const dir = options.dir ?? BINFMT_DIR;
    const report = { removed: [], restored: [], unmounted: false, skipped: [], kept: [], invalid: [] };
    if (changes.length === 0 && !options.releaseAll)
        return report;
    const { holder, releaseAll } = options;
    checkHolder(holder, releaseAll, options.runnerPid);
    const valid = [];
    for (const [at, change] of changes.entries()) {
        const problem = changeProblem(change);
        if (!problem)
            valid.push(change);
        else {
            const line = `saved change ${at + 1} of ${changes.length} skipped: ${problem}`;
            warn(line);
            report.invalid.push(line);
        }
    }
    /** Undoes one change; with a ledger, only when its record says this job holds that entry. */
    const undoChange = async (change, ledger, heldBefore) => {
        if (!ledger) {
            const step = undoOf(change);
            if (step)
                await undo(step, sys, warn, dir, report);
            return;
        }
        const name = nameOf(change);
        if (!holder || !heldBefore.has(name)) {
            // Others hold it (or a rebuilt ledger does, for them): whatever this job did, the entry stays.
            if (ledger.get(name)?.holders.length)
                return void report.kept.push(name);
            const step = undoOf(change);
            if (step && !settled(step, (await readTable(dir)).get(name))) {
                warn(`binfmt entry ${name}: the host's ledger does not say this job made that change; leaving it as it is`);
                report.skipped.push(name);
            }
            return;
        }
        const released = ledger.release(name, holder);
        if (released.kept)
            report.kept.push(name);
        else if (released.last)
            await undo(undoOfHeld(name, released.last), sys, warn, dir, report);
    };
    const run = async (ledger) => {
        // Which records list this job, before uninstall lets go of its holders everywhere.
        const heldBefore = new Set(holder && ledger ? Object.keys(ledger.entries).filter(name => ledger.holds(name, holder)) : []);
        if (ledger && releaseAll)
            ledger.releaseEverywhere(releaseAll);
        // With a ledger, a name's record covers every change this job made to it: the latest one undoes them all.
        const done = new Set();
        for (const change of [...valid].reverse()) {
            if (change.kind === 'mounted')
                continue;
            if (ledger && done.has(nameOf(change)))
                continue;
            done.add(nameOf(change));
            await undoChange(change, ledger, heldBefore);
        }
        // Entries whose every holder died without a post step: nobody else will ever undo them.
        for (const [name, held] of ledger?.takeAbandoned() ?? [])
            await undo(undoOfHeld(name, held), sys, warn, dir, report);
        // Last, once every entry that goes is gone. (Not mounted: a main killed between recording the mount and making it.)
        if (valid.some(c => c.kind === 'mounted') && (await isMounted(dir)) && (await readTable(dir)).size === 0) {
            await unmount(sys, dir);
            report.unmounted = true;
        }
    };
    if (options.ledger)
        await options.ledger.locked(data => run(data), { binfmtDir: dir, warn });
    else
        await run();
    return report;
}

;// CONCATENATED MODULE: ./src/kernel/privileged.ts
/**
 * Changes that need root: directly when the process is root, through `sudo -n` otherwise.
 * Every command is an argument array; nothing goes through a shell.
 */


class PrivilegeError extends Error {
}
function failure(command, args, result) {
    const said = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ');
    return new Error(`${[command, ...args].join(' ')} failed (exit ${result.code}): ${said}`);
}
const asRoot = {
    inProcess: true,
    async write(path, data) {
        await (0,promises_namespaceObject.writeFile)(path, data);
    },
    async run(command, args, options = {}) {
        const result = await process_runProgram(command, args, options);
        if (result.code !== 0)
            throw failure(command, args, result);
        return result.stdout;
    }
};
const throughSudo = {
    async write(path, data) {
        const result = await process_runProgram('sudo', ['-n', 'tee', path], { input: data });
        if (result.code !== 0)
            throw failure('sudo -n tee', [path], result);
    },
    async run(command, args, options = {}) {
        const env = options.env ? Object.entries(options.env).map(([k, v]) => `${k}=${v ?? ''}`) : [];
        const prefix = env.length ? ['-n', 'env', ...env] : ['-n'];
        const result = await process_runProgram('sudo', [...prefix, command, ...args], { timeoutMs: options.timeoutMs });
        if (result.code !== 0)
            throw failure(command, args, result);
        return result.stdout;
    }
};
let found;
/** Root, or passwordless sudo, or a PrivilegeError that says what is needed (asked once a process). */
function privileged() {
    found ??= findPrivileged();
    return found;
}
async function findPrivileged() {
    if (process.getuid?.() === 0)
        return asRoot;
    const sudo = await process_runProgram('sudo', ['-n', 'true'], { timeoutMs: 10_000 });
    if (sudo.code === 0)
        return throughSudo;
    throw new PrivilegeError('registering binfmt_misc handlers needs root: run the job as root or allow passwordless sudo ' +
        '(an unprivileged container job cannot do this; run it on the host or in a --privileged container)');
}

;// CONCATENATED MODULE: ./src/records/ledger-salvage.ts


function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** One record, checked field by field; undefined when not even its entry can be read. */
function salvageRecord(name, value, problems) {
    const say = (what) => problems.push(`record ${JSON.stringify(name)}: ${what}`);
    if (!isObject(value))
        return void say('is not an object');
    const entryWrong = entryProblem(value.entry);
    if (entryWrong)
        return void say(`its entry is not a binfmt entry (${entryWrong})`);
    const entry = value.entry;
    if (entry.name !== name)
        return void say(`its entry is named ${JSON.stringify(entry.name)}`);
    const held = { entry, holders: [] };
    if (value.original !== undefined) {
        const originalWrong = entryProblem(value.original);
        if (originalWrong)
            say(`its original is not a binfmt entry (${originalWrong})`);
        else
            held.original = value.original;
    }
    if (!Array.isArray(value.holders))
        say('its holders are not a list');
    else {
        for (const holder of value.holders) {
            const holderWrong = holderProblem(holder);
            if (holderWrong)
                say(`a holder is damaged (${holderWrong})`);
            else if (!held.holders.some(h => sameHolder(h, holder)))
                held.holders.push(holder);
        }
    }
    if (value.persisted !== undefined) {
        if (typeof value.persisted === 'string' && value.persisted.startsWith('/'))
            held.persisted = value.persisted;
        else
            say('its persisted file is not a path');
    }
    if (value.removed === true)
        held.removed = true;
    else if (value.removed !== undefined)
        say('its removed mark is not true');
    return held;
}
/** A parsed ledger file, checked field by field. */
function salvage(value) {
    const problems = [];
    if (!isObject(value))
        return { entries: {}, problems: ['it is not a JSON object'] };
    if (!isObject(value.entries)) {
        return { entries: {}, problems: [`its entries are ${JSON.stringify(value.entries) ?? 'missing'}, not an object`] };
    }
    const entries = {};
    for (const [name, record] of Object.entries(value.entries)) {
        const held = salvageRecord(name, record, problems);
        if (held)
            entries[name] = held;
    }
    return { entries, problems };
}
/**
 * The records to write back over a damaged ledger: what was sound, and every entry of the kernel's
 * table held by REBUILT_HOLDER (the other holders it had are lost, so it is kept for them).
 */
function rebuild(sound, table) {
    const entries = { ...sound };
    for (const [name, entry] of table) {
        const held = (entries[name] ??= { entry, holders: [] });
        if (!held.holders.some(h => sameHolder(h, REBUILT_HOLDER)))
            held.holders.push(REBUILT_HOLDER);
    }
    return entries;
}

;// CONCATENATED MODULE: ./src/records/lock.ts
/**
 * The ledger's lock: a file created exclusively, holding its owner ("pid start-time boot-id"). A
 * lock whose owner is gone (dead, a reused pid, an earlier boot) is broken at once; one whose
 * owner cannot be read (its process died between creating the file and writing it) is broken
 * after a short grace; one older than the boot is stale whatever it says. Breaking renames the file
 * aside first and checks it is still the one judged, so a fresh lock another waiter just took is
 * never removed. The clock is injected, so tests wait no real time.
 */




const realClock = {
    now: () => Date.now(),
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms))
};
class LockTimeout extends Error {
}
/** The run is stopping (a signal): no lock is taken any more. */
class LockRefused extends Error {
}
class LockFile {
    path;
    options;
    mine;
    refused;
    constructor(path, options) {
        this.path = path;
        this.options = options;
    }
    /** Whether this process holds the lock now. */
    get held() {
        return this.mine !== undefined;
    }
    /** Takes no lock from now on (a signal); a wait in progress ends with LockRefused. */
    refuse(why) {
        this.refused ??= why;
    }
    async acquire() {
        const { info, clock, waitMs } = this.options;
        const me = `${process.pid} ${(await info.startTime(process.pid)) ?? ''} ${await info.bootId()}`;
        const deadline = clock.now() + waitMs;
        for (;;) {
            if (this.refused)
                throw new LockRefused(this.refused);
            if (await this.create(me))
                return;
            const verdict = await this.judge();
            if (verdict.state === 'stale')
                await this.breakStale(verdict.file);
            else if (verdict.state === 'live' && clock.now() > deadline) {
                const who = verdict.owner ? `process ${verdict.owner.split(' ')[0]}` : 'owner not written yet';
                throw new LockTimeout(`another job has held ${this.path} for over ${Math.round(waitMs / 1000)} s (${who})`);
            }
            else if (verdict.state === 'live')
                await clock.sleep(25 + Math.random() * 50);
        }
    }
    async release() {
        if (!this.mine)
            return;
        this.mine = undefined;
        await (0,promises_namespaceObject.unlink)(this.path).catch(() => undefined);
    }
    /** Removes the lock at once, without waiting on anything: for a process about to exit on a signal. */
    releaseNow() {
        if (!this.mine)
            return;
        this.mine = undefined;
        try {
            (0,external_node_fs_namespaceObject.unlinkSync)(this.path);
        }
        catch {
            // gone already
        }
    }
    /** Creates the lock with this process as its owner; false when it exists. */
    async create(me) {
        let handle;
        try {
            handle = await (0,promises_namespaceObject.open)(this.path, 'wx', 0o600);
        }
        catch (error) {
            if (error.code === 'EEXIST')
                return false;
            throw error;
        }
        this.mine = me; // from its creation: releaseNow removes it even before its owner is written
        try {
            await handle.writeFile(me);
            await handle.close();
        }
        catch (error) {
            // A lock whose owner was never written would make every other job wait out the grace.
            await handle.close().catch(() => undefined);
            await this.release();
            throw error;
        }
        return true;
    }
    async judge() {
        const { info, clock, unreadableGraceMs } = this.options;
        const found = await (0,promises_namespaceObject.lstat)(this.path).catch(() => undefined);
        if (!found)
            return { state: 'gone' };
        const file = { ino: found.ino, mtimeMs: found.mtimeMs };
        const owner = (await (0,promises_namespaceObject.readFile)(this.path, 'utf8').catch(() => '')).trim();
        const fields = /^(\d+) (\S*) (\S+)$/.exec(owner);
        if (!fields) {
            // Its process died before writing it, or is writing it right now: the grace tells them apart.
            // A readable owner's boot id says more than the file's time, which a clock set at boot can move.
            const bootTime = await info.bootTime?.();
            const beforeBoot = bootTime !== undefined && found.mtimeMs < bootTime;
            return beforeBoot || clock.now() - found.mtimeMs > unreadableGraceMs ? { state: 'stale', file } : { state: 'live', owner: '' };
        }
        const alive = await isLive({ pid: Number(fields[1]), start: fields[2], boot: fields[3], label: '' }, info);
        return alive ? { state: 'live', owner } : { state: 'stale', file };
    }
    /** Breaks the lock judged stale, unless it was replaced since: then the new one is put back. */
    async breakStale(judged) {
        const aside = `${this.path}.stale.${(0,external_node_crypto_namespaceObject.randomBytes)(6).toString('hex')}`;
        try {
            await (0,promises_namespaceObject.rename)(this.path, aside);
        }
        catch {
            return; // someone else broke it first
        }
        const moved = await (0,promises_namespaceObject.lstat)(aside).catch(() => undefined);
        const replaced = moved && (moved.ino !== judged.ino || moved.mtimeMs !== judged.mtimeMs);
        if (replaced)
            await (0,promises_namespaceObject.link)(aside, this.path).catch(() => undefined); // a fresh lock: put it back
        await (0,promises_namespaceObject.rm)(aside, { recursive: true, force: true });
    }
}

;// CONCATENATED MODULE: ./src/records/ledger.ts
/**
 * The host-wide record of the entries this action registered and which jobs use them. The kernel's
 * binfmt table is one per machine, shared by every runner service on it: a job's post step
 * removes an entry only when no other live job still holds it. A holder whose runner process is
 * gone, or who registered before the last boot, is stale and does not count (holder.ts).
 *
 * LedgerData holds the records and every operation on them; Ledger is the file they live in,
 * behind one lock file (lock.ts) held only while the records and the kernel's table are read and
 * written, never across a download or apt. A file that cannot be trusted is set aside, reported,
 * and written back sound from what the kernel's table shows (ledger-salvage.ts).
 */









class LedgerData {
    entries;
    constructor(entries = {}) {
        this.entries = entries;
    }
    get(name) {
        return this.entries[name];
    }
    /** Whether the record of an entry lists this holder: only then may its post step undo the entry. */
    holds(name, holder) {
        return this.entries[name]?.holders.some(h => sameHolder(h, holder)) ?? false;
    }
    /** Adds a holder to an entry's record, when the entry has one. */
    claim(name, holder) {
        const held = this.entries[name];
        if (held && !held.holders.some(h => sameHolder(h, holder)))
            held.holders.push(holder);
    }
    /**
     * Records the entry about to be registered under its name (or that a package registered there),
     * keeping the holders already there. A broken entry another job registered keeps its own original:
     * that is what must come back. Returns the record it replaces, for `putBack` when it is undone.
     */
    registering(entry, existing, holder) {
        const previous = this.entries[entry.name];
        const original = existing && previous ? previous.original : existing;
        this.entries[entry.name] = { entry, original, holders: [...(previous?.holders ?? [])] };
        this.claim(entry.name, holder);
        return previous;
    }
    /** Records that a package this job installed removed an entry; a record the name has already is held instead. */
    removing(entry, holder) {
        this.entries[entry.name] ??= { entry, holders: [], removed: true };
        this.claim(entry.name, holder);
    }
    /** Undoes `registering`: the record as it was before (none when there was none). */
    putBack(name, previous) {
        if (previous)
            this.entries[name] = previous;
        else
            delete this.entries[name];
    }
    /** Notes the /etc/binfmt.d file written for an entry, which then holds it for good. */
    persisted(name, path) {
        const held = this.entries[name];
        if (!held)
            return;
        held.persisted = path;
        this.claim(name, PERSIST_HOLDER);
    }
    /** Drops records the kernel's table no longer bears out: the entry is gone or changed (a removal: the name is taken again). */
    forgetObsolete(table) {
        for (const [name, held] of Object.entries(this.entries)) {
            const current = table.get(name);
            const obsolete = held.removed ? !!current : !current || !sameHandler(current, held.entry);
            if (obsolete)
                delete this.entries[name];
        }
    }
    /** Lets go of an entry for one holder; the record is dropped with its last holder. */
    release(name, holder) {
        const held = this.entries[name];
        if (!held)
            return { kept: false };
        held.holders = held.holders.filter(h => !sameHolder(h, holder));
        if (held.holders.length > 0)
            return { kept: true };
        delete this.entries[name];
        return { kept: false, last: held };
    }
    /** Drops these holders from every record (uninstall: the command line's and persist's). */
    releaseEverywhere(holders) {
        for (const held of Object.values(this.entries))
            held.holders = held.holders.filter(h => !holders.some(r => sameHolder(r, h)));
    }
    /** Removes and returns the records nobody holds: their jobs died without a post step. */
    takeAbandoned() {
        const abandoned = Object.entries(this.entries).filter(([, held]) => held.holders.length === 0);
        for (const [name] of abandoned)
            delete this.entries[name];
        return abandoned;
    }
    /** Removes stale holders of every entry. */
    async prune(info) {
        for (const held of Object.values(this.entries)) {
            const live = [];
            for (const holder of held.holders)
                if (await isLive(holder, info))
                    live.push(holder);
            held.holders = live;
        }
    }
    toJSON() {
        return { entries: this.entries };
    }
}
/**
 * Where the ledger lives: /var/lib for root (it outlives a reboot, like entries kept with persist;
 * holders from an earlier boot are stale), else a folder of the user's. `env` is the caller's:
 * this layer reads no environment itself.
 */
function ledgerDirFor(uid, env = {}) {
    if (env.SETUP_X86_ON_ARM_LEDGER_DIR)
        return env.SETUP_X86_ON_ARM_LEDGER_DIR;
    return uid === 0 ? '/var/lib/setup-x86-on-arm' : (0,external_node_path_namespaceObject.join)(env.XDG_RUNTIME_DIR || (0,external_node_os_namespaceObject.tmpdir)(), `setup-x86-on-arm-${uid}`);
}
class Ledger {
    dir;
    info;
    clock;
    lock;
    running = 0;
    waiting = [];
    constructor(dir, options = {}) {
        this.dir = dir;
        this.info = options.info ?? procInfo;
        this.clock = options.clock ?? realClock;
        this.lock = new LockFile((0,external_node_path_namespaceObject.join)(dir, 'lock'), {
            info: this.info,
            clock: this.clock,
            waitMs: options.waitMs ?? 600_000,
            unreadableGraceMs: options.unreadableGraceMs ?? 10_000
        });
    }
    get file() {
        return (0,external_node_path_namespaceObject.join)(this.dir, 'ledger.json');
    }
    /**
     * Runs `work` with the ledger locked and its stale holders pruned; `save` writes the records now
     * (after each change), and they are saved at the end. Keep `work` to reading and writing the
     * records and the kernel's table: every other job's main and post step waits for it.
     */
    async locked(work, repair) {
        this.running++;
        try {
            await this.prepareDir();
            await this.lock.acquire();
            try {
                const data = await this.read(repair);
                const save = () => this.write(data);
                try {
                    await data.prune(this.info);
                    return await work(data, save);
                }
                finally {
                    await save();
                }
            }
            finally {
                await this.lock.release();
            }
        }
        finally {
            if (--this.running === 0)
                for (const wake of this.waiting.splice(0))
                    wake();
        }
    }
    /** Resolves once no locked section of this ledger runs (a signal handler waits for the one in progress). */
    idle() {
        return this.running === 0 ? Promise.resolve() : new Promise(resolve => this.waiting.push(resolve));
    }
    /** Takes the lock no more (a signal): a section running goes on to its end, a wait for the lock ends. */
    stop(why) {
        this.lock.refuse(why);
    }
    /** Removes the lock file at once when this process holds it: for a process exiting on a signal. */
    releaseNow() {
        this.lock.releaseNow();
    }
    async prepareDir() {
        await (0,promises_namespaceObject.mkdir)(this.dir, { recursive: true, mode: 0o700 });
        const info = await (0,promises_namespaceObject.stat)(this.dir);
        const uid = process.getuid?.() ?? 0;
        if (info.uid !== uid || (info.mode & 0o022) !== 0) {
            throw new Error(`${this.dir} must belong to uid ${uid} and not be writable by others: the post step acts on what it records`);
        }
    }
    /** The records, checked; a damaged file is set aside and its sound parts kept, with the kernel's table held. */
    async read(repair) {
        const found = await this.readFile();
        if (found === undefined)
            return new LedgerData();
        const { entries, problems } = 'unreadable' in found ? { entries: {}, problems: [found.unreadable] } : salvage(found.value);
        if (problems.length === 0)
            return new LedgerData(entries);
        const aside = `${this.file}.damaged-${new Date(this.clock.now()).toISOString().replace(/[:.]/g, '-')}`;
        await (0,promises_namespaceObject.rename)(this.file, aside);
        const table = await readTable(repair.binfmtDir);
        repair.warn(`the host's ledger ${this.file} could not be trusted (${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; ...' : ''}); ` +
            `it was moved to ${aside} and written again from the kernel's binfmt table, and none of the ${table.size} entries there ` +
            'will be removed by a post step, as other jobs may still hold them. Nothing to do for this job; if it happens again, find what ' +
            `else writes to ${this.dir}. Remove unneeded entries by hand (echo -1 > ${repair.binfmtDir}/NAME) when no job runs, or reboot.`);
        return new LedgerData(rebuild(entries, table));
    }
    /** The parsed file; undefined when there is none yet; why not when it cannot be read as JSON. */
    async readFile() {
        let text;
        try {
            const found = await (0,promises_namespaceObject.lstat)(this.file);
            if (found.isSymbolicLink())
                return { unreadable: 'it is a symbolic link, not a file' };
            if (!found.isFile())
                return { unreadable: 'it is not a regular file' };
            text = await (0,promises_namespaceObject.readFile)(this.file, { encoding: 'utf8', flag: external_node_fs_namespaceObject.constants.O_RDONLY | external_node_fs_namespaceObject.constants.O_NOFOLLOW });
        }
        catch (error) {
            if (error.code === 'ENOENT')
                return undefined;
            return { unreadable: `it cannot be read: ${error.message}` };
        }
        try {
            return { value: JSON.parse(text) };
        }
        catch (error) {
            return { unreadable: `it is not JSON: ${error.message}` };
        }
    }
    async write(data) {
        const next = `${this.file}.${process.pid}`;
        const handle = await (0,promises_namespaceObject.open)(next, external_node_fs_namespaceObject.constants.O_WRONLY | external_node_fs_namespaceObject.constants.O_CREAT | external_node_fs_namespaceObject.constants.O_TRUNC | external_node_fs_namespaceObject.constants.O_NOFOLLOW, 0o600);
        try {
            await handle.writeFile(JSON.stringify(data, null, 1));
        }
        finally {
            await handle.close();
        }
        await (0,promises_namespaceObject.rename)(next, this.file); // whole or nothing, even when killed mid-write
    }
}

;// CONCATENATED MODULE: ./src/faces/state.ts
/**
 * What the main step hands to the post step, through the runner's saved state: one typed getter
 * and setter per key, so neither step spells a key or a format itself.
 */




var State;
(function (State) {
    /** JSON list of the journal's changes, saved after every change. */
    State["Changes"] = "changes";
    State["Cleanup"] = "cleanup";
    /** JSON of this job's holder in the host's ledger. */
    State["Holder"] = "holder";
    /**
     * JSON of the container check's run id and the engines it loads images into, saved before it
     * loads any and again with no engine once it removed all it added: post asks only those engines.
     */
    State["ProbeRun"] = "probe-run";
})(State || (State = {}));
function saveChanges(changes) {
    core.saveState(State.Changes, JSON.stringify(changes));
}
/** The changes main recorded; none when it recorded nothing (or never ran). */
function savedChanges() {
    return Journal.parse(getState(State.Changes));
}
function saveCleanup(cleanup) {
    core.saveState(State.Cleanup, String(cleanup));
}
/** Whether post undoes main's changes: only an explicit cleanup: false keeps them. */
function savedCleanup() {
    return getState(State.Cleanup) !== 'false';
}
function saveHolder(holder) {
    core.saveState(State.Holder, JSON.stringify(holder));
}
/** The holder main saved; a malformed one fails naming the state key and what is wrong. */
function savedHolder() {
    return parseHolder(getState(State.Holder), `state "${State.Holder}"`);
}
function saveProbeRun(run) {
    core.saveState(State.ProbeRun, JSON.stringify(run));
}
/** Where main's container check may have left something; undefined when none ran, and a malformed one fails naming the state key. */
function savedProbeRun() {
    return parseProbeRun(getState(State.ProbeRun), `state "${State.ProbeRun}"`);
}

;// CONCATENATED MODULE: ./src/kernel/root-files.ts
/**
 * What this process creates, reads and runs, by one rule: the machine is shared, so nothing that a
 * user other than the trusted ones can change may steer it. Trusted: root, and the user this
 * process runs as (without root, its own files; as root under sudo, the admin who invoked it).
 * - Folders it works in are made fresh (mkdtemp, mode 0700) under a parent that only trusted users
 *   can change (a sticky folder such as /tmp counts: only an entry's owner may rename it).
 * - A file it reads, runs or hands to the kernel is a regular file that only trusted users can
 *   change, and so is every folder above it, as written and once links are resolved.
 * - Files a person names (an environment file) are opened without following links and without
 *   blocking on a FIFO. Node has no openat(2): a path is walked one folder at a time through
 *   /proc/self/fd, so a folder swapped for a link halfway is never followed, and a link is followed
 *   only where root made it (root's link in a folder only root can write).
 */



const { O_RDONLY, O_RDWR, O_CREAT, O_EXCL, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = external_node_fs_namespaceObject.constants;
const GROUP_OR_OTHER_WRITE = 0o022;
const STICKY = 0o1000;
/** Links followed before giving up, as the kernel's limit (ELOOP). */
const MAX_LINKS = 40;
/** Root, this process's user, and (as root) the admin who ran it through sudo. */
function trustedUids(env = process.env, uid = process.getuid?.() ?? 0) {
    const ids = new Set([0, uid]);
    if (uid === 0 && /^[1-9]\d*$/.test(env.SUDO_UID ?? ''))
        ids.add(Number(env.SUDO_UID));
    return [...ids];
}
function ownersText(owners) {
    return owners.length === 1 ? 'root' : `root or uid ${owners.filter(id => id !== 0).join(' or uid ')}`;
}
/** Why one path (not its folders) could be changed by an untrusted user; undefined when it cannot. */
async function root_files_entryProblem(path, kind, owners) {
    let s;
    try {
        s = await lstat(path);
    }
    catch (err) {
        return `${path} cannot be read (${err.code ?? err.message})`;
    }
    if (!owners.includes(s.uid))
        return `${path} is owned by uid ${s.uid}, not ${ownersText(owners)}`;
    // A link's own mode means nothing; where it leads is checked through the resolved path.
    if (s.isSymbolicLink())
        return undefined;
    if (kind === 'file' && !s.isFile())
        return `${path} is not a regular file`;
    if (kind !== 'file' && !s.isDirectory())
        return `${path} is not a folder`;
    if (s.mode & GROUP_OR_OTHER_WRITE && !(kind === 'parent' && s.mode & STICKY)) {
        return `${path} is writable by ${s.mode & 0o002 ? 'every user' : 'its group'} (mode ${(s.mode & 0o7777).toString(8)})`;
    }
    return undefined;
}
/** The path and each folder above it, checked; the first problem found. */
async function chainProblem(path, kind, owners, seen) {
    const own = await root_files_entryProblem(path, kind, owners);
    if (own)
        return own;
    for (let dir = dirname(path);; dir = dirname(dir)) {
        if (!seen.has(dir))
            seen.set(dir, await root_files_entryProblem(dir, 'parent', owners));
        const problem = seen.get(dir);
        if (problem)
            return problem;
        if (dir === dirname(dir))
            return undefined;
    }
}
/**
 * Why a file or folder could be changed by a user not among `owners` (root alone by default):
 * undefined when it cannot. `seen` remembers folders already checked, so many files walk each once.
 */
async function untrustedProblem(path, kind, owners = [0], seen = new Map()) {
    const absolute = resolve(path);
    const written = await chainProblem(absolute, kind, owners, seen);
    if (written)
        return written;
    let real;
    try {
        real = await realpath(absolute);
    }
    catch (err) {
        return `${absolute} cannot be resolved (${err.code ?? err.message})`;
    }
    return real === absolute ? undefined : chainProblem(real, kind, owners, seen);
}
/** Why a file or folder is not root's alone (the interpreter and sysroot stores); undefined when it is. */
function root_files_rootOnlyProblem(path, kind, seen) {
    return untrustedProblem(path, kind === 'directory' ? 'folder' : 'file', [0], seen);
}
/**
 * A new folder for this run (mkdtemp: a name no one can guess, made only if it did not exist,
 * mode 0700) under the first of `parents` that only trusted users can change; `mode` widens it
 * where another of root's own users must enter (apt's _apt). Throws one line naming every parent
 * and why it was passed over.
 */
async function root_files_freshFolder(parents, prefix, mode = 0o700, owners = trustedUids()) {
    const problems = [];
    // A parent is never made here: making a path as root would follow whatever links are on it.
    for (const parent of [...new Set(parents.filter(Boolean).map(p => resolve(p)))]) {
        const problem = await untrustedProblem(parent, 'parent', owners);
        if (problem) {
            problems.push(problem);
            continue;
        }
        const dir = await mkdtemp(join(parent, prefix));
        if (mode !== 0o700)
            await chmod(dir, mode);
        return dir;
    }
    throw new Error(`no folder to work in that only ${ownersText(owners)} can change: ${problems.join('; ')}; ` +
        'point RUNNER_TEMP or TMPDIR at a folder of your own that others cannot write');
}
const proc = (folder, name) => `/proc/self/fd/${folder.fd}/${name}`;
/**
 * Opens a folder by walking its path one name at a time, never following a link that someone other
 * than root could have made. The caller closes the handle.
 */
async function openFolder(path) {
    let folder = await open('/', O_RDONLY | O_DIRECTORY);
    const pending = resolve(path).split('/').filter(Boolean);
    let links = 0;
    try {
        while (pending.length) {
            const name = pending.shift();
            if (name === '.')
                continue;
            let next;
            try {
                next = await open(proc(folder, name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
            }
            catch (error) {
                const code = error.code;
                const info = code === 'ELOOP' || code === 'ENOTDIR' ? await lstat(proc(folder, name)) : undefined;
                if (!info?.isSymbolicLink())
                    throw error;
                const here = await folder.stat();
                const rootMade = info.uid === 0 && here.uid === 0 && (!(here.mode & GROUP_OR_OTHER_WRITE) || here.mode & STICKY);
                if (!rootMade) {
                    throw new Error(`${path}: ${name} is a link someone other than root may have made; give the path without links`, { cause: error });
                }
                if (++links > MAX_LINKS)
                    throw new Error(`${path} goes through more than ${MAX_LINKS} links`, { cause: error });
                const target = await readlink(proc(folder, name));
                if (target.startsWith('/')) {
                    await folder.close();
                    folder = await open('/', O_RDONLY | O_DIRECTORY);
                }
                pending.unshift(...target.split('/').filter(Boolean));
                continue;
            }
            await folder.close();
            folder = next;
        }
        return folder;
    }
    catch (error) {
        await folder.close();
        throw error;
    }
}
/**
 * Rewrites a text file a person named (`update` gets its text, '' when it does not exist yet)
 * without following a link at any step. An existing file must be a regular file with one name,
 * owned by root or by the owner of its folder; a new one is made there (never through a link) and
 * given to the folder's owner, as if that user had made it (or, with create false, nothing happens).
 * Unchanged text writes nothing.
 */
async function updateTextFile(path, update, create = true) {
    const folder = await openFolder(dirname(resolve(path))).catch(error => {
        if (error.code !== 'ENOENT')
            throw error;
        throw new Error(`the folder of ${path} does not exist`, { cause: error });
    });
    let file;
    try {
        const at = proc(folder, basename(path));
        const owner = await folder.stat();
        try {
            file = await open(at, O_RDWR | O_NOFOLLOW | O_NONBLOCK);
        }
        catch (error) {
            const code = error.code;
            if (code === 'ELOOP')
                throw new Error(`${path} is a link: give the file itself`, { cause: error });
            if (code !== 'ENOENT')
                throw error;
            if (!create)
                return;
            file = await open(at, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
            if (process.getuid?.() === 0)
                await file.chown(owner.uid, owner.gid);
        }
        const info = await file.stat();
        if (!info.isFile())
            throw new Error(`${path} is not a regular file`);
        if (info.nlink > 1)
            throw new Error(`${path} has ${info.nlink} names (hard links): give a file of its own`);
        if (info.uid !== 0 && info.uid !== owner.uid) {
            throw new Error(`${path} is owned by uid ${info.uid}, neither root nor the owner of its folder (uid ${owner.uid})`);
        }
        const text = (await file.readFile()).toString('utf8');
        const next = update(text);
        if (next === text)
            return;
        await file.truncate(0);
        await file.write(next, 0, 'utf8');
    }
    finally {
        await file?.close();
        await folder.close();
    }
}
/** A regular file's text, read without following a link or blocking on a FIFO; undefined when it does not exist. */
async function readRegularText(path) {
    let file;
    try {
        file = await open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    }
    catch (error) {
        const code = error.code;
        if (code === 'ENOENT')
            return undefined;
        if (code === 'ELOOP')
            throw new Error(`${path} is a link: give the file itself`, { cause: error });
        throw error;
    }
    try {
        if (!(await file.stat()).isFile())
            throw new Error(`${path} is not a regular file`);
        return (await file.readFile()).toString('utf8');
    }
    finally {
        await file.close();
    }
}

;// CONCATENATED MODULE: ./src/install/libraries/archive.ts

const UBUNTU_PRIMARY = 'http://archive.ubuntu.com/ubuntu';
const UBUNTU_SECURITY = 'http://security.ubuntu.com/ubuntu';
const UBUNTU_PORTS = 'http://ports.ubuntu.com/ubuntu-ports';
const COMPONENTS = {
    debian: ['main', 'contrib', 'non-free', 'non-free-firmware'],
    ubuntu: ['main', 'restricted', 'universe', 'multiverse']
};
/** Debian machines may name their suites by role instead of codename. */
const DEBIAN_SUITE_ALIASES = (/* unused pure expression or super */ null && (['oldoldstable', 'oldstable', 'stable', 'testing', 'unstable', 'sid', 'experimental']));
/** Ubuntu's primary archive serves these; the ports archive serves every other architecture. */
const UBUNTU_PRIMARY_ARCHES = (/* unused pure expression or super */ null && (['amd64', 'i386']));
function isSecuritySuite(suite) {
    return /-security$|\/updates$/.test(suite);
}
function suiteBelongs(suite, distribution) {
    const release = suite.split(/[-/]/)[0];
    if (release !== '' && release === distribution.codename)
        return true;
    return distribution.family === 'debian' && DEBIAN_SUITE_ALIASES.includes(release);
}
/** Addresses the distribution's archives live at (or apt's mirror lists, which GitHub's Ubuntu runners use). */
function uriLooksLikeDistribution(uri, distribution) {
    if (uri.startsWith('mirror+'))
        return true;
    if (distribution.family === 'ubuntu')
        return /\/ubuntu(-ports)?\/?$/.test(uri) && !/launchpad/i.test(uri);
    return /\/debian(-security)?\/?$/.test(uri) || /\/debian(-security)?\/\d{8}T\d{6}Z\/?$/.test(uri);
}
/** The distribution's own entries: its suites and components, signed with its archive keyring (or, unsigned-by, at its archive's path). */
function isDistributionEntry(entry, distribution) {
    if (!entry.suites.every(suite => suiteBelongs(suite, distribution)))
        return false;
    if (!entry.components.length || !entry.components.every(c => COMPONENTS[distribution.family].includes(c)))
        return false;
    const keyring = entry.signedBy;
    if (keyring && !keyring.includes('\n')) {
        return keyring.split(/\s+/).every(file => (file.split('/').pop() ?? '').startsWith(`${distribution.family}-archive`));
    }
    return entry.uris.every(uri => uriLooksLikeDistribution(uri, distribution));
}
function atLeast(release, major, minor) {
    const [a, b] = release.split('.').map(Number);
    return a > major || (a === major && (b ?? 0) >= minor);
}
/** The Ubuntu archive that serves an architecture, given where the machine's entry points. */
function ubuntuUriFor(uri, suite, arch, distribution) {
    const onPorts = /\/ubuntu-ports\/?$/.test(uri) || /^\w+:\/\/ports\./.test(uri);
    // Ubuntu 25.10 and later serve arm64 from the primary archive too.
    const primaryServes = UBUNTU_PRIMARY_ARCHES.includes(arch) || (arch === 'arm64' && atLeast(distribution.release, 25, 10));
    if (onPorts ? !UBUNTU_PRIMARY_ARCHES.includes(arch) : primaryServes)
        return uri;
    if (!onPorts)
        return UBUNTU_PORTS;
    return isSecuritySuite(suite) ? UBUNTU_SECURITY : UBUNTU_PRIMARY;
}
/** The distribution's archive keyring as its keyring package installs it (Debian 13 also ships it as .pgp). */
function archive_archiveKeyring(distribution, extension = 'gpg') {
    return `/usr/share/keyrings/${distribution.family}-archive-keyring.${extension}`;
}
/** What a mirror stands in for when the machine's sources name no archive of the distribution. */
function defaultEntry(distribution, keyring) {
    const codename = distribution.codename;
    if (!codename)
        return undefined;
    return {
        uris: [''],
        suites: [codename, `${codename}-updates`, `${codename}-security`],
        components: ['main'],
        signedBy: keyring,
        file: 'the distribution default'
    };
}
/**
 * The stanzas for the private apt: every (address, suite) the architectures need, merged back
 * into as few stanzas as the input had. Undefined when the machine's sources name no archive of
 * the distribution and no mirror is given.
 */
function archiveStanzas(entries, distribution, arches, mirror = [], keyring = archive_archiveKeyring(distribution)) {
    let own = entries
        .filter(entry => isDistributionEntry(entry, distribution))
        .map(entry => ({ ...entry, signedBy: entry.signedBy ?? keyring }));
    if (own.length === 0) {
        const fallback = mirror.length ? defaultEntry(distribution, keyring) : undefined;
        if (!fallback)
            return undefined;
        own = [fallback];
    }
    const bySuite = new Map();
    for (const arch of arches) {
        for (const entry of own) {
            for (const uri of entry.uris) {
                for (const suite of entry.suites) {
                    const chosen = mirror.length
                        ? (isSecuritySuite(suite) && mirror[1]) || mirror[0]
                        : distribution.family === 'ubuntu'
                            ? ubuntuUriFor(uri, suite, arch, distribution)
                            : uri;
                    const key = JSON.stringify([chosen, suite, entry.signedBy ?? '']);
                    const item = bySuite.get(key) ?? { uri: chosen, suite, signedBy: entry.signedBy, components: new Set(), arches: new Set() };
                    entry.components.forEach(c => item.components.add(c));
                    item.arches.add(arch);
                    bySuite.set(key, item);
                }
            }
        }
    }
    const stanzas = new Map();
    for (const item of bySuite.values()) {
        const components = [...item.components];
        const itemArches = [...item.arches];
        const key = JSON.stringify([item.uri, item.signedBy ?? '', components, itemArches]);
        const keyring = item.signedBy ? { signedBy: item.signedBy } : {};
        const stanza = stanzas.get(key) ?? { uri: item.uri, suites: [], components, arches: itemArches, ...keyring };
        stanza.suites.push(item.suite);
        stanzas.set(key, stanza);
    }
    return [...stanzas.values()];
}
/** deb822 text of the stanzas (an inline key keeps its lines, an empty one written as " ."). */
function renderSources(stanzas) {
    return stanzas
        .map(stanza => {
        const lines = [
            'Types: deb',
            `URIs: ${stanza.uri}`,
            `Suites: ${stanza.suites.join(' ')}`,
            `Components: ${stanza.components.join(' ')}`,
            `Architectures: ${stanza.arches.join(' ')}`
        ];
        if (stanza.signedBy?.includes('\n'))
            lines.push('Signed-By:', ...stanza.signedBy.split('\n').map(line => ` ${line || '.'}`));
        else if (stanza.signedBy)
            lines.push(`Signed-By: ${stanza.signedBy}`);
        return lines.join('\n') + '\n';
    })
        .join('\n');
}
/** The private apt's sources text; throws when there is no archive to take the packages from. */
function archive_privateSources(entries, distribution, arches, mirror = [], keyring = archive_archiveKeyring(distribution)) {
    const stanzas = archiveStanzas(entries, distribution, arches, mirror, keyring);
    if (!stanzas) {
        throw new LibrariesError('libraries', `the machine's apt sources name no archive of ${distribution.name} ` +
            `(no entry for its suites ${distribution.codename || '(none)'} with its archive keyring)`, "set libraries-mirror to the address of the distribution's archive or a mirror of it");
    }
    return renderSources(stanzas);
}

;// CONCATENATED MODULE: ./src/kernel/scratch.ts
/**
 * Folders this process is writing outside its run's own scratch folder (a root-only download in
 * the interpreter store's incoming folder): a signal's way out removes them with the rest
 * (faces/signals.ts), and the code that made one drops it here when it removes it itself.
 */
const live = new Set();
function scratch_holdScratch(dir) {
    live.add(dir);
}
function scratch_dropScratch(dir) {
    live.delete(dir);
}
/** The folders held now. */
function heldScratch() {
    return [...live];
}

;// CONCATENATED MODULE: ./src/install/libraries/cache.ts
/**
 * The sysroot cache in the tool cache. A sysroot's folder is named by what is in it: the
 * distribution and release, the architectures and the sorted list of resolved
 * package:arch=version, so a second job reuses it and a security update makes a new one.
 * A folder appears whole or not at all: it is built in a temporary sibling and renamed into
 * place. A request record (the asked-for names and the sources they came from -> the sysroot
 * they resolved to, and when) lets a warm run skip apt altogether while the record is recent.
 */





/** The cache's folder under the tool cache. */
const SYSROOT_CACHE_FOLDER = 'setup-x86-on-arm-sysroot';
/** Raised when the way a sysroot is made changes, so older trees are not taken for new ones (2: sanitized). */
const LAYOUT = 2;
const TEMP_PREFIX = '.tmp-';
/** A temporary folder this old belongs to a run that died; removing it frees the space. */
const ABANDONED_AFTER_MS = (/* unused pure expression or super */ null && (60 * 60 * 1000));
function digest(value) {
    return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}
function safe(text) {
    return text.replace(/[^A-Za-z0-9.+-]/g, '_');
}
/** The folder name of a sysroot holding exactly these packages. */
function cache_sysrootKey(distribution, arches, packages) {
    const sortedArches = [...new Set(arches)].sort();
    const ids = [...new Set(packages.map(packageId))].sort();
    const hash = digest({ layout: LAYOUT, id: distribution.id, release: distribution.release, arches: sortedArches, packages: ids });
    return safe(`${distribution.id}-${distribution.release}-${sortedArches.join('+')}-${hash}`);
}
/** The key of a request: the same names from the same archive for the same architectures. */
function cache_requestKey(distribution, arches, names, sources) {
    const { id, release } = distribution;
    return digest({ layout: LAYOUT, id, release, arches: [...new Set(arches)].sort(), names: [...new Set(names)].sort(), sources });
}
function recordPath(cacheDir, request) {
    return join(cacheDir, 'requests', `${request}.json`);
}
async function cache_readRecord(cacheDir, request) {
    try {
        const record = JSON.parse(await readFile(recordPath(cacheDir, request), 'utf8'));
        const whole = typeof record.sysroot === 'string' && Array.isArray(record.packages) && typeof record.resolvedAt === 'number';
        return whole ? record : undefined;
    }
    catch {
        return undefined;
    }
}
/** Writes the record whole (temporary file, then rename), so a reader never sees half of one. */
async function cache_writeRecord(cacheDir, request, record) {
    const path = recordPath(cacheDir, request);
    await mkdir(join(cacheDir, 'requests'), { recursive: true });
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, JSON.stringify(record) + '\n');
    await rename(temporary, path);
}
async function cache_exists(path) {
    try {
        await stat(path);
        return true;
    }
    catch {
        return false;
    }
}
/**
 * The sysroot folder for key: the one already there, or one build() makes in a temporary
 * sibling (root, with scratch space beside it), renamed into place when it is complete. When
 * build() throws, or another job finishes the same folder first, nothing of this run stays.
 */
async function cache_publishSysroot(cacheDir, key, build) {
    const path = join(cacheDir, key);
    if (await cache_exists(path))
        return { path, made: false };
    await mkdir(cacheDir, { recursive: true });
    const work = await mkdtemp(join(cacheDir, `${TEMP_PREFIX}${key}-`));
    // A signal's way out removes it too (faces/signals.ts).
    holdScratch(work);
    try {
        const scratch = join(work, 'unpacked');
        await mkdir(scratch);
        await build(join(work, 'root'), scratch);
        try {
            await rename(join(work, 'root'), path);
            return { path, made: true };
        }
        catch (error) {
            const code = error.code;
            if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await cache_exists(path)))
                return { path, made: false };
            throw error;
        }
    }
    finally {
        await rm(work, { recursive: true, force: true });
        dropScratch(work);
    }
}
/** Removes temporary folders runs that died left behind (a live run's are younger). */
async function cache_removeAbandoned(cacheDir, now = Date.now()) {
    let names;
    try {
        names = await readdir(cacheDir);
    }
    catch {
        return;
    }
    for (const name of names.filter(n => n.startsWith(TEMP_PREFIX))) {
        const path = join(cacheDir, name);
        try {
            if (now - (await stat(path)).mtimeMs > ABANDONED_AFTER_MS)
                await rm(path, { recursive: true, force: true });
        }
        catch {
            // another run removed it first
        }
    }
}
/** Takes a sysroot out of the cache: renamed aside first, so no one finds it half removed. */
async function cache_discardSysroot(cacheDir, key) {
    const aside = join(cacheDir, `${TEMP_PREFIX}discarded-${key}-${process.pid}-${Date.now()}`);
    try {
        await rename(join(cacheDir, key), aside);
    }
    catch {
        return;
    }
    await rm(aside, { recursive: true, force: true });
}

;// CONCATENATED MODULE: ./src/install/libraries/distribution.ts
/**
 * Which distribution the machine runs, from os-release(5): its id and release name the cache
 * key, its family decides how the archive for another architecture is found (Debian serves
 * every architecture from one archive; Ubuntu splits them between two), and its codename tells
 * the distribution's own suites from a third party's in the machine's apt sources.
 */

/** Parses os-release's KEY=value lines (values optionally quoted, with backslash escapes). */
function distribution_parseOsRelease(text) {
    const fields = {};
    for (const line of text.split('\n')) {
        const match = /^\s*([A-Z0-9_]+)=(.*?)\s*$/.exec(line);
        if (!match)
            continue;
        let value = match[2];
        const quote = value[0];
        if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
            value = value.slice(1, -1);
            if (quote === '"')
                value = value.replace(/\\(["\\$`])/g, '$1');
        }
        fields[match[1]] = value;
    }
    return fields;
}
/** The distribution an os-release describes; undefined when it is neither Debian nor Ubuntu (nor based on one). */
function distribution_distributionOf(fields) {
    const id = (fields.ID ?? '').toLowerCase();
    const like = (fields.ID_LIKE ?? '').toLowerCase().split(/\s+/);
    const family = id === 'ubuntu' || like.includes('ubuntu') ? 'ubuntu' : id === 'debian' || like.includes('debian') ? 'debian' : undefined;
    if (!family || !id)
        return undefined;
    // Derivatives (Mint, Pop!_OS) name the Ubuntu release their archive entries use.
    const codename = (family === 'ubuntu' ? fields.UBUNTU_CODENAME || fields.VERSION_CODENAME : fields.VERSION_CODENAME) ?? '';
    return { id, family, release: fields.VERSION_ID || codename || 'unknown', codename, name: fields.PRETTY_NAME || id };
}
/** Reads the machine's os-release (/etc, else /usr/lib as the man page says); the text, or undefined. */
async function distribution_readOsRelease(path) {
    for (const candidate of path ? [path] : ['/etc/os-release', '/usr/lib/os-release']) {
        try {
            return await readFile(candidate, 'utf8');
        }
        catch {
            // try the next place
        }
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/kernel/elf.ts
/** Just enough ELF reading to tell what a file is for and whether it is statically linked. */


const PT_INTERP = 3;
/** Parses an ELF file's header and program headers; undefined when it is not ELF. */
function parseElf(header, programHeaders) {
    if (header.length < 52 || header.readUInt32BE(0) !== 0x7f454c46)
        return undefined;
    const bits = header[4] === 2 ? 64 : header[4] === 1 ? 32 : undefined;
    const littleEndian = header[5] === 1;
    if (!bits || (bits === 64 && header.length < 64))
        return undefined;
    const u16 = (at) => (littleEndian ? header.readUInt16LE(at) : header.readUInt16BE(at));
    const u32 = (b, at) => (littleEndian ? b.readUInt32LE(at) : b.readUInt32BE(at));
    const machine = u16(18);
    const phoff = bits === 64 ? Number(littleEndian ? header.readBigUInt64LE(32) : header.readBigUInt64BE(32)) : u32(header, 28);
    const phentsize = u16(bits === 64 ? 54 : 42);
    const phnum = u16(bits === 64 ? 56 : 44);
    const table = phnum ? programHeaders(phoff, phentsize * phnum) : Buffer.alloc(0);
    if (!table || table.length < phentsize * phnum)
        return undefined;
    let isStatic = true;
    for (let i = 0; i < phnum; i++)
        if (u32(table, i * phentsize) === PT_INTERP)
            isStatic = false;
    return { bits, littleEndian, machine, isStatic, header: header.subarray(0, 128) };
}
/**
 * Reads an ELF file's identity; undefined when the file is missing, not a regular file or not
 * ELF. Opened without blocking so a FIFO put where a program was expected cannot hang the
 * caller; followLinks false refuses a link in the last place (for paths already resolved).
 */
async function elf_readElf(path, { followLinks = true } = {}) {
    let file;
    try {
        file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | (followLinks ? 0 : constants.O_NOFOLLOW));
    }
    catch {
        return undefined;
    }
    try {
        if (!(await file.stat()).isFile())
            return undefined;
        // Program headers sit right after the ELF header in every linker's output: 64 KiB holds them.
        const buffer = Buffer.alloc(65536);
        const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
        const data = buffer.subarray(0, bytesRead);
        return parseElf(data, (offset, length) => (offset + length <= data.length ? data.subarray(offset, offset + length) : undefined));
    }
    finally {
        await file.close();
    }
}

;// CONCATENATED MODULE: ./src/install/libraries/loader.ts





/** Each platform's dynamic loader, as glibc programs name it, relative to the root. */
const LOADERS = perTarget(p => p.loader);
/** Symbolic links followed before giving up, as the kernel's limit (ELOOP). */
const loader_MAX_LINKS = 40;
/**
 * Resolves a path inside root, following links the way a chroot would but refusing the ones
 * that leave it. The real path relative to root, or why there is none (with leaves set when a
 * link takes it out of root, rather than a part missing or a loop).
 */
async function loader_resolveInside(root, path) {
    const pending = path.split('/');
    const done = [];
    let links = 0;
    while (pending.length) {
        const name = pending.shift();
        if (name === '' || name === '.')
            continue;
        if (name === '..') {
            if (!done.length)
                return { problem: `${path} leads above the sysroot`, leaves: true };
            done.pop();
            continue;
        }
        const here = [...done, name].join('/');
        let info;
        try {
            info = await lstat(join(root, here));
        }
        catch {
            return { problem: `${path} is missing${here !== path ? ` (no ${here})` : ''}` };
        }
        if (!info.isSymbolicLink()) {
            done.push(name);
            continue;
        }
        if (++links > loader_MAX_LINKS)
            return { problem: `${path} goes through more than ${loader_MAX_LINKS} links` };
        const target = await readlink(join(root, here));
        if (target.startsWith('/')) {
            return { problem: `${here} links to ${target}, outside the sysroot (QEMU follows links on the host's side)`, leaves: true };
        }
        pending.unshift(...target.split('/'));
    }
    return { path: done.join('/') };
}
function kindOf(info) {
    if (info.isDirectory())
        return 'a folder';
    if (info.isFIFO())
        return 'a FIFO';
    if (info.isSocket())
        return 'a socket';
    return 'a device node';
}
/** What keeps a sysroot from serving the targets' programs; undefined when nothing does. */
async function loader_sysrootProblem(dir, targets, shownAs = dir) {
    try {
        if (!(await stat(dir)).isDirectory())
            return `${shownAs} is not a folder`;
    }
    catch {
        return `${shownAs} does not exist`;
    }
    for (const target of new Set(targets)) {
        const loader = LOADERS[target];
        const found = await loader_resolveInside(dir, loader);
        if ('problem' in found)
            return `${shownAs} holds no dynamic loader for ${target}: ${found.problem}`;
        // A FIFO there would block the read forever; a folder or device is no loader either.
        const info = await lstat(join(dir, found.path));
        if (!info.isFile())
            return `${shownAs}/${loader} is not a regular file (it is ${kindOf(info)})`;
        const elf = await readElf(join(dir, found.path), { followLinks: false });
        const platform = elf && platformOfHeader(elf.header);
        if (platform?.target !== target) {
            return `${shownAs}/${loader} is no loader for ${target} (${platform ? `it is for ${platform.target}` : 'not an ELF file'})`;
        }
    }
    return undefined;
}
/** Throws the sysroot's problem as one line about the input it came from (naming dir as shownAs). */
async function loader_checkSysroot(dir, targets, input = 'sysroot', shownAs = dir) {
    const problem = await loader_sysrootProblem(dir, targets, shownAs);
    if (!problem)
        return;
    if (input === 'libraries') {
        const fix = 'add base (libc6 holds the loader) to libraries';
        throw new LibrariesError('libraries', `the packages made a sysroot without a loader: ${problem}`, fix);
    }
    throw new LibrariesError('sysroot', problem, 'give a root filesystem of the emulated platform (for example from docker export of an image for it) with relative links, ' +
        'or use libraries: base instead');
}

;// CONCATENATED MODULE: external "node:url"
const external_node_url_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");
;// CONCATENATED MODULE: ./src/install/libraries/private-apt.ts
/**
 * apt on private state: its own sources file, lists, cache, log, preferences, an empty dpkg
 * status and its own configuration (APT_CONFIG points the configuration parts at an empty
 * folder, so the machine's hooks, such as command-not-found's or appstream's update hooks, do not
 * run and its pins do not apply; only its Acquire:: network settings are carried over). The
 * architectures are set outright, so `dpkg --add-architecture` is never needed. apt still checks
 * the Release signatures with the keyrings the sources name; nothing here turns that off. Names
 * are only ever names: apt takes a name no package has as a pattern unless told not to. A file:
 * archive's packages, which apt leaves where they lie, are copied into the cache and checked
 * against the signed index. The machine's /etc/apt, /var/lib/apt, /var/lib/dpkg and their locks
 * are never written.
 */










const NO_APT_FIX = "use input 'sysroot' with a root filesystem of the platform instead";
function noApt(distribution) {
    const problem = `this machine (${distribution.name}) has no apt-get, which fetches the distribution's packages`;
    return new LibrariesError('libraries', problem, NO_APT_FIX);
}
function missingProgram(result) {
    return result.code === 127 && /ENOENT/.test(result.stderr);
}
/** The names to ask apt for: plain for the native architecture, name:arch for the others. */
function qualifiedNames(names, arches) {
    return arches.flatMap((arch, i) => names.map(name => (i === 0 ? name : `${name}:${arch}`)));
}
/** apt's options for the private state in dir (apart from the configuration file APT_CONFIG names). */
function privateOptions(dir, arches) {
    const settings = [
        `APT::Architecture=${arches[0]}`,
        `APT::Architectures=${arches.join(',')}`,
        `Dir::State=${dir}/state`,
        `Dir::State::Lists=${dir}/state/lists`,
        `Dir::State::status=${dir}/state/status`,
        `Dir::Cache=${dir}/cache`,
        'Dir::Cache::srcpkgcache=',
        `Dir::Etc::SourceList=${dir}/sources.list`,
        `Dir::Etc::SourceParts=${dir}/sources.list.d`,
        `Dir::Etc::Preferences=${dir}/preferences`,
        `Dir::Etc::PreferencesParts=${dir}/preferences.d`,
        `Dir::Log=${dir}/log`,
        'Acquire::Languages=none',
        'Acquire::AllowInsecureRepositories=false',
        'Acquire::AllowDowngradeToInsecureRepositories=false',
        'APT::Get::AllowUnauthenticated=false',
        'APT::Install-Recommends=false',
        'APT::Install-Suggests=false',
        // Else a name no package has is tried as a regular expression (zlib1g.dev installs zlib1g-dev).
        'APT::Cmd::Pattern-Only=true'
    ];
    return settings.flatMap(setting => ['-o', setting]);
}
/** Makes the private state folder and its configuration; throws when the machine has no apt. */
async function private_apt_openPrivateApt(options) {
    const { arches, distribution } = options;
    const dump = await runProgram('apt-config', ['dump'], { timeoutMs: 30_000 });
    if (missingProgram(dump))
        throw noApt(distribution);
    // Fresh, under a parent no untrusted user can change: root's apt reads its configuration from here.
    // apt fetches as the unprivileged _apt user when run as root: it must be able to reach the lists.
    const dir = await freshFolder([options.tempDir], 'setup-x86-on-arm-apt-', 0o755);
    holdScratch(dir);
    if (/["\n]/.test(dir))
        throw new Error(`the temporary folder ${dir} has a character apt's configuration cannot hold`);
    for (const sub of ['state/lists/partial', 'cache/archives/partial', 'sources.list.d', 'preferences.d', 'apt.conf.d', 'log']) {
        await mkdir(join(dir, sub), { recursive: true });
    }
    await writeFile(join(dir, 'state/status'), '');
    await writeFile(join(dir, 'sources.list.d/archive.sources'), options.sources);
    const config = [`Dir::Etc::Main "${dir}/apt.conf.main";`, `Dir::Etc::Parts "${dir}/apt.conf.d";`, ...acquireSettings(dump.stdout)];
    await writeFile(join(dir, 'apt.conf'), config.join('\n') + '\n');
    const env = { ...process.env, APT_CONFIG: join(dir, 'apt.conf'), LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive' };
    delete env.LANGUAGE;
    const aptGet = async (args, timeoutMs) => {
        const result = await runProgram('apt-get', [...privateOptions(dir, arches), ...args], { env, timeoutMs });
        if (missingProgram(result))
            throw noApt(distribution);
        return result;
    };
    const archiveName = `${distribution.name}'s archive for ${arches.join(' and ')}`;
    return {
        dir,
        async update() {
            const result = await aptGet(['-q', 'update'], 300_000);
            const failure = updateFailure(result.stdout + '\n' + result.stderr, result.code);
            if (!failure) {
                // apt only notes an archive without the architecture; with no index for it, nothing could resolve.
                const lists = await readdir(join(dir, 'state/lists'));
                const absent = arches.filter(arch => !lists.some(name => name.includes(`_binary-${arch}_Packages`)));
                if (!absent.length)
                    return;
                throw new LibrariesError('libraries', `${distribution.name}'s archive has no packages for ${absent.join(', ')}`, 'leave that platform out of libraries, or set libraries-mirror to an archive that builds for it');
            }
            if (failure.kind === 'signature') {
                throw new LibrariesError('libraries', `the Release signature of ${failure.where} does not verify (${failure.detail})`, "install the distribution's archive keyring that the machine's sources name (Signed-By), " +
                    "or set libraries-mirror to a mirror that serves the distribution's signed files");
            }
            if (failure.kind === 'unreachable') {
                const fix = 'check the network, or set libraries-mirror to a reachable mirror of the archive';
                throw new LibrariesError('libraries', `the archive ${failure.where} does not answer (${failure.detail})`, fix);
            }
            const fix = 'check the archive address, or set libraries-mirror';
            throw new LibrariesError('libraries', `apt-get update of ${archiveName} failed (${failure.detail})`, fix);
        },
        async resolve(names) {
            const noPackage = (missing) => new LibrariesError('libraries', `no package ${missing.join(', ')} in ${archiveName}`, "check the spelling against the distribution's package names (apt-cache search on a machine of it), or leave it out");
            const simulate = (more, of) => aptGet(['-s', ...more, 'install', '--no-install-recommends', ...qualifiedNames(of, arches)], 120_000);
            const result = await simulate(['-q'], names);
            if (result.code === 0) {
                const packages = parseSimulation(result.stdout);
                // apt before 2.0 ignores Pattern-Only; a virtual package resolves to other names too. Only
                // apt's notes (at quiet level 0) tell a pattern from a virtual package.
                const unsure = notResolvedByName(names, arches, packages);
                if (unsure.length) {
                    const again = await simulate(['-o', 'quiet=0'], unsure);
                    const patterns = patternNames(again.stdout + '\n' + again.stderr).filter(name => unsure.includes(name));
                    if (patterns.length)
                        throw noPackage(patterns);
                }
                return packages;
            }
            const failure = resolveFailure(result.stdout + '\n' + result.stderr);
            if (failure.kind === 'missing') {
                const known = await machineKnows(failure.names);
                const elsewhere = failure.names.filter(name => known.has(name));
                if (elsewhere.length) {
                    throw new LibrariesError('libraries', `${elsewhere.join(', ')} ${elsewhere.length > 1 ? 'are' : 'is'} not built for ${arches.join(' or ')} ` +
                        `in ${distribution.name}'s archive (the machine's own lists have it)`, "leave it out, or use input 'sysroot' with a root filesystem that holds it");
                }
                throw noPackage(failure.names);
            }
            if (failure.kind === 'broken') {
                const problem = `the packages cannot be installed together for ${arches.join(', ')}: ${failure.detail}`;
                throw new LibrariesError('libraries', problem, 'leave out the package that pulls it in');
            }
            const problem = `apt could not resolve the packages in ${archiveName} (${failure.detail})`;
            throw new LibrariesError('libraries', problem, 'check the package names');
        },
        async download(packages) {
            // Exact versions: what is fetched is what the cache key was computed from.
            const install = ['-q', '-y', '--download-only', 'install', '--no-install-recommends', ...packages.map(packageId)];
            const result = await aptGet(install, 900_000);
            if (result.code !== 0) {
                const problem = `downloading the packages failed (${downloadFailure(result.stdout + '\n' + result.stderr)})`;
                throw new LibrariesError('libraries', problem, 'run again; if it persists, set libraries-mirror');
            }
            const archives = join(dir, 'cache/archives');
            const present = new Set(await readdir(archives));
            const absent = packages.map(debFileName).filter(file => !present.has(file));
            if (absent.length) {
                // apt leaves a file: archive's packages where they lie; it still says where, with the signed index's hash.
                const listed = await aptGet(['-o', 'Acquire::ForceHash=SHA256', '--print-uris', ...install], 120_000);
                const local = parsePrintUris(listed.stdout).filter(uri => absent.includes(uri.file) && uri.uri.startsWith('file:'));
                const lost = absent.filter(file => !local.some(uri => uri.file === file));
                if (lost.length)
                    throw new Error(`apt-get reported success but did not store ${lost.join(', ')}`);
                for (const uri of local)
                    await copyChecked(uri, join(archives, uri.file));
            }
            return packages.map(p => join(archives, debFileName(p)));
        },
        async remove() {
            await rm(dir, { recursive: true, force: true });
            dropScratch(dir);
        }
    };
}
/** Names asked of one apt-cache: a few hundred are still a short command line. */
const LOOKUP_BATCH = 100;
/** The names the machine's own apt (its usual lists, read only) has a package by, asked a batch at a time. */
async function machineKnows(names) {
    const env = { ...process.env, LC_ALL: 'C' };
    const known = new Set();
    for (let i = 0; i < names.length; i += LOOKUP_BATCH) {
        const args = ['-o', 'APT::Cmd::Pattern-Only=true', 'policy', ...names.slice(i, i + LOOKUP_BATCH)];
        const result = await runProgram('apt-cache', args, { timeoutMs: 60_000, env });
        if (result.code === 0)
            for (const name of namesWithCandidate(result.stdout))
                known.add(name);
    }
    return known;
}
const { O_RDONLY: private_apt_O_RDONLY, O_WRONLY, O_CREAT: private_apt_O_CREAT, O_EXCL: private_apt_O_EXCL, O_NOFOLLOW: private_apt_O_NOFOLLOW, O_NONBLOCK: private_apt_O_NONBLOCK } = external_node_fs_namespaceObject.constants;
/**
 * Copies a package from a file: archive to `to`, checked against the SHA256 apt printed (from the
 * signed index): the archive's folder may be one others can write, so only the hash vouches for it.
 */
async function copyChecked(uri, to) {
    const refuse = (problem, fix) => new LibrariesError('libraries', problem, fix);
    const repair = "make the mirror again from the distribution's archive, or set libraries-mirror to another one";
    if (!uri.sha256) {
        const fix = 'use a mirror whose indexes carry SHA256 sums, as every Debian and Ubuntu archive does';
        throw refuse(`the archive's index gives no SHA256 for ${uri.file}, so the copy at ${uri.uri} cannot be checked`, fix);
    }
    let from;
    try {
        from = fileURLToPath(uri.uri);
    }
    catch {
        throw refuse(`apt names ${uri.uri} for ${uri.file}, which is not a file on this machine`, repair);
    }
    let source;
    try {
        source = await open(from, private_apt_O_RDONLY | private_apt_O_NOFOLLOW | private_apt_O_NONBLOCK);
    }
    catch (error) {
        const code = error.code;
        const unlinked = 'give the archive with the package files themselves, not links to them';
        if (code === 'ELOOP')
            throw refuse(`${from} in the file: archive is a link`, unlinked);
        throw refuse(`cannot open ${from} in the file: archive (${code})`, repair);
    }
    try {
        const info = await source.stat();
        if (!info.isFile())
            throw refuse(`${from} in the file: archive is not a regular file`, repair);
        if (info.size !== uri.size)
            throw refuse(`${from} has ${info.size} bytes; the archive's signed index says ${uri.size}`, repair);
        const target = await open(to, O_WRONLY | private_apt_O_CREAT | private_apt_O_EXCL | private_apt_O_NOFOLLOW, 0o644);
        const hash = createHash('sha256');
        try {
            const buffer = Buffer.alloc(1024 * 1024);
            // No further than the signed size, whatever the file grows to meanwhile.
            for (let done = 0; done < uri.size;) {
                const { bytesRead } = await source.read(buffer, 0, Math.min(buffer.length, uri.size - done), null);
                if (!bytesRead)
                    break;
                hash.update(buffer.subarray(0, bytesRead));
                await target.write(buffer, 0, bytesRead);
                done += bytesRead;
            }
        }
        finally {
            await target.close();
        }
        const actual = hash.digest('hex');
        if (actual !== uri.sha256) {
            await unlink(to);
            throw refuse(`${from} does not match the archive's signed index (SHA256 ${actual}, expected ${uri.sha256})`, repair);
        }
    }
    finally {
        await source.close();
    }
}

;// CONCATENATED MODULE: ./src/install/libraries/sources.ts
/**
 * The machine's apt sources, read as apt reads them (sources.list(5)): the one-line format of
 * sources.list and sources.list.d/*.list, and the deb822 stanzas of sources.list.d/*.sources.
 * Only what finding an archive needs is kept: where (URIs), which suites and components, and
 * which keyring signs it (Signed-By, a file or a key written inline).
 */


/** Parses deb822 stanzas; keeps the enabled `deb` ones (not deb-src). */
function parseDeb822Sources(text, file) {
    const entries = [];
    for (const stanza of text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/)) {
        const fields = new Map();
        let current;
        for (const line of stanza.split('\n')) {
            if (/^\s*#/.test(line) || line.trim() === '')
                continue;
            if (/^\s/.test(line)) {
                // A continuation line; a lone "." stands for an empty line.
                current?.push(line.trim() === '.' ? '' : line.trim());
                continue;
            }
            const field = /^([^:\s]+):\s*(.*)$/.exec(line);
            if (!field)
                continue;
            current = field[2] === '' ? [] : [field[2].trim()];
            fields.set(field[1].toLowerCase(), current);
        }
        const words = (name) => (fields.get(name) ?? []).join(' ').split(/\s+/).filter(Boolean);
        if (!words('types').includes('deb'))
            continue;
        if (['no', 'false', '0'].includes((fields.get('enabled')?.[0] ?? 'yes').toLowerCase()))
            continue;
        const signedBy = fields.get('signed-by');
        entries.push({
            uris: words('uris'),
            suites: words('suites'),
            components: words('components'),
            ...(signedBy && signedBy.length ? { signedBy: signedBy.length > 1 ? signedBy.join('\n').trim() : signedBy[0] } : {}),
            file
        });
    }
    return entries.filter(entry => entry.uris.length && entry.suites.length);
}
/** Parses one-line `deb [options] uri suite components...` lines. */
function parseOneLineSources(text, file) {
    const entries = [];
    for (const raw of text.split('\n')) {
        const line = raw.replace(/#.*$/, '').trim();
        const match = /^deb\s+(?:\[([^\]]*)\]\s*)?(\S+)\s+(\S+)(.*)$/.exec(line);
        if (!match)
            continue;
        const options = new Map();
        for (const option of (match[1] ?? '').trim().split(/\s+/).filter(Boolean)) {
            const pair = /^([A-Za-z-]+?)[+-]?=(.*)$/.exec(option);
            if (pair)
                options.set(pair[1].toLowerCase(), pair[2]);
        }
        const signedBy = options.get('signed-by');
        entries.push({
            uris: [match[2]],
            suites: [match[3]],
            components: match[4].trim().split(/\s+/).filter(Boolean),
            ...(signedBy ? { signedBy: signedBy.split(',').join(' ') } : {}),
            file
        });
    }
    return entries;
}
async function listDir(dir) {
    try {
        return (await readdir(dir)).sort();
    }
    catch {
        return [];
    }
}
async function readText(path) {
    try {
        return await readFile(path, 'utf8');
    }
    catch {
        return undefined;
    }
}
/**
 * Every `deb` entry of an apt configuration directory (/etc/apt), in apt's order:
 * sources.list, then sources.list.d's *.list and *.sources by name (apt ignores other names).
 */
async function sources_readAptSources(aptEtc = '/etc/apt') {
    const entries = [];
    const main = join(aptEtc, 'sources.list');
    const mainText = await readText(main);
    if (mainText !== undefined)
        entries.push(...parseOneLineSources(mainText, main));
    const partsDir = join(aptEtc, 'sources.list.d');
    for (const name of await listDir(partsDir)) {
        if (!/^[A-Za-z0-9_.-]+\.(list|sources)$/.test(name))
            continue;
        const path = join(partsDir, name);
        const text = await readText(path);
        if (text === undefined)
            continue;
        entries.push(...(name.endsWith('.sources') ? parseDeb822Sources(text, path) : parseOneLineSources(text, path)));
    }
    return entries;
}

;// CONCATENATED MODULE: ./src/install/libraries/unpack.ts
/**
 * From .deb files to a sysroot a dynamic loader can use: each package is unpacked with
 * `dpkg-deb -x` into a folder of its own, and only its library trees (lib*, usr/lib*) move into
 * the root, in the merged-/usr layout (lib -> usr/lib, lib64 -> usr/lib64, ... as base-files
 * makes them), so packages built before and after the merge land in one tree. Every link is
 * rewritten relative to its own place: QEMU looks a path up under its prefix with the host's
 * kernel, which would follow an absolute link out to the host's own files.
 * Several architectures share the tree (multiarch: each keeps its libraries in its own triplet
 * folder); when two packages ship the same path the first one stays, unless it is a link and
 * the second a real file.
 * Packages are not trusted to be tame: nothing is written through a link already in the tree,
 * and a final pass leaves only root's regular files, folders and links that stay inside, with no
 * setuid or setgid bit and nothing others may write, as QEMU serves the tree to every program.
 */





/** The top-level folders merged-/usr systems keep under usr/ (the links to them are made at the end). */
const MERGED = (/* unused pure expression or super */ null && (['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']));
/** The trees a loader and the libraries' own data need. */
const KEPT_TREES = (/* unused pure expression or super */ null && (['usr/lib', 'usr/lib32', 'usr/lib64', 'usr/libx32']));
/** A package path in the merged-/usr layout: lib/x -> usr/lib/x. */
function mergedPath(path) {
    const first = path.split('/')[0];
    return MERGED.includes(first) ? `usr/${path}` : path;
}
function isKept(path) {
    return KEPT_TREES.some(tree => path === tree || path.startsWith(`${tree}/`));
}
/** Whether a folder may hold kept trees further down (usr itself, or a folder merged into usr). */
function leadsToKept(path) {
    return KEPT_TREES.some(tree => tree.startsWith(`${path}/`));
}
/**
 * Where a package's link should point once it sits in the merged tree, relative to the link's
 * own folder; undefined when it would point at itself (the same file shipped under /lib and
 * /usr/lib). A target above the package's root stops at the root, as in a chroot.
 */
function relocateLink(linkPath, target) {
    const fromRoot = target.startsWith('/') ? target : posix.join(posix.dirname(linkPath), target);
    // Normalising an absolute path stops `..` at the root.
    const absolute = posix.normalize('/' + fromRoot).slice(1);
    const destination = mergedPath(absolute);
    const place = mergedPath(linkPath);
    if (destination === place)
        return undefined;
    return posix.relative(posix.dirname(place), destination) || '.';
}
async function lstatOrUndefined(path) {
    try {
        return await lstat(path);
    }
    catch {
        return undefined;
    }
}
/**
 * Makes root/path a chain of real folders, creating the missing ones; false when a part of it
 * is anything else, a link above all (writing through one could land outside the root).
 */
async function realFolders(root, path) {
    let here = root;
    for (const name of path.split('/')) {
        if (name === '' || name === '.')
            continue;
        here = join(here, name);
        const info = await lstatOrUndefined(here);
        if (!info)
            await mkdir(here, { mode: 0o755 });
        else if (!info.isDirectory())
            return false;
    }
    return true;
}
/**
 * Moves a package's kept files from its unpacked folder into the root: regular files, folders
 * and links only, never through a link already there. Returns what it left out.
 */
async function placePackage(unpacked, root) {
    const left = { specials: [], blocked: [] };
    await placeTree(unpacked, root, '', left);
    return left;
}
async function placeTree(unpacked, root, relative, left) {
    for (const entry of await readdir(join(unpacked, relative), { withFileTypes: true })) {
        const path = relative ? `${relative}/${entry.name}` : entry.name;
        const place = mergedPath(path);
        if (!isKept(place)) {
            if (entry.isDirectory() && leadsToKept(place))
                await placeTree(unpacked, root, path, left);
            continue;
        }
        if (entry.isDirectory()) {
            if (await realFolders(root, place))
                await placeTree(unpacked, root, path, left);
            else
                left.blocked.push(place);
            continue;
        }
        if (!entry.isFile() && !entry.isSymbolicLink()) {
            left.specials.push(place);
            continue;
        }
        if (!(await realFolders(root, posix.dirname(place)))) {
            left.blocked.push(place);
            continue;
        }
        const destination = join(root, place);
        const existing = await lstatOrUndefined(destination);
        if (entry.isSymbolicLink()) {
            const target = relocateLink(path, await readlink(join(unpacked, path)));
            if (target === undefined || existing)
                continue;
            await symlink(target, destination);
        }
        else {
            if (existing && !existing.isSymbolicLink())
                continue;
            if (existing)
                await unlink(destination);
            await rename(join(unpacked, path), destination);
        }
    }
}
/**
 * The final pass over a made sysroot, which others may read and QEMU serves to every program:
 * only regular files, folders and links stay; every file and folder is owned by whoever made
 * the tree (root: dpkg-deb as root keeps the packages' owners, such as root:utmp), with no
 * setuid, setgid or sticky bit and no write for group or others; every link that resolves
 * outside the root, itself or through other links, is removed. Returns what it changed.
 */
async function sanitizeSysroot(root) {
    const changed = { setIds: [], specials: [] };
    const links = [];
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    const visit = async (relative) => {
        const path = relative ? join(root, relative) : root;
        const info = await lstat(path);
        if (info.isSymbolicLink()) {
            links.push(relative);
            return;
        }
        if (!info.isFile() && !info.isDirectory()) {
            await unlink(path);
            changed.specials.push(relative);
            return;
        }
        if (info.uid !== uid || info.gid !== gid)
            await lchown(path, uid, gid);
        if (info.mode & 0o6000)
            changed.setIds.push(relative || '.');
        // chown clears setuid on its own, but not always setgid: the mode is set whatever it did.
        if (info.mode & 0o7022 || info.uid !== uid || info.gid !== gid)
            await chmod(path, info.mode & 0o755);
        if (info.isDirectory())
            await Promise.all((await readdir(path)).map(name => visit(relative ? `${relative}/${name}` : name)));
    };
    await visit('');
    // Every link is judged before any is removed, so one leaving through another goes as well.
    const leaving = [];
    for (const link of links) {
        const found = await resolveInside(root, link);
        if ('leaves' in found)
            leaving.push(link);
    }
    for (const link of leaving.sort())
        await unlink(join(root, link));
    // The walk is concurrent: sorted, the lists read the same every run.
    return { leaving, setIds: changed.setIds.sort(), specials: changed.specials.sort() };
}
function counted(count, one, many) {
    return `${count} ${count === 1 ? one : many}`;
}
/** One log line for what sanitizing changed; undefined when it changed nothing worth saying. */
function unpack_sanitizedSummary(changed) {
    const said = [
        changed.leaving.length && `dropped ${counted(changed.leaving.length, 'link', 'links')} leaving the sysroot`,
        changed.setIds.length && `cleared setuid/setgid on ${counted(changed.setIds.length, 'file', 'files')}`,
        changed.specials.length &&
            `left out ${counted(changed.specials.length, 'device node, FIFO or socket', 'device nodes, FIFOs or sockets')}`,
        changed.blocked.length && `left out ${counted(changed.blocked.length, 'entry', 'entries')} that would go through a link`
    ].filter(Boolean);
    return said.length ? `libraries: ${said.join(', ')}` : undefined;
}
/** The merged-/usr links at the root, for every usr/lib* folder there is. */
async function makeMergedLinks(root) {
    await realFolders(root, 'usr/lib');
    for (const name of ['lib', 'lib32', 'lib64', 'libx32']) {
        if (!(await lstatOrUndefined(join(root, 'usr', name))))
            continue;
        if (await lstatOrUndefined(join(root, name)))
            continue;
        await symlink(`usr/${name}`, join(root, name));
    }
}
async function inBatches(items, size, work) {
    for (let start = 0; start < items.length; start += size) {
        await Promise.all(items.slice(start, start + size).map((item, i) => work(item, start + i)));
    }
}
/**
 * Unpacks the .deb files (in the given order, which decides who wins a shared path) into root,
 * using scratch, a folder only root can enter, for the per-package folders (each removed once
 * placed). Returns what sanitizing changed (sanitizedSummary says it in a line). Throws when
 * dpkg-deb is missing or refuses a file.
 */
async function unpack_unpackDebs(debs, root, scratch) {
    await mkdir(root, { recursive: true, mode: 0o755 });
    // xz decompression dominates and uses one core per package: a few at a time keeps every core busy.
    await inBatches(debs, 4, async (deb, index) => {
        const result = await runProgram('dpkg-deb', ['-x', deb, join(scratch, String(index))], { timeoutMs: 300_000 });
        if (result.code === 127 && /ENOENT/.test(result.stderr)) {
            const fix = "install the dpkg package, or use input 'sysroot'";
            throw new LibrariesError('libraries', 'this machine has no dpkg-deb, which unpacks the packages', fix);
        }
        if (result.code !== 0)
            throw new Error(`dpkg-deb -x ${deb} failed: ${result.stderr.trim().split('\n').slice(-1)[0]}`);
    });
    const left = { specials: [], blocked: [] };
    for (let index = 0; index < debs.length; index++) {
        const unpacked = join(scratch, String(index));
        const placed = await placePackage(unpacked, root);
        left.specials.push(...placed.specials);
        left.blocked.push(...placed.blocked);
        await rm(unpacked, { recursive: true, force: true });
    }
    await makeMergedLinks(root);
    const changed = await sanitizeSysroot(root);
    return { ...changed, specials: [...left.specials, ...changed.specials], blocked: left.blocked };
}

;// CONCATENATED MODULE: ./src/install/libraries/index.ts
/**
 * Real foreign programs on the host: a sysroot (QEMU_LD_PREFIX) made of the distribution's own
 * packages for the emulated architectures. makeSysroot is the whole story: find the machine's
 * distribution and the archive that serves the architectures, reuse a recent sysroot for the
 * same request, or resolve the packages with a private apt (signatures checked as always),
 * reuse the sysroot those exact versions made, or download, unpack and publish a new one.
 * Nothing here reads the action's inputs or the environment's variables; the caller passes
 * parsed values (parseLibraries, parseMirror) and places (tool cache, temporary folder).
 */














const DAY_MS = (/* unused pure expression or super */ null && (24 * 60 * 60 * 1000));
async function timed(log, what, work) {
    const started = performance.now();
    const result = await work();
    log(`libraries: ${what} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return result;
}
const USE_SYSROOT = "use input 'sysroot' with a root filesystem of the platform instead";
async function machineDistribution(osRelease) {
    const text = await readOsRelease(osRelease);
    if (text === undefined) {
        const problem = `cannot tell which distribution this machine runs (no ${osRelease ?? '/etc/os-release'})`;
        throw new LibrariesError('libraries', problem, USE_SYSROOT);
    }
    const fields = parseOsRelease(text);
    const distribution = distributionOf(fields);
    if (!distribution) {
        throw new LibrariesError('libraries', `this machine runs ${fields.PRETTY_NAME || fields.ID || 'an unknown system'}; libraries come from Debian's or Ubuntu's archive`, USE_SYSROOT);
    }
    return distribution;
}
/** The distribution's archive keyring on this machine (.pgp, else .gpg), one only root can change. */
async function machineKeyring(distribution) {
    const problems = [];
    for (const extension of ['pgp', 'gpg']) {
        const path = archiveKeyring(distribution, extension);
        const problem = await rootOnlyProblem(path, 'file');
        if (!problem)
            return path;
        if (!problem.includes('ENOENT'))
            problems.push(problem);
    }
    const keyringPackage = distribution.family === 'ubuntu' ? 'ubuntu-keyring' : 'debian-archive-keyring';
    const problem = problems.length ? problems.join('; ') : `no ${archiveKeyring(distribution)} on this machine`;
    throw new LibrariesError('libraries', `${problem}: the archive's signatures cannot be checked`, `install ${keyringPackage} (as root)`);
}
/** Makes (or reuses) the sysroot holding the packages and their dependencies for the targets. */
async function makeSysroot(request) {
    const log = request.log ?? (() => { });
    if (!request.targets.length)
        throw new Error('makeSysroot needs at least one target');
    if (!request.packages.length) {
        throw new LibrariesError('libraries', 'no package named', 'name packages of the distribution, such as base, libssl3');
    }
    const distribution = await machineDistribution(request.osRelease);
    const arches = debianArches(request.targets);
    const keyring = await machineKeyring(distribution);
    const sources = privateSources(await readAptSources(request.aptEtc), distribution, arches, request.mirror ?? [], keyring);
    const cacheDir = request.cacheDir;
    const requested = requestKey(distribution, arches, request.packages, sources);
    const record = await readRecord(cacheDir, requested);
    if (record && Date.now() - record.resolvedAt < (request.reuseForMs ?? DAY_MS)) {
        const path = join(cacheDir, record.sysroot);
        if (!(await sysrootProblem(path, request.targets))) {
            log(`libraries: reusing ${path} (resolved ${new Date(record.resolvedAt).toISOString()})`);
            return { path, cacheHit: true, packages: record.packages };
        }
    }
    await removeAbandoned(cacheDir);
    const apt = await openPrivateApt({ tempDir: request.tempDir, sources, arches, distribution });
    try {
        await timed(log, `apt-get update (private lists for ${arches.join(', ')})`, () => apt.update());
        const resolved = await timed(log, 'resolving', () => apt.resolve(request.packages));
        const packages = resolved.map(packageId).sort();
        const key = sysrootKey(distribution, arches, resolved);
        log(`libraries: ${resolved.length} packages for ${arches.join(', ')} -> ${key}`);
        const final = join(cacheDir, key);
        // A cached tree something damaged is made again rather than trusted.
        if ((await exists(final)) && (await sysrootProblem(final, request.targets)))
            await discardSysroot(cacheDir, key);
        const published = await publishSysroot(cacheDir, key, async (root, scratch) => {
            const debs = await timed(log, 'downloading', () => apt.download(resolved));
            const changed = await timed(log, `unpacking ${debs.length} packages`, () => unpackDebs(debs, root, scratch));
            const said = sanitizedSummary(changed);
            if (said)
                log(said);
            await checkSysroot(root, request.targets, 'libraries', final);
        });
        await writeRecord(cacheDir, requested, { sysroot: key, packages, resolvedAt: Date.now() });
        return { path: published.path, cacheHit: !published.made, packages };
    }
    finally {
        await apt.remove();
    }
}

;// CONCATENATED MODULE: ./src/faces/inputs.ts
/**
 * Every input, read and validated before anything changes. A bad value fails with one line that
 * names the input, what was wrong and what is accepted. Values are taken as typed, in printable
 * ASCII: nothing is case-folded or normalised from other characters (a ligature 'ﬀ' upper-cases
 * to 'FF', a full-width host name is mapped to ASCII by URL parsing), so what runs is what was
 * written. Only `sysroot`, a path of the machine's own, may hold other characters.
 */



const INSTALL_METHODS = (/* unused pure expression or super */ null && (['auto', 'apt', 'download', 'none']));
const VERIFY_MODES = (/* unused pure expression or super */ null && (['auto', 'probe', 'container', 'none']));
class InputError extends Error {
    constructor(input, problem, accepted) {
        super(`input '${input}': ${problem}; ${accepted}`);
    }
}
/** The libraries engine's own parse errors, which already read `input 'NAME': problem; fix`, as input errors. */
class LibrariesInputError extends InputError {
    constructor(error) {
        super(error.input, '', '');
        this.message = error.message;
    }
}
function asInput(parse) {
    try {
        return parse();
    }
    catch (error) {
        throw error instanceof LibrariesError ? new LibrariesInputError(error) : error;
    }
}
const inputs_MAX_LENGTH = 2048;
/** Inputs that are lists, whose items may stand on lines of their own. */
const LISTS = (/* unused pure expression or super */ null && (['platforms', 'libraries', 'libraries-mirror']));
/** Inputs that may hold any character: paths on the machine. */
const ANY_TEXT = (/* unused pure expression or super */ null && (['sysroot']));
/** Printable ASCII, and the white space that separates list items. */
const PLAIN = /^[\x20-\x7e\t\r\n]*$/;
const PLAIN_FIX = 'type the value in plain ASCII (no look-alike letters, ligatures or full-width forms)';
/** The first character of a value that is not plain ASCII, as U+XXXX; undefined when there is none. */
function notAscii(value) {
    if (PLAIN.test(value))
        return undefined;
    const char = [...value].find(c => !PLAIN.test(c));
    return `U+${char.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}
function inputs_shown(value) {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
}
function oneOf(input, value, allowed) {
    const key = value.trim().toLowerCase();
    if (allowed.includes(key))
        return key;
    throw new InputError(input, `${inputs_shown(value)} is not accepted`, `use one of: ${allowed.join(', ')}`);
}
function parsePlatforms(value) {
    const names = value.split(/[\s,]+/).filter(Boolean);
    const known = PLATFORMS.map(p => p.aliases[0]).join(', ');
    if (names.length === 0)
        throw new InputError('platforms', 'no platform given', `use one or more of: ${known}`);
    const platforms = [];
    for (const name of names) {
        const platform = lookupPlatform(name);
        if (!platform) {
            throw new InputError('platforms', `unknown platform ${inputs_shown(name)}`, `use one or more of: ${known} (Docker or QEMU names)`);
        }
        if (!platforms.includes(platform))
            platforms.push(platform);
    }
    return platforms;
}
function parseFlags(value) {
    const letters = value.trim().toUpperCase();
    if (!/^[FPOC]*$/.test(letters)) {
        throw new InputError('flags', `${inputs_shown(value)} holds letters other than F, P, O, C`, 'use F (the default), optionally with P, O or C');
    }
    const warnings = [];
    if (!letters.includes('F')) {
        warnings.push("flags without F: the handler will not work inside containers or chroots (the kernel must find the interpreter's path there)");
    }
    if (letters.includes('C')) {
        warnings.push('flags with C: setuid foreign programs then run the interpreter with their credentials (root for setuid-root); Debian dropped C in 2025 for that risk');
    }
    else if (letters.includes('O')) {
        warnings.push('flags with O: the interpreter gets an open file descriptor of the program, which also opens unreadable programs to it');
    }
    // The kernel lists flags in this order; keeping it makes entries compare equal.
    const flags = ['P', 'O', 'C', 'F'].filter(f => letters.includes(f) || (f === 'O' && letters.includes('C'))).join('');
    return { flags, warnings };
}
function parseImage(value) {
    const image = value.trim();
    if (image === '')
        return '';
    if (!validImageRef(image)) {
        throw new InputError('verify-image', `${inputs_shown(value)} is not an image reference`, 'use a name with an optional tag or digest, such as busybox:stable or ubuntu@sha256:<64 hex>');
    }
    return image;
}
function parseBoolean(input, value) {
    const key = value.trim().toLowerCase();
    if (key === 'true')
        return true;
    if (key === 'false')
        return false;
    throw new InputError(input, `${inputs_shown(value)} is not a boolean`, 'use true or false');
}
/** The `qemu-version` input: a release to install, or '' for the pinned default. */
function parseQemuVersionInput(value) {
    const version = value.trim();
    if (version === '' || version === 'default')
        return '';
    if (!/^\d{1,3}\.\d{1,3}(\.\d{1,3})?(-\d{1,6})?$/.test(version)) {
        throw new InputError('qemu-version', `${inputs_shown(value)} is not a QEMU version`, 'use a version such as 10.0.3, or leave it empty for the pinned default');
    }
    return version;
}
function parseUrl(value, input = 'qemu-url') {
    const text = value.trim();
    if (text === '')
        return '';
    let url;
    try {
        url = new URL(text);
    }
    catch {
        url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || /\s/.test(text) || url.username || url.password) {
        throw new InputError(input, `${inputs_shown(value)} is not an http(s) URL`, 'use an http:// or https:// address of an archive or binary, without credentials');
    }
    return url.href;
}
/** Where the action's own QEMU builds are published: a repository's web address, without a trailing slash. */
function inputs_parseAssetBase(value, input = 'asset-base') {
    return parseUrl(value, input).replace(/\/+$/, '');
}
function parseSha256(value) {
    const text = value
        .trim()
        .toLowerCase()
        .replace(/^sha256:/, '');
    if (text === '')
        return '';
    if (!/^[0-9a-f]{64}$/.test(text)) {
        throw new InputError('qemu-sha256', `${inputs_shown(value)} is not a sha256 digest`, 'use 64 hex digits (optionally prefixed sha256:)');
    }
    return text;
}
/** Reads every input through `get` (core.getInput or a map in tests); throws InputError. */
function readInputs(get) {
    const raw = (name, fallback) => {
        const value = get(name) ?? '';
        if (value.length > inputs_MAX_LENGTH)
            throw new InputError(name, `${value.length} characters is too long`, `keep it under ${inputs_MAX_LENGTH}`);
        if (value.includes('\0'))
            throw new InputError(name, 'holds a NUL character', 'remove it');
        const odd = ANY_TEXT.includes(name) ? undefined : notAscii(value);
        if (odd)
            throw new InputError(name, `holds ${odd}, which is not printable ASCII`, PLAIN_FIX);
        if (!LISTS.includes(name) && /[\r\n]/.test(value.trim()))
            throw new InputError(name, 'spans several lines', 'give it on one line');
        return value.trim() === '' ? fallback : value;
    };
    const { flags, warnings } = parseFlags(raw('flags', 'F'));
    const inputs = {
        platforms: parsePlatforms(raw('platforms', 'amd64')),
        install: oneOf('install', raw('install', 'auto'), INSTALL_METHODS),
        flags,
        verify: oneOf('verify', raw('verify', 'auto'), VERIFY_MODES),
        verifyImage: parseImage(raw('verify-image', BUILT_IN_IMAGE)),
        cleanup: parseBoolean('cleanup', raw('cleanup', 'true')),
        persist: parseBoolean('persist', raw('persist', 'false')),
        qemuVersion: parseQemuVersionInput(raw('qemu-version', '')),
        qemuUrl: parseUrl(raw('qemu-url', '')),
        qemuSha256: parseSha256(raw('qemu-sha256', '')),
        libraries: asInput(() => parseLibraries(raw('libraries', ''))),
        librariesMirror: asInput(() => parseMirror(raw('libraries-mirror', ''))),
        sysroot: raw('sysroot', '').trim()
    };
    if (inputs.qemuUrl && !inputs.qemuSha256) {
        throw new InputError('qemu-sha256', 'is needed with qemu-url', 'give the sha256 of the file at qemu-url, so it can be verified before it runs');
    }
    if (inputs.sysroot && inputs.libraries.length) {
        const fix = 'give one of them: QEMU takes one prefix, made from libraries or your own sysroot';
        throw new InputError('sysroot', 'is given together with libraries', fix);
    }
    if (inputs.librariesMirror.length && !inputs.libraries.length) {
        warnings.push('libraries-mirror is used only with libraries, which is empty: it is ignored');
    }
    return { inputs, warnings };
}
/**
 * Whether a prefix this step would export meets one the job already has: QEMU takes one, so the
 * step fails with one line before anything changes. `existing` is the job's QEMU_LD_PREFIX.
 */
function checkPrefixFree(inputs, existing) {
    if (!existing || (!inputs.libraries.length && !inputs.sysroot))
        return;
    throw new InputError(inputs.sysroot ? 'sysroot' : 'libraries', `the job already sets QEMU_LD_PREFIX (${inputs_shown(existing)}), and two prefixes cannot both apply`, `unset QEMU_LD_PREFIX in the job, or leave ${inputs.sysroot ? 'sysroot' : 'libraries'} empty`);
}
/** What setup is asked to do, from the inputs. */
function setupRequestOf(inputs) {
    return {
        platforms: inputs.platforms,
        flags: inputs.flags,
        install: { method: inputs.install, qemuVersion: inputs.qemuVersion, qemuUrl: inputs.qemuUrl, qemuSha256: inputs.qemuSha256 },
        prove: inputs.verify !== 'none',
        persist: inputs.persist
    };
}
function checkRequestOf(inputs) {
    return { mode: inputs.verify, image: inputs.verifyImage };
}
function librariesRequestOf(inputs) {
    return { packages: inputs.libraries, mirror: inputs.librariesMirror, sysroot: inputs.sysroot };
}

;// CONCATENATED MODULE: ./src/faces/environment.ts
/**
 * Where the core's folders and sources are, read from the environment each face runs in: the
 * Actions runner's variables for the action, defaults of its own for the command line. Pure
 * functions of the variables they are given, so tests pass a map.
 */



/**
 * The web address of the repository the action runs from, whose releases hold its own QEMU builds.
 * The runner leaves GITHUB_ACTION_REPOSITORY empty for a local action (`uses: ./`), which comes
 * from the workflow's own repository: GITHUB_REPOSITORY then.
 */
function actionAssetBase(env) {
    const server = (env.GITHUB_SERVER_URL ?? '').replace(/\/+$/, '');
    const repository = env.GITHUB_ACTION_REPOSITORY || env.GITHUB_REPOSITORY || '';
    return server && /^[\w.-]+\/[\w.-]+$/.test(repository) ? `${server}/${repository}` : undefined;
}
/** The command line's tool cache: the machine's for root, else the user's cache folder. */
function commandLineToolCache(uid, env, home = homedir()) {
    if (uid === 0)
        return '/var/cache/setup-x86-on-arm';
    return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'setup-x86-on-arm');
}
/** The machine's root-only interpreter store (written as root or through sudo). */
const INTERPRETER_STORE = '/var/lib/setup-x86-on-arm/interpreters';
/**
 * Where downloaded interpreters are kept and registered from: SETUP_X86_ON_ARM_INTERPRETER_STORE
 * (tests), else the machine's store. The same for root and for a user with sudo: the store and every
 * folder above it must be root's alone, which a folder of the user's (their ledger's) never is.
 */
function interpreterStoreFor(env) {
    return env.SETUP_X86_ON_ARM_INTERPRETER_STORE || INTERPRETER_STORE;
}
/**
 * Where root keeps sysroots (libraries): beside the interpreter store, root's alone, so a sysroot
 * that QEMU_LD_PREFIX later hands to programs is one no other user could have changed.
 */
function sysrootStoreFor(env) {
    return join(dirname(interpreterStoreFor(env)), 'sysroots');
}
/** The action's places: the runner's tool cache and temp folder (the command line's defaults outside a runner). */
function actionPlaces(env, uid) {
    return {
        toolCache: env.RUNNER_TOOL_CACHE || commandLineToolCache(uid, env),
        toolCacheLabel: env.RUNNER_TOOL_CACHE ? 'RUNNER_TOOL_CACHE' : 'the default cache folder (RUNNER_TOOL_CACHE is not set)',
        tempDir: env.RUNNER_TEMP || tmpdir(),
        assetBase: actionAssetBase(env),
        interpreterStore: interpreterStoreFor(env)
    };
}
/**
 * Where the action makes a sysroot when the tool cache cannot be written: a folder of this job's
 * (named by its runner process, which main and post share) that the post step removes.
 */
function temporarySysrootRoot(env, runnerPid) {
    return (0,external_node_path_namespaceObject.join)(env.RUNNER_TEMP || (0,external_node_os_namespaceObject.tmpdir)(), `setup-x86-on-arm-sysroot-${runnerPid}`);
}
/**
 * The command line's places: its cache folder (--cache-dir, else commandLineToolCache). The asset
 * base: --asset-base, else SETUP_X86_ON_ARM_ASSET_BASE, else the Actions variables when it runs
 * inside a job; without one the download tries its next source.
 */
function commandLinePlaces(env, uid, assetBaseOption, home = homedir(), cacheDir) {
    return {
        toolCache: cacheDir || commandLineToolCache(uid, env, home),
        toolCacheLabel: cacheDir ? 'the folder --cache-dir names' : "the command line's cache folder (--cache-dir chooses another)",
        tempDir: tmpdir(),
        interpreterStore: interpreterStoreFor(env),
        assetBase: assetBaseOption
            ? parseAssetBase(assetBaseOption)
            : env.SETUP_X86_ON_ARM_ASSET_BASE
                ? parseAssetBase(env.SETUP_X86_ON_ARM_ASSET_BASE, 'SETUP_X86_ON_ARM_ASSET_BASE')
                : actionAssetBase(env)
    };
}
/** Who a job is, for people reading the host's ledger. */
function jobLabel(env, runnerPid) {
    const { GITHUB_REPOSITORY = '', GITHUB_RUN_ID = '', GITHUB_JOB = '' } = env;
    return [GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_JOB].filter(Boolean).join('/') || `process ${runnerPid}`;
}

;// CONCATENATED MODULE: ./src/faces/signals.ts
/**
 * SIGINT and SIGTERM, as a cancelled job gets them (the runner sends SIGINT, then SIGTERM): no new
 * kernel change begins, the one in progress finishes (its locked ledger section runs to its end and
 * unlocks), the programs it started (apt, dpkg-deb) are ended, the run's scratch folder (probe programs, partial downloads) and any other it holds
 * (kernel/scratch.ts: a download in the interpreter store) are removed, and the
 * process exits with 128 + the signal's number. Each change was saved in the journal before it
 * was made, so the post step undoes what was made. A second signal, or a section that does not end
 * within the grace, exits at once, removing the lock file first when this process holds it.
 */




/** The exit code of a process ended by a signal, as a shell reports it: 128 + its number. */
function exitCodeOf(signal) {
    return 128 + external_node_os_namespaceObject.constants.signals[signal];
}
/** Stops the work in progress on a signal, then exits; a second signal while it waits exits at once. */
class SignalStop {
    work;
    seams;
    waiting = false;
    constructor(work, seams = {}) {
        this.work = work;
        this.seams = seams;
    }
    async stop(signal) {
        const work = this.work();
        const { exit = code => process.exit(code), say = line => void process.stderr.write(`${line}\n`), graceMs = 5000 } = this.seams;
        const leave = () => {
            work.ledger?.releaseNow();
            for (const dir of [work.workDir, ...heldScratch()])
                if (dir)
                    (0,external_node_fs_namespaceObject.rmSync)(dir, { recursive: true, force: true });
            exit(exitCodeOf(signal));
        };
        if (this.waiting)
            return leave();
        this.waiting = true;
        say(`${signal}: finishing the change in progress, then stopping; the post step undoes what this step changed`);
        work.journal?.stop(`stopped by ${signal}`);
        work.ledger?.stop(`stopped by ${signal}`);
        let timer;
        const grace = new Promise(resolve => {
            timer = setTimeout(resolve, graceMs);
            timer.unref();
        });
        await Promise.race([work.ledger?.idle(), grace]);
        clearTimeout(timer);
        // apt, dpkg-deb or a decompressor still writing into a scratch folder would outlive its removal.
        await endPrograms();
        leave();
    }
}
let current = {};
let installed;
/**
 * Makes SIGINT and SIGTERM stop `work` (the latest call's) cleanly. The handlers are installed once
 * a process, so a step run again (unit tests) adds none.
 */
function exitOnSignals(work) {
    current = work;
    if (installed)
        return;
    const stopper = new SignalStop(() => current);
    installed = stopper;
    for (const signal of ['SIGINT', 'SIGTERM'])
        process.on(signal, () => void stopper.stop(signal));
}

;// CONCATENATED MODULE: ./src/faces/post.ts
/**
 * The action's post step: remove what main's container check may have left in an engine (only one
 * main recorded loading images into and did not see emptied again is asked), a sysroot main had to
 * make in the temporary folder (a cached one stays for later jobs), and undo what main changed in
 * the binfmt_misc table, unless cleanup is false.
 */













/** The probe images and containers of main's container check, in the engines it recorded; a failure here only warns. */
async function removeCheckLeftovers() {
    try {
        const run = savedProbeRun();
        if (!run || run.engines.length === 0)
            return;
        const probes = await Promise.all(run.engines.map(name => probeEngine(name)));
        for (const probe of probes) {
            if (!probe.ok)
                warning(`could not look for what the container check left in ${probe.name}: ${probe.error}`);
        }
        const engines = probes.map(engineOf).filter(engine => engine !== undefined);
        await removeProbeImages(engines, run.runId, { info: info, warning: warning });
    }
    catch (error) {
        warning(`could not remove the container check's probe images: ${error.message}`);
    }
}
/** A sysroot main made for this job alone (its tool cache could not be written); a failure here only warns. */
async function removeTemporarySysroot(env) {
    const dir = temporarySysrootRoot(env, process.ppid);
    if (!(0,external_node_fs_namespaceObject.existsSync)(dir))
        return;
    try {
        await (0,promises_namespaceObject.rm)(dir, { recursive: true, force: true });
        info(`removed the temporary sysroot ${dir}`);
    }
    catch (error) {
        warning(`could not remove the temporary sysroot ${dir}: ${error.message}`);
    }
}
async function run(seams = {}) {
    if (isOtherOs(process.platform))
        return; // main changes nothing on macOS and Windows
    await removeCheckLeftovers();
    await removeTemporarySysroot(seams.env ?? process.env);
    try {
        const changes = savedChanges();
        if (changes.length === 0) {
            info('nothing to restore: the main step changed nothing');
            return;
        }
        if (!savedCleanup()) {
            info(`cleanup: false, leaving ${changes.length} change(s) to the binfmt_misc table in place`);
            return;
        }
        const ledger = seams.ledger ?? new Ledger(ledgerDirFor(process.getuid?.() ?? 0, seams.env ?? process.env));
        exitOnSignals({ ledger });
        const sys = await (seams.privileged ?? privileged)();
        const report = await restore(changes, sys, warning, {
            ledger,
            holder: savedHolder(),
            runnerPid: seams.runnerPid,
            dir: seams.binfmtDir ?? BINFMT_DIR
        });
        const done = [
            report.removed.length ? `removed ${report.removed.join(', ')}` : '',
            report.restored.length ? `restored ${report.restored.join(', ')}` : '',
            report.unmounted ? 'unmounted binfmt_misc' : '',
            report.kept.length ? `kept ${report.kept.join(', ')} (still held by other jobs on this machine, or by persist: true)` : ''
        ].filter(Boolean);
        info(`binfmt_misc table restored: ${done.join('; ') || 'nothing left to undo'}`);
    }
    catch (error) {
        setFailed(`restoring the binfmt_misc table failed: ${error.message}`);
    }
}


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(61);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
