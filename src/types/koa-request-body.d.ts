// koa-body puts the parsed body on ctx.request.body; this tells TypeScript so.
import 'koa';

declare module 'koa' {
  interface Request {
    body?: unknown;
  }
}
