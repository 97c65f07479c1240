// The bare-koa baseline: serves fixed JSON documents by path, with nothing else in the way.
// Run as its own process: PORT and DOCUMENTS_FILE ({ "<path>": { "type", "body" } }).
import Koa from 'koa';
import { readFileSync } from 'node:fs';

const documents = JSON.parse(readFileSync(process.env.DOCUMENTS_FILE!, 'utf8')) as Record<string, { type: string; body: string }>;
const app = new Koa();
app.use((ctx) => {
  const document = documents[ctx.path];
  if (!document) {
    ctx.status = 404;
    return;
  }
  ctx.type = document.type;
  ctx.body = document.body;
});
app.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('listening\n'));
