import { createCatalog, type Entity, type EntityProvider, type EntityProviderConnection } from '@portalkit/catalog';
import { InputError, type Logger } from '@portalkit/core';
import { describe, expect, it } from 'vitest';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations: { 'backstage.io/managed-by-location': 'url:https://hr.example.com', 'backstage.io/managed-by-origin-location': 'url:https://hr.example.com' } },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});

/** A provider written for Backstage: a class with getProviderName(), keeping its connection in a field. */
class HrProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  constructor(private readonly names: string[]) {}
  getProviderName(): string {
    return 'hr-system';
  }
  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
  }
  /** The host calls this on its own schedule, as a Backstage backend module does. */
  async run(): Promise<void> {
    if (!this.connection) throw new Error('not connected');
    await this.connection.applyMutation({
      type: 'full',
      entities: this.names.map((name) => ({ entity: component(name), locationKey: 'hr-system' })),
    });
  }
}

describe('a provider ported from Backstage (getProviderName instead of name)', () => {
  it('connects, owns what it pushes, and reports its status under getProviderName()', async () => {
    const provider = new HrProvider(['payroll', 'benefits']);
    const catalog = createCatalog({ providers: [provider], logger: silent });
    await catalog.refresh();
    await provider.run();
    const { items } = await catalog.query({ filter: { kind: 'component' } });
    expect(items.map((e) => e.metadata.name).sort()).toEqual(['benefits', 'payroll']);
    const [status] = await catalog.getProviderStatuses();
    expect(status).toMatchObject({ name: 'hr-system', state: 'ready' });
    await catalog.stop();
  });

  it('refuses a provider with neither name nor a getProviderName() that returns one, and two with one name', () => {
    const nameless = { connect: async () => {} } as EntityProvider;
    const broken = { getProviderName: () => { throw new Error('boom'); }, connect: async () => {} } as EntityProvider;
    expect(() => createCatalog({ providers: [nameless], logger: silent })).toThrow(InputError);
    expect(() => createCatalog({ providers: [broken], logger: silent })).toThrow(/needs a name \(or getProviderName\(\)\)/);
    expect(() => createCatalog({ providers: [new HrProvider([]), { name: 'hr-system', connect: async () => {} }], logger: silent })).toThrow(
      /two providers are named "hr-system"/,
    );
  });
});
