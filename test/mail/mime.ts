// Just enough MIME parsing for tests to read what a mail client would show: headers and decoded parts.

export interface MimePart {
  contentType: string;
  body: string;
}

export interface ParsedMail {
  headers: Record<string, string>;
  parts: MimePart[];
}

function splitHead(raw: string): { headers: Record<string, string>; body: string } {
  const normalized = raw.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  const head = end === -1 ? normalized : normalized.slice(0, end);
  const body = end === -1 ? '' : normalized.slice(end + 2);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'quoted-printable': {
      const bytes = body.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => `%${hex}`);
      // Percent-escape stray percent signs first so decodeURIComponent reads only the QP bytes.
      return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
    }
    case 'base64':
      return Buffer.from(body, 'base64').toString('utf8');
    default:
      return body;
  }
}

export function parseMail(raw: string): ParsedMail {
  const { headers, body } = splitHead(raw);
  const parts: MimePart[] = [];
  const walk = (partHeaders: Record<string, string>, partBody: string) => {
    const contentType = partHeaders['content-type'] ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
    if (/^multipart\//i.test(contentType) && boundary) {
      for (const chunk of partBody.split(`--${boundary}`).slice(1)) {
        if (chunk.startsWith('--')) break;
        const inner = splitHead(chunk.replace(/^\n/, ''));
        walk(inner.headers, inner.body);
      }
      return;
    }
    parts.push({ contentType: contentType.split(';')[0]!.trim().toLowerCase(), body: decodeBody(partBody, partHeaders['content-transfer-encoding']) });
  };
  walk(headers, body);
  return { headers, parts };
}

export function partOf(mail: ParsedMail, type: 'text/plain' | 'text/html'): string {
  const part = mail.parts.find((p) => p.contentType === type);
  if (!part) throw new Error(`no ${type} part in ${mail.parts.map((p) => p.contentType).join(', ')}`);
  return part.body;
}
