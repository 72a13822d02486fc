/**
 * The action's info lines: @actions/core's info writes text as it is, so free text (a container's
 * or another program's output, or a message quoting it) reaches the runner through here.
 */
import * as core from '@actions/core'
import { commandFree } from './runner-text.js'

export function info(message: string): void {
  core.info(commandFree(message))
}
