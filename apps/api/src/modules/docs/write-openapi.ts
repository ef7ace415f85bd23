// npm run docs:openapi — writes docs/openapi.json from the same code that serves
// GET /api/v1/openapi.json (tests/api/docs.test.ts fails when the committed copy drifts).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildOpenApi } from './openapi';

export const OPENAPI_FILE = path.resolve(__dirname, '../../../../../docs/openapi.json');
export const OPENAPI_SERVER = 'http://localhost:3000';

export function renderOpenApi(): string {
  return `${JSON.stringify(buildOpenApi(OPENAPI_SERVER), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(OPENAPI_FILE, renderOpenApi());
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}
