import express, { type NextFunction, type Request, type Response } from 'express';
import { registerActivate } from './activate.routes';
import { registerAdmin } from './admin.routes';
import { registerBroadcasts } from './broadcast.routes';
import { xError } from './constants';
import type { SimContext } from './context';
import { registerGraphql } from './graphql.routes';
import { registerMedia } from './media.routes';
import { sendJson } from './respond';
import { registerSyndication } from './syndication.routes';

export function buildApp(ctx: SimContext, clearCounters: () => void): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  const router = express.Router();
  registerAdmin(router, ctx, clearCounters);
  registerActivate(router, ctx);
  registerGraphql(router, ctx);
  registerBroadcasts(router, ctx);
  registerSyndication(router, ctx);
  registerMedia(router, ctx);
  app.use(router);
  app.use((_req: Request, res: Response) => sendJson(res, 404, xError(34, 'Sorry, that page does not exist.')));
  // Express needs all four parameters to recognise an error handler.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = err instanceof Error && 'status' in err && typeof err.status === 'number' ? err.status : 500;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendJson(res, status, xError(status === 500 ? 131 : 214, status === 500 ? 'Internal error' : 'Bad request.'));
  });
  return app;
}
