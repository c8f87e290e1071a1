/** `lifecycle <command> [options]`: looks the command up in the dispatch table and runs it. */
// First: V8's heap and WebAssembly settings apply before anything large is allocated or compiled.
import '../app/heap-mode.js';
import '../app/baseline-wasm.js';
import { CliUsageError, type CliIo } from './cli-command.js';
import { commands } from './commands.js';

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : commands[name];
  if (!command || name === 'help' || name === '--help') {
    io.out('Usage: lifecycle <command> [options]\n');
    for (const [key, c] of Object.entries(commands))
      io.out(`  ${key.padEnd(12)} ${c.summary}\n      ${c.usage}`);
    return name === undefined || name === 'help' || name === '--help' ? 0 : 64;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.err(`${error.message}\nUsage: ${command.usage}`);
      return 64;
    }
    io.err(`lifecycle ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

const isEntry =
  process.argv[1] !== undefined && /(?:lifecycle(?:\.js)?|cli[\\/]main\.[jt]s)$/.test(process.argv[1]);
if (isEntry) {
  const code = await main(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
  process.exitCode = code;
}
