#!/usr/bin/env node
// Builds dist/ from src/: one ncc bundle per entry point (main, post, cli). `npm run bundle` must
// reproduce the committed dist/ byte for byte; CI checks it. Code behind a dynamic import() (the
// download code) becomes a chunk beside the entry, dist/<entry>/NNN.index.js, loaded only when
// needed; its number is webpack's deterministic id, the same in any clone with its own
// node_modules. Each output folder is emptied first so no chunk of an earlier build stays behind.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
for (const entry of ['main', 'post', 'cli']) {
  const out = join(root, 'dist', entry)
  rmSync(out, { recursive: true, force: true })
  execFileSync(
    process.execPath,
    [ncc, 'build', join(root, 'src', 'faces', 'entries', `${entry}.ts`), '-o', out, '--license', 'licenses.txt', '-q'],
    {
      cwd: root,
      stdio: 'inherit'
    }
  )
}
