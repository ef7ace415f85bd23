/** Mutation runs keep their template database for the worker's lifetime (see global-setup.ts). */
export default async function globalTeardown(): Promise<void> {}
