import type { Request, RequestHandler } from 'express';
import { AppError } from '../../lib/errors/app-error';
import { sendOk } from '../../lib/http/envelope';
import type { KeyService } from '../keys/keys.service';
import { sessionUserId } from '../accounts/session.middleware';
import { createKeySchema, keyIdSchema, renameKeySchema, type CreatedKeyData, type KeyDeletedData, type KeysData, type KeyViewData, type RotatedKeyData } from './dashboard.schemas';

function keyIdOf(req: Request): string {
  const parsed = keyIdSchema.safeParse(req.params.id);
  if (!parsed.success) throw new AppError('not_found', 'API key not found');
  return parsed.data;
}

/** The account's API keys, through KeyService (which pushes every change to the API's auth cache). */
export function createDashboardKeyHandlers(deps: { keys: KeyService }) {
  const list: RequestHandler = async (req, res) => {
    const data: KeysData = { keys: await deps.keys.list(sessionUserId(req)) };
    sendOk(res, data);
  };
  const create: RequestHandler = async (req, res) => {
    const body = createKeySchema.parse(req.body);
    const data: CreatedKeyData = await deps.keys.create(sessionUserId(req), body?.name);
    sendOk(res, data, 201);
  };
  const rename: RequestHandler = async (req, res) => {
    const { name } = renameKeySchema.parse(req.body);
    const data: KeyViewData = { view: await deps.keys.rename(sessionUserId(req), keyIdOf(req), name) };
    sendOk(res, data);
  };
  const revoke: RequestHandler = async (req, res) => {
    const data: KeyViewData = { view: await deps.keys.revoke(sessionUserId(req), keyIdOf(req)) };
    sendOk(res, data);
  };
  const rotate: RequestHandler = async (req, res) => {
    const data: RotatedKeyData = await deps.keys.rotate(sessionUserId(req), keyIdOf(req));
    sendOk(res, data);
  };
  const remove: RequestHandler = async (req, res) => {
    await deps.keys.remove(sessionUserId(req), keyIdOf(req));
    const data: KeyDeletedData = { deleted: true };
    sendOk(res, data);
  };
  return { list, create, rename, revoke, rotate, remove };
}
