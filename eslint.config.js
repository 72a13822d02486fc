// Lint rules for the sources, tests and scripts: typescript-eslint's recommended set, with the
// formatting left to prettier (npm run lint runs both; npm test runs npm run lint).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        performance: 'readonly',
        AbortController: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        fetch: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
        setImmediate: 'readonly'
      }
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-control-regex': 'off'
    }
  },
  {
    // @actions/core's info writes text as it is: a command line quoted in it would reach the runner.
    files: ['src/**/*.ts'],
    ignores: ['src/faces/log.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'core', property: 'info', message: 'log through faces/log.ts info, which stops commands' }
      ]
    }
  }
)
