import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSchemaDocument, schemaDocuments } from './json-schemas.ts';

export const SCHEMAS_DIR = fileURLToPath(new URL('../../../schemas/', import.meta.url));

function main(): void {
  mkdirSync(SCHEMAS_DIR, { recursive: true });
  for (const document of schemaDocuments()) {
    writeFileSync(`${SCHEMAS_DIR}${document.file}`, renderSchemaDocument(document));
    console.log(`wrote schemas/${document.file}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
