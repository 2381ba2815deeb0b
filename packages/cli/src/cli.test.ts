import { describe, expect, it } from 'vitest';
import { defineCommand } from './command.js';
import type { CliIo } from './command.js';
import { builtinCommandGroups } from './commands/index.js';
import { runCli } from './cli.js';
import { captureStream, cli, repoRoot } from './test-utils.js';

describe('runCli', () => {
  it('lists every command in --help and exits 0', async () => {
    const { code, stdout } = await cli(['--help'], repoRoot);
    expect(code).toBe(0);
    for (const command of ['validate', 'catalog ingest', 'docs build', 'template run']) expect(stdout).toContain(`  ${command} `);
    expect(stdout).toContain('Exit codes: 0 success, 1 failure');
  });

  it('prints the help on stderr and exits 2 without a command', async () => {
    const { code, stdout, stderr } = await cli([], repoRoot);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: portalkit <command>');
  });

  it('prints the version', async () => {
    expect(await cli(['--version'], repoRoot)).toMatchObject({ code: 0, stdout: '0.0.0-test\n' });
  });

  it.each([
    [['validate', '--help']],
    [['catalog', 'ingest', '--help']],
    [['docs', 'build', '-h']],
    [['template', 'run', '--help']],
  ])('%j prints the usage, options and examples of the command', async (argv) => {
    const { code, stdout } = await cli(argv, repoRoot);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: portalkit ${argv.filter((a) => !a.startsWith('-')).join(' ')} `));
    expect(stdout).toContain('Options:');
    expect(stdout).toContain('-h, --help');
    expect(stdout).toContain('Examples:');
  });

  it('lists the commands of a group: exit 0 with --help, 2 without a subcommand', async () => {
    const help = await cli(['catalog', '--help'], repoRoot);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('catalog ingest');
    const bare = await cli(['catalog'], repoRoot);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('catalog ingest');
  });

  it.each([
    [['deploy'], "unknown command 'deploy'", 'portalkit --help'],
    [['catalog', 'export'], "unknown command 'catalog export'", 'portalkit catalog --help'],
    [['validate', '--fast', 'a.yaml'], "Unknown option '--fast'", 'portalkit validate --help'],
    [['validate'], 'missing argument', 'portalkit validate --help'],
    [['validate', 'a.yaml', '--format', 'xml'], "--format must be one of text, json (got 'xml')", 'portalkit validate --help'],
    [['catalog', 'ingest', 'all.yaml'], 'missing required option --store', 'portalkit catalog ingest --help'],
    [['docs', 'build', 'a', 'b'], "unexpected argument 'b'", 'portalkit docs build --help'],
    [['docs', 'build', '.', '--output'], "Option '-o, --output <value>' argument missing", 'portalkit docs build --help'],
  ])('%j is a usage error (exit 2) naming the problem', async (argv, message, help) => {
    const { code, stdout, stderr } = await cli(argv, repoRoot);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toContain(`Run \`${help}\` for usage.`);
  });

  it('takes extra command groups: a new group is one object added to the list', async () => {
    const greet = defineCommand({
      name: 'hello',
      summary: 'Greet someone',
      usage: '<name> [--loud]',
      args: { min: 1, max: 1 },
      options: { loud: { type: 'boolean', description: 'Shout' } },
      async run({ values, positionals, io }) {
        io.stdout.write(`hello ${positionals[0]}${values.loud ? '!' : ''}\n`);
        return positionals[0] === 'nobody' ? 1 : 0;
      },
    });
    const stdout = captureStream();
    const stderr = captureStream();
    const io: CliIo = { stdout, stderr, cwd: repoRoot, env: {} };
    const groups = [...builtinCommandGroups, { name: 'greet', summary: 'Greetings', commands: [greet] }];
    expect(await runCli(['greet', 'hello', 'ann', '--loud'], io, { groups })).toBe(0);
    expect(stdout.text()).toBe('hello ann!\n');
    expect(await runCli(['greet', 'hello', 'nobody'], io, { groups })).toBe(1);
    expect(await runCli(['--help'], io, { groups })).toBe(0);
    expect(stdout.text()).toContain('greet hello');
    expect(await runCli(['greet', 'hello'], io, { groups })).toBe(2);
  });

  it('turns a failing command into exit 1 with the error on stderr, never a rejection', async () => {
    const boom = defineCommand({
      summary: 'Fails',
      usage: '',
      args: { min: 0, max: 0 },
      options: {},
      async run() {
        throw new TypeError('something broke');
      },
    });
    const stderr = captureStream();
    const io: CliIo = { stdout: captureStream(), stderr, cwd: repoRoot, env: {} };
    expect(await runCli(['boom'], io, { groups: [{ name: 'boom', summary: 'x', commands: [boom] }] })).toBe(1);
    expect(stderr.text()).toBe('error: TypeError: something broke\n');
  });
});
