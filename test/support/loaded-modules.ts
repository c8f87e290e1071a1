/**
 * What a fresh Node process loads from node_modules when it imports `modules` (paths from the project
 * root, run through tsx as the tests run them): the files, for checks that a heavy dependency stays
 * out of an entry point's module graph.
 */
import { execFileSync } from 'node:child_process';

export function dependencyFilesLoadedBy(modules: readonly string[]): string[] {
  const probe = [
    "const { createRequire } = await import('node:module');",
    ...modules.map((m) => `await import(${JSON.stringify(m)});`),
    'const require = createRequire(import.meta.url);',
    "console.log(JSON.stringify(Object.keys(require.cache).filter((f) => f.includes('node_modules/'))));",
  ].join('\n');
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
    encoding: 'utf8',
    cwd: new URL('../..', import.meta.url).pathname,
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '[]') as string[];
}

/** The package a node_modules file belongs to (`@scope/name` or `name`). */
export function packageOf(file: string): string {
  const [scope = '', name = ''] = file
    .slice(file.lastIndexOf('node_modules/') + 'node_modules/'.length)
    .split('/');
  return scope.startsWith('@') ? `${scope}/${name}` : scope;
}
