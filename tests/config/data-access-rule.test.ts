import path from 'node:path';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';

/**
 * The data-access rule (docs/architecture.md): only repositories, lib/db, the composition roots
 * and tests may import the Prisma client. The settings are read from the project's own
 * eslint.config.js for each path, so a change there that lets a service import Prisma fails here.
 */
const root = path.resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

const PRISMA_IMPORTS = [
  "import type { PrismaClient } from '../../lib/db/prisma';",
  "import { Prisma } from '../../lib/db/prisma';",
  "import type { CreditKind } from '../../generated/prisma/enums';",
  "import { PrismaClient } from '../../generated/prisma/client';",
  "import { PrismaClient } from '@prisma/client';",
  "import { PrismaPg } from '@prisma/adapter-pg';",
];

/** The import-restriction settings that apply to `file`, run over `code` alone. */
async function restrictedImports(file: string, code: string): Promise<string[]> {
  const config = (await eslint.calculateConfigForFile(path.join(root, file))) as Linter.Config;
  const rule = config.rules?.['no-restricted-imports'];
  if (rule === undefined) return [];
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(code, [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, rules: { 'no-restricted-imports': rule } }], {
    filename: path.join(root, file),
  });
  return messages.map((m) => m.message);
}

describe('one data-access rule, enforced by lint', () => {
  it.each([
    'apps/api/src/modules/usage/usage.service.ts',
    'apps/api/src/modules/usage/usage.routes.ts',
    'apps/api/src/modules/accounts/sessions.service.ts',
    'apps/api/src/modules/accounts/email-tokens.ts',
    'apps/api/src/modules/billing/premium.middleware.ts',
    'apps/api/src/app.ts',
    'apps/api/src/lib/http/error-handler.ts',
  ])('when %s imports the Prisma client in any form, then lint refuses each import', async (file) => {
    for (const line of PRISMA_IMPORTS) {
      const messages = await restrictedImports(file, line);
      expect({ line, refused: messages.length === 1 && messages[0]?.includes("feature's repository") === true }).toEqual({ line, refused: true });
    }
  });

  it('when a service imports the Prisma error helper, then lint lets it (recognising errors is not querying)', async () => {
    expect(await restrictedImports('apps/api/src/modules/credits/credits.service.ts', "import { isPrismaError } from '../../lib/db/db-errors';")).toEqual([]);
  });

  it.each([
    'apps/api/src/modules/credits/credits.repository.ts',
    'apps/api/src/modules/accounts/accounts.repository.ts',
    'apps/api/src/lib/db/prisma.ts',
    'apps/api/src/container.ts',
    'apps/api/src/cli/main.ts',
    'apps/api/src/modules/credits/credits.service.test.ts',
    'tests/api/usage-flush.test.ts',
  ])('when %s imports the Prisma client, then lint lets it', async (file) => {
    for (const line of PRISMA_IMPORTS) expect(await restrictedImports(file, line)).toEqual([]);
  });
});
