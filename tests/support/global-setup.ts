// Runs once before the whole suite. Individual suites create their own databases/schemas.
export default async function globalSetup(): Promise<void> {}
