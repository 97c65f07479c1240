// The JSON body parsers of the API routes: small limits, and a malformed body is the caller's 400.
import { koaBody } from 'koa-body';
import { badRequest } from './errors.ts';
import { t } from './i18n/format-message.ts';

/** A body that is not JSON is a 400 with the contract's error; the size limit keeps its 413. */
function refuseMalformed(error: Error): never {
  throw (error as { status?: number }).status === 413 ? error : badRequest(undefined, t('invalid_json'));
}

/** Every JSON endpoint: nothing legitimate comes near 64 KB. */
export const jsonBody = () =>
  koaBody({ json: true, urlencoded: false, multipart: false, text: false, jsonLimit: '64kb', jsonStrict: true, onError: refuseMalformed });

/** Bulk invitations only: 1,000 rows with metadata, as JSON or text/csv. */
export const bulkBody = () =>
  koaBody({
    json: true,
    urlencoded: false,
    multipart: false,
    text: true,
    textTypes: ['text/csv'],
    jsonLimit: '6mb',
    textLimit: '2mb',
    jsonStrict: true,
    onError: refuseMalformed,
  });
