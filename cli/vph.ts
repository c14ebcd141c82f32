#!/usr/bin/env node
/**
 * `vph`: the METASTRA-VPH command line. Dispatches to the subcommands in `cli/commands/` and turns
 * errors into exit codes: 0 success, 1 user error (one line on stderr), 2 internal or numerical
 * error.
 */
import { readFileSync } from 'node:fs';
import { exitCodeFor, UserError } from '../core/errors.js';
import { projectPath } from '../core/paths.js';
import type { Command } from './command.js';

const commandNames = ['info', 'mesh', 'solve'] as const;

async function loadCommand(name: string): Promise<Command> {
  if (!(commandNames as readonly string[]).includes(name)) {
    throw new UserError(`vph: unknown command '${name}' (commands: ${commandNames.join(', ')})`);
  }
  const module = (await import(`./commands/${name}.js`)) as { command: Command };
  return module.command;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

async function usage(): Promise<string> {
  const lines = ['usage: vph <command> [options]', '', 'commands:'];
  for (const name of commandNames) {
    const command = await loadCommand(name);
    lines.push(`  ${name.padEnd(7)} ${command.summary}`);
  }
  lines.push('', 'vph <command> --help for its options; vph --version for the version.');
  return lines.join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write((await usage()) + '\n');
    return;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`vph ${version()}\n`);
    return;
  }
  const command = await loadCommand(name);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help.trimEnd() + '\n');
    return;
  }
  await command.run(rest);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    const code = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    if (code === 1) process.stderr.write(`error: ${message}\n`);
    else
      process.stderr.write(`internal error: ${error instanceof Error ? error.stack : message}\n`);
    process.exit(code);
  },
);
