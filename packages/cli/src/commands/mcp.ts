import { ServiceUnavailableError, hostPrincipal } from '@portalkit/core';
import { createCliLogger } from '../cli-logger.js';
import { defineCommand } from '../command.js';
import type { CommandGroup } from '../command.js';

const serve = defineCommand({
  summary: 'Serve the catalog tools of @portalkit/mcp over stdio, for AI agents',
  usage: '--store <memory|file:./dir|postgres://...> [--schema name]',
  description:
    'Speak the Model Context Protocol on stdin/stdout over the catalog kept in --store (filled by\n' +
    '`portalkit catalog ingest`): catalog_search, catalog_get_entity and catalog_graph. The operator\n' +
    'running the command is the trusted host: every entity is readable. Diagnostics go to stderr.\n' +
    'The process ends when stdin closes. For templates and docs search, mount mcpPlugin in a portal.',
  examples: ['portalkit mcp --store file:./.catalog', 'portalkit mcp --store postgres://postgres@127.0.0.1:5432/portal --schema catalog'],
  args: { min: 0, max: 0 },
  options: {
    store: { type: 'string', value: 'store', required: true, description: 'memory, file:<dir> or a directory (embedded PGlite), or a postgres:// URL' },
    schema: { type: 'string', value: 'name', description: 'Schema of the SQL stores (default portalkit_catalog)' },
  },
  async run({ values, io }) {
    // Loaded on use: `--help` and the other commands do not pay for the catalog and the MCP SDK.
    const [{ createCatalog }, { serveMcpStdio }, { openStore }] = await Promise.all([
      import('@portalkit/catalog'),
      import('@portalkit/mcp'),
      import('../store-spec.js'),
    ]);
    const opened = openStore(values.store!, { cwd: io.cwd, ...(values.schema !== undefined ? { schema: values.schema } : {}) });
    try {
      await opened.ready().catch((error: unknown) => {
        throw new ServiceUnavailableError(`cannot open the store ${opened.description}: ${(error as Error).message}`);
      });
      io.stderr.write(`portalkit mcp: serving the catalog in ${opened.description} on stdio\n`);
      const catalog = createCatalog({ store: opened.store, rootDir: io.cwd, logger: createCliLogger(io) });
      // stdio is the protocol channel: the process's own streams, not the command's io writers.
      const ended = new Promise<void>((resolve) => process.stdin.once('end', resolve).once('close', resolve));
      const server = await serveMcpStdio({ catalog }, { principal: hostPrincipal() }, { stdin: process.stdin, stdout: process.stdout });
      await ended;
      await server.close();
      return 0;
    } finally {
      await opened.close();
    }
  },
});

/** `portalkit mcp`: the MCP server over stdio. */
export const mcpCommands: CommandGroup = { name: 'mcp', summary: 'Serve the catalog to AI agents over MCP (stdio)', commands: [serve] };
