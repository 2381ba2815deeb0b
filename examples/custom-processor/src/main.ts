// `npx tsx examples/custom-processor/src/main.ts`: the demo data read through the codeowners processor.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCatalog } from '@portalkit/catalog';
import { codeownersProcessor } from './codeowners-processor.js';

const dataDir = fileURLToPath(new URL('../data/', import.meta.url));
const catalog = createCatalog({
  rootDir: dataDir,
  processors: [codeownersProcessor()],
  locations: [{ type: 'file', target: path.join(dataDir, 'catalog-info.yaml') }],
});
await catalog.refresh();

for (const entity of (await catalog.getEntities({ filter: { kind: 'component' } })).items) {
  const owners = (entity.relations ?? []).filter((r) => r.type === 'ownedBy').map((r) => r.targetRef);
  console.log(`${entity.metadata.name}: owned by ${owners.join(', ')}`);
}
for (const report of await catalog.getProcessingErrors()) {
  for (const error of report.errors) console.log(`problem in ${report.entityRef}: ${error.message}`);
}
