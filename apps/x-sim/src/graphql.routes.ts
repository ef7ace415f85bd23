import type { Request, Response, Router } from 'express';
import { X_ERRORS, graphqlValidationError, xError } from './constants';
import type { SimContext } from './context';
import { guestTokenOf, hasWebBearer } from './auth';
import { withFaults } from './fault.middleware';
import { asObject, asString, parseJson, type JsonObject } from './json';
import { sendJson, setRateHeaders } from './respond';
import { tweetDetailAnswer, tweetResultAnswer } from './graphql.answers';

const PATHS = ['/graphql/:queryId/:operation', '/i/api/graphql/:queryId/:operation'];
const ID_VARIABLE: Readonly<Record<string, string>> = {
  TweetResultByRestId: 'tweetId',
  TweetDetail: 'focalTweetId',
};

function queryParam(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' ? value : undefined;
}

function jsonParam(req: Request, name: string): JsonObject | undefined {
  const raw = queryParam(req, name);
  return raw === undefined ? undefined : asObject(parseJson(raw));
}

function operationOf(req: Request): string {
  const operation: unknown = req.params.operation;
  return typeof operation === 'string' ? operation : '';
}

function requestedId(req: Request): string | undefined {
  const key = ID_VARIABLE[operationOf(req)];
  return key ? asString(jsonParam(req, 'variables')?.[key]) : undefined;
}

function missingFeatures(features: JsonObject, required: readonly string[]): string[] {
  // X words it "cannot be null": an explicit null is as bad as a missing key.
  return required.filter((key) => features[key] === undefined || features[key] === null);
}

function answer(ctx: SimContext, req: Request, res: Response): void {
  if (!hasWebBearer(req)) return sendJson(res, 401, X_ERRORS.invalidBearer());
  const token = guestTokenOf(req);
  if (!token || !ctx.tokens.isValid(token) || ctx.faults.isTokenForbidden(token)) {
    return sendJson(res, 403, X_ERRORS.badGuestToken());
  }
  const spent = ctx.tokens.consume(token);
  if (!spent) return sendJson(res, 403, X_ERRORS.badGuestToken());
  setRateHeaders(res, spent.window);
  if (!spent.allowed) {
    ctx.counters.rateLimited += 1;
    return sendJson(res, 429, X_ERRORS.rateLimited());
  }

  const operation = operationOf(req);
  const idKey = ID_VARIABLE[operation];
  if (!idKey) return sendJson(res, 404, xError(34, 'Sorry, that page does not exist.'));
  const variables = jsonParam(req, 'variables');
  const features = jsonParam(req, 'features');
  if (!variables) return sendJson(res, 400, graphqlValidationError(214, 'Variables could not be parsed: expected a JSON object.'));
  if (!features) return sendJson(res, 400, graphqlValidationError(214, 'Features could not be parsed: expected a JSON object.'));
  const toggles = queryParam(req, 'fieldToggles');
  if (toggles !== undefined && !asObject(parseJson(toggles))) {
    return sendJson(res, 400, graphqlValidationError(214, 'FieldToggles could not be parsed: expected a JSON object.'));
  }
  const missing = missingFeatures(features, ctx.requiredFeatures);
  if (missing.length > 0) {
    return sendJson(res, 400, graphqlValidationError(336, `The following features cannot be null: ${missing.join(', ')}`));
  }
  const id = asString(variables[idKey]);
  if (!id || !/^\d{1,20}$/.test(id)) {
    return sendJson(res, 400, graphqlValidationError(214, `Variable "$${idKey}" of required type "NumericString!" was not provided.`));
  }
  const entry = ctx.fixtures.byId.get(id);
  sendJson(res, 200, operation === 'TweetDetail' ? tweetDetailAnswer(id, entry) : tweetResultAnswer(entry));
}

export function registerGraphql(router: Router, ctx: SimContext): void {
  router.get(
    PATHS,
    (req, _res, next) => {
      ctx.counters.graphqlCalls += 1;
      const id = requestedId(req);
      if (id) ctx.counters.graphqlCallsByTweetId.set(id, (ctx.counters.graphqlCallsByTweetId.get(id) ?? 0) + 1);
      next();
    },
    withFaults(ctx, 'graphql'),
    (req, res) => answer(ctx, req, res),
  );
}
